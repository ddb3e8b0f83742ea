"""Coverage for commissioners: which areas have services at which risk levels, on any date.

The database says which services run on a date and where (``coverage_index``: the timeline verb,
the join tables, the stated gaps' services in one query); Python looks them up by area for each
council. The number of queries is fixed however many areas and services there are, and the Python
work grows with what the matrix lists, not with councils × services.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Q

from directory import csv_safe
from directory.eligibility import Eligibility
from directory.models import (
    FundingLongevity,
    RiskLevel,
    Service,
    StatedGap,
    Status,
    Tier,
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
    lookup: coverage_index.ServiceLookup | None = field(default=None, repr=False, compare=False)
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
        """No service at all: neither one stated to take this risk level nor one whose level is not stated."""
        return not self.ids and not self.unstated_ids

    @property
    def only_unstated(self):
        return not self.ids and bool(self.unstated_ids)

    @property
    def state(self):
        """``covered``, ``unstated`` (only services whose risk level is not stated) or ``gap``."""
        return "covered" if self.ids else "unstated" if self.unstated_ids else "gap"

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
    by_tier: dict

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


@dataclass
class Group:
    area: Area | None
    rows: list


@dataclass
class Matrix:
    options: Options
    risk_levels: list
    tiers: list
    groups: list
    graph: AreaGraph
    service_ids: list
    lookup: coverage_index.ServiceLookup = field(repr=False, compare=False)

    @property
    def services(self):
        """Every service counted on the date under the options (instances, read on first use)."""
        return self.lookup.services(self.service_ids)

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    @property
    def column_count(self):
        """The table's columns: the council, one per risk level and one per kind of service."""
        return 1 + len(self.risk_levels) + len(self.tiers)


def load_services():
    """Every referable service's areas and risk levels (read on first use; two queries whatever the size)."""
    return coverage_index.ServiceAreas()


def _cell(items, unstated, lookup):
    return Cell(
        ids=[item.pk for item in items],
        unstated_ids=[item.pk for item in unstated],
        open_count=sum(1 for item in items if not item.criminal_justice_only),
        lookup=lookup,
    )


def council_row(council, index, graph, risk_levels, lookup):
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
        by_risk[level] = _cell([item for item in stated if level_pk in item.levels], unstated, lookup)
    # A service listed "somewhere in" a larger area is listed apart under its tier too, not counted.
    by_tier = {tier.value: ([], []) for tier in Tier}
    for item in here:
        by_tier[item.tier][1 if item.pk in somewhere else 0].append(item)
    by_tier = {tier: _cell(*by_tier[tier.value], lookup) for tier in Tier}
    return Row(council, by_risk, by_tier)


def build_matrix(options, *, services=None, graph=None, timeline=None, only=None):
    """The matrix under ``options``; ``only`` (a council) builds that council's row alone.

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

    groups = {}
    for council in councils:
        grouping = next((a for a in council.within.all() if a.kind == grouping_kind), None)
        groups.setdefault(grouping, []).append(council_row(council, index, graph, risk_levels, lookup))

    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0].name if item[0] else ""))
    return Matrix(
        options=options,
        risk_levels=risk_levels,
        tiers=list(Tier),
        groups=[Group(area, sorted(rows, key=lambda row: row.area.name)) for area, rows in ordered],
        graph=graph,
        service_ids=[item.pk for item in facts],
        lookup=lookup,
    )


def link_cells(matrix, query, url):
    """Give each cell its ``href``: ``url`` (the cell page) with the page's query, this council, this column and
    the matrix's date, and no comparison date. What ``{% querystring area=… column=… as_of=… compare=None %}``
    gives, built here because the template tag costs more than the whole matrix at national scale."""
    as_of = matrix.options.as_of.isoformat()
    for row in matrix.rows:
        columns = [(f"risk:{level.slug}", cell) for level, cell in row.by_risk.items()]
        columns += [(f"tier:{tier.value}", cell) for tier, cell in row.by_tier.items()]
        for column, cell in columns:
            params = query.copy()
            params["area"] = row.area.slug
            params["column"] = column
            params["as_of"] = as_of
            if "compare" in params:
                del params["compare"]
            cell.href = f"{url}?{params.urlencode()}"


def compare_gaps(first, second):
    """``[(council, [(risk level, cell on the first date, cell on the second date)])]``."""
    later = {row.area.pk: row for row in second.rows}
    return [
        (row.area, [(level, row.by_risk[level], later[row.area.pk].by_risk[level]) for level in first.risk_levels])
        for row in first.rows
    ]


# --------------------------------------------------------------------------
# Gaps the documents state, beside what the data says
# --------------------------------------------------------------------------


@dataclass
class GapCheck:
    gap: StatedGap
    checkable: bool
    then: list  # services the data counts on the date the document speaks for
    now: list  # services the data counts on the chosen date

    @property
    def dated(self):
        """False for a gap from an undated document: there is no "then" to compare with."""
        return self.gap.as_of is not None

    @property
    def agrees(self):
        return self.checkable and self.dated and not self.then


def gap_footprint(gap, graph):
    """The ids of every area whose services would be in ``gap``'s areas, wholly or in part."""
    footprint = set()
    for area in gap.areas.all():
        whole, part = graph.coverage_sets(area.pk)
        footprint |= whole | part
    return footprint


