"""Coverage for commissioners: which areas have services at which risk levels, on any date.

The database says which services run on a date and where (``coverage_index``: the timeline verb,
the join tables, the stated gaps' services in one query); Python looks them up by area for each
council. The number of queries is fixed however many areas and services there are, and the Python
work grows with what the matrix lists, not with councils × services.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from directory.eligibility import Eligibility
from directory.models import (
    RiskLevel,
    Service,
    Status,
    Tier,
    shown_to_its_precision,
)
from regions.models import Area, AreaGraph, AreaKind

from . import coverage_index

# Tiers that work with people who cause harm directly: the risk-level columns
# count these. Partner support and multi-agency panels appear in the tier
# columns only, since they are not a service a person at that risk can attend.
INTERVENTION_TIERS = coverage_index.INTERVENTION_TIERS

GROUPINGS = {
    "police_force_area": AreaKind.POLICE_FORCE_AREA,
    "health_board": AreaKind.HEALTH_BOARD,
    "vawdasv_region": AreaKind.VAWDASV_REGION,
}


# --------------------------------------------------------------------------
# A service's status on a date: the one timeline (ServiceQuerySet.with_timeline)
# --------------------------------------------------------------------------


class Timeline:
    """Each service's status on any date, asked of the database once per date (see ``with_timeline``)."""

    def __init__(self, queryset=None):
        self.queryset = queryset if queryset is not None else Service.objects.referable()
        self._by_date = {}

    def load(self, dates):
        """Ask the database for every date in ``dates`` not yet known, in one query (a UNION ALL), so a page
        that needs many dates (the stated gaps' documents) still runs a fixed number of queries."""
        wanted = sorted({date for date in dates if date is not None} - set(self._by_date))
        if not wanted:
            return
        per_date = [
            self.queryset.with_timeline(date).order_by().values_list("pk", "timeline_status", "timeline_date")
            for date in wanted
        ]
        for date in wanted:
            self._by_date[date] = {}
        for pk, status, date in per_date[0].union(*per_date[1:], all=True):
            self._by_date[date][pk] = status

    def on(self, date):
        """``{service pk: status}`` on ``date`` (``""`` where nothing is known)."""
        if date not in self._by_date:
            rows = self.queryset.with_timeline(date).values_list("pk", "timeline_status")
            self._by_date[date] = dict(rows)
        return self._by_date[date]


def status_on(service, date, timeline=None):
    """The service's status on ``date`` from the one timeline, or ``None`` where nothing is known by then."""
    status = (timeline or Timeline(Service.objects.filter(pk=service.pk))).on(date).get(service.pk)
    return status or None


def is_operating_on(service, date, timeline=None):
    return status_on(service, date, timeline) in Status.operating()


def is_criminal_justice_only(service):
    """Open only to people with a conviction or caution (or court-mandated): ``Eligibility.criminal_justice_only``."""
    return Eligibility.of(service).criminal_justice_only


# --------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    as_of: datetime.date
    group_by: str = "police_force_area"
    include_criminal_justice: bool = True
    include_pilots: bool = True


