"""When a service needs review: never verified by an editor, or last verified too long ago.

The rule's one definition is ``needs_review_condition(today)``, a condition on the service's
own fields. ``ServiceQuerySet.needing_review`` and ``verified_recently`` filter by it in the
database; ``Service.needs_review(today)`` reads the same condition on a service already loaded
(``holds``), so a page listing services asks no query per row. The period is the setting
``EDITORIAL_REVIEW_AFTER_MONTHS`` (12 unless the environment says otherwise).
"""

import calendar

from django.conf import settings
from django.db.models import Q


def months_before(day, months):
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on_or_before(today):
    """Services last verified on or before this date need review."""
    return months_before(today, settings.EDITORIAL_REVIEW_AFTER_MONTHS)


def needs_review_condition(today):
    """The rule: never verified, or last verified on or before ``review_due_on_or_before(today)``."""
    return Q(last_verified__isnull=True) | Q(last_verified__lte=review_due_on_or_before(today))


# The lookups ``holds`` can read in Python, each as the database reads it (a missing value meets no comparison).
PYTHON_LOOKUPS = {
    "exact": lambda value, wanted: value == wanted,
    "isnull": lambda value, wanted: (value is None) is bool(wanted),
    "lt": lambda value, bound: value is not None and value < bound,
    "lte": lambda value, bound: value is not None and value <= bound,
    "gt": lambda value, bound: value is not None and value > bound,
    "gte": lambda value, bound: value is not None and value >= bound,
}


def holds(condition, obj):
    """Whether one loaded row meets ``condition``: a ``Q`` over its own fields with the lookups above.

    The database's answer for the same row, read without a query. A lookup it cannot read (a join,
    another lookup) is a ``KeyError``, not a guess.
    """
    met = (holds(child, obj) if isinstance(child, Q) else _meets(obj, *child) for child in condition.children)
    result = any(met) if condition.connector == Q.OR else all(met)
    return not result if condition.negated else result


def _meets(obj, path, wanted):
    field, _, lookup = path.partition("__")
    return PYTHON_LOOKUPS[lookup or "exact"](getattr(obj, field), wanted)