def _in_order(found):
    """``{key: [pk]}`` → ``{key: [Service]}``, each list in the directory's order (name, slug), in one query."""
    wanted = {pk for pks in found.values() for pk in pks}
    ordered = list(Service.objects.filter(pk__in=wanted)) if wanted else []
    rank = {service.pk: position for position, service in enumerate(ordered)}
    objects = {service.pk: service for service in ordered}
    return {key: [objects[pk] for pk in sorted(pks, key=rank.__getitem__)] for key, pks in found.items()}


def gap_services(gap, services, graph, date, timeline=None):
    """Services that would fill ``gap`` on ``date`` according to the data (pages use ``check_stated_gaps``,
    which asks about every gap in one query)."""
    services = services if isinstance(services, coverage_index.ServiceAreas) else load_services()
    return _in_order(coverage_index.gap_fillers([(0, gap, gap_footprint(gap, graph), date)], services))[0]


def check_stated_gaps(*, as_of, services=None, graph=None, timeline=None):
    """Each gap a document states (up to ``as_of``, and any from undated documents), with what the data computes
    then and on ``as_of``: every gap on both dates in one query (``coverage_index.gap_fillers``)."""
    graph = graph or AreaGraph.load()
    gaps = list(
        StatedGap.objects.filter(Q(as_of__lte=as_of) | Q(as_of__isnull=True))
        .select_related("document")
        .prefetch_related("areas", "risk_levels")
    )
    questions = []
    checkable = {}
    for gap in gaps:
        checkable[gap.pk] = bool(gap.tier or gap.risk_levels.all() or gap.excludes_criminal_justice)
        if not checkable[gap.pk]:
            continue
        footprint = gap_footprint(gap, graph)
        if gap.as_of:
            questions.append((("then", gap.pk), gap, footprint, gap.as_of))
        questions.append((("now", gap.pk), gap, footprint, as_of))
    services = services if services is not None else load_services()
    found = _in_order(coverage_index.gap_fillers(questions, services))
    return [
        GapCheck(
            gap=gap,
            checkable=checkable[gap.pk],
            then=found.get(("then", gap.pk), []),
            now=found.get(("now", gap.pk), []),
        )
        for gap in gaps
    ]


# --------------------------------------------------------------------------
# The hexagon map of Wales
# --------------------------------------------------------------------------

# Tile positions (column, row) for the 22 principal areas, north to south
# (odd rows are offset half a tile, as in a pointy-topped hex grid), with
# each area's ISO 3166-2:GB code as its label.
WALES_TILES = {
    "isle-of-anglesey": (1, 0, "AGY"),
    "gwynedd": (0, 1, "GWN"),
    "conwy": (1, 1, "CWY"),
    "denbighshire": (2, 1, "DEN"),
    "flintshire": (3, 1, "FLN"),
    "ceredigion": (1, 2, "CGN"),
    "powys": (2, 2, "POW"),
    "wrexham": (3, 2, "WRX"),
    "pembrokeshire": (0, 3, "PEM"),
    "carmarthenshire": (1, 3, "CMN"),
    "merthyr-tydfil": (2, 3, "MTY"),
    "blaenau-gwent": (3, 3, "BGW"),
    "monmouthshire": (4, 3, "MON"),
    "swansea": (1, 4, "SWA"),
    "neath-port-talbot": (2, 4, "NTL"),
    "rhondda-cynon-taf": (3, 4, "RCT"),
    "caerphilly": (4, 4, "CAY"),
    "torfaen": (5, 4, "TOF"),
    "bridgend": (1, 5, "BGE"),
    "vale-of-glamorgan": (2, 5, "VGL"),
    "cardiff": (3, 5, "CRF"),
    "newport": (4, 5, "NWP"),
}
HEX_SIZE = 46  # centre to corner, in SVG units