@dataclass
class Cell:
    """The services a matrix cell counts, and (for a risk level) those here whose documents give no risk level.

    Holds the services' ids; ``services`` and ``unstated`` read the instances (once per matrix) only where a
    list is shown, so the matrix page itself reads no service rows."""

    ids: list = field(default_factory=list)
    unstated_ids: list = field(default_factory=list)
    open_count: int = 0  # how many of the counted services are open without a conviction, caution or court order
    confirmed_count: int = 0  # how many of the counted services have evidence newer than the threshold on the date
    # Where every counted service's newest evidence is older than the threshold: the newest of them, as a month
    # or a year ("November 2023"), or "" where none is dated.
    not_confirmed_since: str = ""
    not_confirmed_since_iso: str = ""  # the same in ISO 8601 for the CSVs ("2023-11", "2018", "after 2019-04")
    lookup: coverage_index.ServiceLookup | None = field(default=None, repr=False, compare=False)
    # The date is before the earliest source: nothing is known of services then, so no service is not a gap.
    before_evidence: bool = False
    href: str = ""  # the cell page's address, where the page links to it (``link_cells``)

    @property
    def services(self):
        return self.lookup.services(self.ids) if self.ids else []

    @property
    def unstated(self):
        return self.lookup.services(self.unstated_ids) if self.unstated_ids else []

    @property
    def count(self):
        return len(self.ids)

    @property
    def unstated_count(self):
        return len(self.unstated_ids)

    @property
    def is_gap(self):
        """No service at all: neither one stated to take this risk level nor one whose level is not stated, on a
        date some source speaks for (before the earliest source it is ``not_known``, not a gap)."""
        return not self.ids and not self.unstated_ids and not self.before_evidence

    @property
    def not_known(self):
        """No service, on a date before the earliest source: nothing is known then, so not a gap."""
        return not self.ids and not self.unstated_ids and self.before_evidence

    @property
    def only_unstated(self):
        return not self.ids and bool(self.unstated_ids)

    @property
    def only_stale(self):
        """Counted services, but none confirmed within the threshold: "1 — not confirmed since November 2023"."""
        return bool(self.ids) and not self.confirmed_count

    @property
    def only_with_conviction(self):
        """Counted services, but every one needs a conviction, caution or court order."""
        return bool(self.ids) and not self.open_count

    @property
    def state(self):
        """What the cell says, the weakest first: ``not_known`` (no service, before the earliest source), ``gap``
        (no service), ``unstated`` (only services whose risk level
        or councils are not stated), ``stale`` (only services not confirmed within the threshold),
        ``conviction_only`` (only services that need a conviction, caution or court order) or ``covered``."""
        if not self.ids:
            if self.unstated_ids:
                return "unstated"
            return "not_known" if self.before_evidence else "gap"
        if self.only_stale:
            return "stale"
        if self.only_with_conviction:
            return "conviction_only"
        return "covered"

    @property
    def any_listed(self):
        return bool(self.ids or self.unstated_ids)

    @property
    def listed(self):
        """Everything the cell's list shows: the counted services, then those of unstated risk level."""
        return [*self.services, *self.unstated]


@dataclass
class Row:
    area: Area
    by_risk: dict
    # Builds ``by_tier`` on first use: a national page shows every council's risk-level gaps (the summary, the map)
    # but the kind-of-service columns of one grouping's councils only.
    tiers: Callable[[], dict] = field(repr=False, compare=False)

    @functools.cached_property
    def by_tier(self):
        return self.tiers()

    @property
    def risk_gaps(self):
        """The risk levels with no service (not even one of unstated risk level), lowest first."""
        return [level for level, cell in self.by_risk.items() if cell.is_gap]

    @property
    def unstated_levels(self):
        """The risk levels where the only services here do not state their risk levels."""
        return [level for level, cell in self.by_risk.items() if cell.only_unstated]

    def cell(self, column):
        """The cell for ``risk:<slug>`` or ``tier:<value>``, or ``None``."""
        kind, _, value = column.partition(":")
        if kind == "risk":
            return next((cell for level, cell in self.by_risk.items() if level.slug == value), None)
        if kind == "tier":
            return next((cell for tier, cell in self.by_tier.items() if tier.value == value), None)
        return None


# Up to this many councils the page shows the whole matrix at once (the real Welsh directory: 22 councils and a
# few over the border, about 300 cells). Above it (England and Wales: ~300 councils, ~3,400 cells, 1.4 MB) the page
# shows every grouping's gaps in one summary and the matrix of one grouping at a time (``?group=<slug>``).
WHOLE_MATRIX_COUNCILS = 40
OTHER_GROUP = "other"  # the ``group`` of the councils in no grouping of the chosen kind


