"""What coverage counts, read from the database: which services run on a date, and where.

The matrix used to test every service against every council in Python (councils × services
``covers()`` calls, each through a related manager). Here the database answers the questions that
grow with the directory, in a fixed number of queries:

- which referable services run on a date under the page's switches (the one timeline verb,
  ``ServiceQuerySet.operating_on``; pilots and criminal-justice-only services left out in the query);
- which areas and risk levels each service lists (two reads of the join tables, shared by every
  date on a page);
- for the gaps the documents state, which services would fill each one on its date (one UNION ALL
  of small filtered queries, each with the timeline condition pushed down).

Python then looks services up by area (``by_area``) and takes, for each council, the union over the
areas that cover it (``AreaGraph.coverage_sets``): work in proportion to what the matrix lists, not to
councils × services. Model instances are read only for what a page shows (``ServiceLookup``).
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from directory.models import (
    AreaExtent,
    Claim,
    JusticeRequirement,
    Precision,
    Scope,
    Service,
    ServicePathway,
    Status,
    Tier,
)
from directory.models.dates import iso_at_precision
from directory.models.timeline import TimelineDay, timeline_version

INTERVENTION_TIERS = [
    Tier.EARLY_INTERVENTION,
    Tier.MEDIUM_RISK,
    Tier.HIGH_HARM,
    Tier.CRIMINAL_JUSTICE,
    Tier.SEXUAL_VIOLENCE,
]


def criminal_justice_only(service=""):
    """``coverage.is_criminal_justice_only`` as a database condition: criminal-justice tier, court-mandated
    attendance, a conviction or conditional caution required, or routes that all need a justice decision.
    ``service``: the path to the service from the rows asked ("service__" from a kept timeline row)."""
    links = ServicePathway.objects.filter(service_id=OuterRef(f"{service}id" if service else "pk"))
    open_route = links.filter(pathway__justice_requirement__in=["", JusticeRequirement.NONE])
    return ExpressionWrapper(
        Q(**{f"{service}tier": Tier.CRIMINAL_JUSTICE})
        | Q(**{f"{service}attendance": "mandated"})
        | Q(
            **{
                f"{service}justice_requirement__in": [
                    JusticeRequirement.CONVICTION,
                    JusticeRequirement.CONDITIONAL_CAUTION,
                ]
            }
        )
        | (Q(Exists(links)) & ~Q(Exists(open_route))),
        output_field=BooleanField(),
    )


@dataclass(frozen=True)
class Facts:
    """What the matrix needs of one counted service."""

    pk: int
    rank: int  # its place in the directory's order (name, slug)
    tier: str
    direct: bool  # works with the person directly: counted in the risk-level columns
    somewhere: bool  # listed "somewhere in" its areas, councils not stated
    criminal_justice_only: bool
    scope: str
    status: str
    areas: frozenset
    levels: tuple  # risk level pks, in the risk levels' order
    stale: bool = False  # its newest evidence is older than the threshold on the date (``Claim.stale``)
    evidence: datetime.date | None = None  # its newest evidence by the date (``None`` where there is none)
    claim: Claim | None = field(default=None, repr=False, compare=False)  # worded only where a cell shows it

    @property
    def confirmed_since(self):
        """A stale service's newest evidence, its month (or year) as ``Claim`` words it: "November 2023" ("" if
        not stale or undated). Worded on first use: only a cell whose every service is stale shows it."""
        return self.claim.month_or_coarser if self.stale and self.evidence else ""

    @property
    def confirmed_since_iso(self):
        """The same for machines (the CSVs): "2023-11", "2018", "after 2019-04"."""
        return _iso_month_or_coarser(self.claim) if self.stale and self.evidence else ""


# What ``Claim.for_service`` reads of a service on the timeline (``with_timeline``'s annotations and two fields).
CLAIM_FIELDS = (
    "timeline_status",
    "timeline_evidence",
    "evidence_source",
    "timeline_date",
    "timeline_unconfirmed",
    "start_date",
    "last_verified",
)


class ServiceAreas:
    """Every referable service's areas and risk levels (two queries, read once per page, whatever the dates),
    and which services run on each date asked (one timeline query per date, shared by the matrix and the
    stated gaps of one page)."""

    def __init__(self, areas=None):
        """``areas``: only services listing one of these area ids (one council's cell: the areas that cover it,
        ``AreaGraph.coverage_sets``), so a page about one council reads its services, not the directory's."""
        self._areas = None
        self._levels = None
        self._running = {}
        self._scope = Service.objects.referable()
        if areas is not None:
            listed = Service.areas.through.objects.filter(service_id=OuterRef("pk"), area_id__in=sorted(areas))
            self._scope = self._scope.filter(Exists(listed))

    def running(self, date):
        """``[Facts]`` of every referable service running on ``date`` (pilots and criminal justice included),
        in the directory's order."""
        if date not in self._running:
            rows = self._kept_running(date)
            if rows is None:  # the date is not kept: computed by the rule, as ``operating_on`` does then
                rows = (
                    self._scope.computed_operating_on(date)
                    .annotate(cj_only=criminal_justice_only())
                    .order_by("name", "slug", "pk")
                    .values("pk", "tier", "area_extent", "cj_only", "scope", *CLAIM_FIELDS)
                )
            self._running[date] = [self._facts(rank, row) for rank, row in enumerate(rows)]
        return self._running[date]

    # ``running``'s columns read from a kept timeline row (``TimelineDay``) joined to its service.
    KEPT = {
        "pk": "service_id",
        "tier": "service__tier",
        "area_extent": "service__area_extent",
        "cj_only": "cj_only",
        "scope": "service__scope",
        "timeline_status": "status",
        "timeline_evidence": "evidence",
        "evidence_source": "evidence_source",
        "timeline_unconfirmed": "unconfirmed",
        "start_date": "service__start_date",
        "last_verified": "service__last_verified",
    }

    def _kept_running(self, date):
        """``running``'s rows read from the timeline kept for ``date`` (what ``operating_on`` reads) in one join,
        rather than a correlated lookup of the kept row for each column of each of thousands of services; ``None``
        where the date is not kept."""
        version = timeline_version(date)
        if version is None:
            return None
        kept = (
            TimelineDay.objects.filter(version=version, date=date, status__in=Status.operating())
            .filter(service__in=self._scope.values("pk"))
            .annotate(cj_only=criminal_justice_only("service__"))
            .order_by("service__name", "service__slug", "service_id")
            .values_list(*self.KEPT.values())
        )
        return [{**dict(zip(self.KEPT, row, strict=True)), "timeline_date": date} for row in kept]

    def _facts(self, rank, row):
        # The evidence's age as the service's own claim words it, so the matrix and the service page agree.
        claim = Claim.for_service(SimpleNamespace(**{name: row[name] for name in CLAIM_FIELDS}))
        return Facts(
            pk=row["pk"],
            rank=rank,
            tier=row["tier"],
            direct=row["tier"] in INTERVENTION_TIERS,
            somewhere=row["area_extent"] == AreaExtent.SOMEWHERE,
            criminal_justice_only=bool(row["cj_only"]),
            scope=row["scope"],
            status=row["timeline_status"],
            areas=self.areas(row["pk"]),
            levels=self.levels(row["pk"]),
            stale=claim.stale,
            evidence=claim.evidence,
            claim=claim,
        )

    def has_running(self, date):
        return date in self._running

    def _load(self):
        if self._areas is not None:
            return
        referable = self._scope.values("pk")
        areas, levels = {}, {}
        through = Service.areas.through.objects.filter(service_id__in=referable)
        for service_id, area_id in through.values_list("service_id", "area_id"):
            areas.setdefault(service_id, set()).add(area_id)
        risk = Service.risk_levels.through.objects.filter(service_id__in=referable)
        for service_id, level_id in risk.order_by("risklevel__rank").values_list("service_id", "risklevel_id"):
            levels.setdefault(service_id, []).append(level_id)
        self._areas = {pk: frozenset(ids) for pk, ids in areas.items()}
        self._levels = {pk: tuple(ids) for pk, ids in levels.items()}

    def areas(self, pk):
        if self._areas is None:
            self._load()
        return self._areas.get(pk, frozenset())

    def levels(self, pk):
        if self._levels is None:
            self._load()
        return self._levels.get(pk, ())


