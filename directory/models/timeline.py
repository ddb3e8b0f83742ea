"""The timeline kept: every service's place on it on a date, computed once per data version and date.

``ServiceQuerySet.computed_timeline`` is the one home of the timeline's rule; evaluated for every service on
every request it cost most of a search page's time at national scale (several correlated subqueries over the
status events for each of thousands of services, and their compilation). ``with_timeline`` and
``operating_on`` read it from here instead: on first use for a (data version, date), one statement (an
``INSERT … SELECT`` compiled from the computed queryset) writes every service's row, and pages then read it
by index.

It is a cache and never outlives the data it was computed from. Rows are keyed by the **data version**
(``directory.pagecache.current_version``), which every edit changes inside its own transaction: a reader sees
either the old version (and its rows) or the new one (and fills it), never a mix. Writes that send no signals
bump the version themselves (see ``pagecache``); ``migrate`` and ``flush`` bump it (``post_migrate``).

- Two requests filling the same (version, date) at once both succeed (``ON CONFLICT DO NOTHING``); while one
  holds the fill lock in the shared cache, the others compute their own page with the rule directly.
- A superseded version's rows are deleted once a newer version has been in use for ``GRACE`` (a request still
  reading the old version keeps its rows), by the next fill.
- At most ``DATES_PER_VERSION`` dates are kept for one version besides today (the coverage page takes any
  date): beyond that a date is computed each time, as before.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

from .service import Service

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(minutes=5)  # far longer than any request (gunicorn's timeout is 30 s by default)
DATES_PER_VERSION = 24  # besides today
FILL_LOCK_SECONDS = 120


class TimelineDay(models.Model):
    """One service on ``with_timeline``'s timeline on ``date``, at data version ``version``: its annotations, kept.

    Written only by :func:`timeline_version` (never edited; no history, no signals, no data version bump).
    """

    version = models.CharField(max_length=64)
    date = models.DateField()
    # No database constraint and nothing done on delete: a deleted service's rows belong to a superseded version
    # (the delete bumped it) and go with it.
    service = models.ForeignKey(
        Service, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="timeline_days"
    )
    status = models.CharField(max_length=20, blank=True)  # timeline_status
    evidence = models.DateField(null=True)  # timeline_evidence
    evidence_source = models.TextField(null=True)
    earliest = models.TextField(null=True)  # timeline_earliest
    unconfirmed = models.DateField(null=True)  # timeline_unconfirmed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "date", "service"], name="timeline_day_once_per_service")
        ]

    def __str__(self):
        return f"{self.service_id} on {self.date} at {self.version}: {self.status}"


class TimelineFill(models.Model):
    """That every service's row for (``version``, ``date``) is written, and when (for the grace period)."""

    version = models.CharField(max_length=64)
    date = models.DateField()
    filled_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "date"], name="timeline_fill_once")]

    def __str__(self):
        return f"{self.date} at {self.version}"


# The columns written, and the computed annotation each comes from.
COLUMNS = {
    "service_id": "timeline_service",
    "status": "timeline_status",
    "evidence": "timeline_evidence",
    "evidence_source": "evidence_source",
    "earliest": "timeline_earliest",
    "unconfirmed": "timeline_unconfirmed",
}

# What this process knows is filled: {version: {date: the transaction it was seen in, or None}}. A fill (or its
# marker) seen inside a transaction counts only while that transaction's innermost atomic block is open: if it
# rolls back, the rows go with it. Seen outside one, it is committed for good.
_known = {}


def _number(version):
    """The counter part of a data version ("12-3fa…" → 12): a later committed version has a larger number."""
    head = version.partition("-")[0]
    return int(head) if head.isdigit() else 0


def _known_filled(version, date):
    seen = _known.get((connection.alias, connection.settings_dict["NAME"], version), {})
    if date not in seen:
        return False
    block = seen[date]
    return block is None or any(open_block is block for open_block in connection.atomic_blocks)


def _remember(version, dates):
    if version == "0":  # no version row yet (an empty database): "0" comes back after a rollback or a flush
        return
    key = (connection.alias, connection.settings_dict["NAME"], version)
    if key not in _known:
        _known.clear()  # one version at a time: a new one supersedes what was known
    block = connection.atomic_blocks[-1] if connection.in_atomic_block else None
    seen = _known.setdefault(key, {})
    for date in dates:
        if seen.get(date, False) is not None:
            seen[date] = block


