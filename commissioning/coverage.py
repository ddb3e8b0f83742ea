"""Coverage for commissioners: which areas have services at which risk levels, on any date.

Everything here is computed in one pass in Python over a handful of queries
(areas, the area graph, services with their areas, risk levels, routes and
status history), so the number of queries is fixed however many areas and
services there are.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Q

from directory import csv_safe
from directory.eligibility import Eligibility
from directory.models import (
    AreaExtent,
    FundingLongevity,
    RiskLevel,
    Scope,
    Service,
    StatedGap,
    Status,
    Tier,
)
from regions.models import Area, AreaGraph, AreaKind

# Tiers that work with people who cause harm directly: the risk-level columns
# count these. Partner support and multi-agency panels appear in the tier
# columns only, since they are not a service a person at that risk can attend.
INTERVENTION_TIERS = [
    Tier.EARLY_INTERVENTION,
    Tier.MEDIUM_RISK,
    Tier.HIGH_HARM,
    Tier.CRIMINAL_JUSTICE,
    Tier.SEXUAL_VIOLENCE,
]

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
    """The services a matrix cell counts, and (for a risk level) those here whose documents give no risk level."""

    services: list = field(default_factory=list)
    unstated: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.services)

    @property
    def open_count(self):
        """How many of the counted services are open without a conviction, caution or court order."""
        return sum(1 for service in self.services if not is_criminal_justice_only(service))

    @property
    def is_gap(self):
        """No service at all: neither one stated to take this risk level nor one whose level is not stated."""
        return not self.services and not self.unstated

    @property
    def only_unstated(self):
        return not self.services and bool(self.unstated)

    @property
    def state(self):
        """``covered``, ``unstated`` (only services whose risk level is not stated) or ``gap``."""
        return "covered" if self.services else "unstated" if self.unstated else "gap"

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
    services: list

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    @property
    def column_count(self):
        """The table's columns: the council, one per risk level and one per kind of service."""
        return 1 + len(self.risk_levels) + len(self.tiers)


def load_services():
    """Every referable service with what coverage needs, in a fixed number of queries."""
    return list(
        Service.objects.referable()
        .select_related("organisation")
        .prefetch_related("areas", "risk_levels", "pathways__pathway")
    )


def counted_services(services, options, timeline=None):
    """The services that count under ``options``."""
    chosen = []
    statuses = (timeline or Timeline()).on(options.as_of)
    for service in services:
        status = statuses.get(service.pk)
        if status not in Status.operating():
            continue
        if status == Status.PILOT and not options.include_pilots:
            continue
        if not options.include_criminal_justice and is_criminal_justice_only(service):
            continue
        chosen.append(service)
    return chosen


def extent_unstated(service, council):
    """Listed "somewhere in" a larger area that contains ``council``, without naming it."""
    return service.area_extent == AreaExtent.SOMEWHERE and all(area.pk != council.pk for area in service.areas.all())


def covers(service, whole_and_part):
    return any(area.pk in whole_and_part for area in service.areas.all())


def build_matrix(options, *, services=None, graph=None, timeline=None, only=None):
    """The matrix under ``options``; ``only`` (a council) builds that council's row alone."""
    graph = graph or AreaGraph.load()
    services = counted_services(services if services is not None else load_services(), options, timeline)
    risk_levels = list(RiskLevel.objects.all())
    councils = Area.objects.local_authorities().prefetch_related("within")
    councils = list(councils.filter(pk=only.pk) if only is not None else councils)
    grouping_kind = GROUPINGS.get(options.group_by, AreaKind.POLICE_FORCE_AREA)

    groups = {}
    for council in councils:
        whole, part = graph.coverage_sets(council.pk)
        here = [service for service in services if covers(service, whole | part)]
        direct = [s for s in here if s.tier in INTERVENTION_TIERS]
        # Not counted, listed apart: no risk level stated, or listed for a larger area without naming this council.
        unstated = [s for s in direct if not s.risk_levels.all() or extent_unstated(s, council)]
        stated = [s for s in direct if s not in unstated]
        by_risk = {
            level: Cell([s for s in stated if any(r.pk == level.pk for r in s.risk_levels.all())], unstated)
            for level in risk_levels
        }
        # A service listed "somewhere in" a larger area is listed apart under its tier too, not counted.
        somewhere = [s for s in here if extent_unstated(s, council)]
        by_tier = {
            tier: Cell(
                [s for s in here if s.tier == tier and s not in somewhere], [s for s in somewhere if s.tier == tier]
            )
            for tier in Tier
        }
        grouping = next((a for a in council.within.all() if a.kind == grouping_kind), None)
        groups.setdefault(grouping, []).append(Row(council, by_risk, by_tier))

    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0].name if item[0] else ""))
    return Matrix(
        options=options,
        risk_levels=risk_levels,
        tiers=list(Tier),
        groups=[Group(area, sorted(rows, key=lambda row: row.area.name)) for area, rows in ordered],
        graph=graph,
        services=services,
    )


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


def gap_services(gap, services, graph, date, timeline=None):
    """Services that would fill ``gap`` on ``date`` according to the data."""
    footprint = set()
    for area in gap.areas.all():
        whole, part = graph.coverage_sets(area.pk)
        footprint |= whole | part
    levels = {level.pk for level in gap.risk_levels.all()}
    found = []
    options = Options(as_of=date, include_criminal_justice=not gap.excludes_criminal_justice)
    for service in counted_services(services, options, timeline):
        if service.scope != Scope.LOCAL or service.tier not in INTERVENTION_TIERS:
            continue
        if not covers(service, footprint):
            continue
        if gap.tier and service.tier != gap.tier:
            continue
        if levels and not levels & {level.pk for level in service.risk_levels.all()}:
            continue
        found.append(service)
    return found


def check_stated_gaps(*, as_of, services=None, graph=None, timeline=None):
    """Each gap a document states (up to ``as_of``, and any from undated documents), with what the data computes
    then and on ``as_of``."""
    graph = graph or AreaGraph.load()
    services = services if services is not None else load_services()
    timeline = timeline or Timeline()
    gaps = (
        StatedGap.objects.filter(Q(as_of__lte=as_of) | Q(as_of__isnull=True))
        .select_related("document")
        .prefetch_related("areas", "risk_levels")
    )
    checks = []
    timeline.load([as_of, *(gap.as_of for gap in gaps)])
    for gap in gaps:
        checkable = bool(gap.tier or gap.risk_levels.all() or gap.excludes_criminal_justice)
        then = gap_services(gap, services, graph, gap.as_of, timeline) if checkable and gap.as_of else []
        now = gap_services(gap, services, graph, as_of, timeline) if checkable else []
        checks.append(GapCheck(gap=gap, checkable=checkable, then=then, now=now))
    return checks


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
                cells += [cell.count, cell.open_count, len(cell.unstated), cell.state]
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