class ServiceLookup:
    """Service instances for lists a page shows, read in one go on first use (none if nothing shows a list)."""

    def __init__(self, pks):
        self.pks = list(pks)
        self._objects = None

    def services(self, pks):
        if self._objects is None:
            chosen = (
                Service.objects.filter(pk__in=self.pks)
                .select_related("organisation")
                .prefetch_related("areas", "risk_levels", "pathways__pathway")
            )
            self._objects = {service.pk: service for service in chosen}
        return [self._objects[pk] for pk in pks]


def counted(options, service_areas):
    """``[Facts]`` of the services counted under ``options`` (a ``coverage.Options``), in the directory's order:
    running on the date, without pilots or criminal-justice-only services where the switches leave them out."""
    return [
        item
        for item in service_areas.running(options.as_of)
        if (options.include_pilots or item.status != Status.PILOT)
        and (options.include_criminal_justice or not item.criminal_justice_only)
    ]


def by_area(facts):
    """``{area pk: [Facts]}``: each counted service under every area it lists."""
    index = {}
    for item in facts:
        for area_id in item.areas:
            index.setdefault(area_id, []).append(item)
    return index


def here(index, whole, part):
    """The counted services that cover any of the areas ``whole | part``, each once, in the directory's order."""
    found = {}
    for area_id in whole | part:
        for item in index.get(area_id, ()):
            found[item.pk] = item
    return sorted(found.values(), key=lambda item: item.rank)