@dataclass
class Group:
    area: Area | None
    rows: list

    @property
    def slug(self):
        """What ``?group=`` names it by: the grouping area's slug, or ``other`` for councils in none."""
        return self.area.slug if self.area else OTHER_GROUP

    def gaps_by_level(self, risk_levels):
        """``[(risk level, councils with no service, councils with only services not stating it)]``."""
        return [
            (
                level,
                sum(1 for row in self.rows if row.by_risk[level].is_gap),
                sum(1 for row in self.rows if row.by_risk[level].only_unstated),
            )
            for level in risk_levels
        ]


@dataclass
class Matrix:
    options: Options
    risk_levels: list
    tiers: list
    groups: list
    graph: AreaGraph
    service_ids: list
    lookup: coverage_index.ServiceLookup = field(repr=False, compare=False)
    earliest_evidence: datetime.date | None = None  # the earliest source's date (``evidence_span``)

    @property
    def before_evidence(self):
        """The date is before the earliest source: nothing is known of services then, so a zero is not a gap."""
        return self.earliest_evidence is not None and self.options.as_of < self.earliest_evidence

    @property
    def earliest_evidence_shown(self):
        """The earliest source's date as precisely as it is known ("2013", not "1 January 2013")."""
        return shown_to_its_precision(self.earliest_evidence)

    @property
    def services(self):
        """Every service counted on the date under the options (instances, read on first use)."""
        return self.lookup.services(self.service_ids)

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    @property
    def one_group_at_a_time(self):
        """Too many councils for one page (``WHOLE_MATRIX_COUNCILS``): a summary, then one grouping's matrix."""
        return sum(len(group.rows) for group in self.groups) > WHOLE_MATRIX_COUNCILS

    def group(self, slug):
        """The group ``?group=`` names, or ``None``."""
        return next((group for group in self.groups if group.slug == slug), None)

    @property
    def column_count(self):
        """The table's columns: the council, one per risk level and one per kind of service."""
        return 1 + len(self.risk_levels) + len(self.tiers)


def load_services():
    """Every referable service's areas and risk levels (read on first use; two queries whatever the size)."""
    return coverage_index.ServiceAreas()


def _cell(items, unstated, lookup, before_evidence=False):
    confirmed = sum(1 for item in items if not item.stale)
    # The newest evidence matters only where no counted service is confirmed ("not confirmed since …").
    newest = (
        None
        if confirmed
        else max((item for item in items if item.evidence), key=lambda item: item.evidence, default=None)
    )
    return Cell(
        ids=[item.pk for item in items],
        unstated_ids=[item.pk for item in unstated],
        open_count=sum(1 for item in items if not item.criminal_justice_only),
        confirmed_count=confirmed,
        not_confirmed_since=newest.confirmed_since if newest and items and not confirmed else "",
        not_confirmed_since_iso=newest.confirmed_since_iso if newest and items and not confirmed else "",
        lookup=lookup,
        before_evidence=before_evidence,
    )


def council_row(council, index, graph, risk_levels, lookup, before_evidence=False):
    """One council's cells: the counted services covering it (wholly or in part), by risk level and by tier."""
    whole, part = graph.coverage_sets(council.pk)
    here = coverage_index.here(index, whole, part)
    # Listed for a larger area without naming this council.
    somewhere = {item.pk for item in here if item.somewhere and council.pk not in item.areas}
    direct = [item for item in here if item.direct]
    # Not counted, listed apart: no risk level stated, or listed for a larger area without naming this council.
    unstated = [item for item in direct if not item.levels or item.pk in somewhere]
    stated = [item for item in direct if item.levels and item.pk not in somewhere]
    by_risk = {}
    for level in risk_levels:
        level_pk = level.pk
        by_risk[level] = _cell([item for item in stated if level_pk in item.levels], unstated, lookup, before_evidence)

    def by_tier():
        # A service listed "somewhere in" a larger area is listed apart under its tier too, not counted.
        listed = {tier.value: ([], []) for tier in Tier}
        for item in here:
            listed[item.tier][1 if item.pk in somewhere else 0].append(item)
        return {tier: _cell(*listed[tier.value], lookup, before_evidence) for tier in Tier}

    return Row(council, by_risk, by_tier)


