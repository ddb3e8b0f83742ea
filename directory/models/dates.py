"""Start and end dates known to a day, a month or a year: their precisions, the constraints that keep a date
and its precision in step, and the date written as precisely as it is known."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .evidence import Precision

# A start or end date is known to a day, a month or a year (``Precision``'s first three).
DATED = [Precision.DAY, Precision.MONTH, Precision.YEAR]
DATE_PRECISIONS = [(value, label) for value, label in Precision.choices if value in DATED]


def at_precision(field):
    """The named constraints that keep ``<field>_date`` and ``<field>_precision`` in step: a valid precision, and
    a month or year entered as its first day."""
    date, precision = f"{field}_date", f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{precision}__in": DATED}),
            name=f"service_{field}_precision_valid",
            violation_error_message=_("Choose day, month or year for how precisely the date is known."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{date}__isnull": True})
            | Q(**{precision: Precision.DAY})
            | (Q(**{precision: Precision.MONTH}) & Q(**{f"{date}__day": 1}))
            | (Q(**{precision: Precision.YEAR}) & Q(**{f"{date}__day": 1, f"{date}__month": 1})),
            name=f"service_{field}_partial_date_is_its_first_day",
            violation_error_message=_(
                "Enter a date known to the month as the month's first day, and one known to the year as 1 January."
            ),
        ),
    ]


def iso_at_precision(date, precision):
    """A date in ISO 8601 as precisely as it is known: "2023-11-20", "2024-01", "2018"."""
    if date is None:
        return ""
    if precision == Precision.YEAR:
        return f"{date.year:04d}"
    if precision == Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