# The stated gaps' own dates: documents of many dates may each state a gap, so one page can ask about dozens of
# dates. Building the timeline expression through the ORM costs more than running it, so the query for "local
# services in these areas, taking one of these risk levels, running on this date" is compiled once per size of area
# list and of risk-level list, with a stand-in date, stand-in area ids and stand-in risk level ids, and each
# question's copy gets its own values in the parameters.
_STAND_IN_DATE = datetime.date(1111, 11, 11)
_STAND_IN_AREA = -1_000_000  # area ids are positive: a stand-in never matches, so it also pads a shorter list
_STAND_IN_LEVEL = -2_000_000  # the same for risk level ids
_compiled = {}


def _padded(count):
    size = 8
    while size < count:
        size *= 2
    return size


def _running_in(size, levels=0):
    """``(sql, params)`` of the candidates query for an area list of ``size`` ids and (where ``levels``) a risk-level
    list of ``levels`` ids, compiled once per sizes."""
    key = (connection.vendor, connection.alias, size, levels)
    if key not in _compiled:
        stand_ins = [_STAND_IN_AREA - index for index in range(size)]
        areas = Service.areas.through.objects.filter(service_id=OuterRef("pk"), area_id__in=stand_ins)
        candidates = Service.objects.referable().filter(Exists(areas), scope=Scope.LOCAL, tier__in=INTERVENTION_TIERS)
        if levels:
            taking = Service.risk_levels.through.objects.filter(
                service_id=OuterRef("pk"), risklevel_id__in=[_STAND_IN_LEVEL - index for index in range(levels)]
            )
            candidates = candidates.filter(Exists(taking))
        candidates = (
            candidates.computed_operating_on(_STAND_IN_DATE)  # the rule itself: its date is replaced in the parameters
            .annotate(cj_only=criminal_justice_only())
            .order_by()
            .values_list("pk", "tier", "cj_only")
        )
        _compiled[key] = candidates.query.sql_with_params()
    return _compiled[key]


def _running_in_on(footprint, date, levels=()):
    """``(sql, params)``: local services working with the person directly, in any of ``footprint``'s areas, taking
    one of ``levels`` (risk level ids; any or none where empty), running on ``date`` (the timeline verb's query,
    compiled once; see ``_running_in``)."""
    areas, levels = sorted(footprint), sorted(levels)
    sql, params = _running_in(_padded(len(areas)), len(levels))
    values = {_STAND_IN_AREA - index: area_id for index, area_id in enumerate(areas)}
    values.update({_STAND_IN_LEVEL - index: level_id for index, level_id in enumerate(levels)})
    values[_STAND_IN_DATE] = date
    values[_STAND_IN_DATE.isoformat()] = date.isoformat()  # where the backend passes dates as text (SQLite)
    replaced = [values.get(param, param) if isinstance(param, int | str | datetime.date) else param for param in params]
    if _STAND_IN_DATE in replaced or _STAND_IN_DATE.isoformat() in replaced:
        raise AssertionError("the stand-in date was left in the query")  # pragma: no cover
    return sql, replaced