@dataclass(frozen=True)
class Tile:
    row: Row
    x: float
    y: float
    points: str
    label: str

    @property
    def gap_count(self):
        return len(self.row.risk_gaps)

    @property
    def unstated_count(self):
        return len(self.row.unstated_levels)


def hex_tiles(matrix):
    """The Welsh councils as hexagon tiles, with the risk levels each has no service for."""
    width = math.sqrt(3) * HEX_SIZE
    tiles = []
    for row in matrix.rows:
        position = WALES_TILES.get(row.area.slug)
        if position is None:
            continue
        column, line, code = position
        x = width * (column + (0.5 if line % 2 else 0)) + width
        y = HEX_SIZE * 1.5 * line + HEX_SIZE * 1.2
        corners = [
            (x + HEX_SIZE * math.cos(math.radians(60 * k - 30)), y + HEX_SIZE * math.sin(math.radians(60 * k - 30)))
            for k in range(6)
        ]
        points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
        tiles.append(Tile(row=row, x=round(x, 1), y=round(y, 1), points=points, label=code))
    return tiles


MAP_VIEWBOX = "0 0 640 560"


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def write_matrix_csv(stream, matrix):
    """One row per council: its grouping; for each risk level the count, how many of those are open without a
    conviction, how many services here state no risk level, and the cell's state (covered / unstated / gap); then
    the count for each tier."""
    writer = csv_safe.writer(stream)
    risk_columns = []
    for level in matrix.risk_levels:
        risk_columns += [
            f"risk:{level.slug}",
            f"risk:{level.slug}:without_conviction",
            f"risk:{level.slug}:risk_level_not_stated",
            f"risk:{level.slug}:state",
        ]
    writer.writerow(
        ["area", "grouping", "as_of"]
        + risk_columns
        + [f"tier:{tier.value}" for tier in matrix.tiers]
        + ["risk_levels_with_no_service", "risk_levels_with_only_unstated_services"]
    )
    for group in matrix.groups:
        for row in group.rows:
            cells = []
            for level in matrix.risk_levels:
                cell = row.by_risk[level]
                cells += [cell.count, cell.open_count, cell.unstated_count, cell.state]
            writer.writerow(
                [row.area.slug, group.area.slug if group.area else "", matrix.options.as_of.isoformat()]
                + cells
                + [row.by_tier[tier].count for tier in matrix.tiers]
                + [";".join(level.slug for level in row.risk_gaps), ";".join(lv.slug for lv in row.unstated_levels)]
            )


def write_gaps_csv(stream, matrix, checks):
    """Computed gaps (council × risk level with no service), then the gaps documents state."""
    writer = csv_safe.writer(stream)
    writer.writerow(["kind", "area", "risk_level", "tier", "as_of", "statement", "data_agrees", "source"])
    for row in matrix.rows:
        for level in row.risk_gaps:
            writer.writerow(["computed", row.area.slug, level.slug, "", matrix.options.as_of.isoformat(), "", "", ""])
        for level in row.unstated_levels:
            writer.writerow(
                ["risk_level_not_stated", row.area.slug, level.slug, "", matrix.options.as_of.isoformat(), "", "", ""]
            )
    for check in checks:
        gap = check.gap
        writer.writerow(
            [
                "stated",
                ";".join(area.slug for area in gap.areas.all()),
                ";".join(level.slug for level in gap.risk_levels.all()),
                gap.tier,
                gap.as_of.isoformat() if gap.as_of else "",
                gap.statement,
                ("yes" if check.agrees else "no" if check.dated else "undated") if check.checkable else "not checkable",
                f"{gap.document.title}, {gap.section}: {gap.quote}",
            ]
        )


# --------------------------------------------------------------------------
# Funding
# --------------------------------------------------------------------------


def funding_overview(services, *, today):
    """``fragile``, ``secure`` and ``ended`` services on ``today``'s timeline, for the funding page."""
    services = services.for_list_page().with_timeline(today)
    ended = [Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED]
    return {
        "fragile": services.filter(funding_longevity__in=FundingLongevity.fragile())
        .exclude(timeline_status__in=ended)
        .order_by("funding_longevity", "name"),
        "secure": services.filter(
            funding_longevity__in=[FundingLongevity.MULTI_YEAR, FundingLongevity.MULTI_YEAR_CORE]
        ).exclude(timeline_status__in=ended),
        "ended": services.filter(timeline_status__in=ended).order_by("-end_date", "name"),
    }