def timeline_version(date):
    """The data version whose ``TimelineDay`` rows hold every service's timeline on ``date``, written first where
    they are not (one statement for all services); ``None`` where this date is not kept (too many dates for this
    version already, or another request is writing them now): the caller computes it instead
    (``ServiceQuerySet.computed_timeline``).

    Queries: none once this process has seen the date filled; one (the markers) to find out; two more to fill
    it, and two more where superseded versions are due to be deleted.
    """
    from directory.pagecache import current_version

    version = current_version()
    if _known_filled(version, date):
        return version
    markers = list(TimelineFill.objects.values_list("version", "date", "filled_at"))
    filled = {day for other, day, _at in markers if other == version}
    _remember(version, filled)
    if date in filled:
        return version
    if date != timezone.localdate() and len(filled) >= DATES_PER_VERSION:
        return None
    lock = f"timeline-fill:{connection.alias}:{version}:{date.isoformat()}"
    if not cache.add(lock, 1, FILL_LOCK_SECONDS):
        return None
    try:
        _fill(version, date)
    finally:
        cache.delete(lock)
    _remember(version, [date])
    _delete_superseded(version, markers)
    return version


def _fill(version, date):
    """Every service's row for (``version``, ``date``), from the computed timeline, in one statement; then its
    marker (a reader that finds rows without it fills again, harmlessly: nothing is written twice)."""
    computed = (
        Service.objects.computed_timeline(date)
        .annotate(timeline_service=models.F("pk"))
        .order_by()
        .values(*COLUMNS.values())
    )
    sql, params = computed.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(TimelineDay._meta.db_table)
    columns = ", ".join(quote(TimelineDay._meta.get_field(name).column) for name in ("version", "date", *COLUMNS))
    selected = ", ".join(f"computed.{quote(name)}" for name in COLUMNS.values())
    # Every value is a parameter; the names are the models' own and the select is the ORM's compiled text. The WHERE
    # tells SQLite's parser that ON begins the conflict clause, not a join's condition.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT %s, %s, {selected} FROM ({sql}) computed "  # noqa: S608
        "WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    marked = ", ".join(quote(TimelineFill._meta.get_field(name).column) for name in ("version", "date", "filled_at"))
    marker = f"INSERT INTO {quote(TimelineFill._meta.db_table)} ({marked}) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"  # noqa: S608
    # The planner's statistics must know the new version and date, or it takes every row of the kept day for
    # one (and reads thousands of services by id to pick a page of twenty: 40 ms instead of 0.4 ms).
    analyze = f"ANALYZE {table}" + (" (version, date, status)" if connection.vendor == "postgresql" else "")
    day = connection.ops.adapt_datefield_value(date)
    with connection.cursor() as cursor:
        cursor.execute(statement, [version, day, *params])
        cursor.execute(marker, [version, day, connection.ops.adapt_datetimefield_value(timezone.now())])
        cursor.execute(analyze)


def _delete_superseded(version, markers):
    """Delete the rows of every version older than one in use for longer than ``GRACE`` (``markers``: every
    ``(version, date, filled_at)`` kept): a request still reading the version before keeps its rows meanwhile."""
    settled = [_number(other) for other, _day, at in markers if at <= timezone.now() - GRACE]
    if not settled:
        return
    old = {other for other, _day, _at in markers if other != version and _number(other) < max(settled)}
    if old:
        TimelineDay.objects.filter(version__in=old)._raw_delete(connection.alias)
        TimelineFill.objects.filter(version__in=old)._raw_delete(connection.alias)


def fill_after_an_edit():
    """Keep the current version's timeline for the dates readers ask for without choosing one: today (every list of
    services) and the newest source's date (``evidence_horizon``: the coverage pages' default date).

    Called once a request that changed the directory has sent its response (``pagecache``): without it, the first
    reader of each of those dates after an edit paid its fill (0.5-1 s at 10,000 services) in their own request.
    Anything else (a date a commissioner types, a bulk change made outside a request) is filled on first use as
    before. A failure here is only logged: readers then fill as they would have.
    """
    from .evidence import evidence_horizon

    try:
        dates = [timezone.localdate(), evidence_horizon()]
        for date in dict.fromkeys(date for date in dates if date is not None):
            timeline_version(date)
    except Exception:  # noqa: BLE001 - the edit is done and answered; a reader fills what is missing
        logger.warning("the kept timeline was not filled after an edit", exc_info=True)