def _fills(gap, stated, tier, cj_only, levels):
    """The gap's own conditions for a local, direct service in its footprint running on its date: of the gap's
    kind where it names one, taking one of its risk levels where it names any (``stated``), and not
    criminal-justice only where the gap leaves those out."""
    return (
        (not gap.tier or tier == gap.tier)
        and (not stated or not stated.isdisjoint(levels))
        and not (gap.excludes_criminal_justice and cj_only)
    )


def gap_fillers(questions, service_areas):
    """Which services would fill each stated gap on a date, in one query.

    ``questions`` is ``[(key, gap, footprint, date)]``; the answer is ``{key: [pk, …]}``. A service fills a
    gap when, on the date, it runs (pilots too), is delivered locally, works with the person directly (of the
    gap's kind where it names one), lists some area of the footprint, takes one of the gap's risk levels (where
    it names any) and, where the gap leaves out criminal justice, is not criminal-justice only (``_fills``).

    A question on a date ``service_areas`` has read already (the page's own date) is answered from what it read.
    The others are asked of the database, each its own part of one UNION ALL: the local services working with
    the person directly in the gap's footprint, and taking one of its risk levels where it names any, running on
    its date (the timeline rule, pushed down, is worked out only for those: a gap's footprint holds hundreds of
    services at national scale, its risk level a third of them); then ``_fills`` as for the others.
    """
    answers = {}
    levels = {}

    def its_levels(pk):
        if pk not in levels:
            levels[pk] = frozenset(service_areas.levels(pk))
        return levels[pk]

    asked, read = [], {}
    for question in questions:
        key, _gap, footprint, date = question
        if not footprint:
            answers[key] = []
        elif service_areas.has_running(date):
            read.setdefault(date, []).append(question)
        else:
            asked.append(question)

    if asked:
        parts, params = [], []
        for index, (_key, gap, footprint, date) in enumerate(asked):
            sql, part_params = _running_in_on(footprint, date, [level.pk for level in gap.risk_levels.all()])
            # ``index`` is this loop's integer and ``sql`` the ORM's compiled text: every value is a parameter.
            parts.append(f"SELECT {index} AS part, q{index}.* FROM ({sql}) q{index}")  # noqa: S608
            params += part_params
        found = [[] for _question in asked]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for index, pk, tier, cj_only in cursor.fetchall():
                found[index].append((pk, tier, bool(cj_only)))
        for (key, gap, _footprint, _date), rows in zip(asked, found, strict=True):
            stated = {level.pk for level in gap.risk_levels.all()}
            answers[key] = sorted(
                pk for pk, tier, cj_only in rows if _fills(gap, stated, tier, cj_only, its_levels(pk))
            )

    # A date already read (the page's own, every running service of the directory): its services by the areas they
    # list, only the areas of that date's gaps indexed, so a gap looks only at services in its own footprint.
    for date, on_date in read.items():
        footprints = set().union(*(footprint for _key, _gap, footprint, _date in on_date))
        index = {}
        for item in service_areas.running(date):
            if item.scope != Scope.LOCAL or not item.direct:
                continue
            for area_id in item.areas & footprints:
                index.setdefault(area_id, []).append(item)
        for key, gap, footprint, _date in on_date:
            stated = {level.pk for level in gap.risk_levels.all()}
            here = {item.pk: item for area_id in footprint for item in index.get(area_id, ())}
            answers[key] = [
                item.pk
                for item in sorted(here.values(), key=lambda item: item.rank)
                if _fills(gap, stated, item.tier, item.criminal_justice_only, its_levels(item.pk))
            ]
    return answers


def _iso_month_or_coarser(claim):
    """A stale claim's date as ``Claim.month_or_coarser`` gives it, in ISO 8601 and in no language: a day's
    evidence as its month ("2023-11"), a year as itself ("2018"), an undated document as "after 2019-04"."""
    iso = iso_at_precision(claim.shown_date, Precision.YEAR if claim.kind == "year" else Precision.MONTH)
    return f"after {iso}" if claim.kind == "after" else iso