def build_matrix(options, *, services=None, graph=None, timeline=None, only=None, earliest_evidence=None):
    """The matrix under ``options``; ``only`` (a council) builds that council's row alone. ``earliest_evidence``
    (the earliest source's date, ``evidence_span``) makes empty cells on an earlier date ``not_known``, not gaps.

    ``services`` is ``load_services()``'s reading of areas and risk levels, shared by the matrices of one page;
    the counted services come from the timeline verb in the database (``coverage_index.counted``), so
    ``timeline`` is only accepted for callers that still pass one."""
    graph = graph or AreaGraph.load()
    facts = coverage_index.counted(options, services if services is not None else load_services())
    lookup = coverage_index.ServiceLookup(item.pk for item in facts)
    index = coverage_index.by_area(facts)
    risk_levels = list(RiskLevel.objects.all())
    councils = Area.objects.local_authorities().prefetch_related("within")
    councils = list(councils.filter(pk=only.pk) if only is not None else councils)
    grouping_kind = GROUPINGS.get(options.group_by, AreaKind.POLICE_FORCE_AREA)
    before_evidence = earliest_evidence is not None and options.as_of < earliest_evidence

    groups = {}
    for council in councils:
        grouping = next((a for a in council.within.all() if a.kind == grouping_kind), None)
        groups.setdefault(grouping, []).append(council_row(council, index, graph, risk_levels, lookup, before_evidence))

    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0].name if item[0] else ""))
    return Matrix(
        options=options,
        risk_levels=risk_levels,
        tiers=list(Tier),
        groups=[Group(area, sorted(rows, key=lambda row: row.area.name)) for area, rows in ordered],
        graph=graph,
        service_ids=[item.pk for item in facts],
        lookup=lookup,
        earliest_evidence=earliest_evidence,
    )


def link_cells(matrix, query, url, rows=None):
    """Give each cell its ``href``: ``url`` (the cell page) with the page's query, this council, this column and
    the matrix's date, and no comparison date. What ``{% querystring area=… column=… as_of=… compare=None %}``
    gives (the same parameters in the same order, encoded as ``QueryDict.urlencode`` encodes them), for ``rows``
    (the rows a page shows; every row by default), built here
    because the template tag costs more than the whole matrix at national scale: the page's own parameters are
    encoded once, then each cell only joins its council's and its column's."""

    def encoded(key, value):
        return urlencode({key.encode(): str(value).encode()})

    slots = ("area", "column")
    keys = [key for key in query if key != "compare"] + [key for key in (*slots, "as_of") if key not in query]
    parts = []  # encoded text, or the name of a slot each cell fills
    for key in keys:
        if key in slots:
            parts.append(key)
        elif key == "as_of":
            parts.append(encoded(key, matrix.options.as_of.isoformat()))
        else:
            parts += [encoded(key, value) for value in query.getlist(key)]
    columns = {}
    for row in matrix.rows if rows is None else rows:
        area = encoded("area", row.area.slug)
        cells = [(f"risk:{level.slug}", cell) for level, cell in row.by_risk.items()]
        cells += [(f"tier:{tier.value}", cell) for tier, cell in row.by_tier.items()]
        for column, cell in cells:
            if column not in columns:
                columns[column] = encoded("column", column)
            filled = {"area": area, "column": columns[column]}
            cell.href = f"{url}?{'&'.join(filled.get(part, part) for part in parts)}"


def compare_gaps(first, second, rows=None):
    """``[(council, [(risk level, cell on the first date, cell on the second date)])]`` for ``rows`` of ``first``
    (every row by default)."""
    later = {row.area.pk: row for row in second.rows}
    return [
        (row.area, [(level, row.by_risk[level], later[row.area.pk].by_risk[level]) for level in first.risk_levels])
        for row in (first.rows if rows is None else rows)
    ]
