"""The case matcher: sorts services into fits, might fit and does not fit, with reasons.

Each service is judged by its ``Eligibility`` (``directory/eligibility.py``), the
same description its page's words come from; no rule names a service. Nothing
about the case is stored: the facts arrive as a plain dict and leave as the
returned value.

Every service covering the area is judged, so every count is exact, but a page
shows only the first few of each section in full (:func:`shown`): at national
scale an area has hundreds of services, and a practitioner wants the ones that
fit first, then those to check. "Does not fit" is there to say why a service is
left out: counts by reason and a short list of names with their reasons.
"""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from directory.eligibility import CHECK, CRITERIA, FITS, NO, Eligibility
from directory.eligibility.case import UNKNOWN
from directory.eligibility.criteria import BY_NAME
from directory.models import Audience, FocusKind, Scope, Service, ServiceFocus
from directory.models.queries import read_matcher_rows
from regions.models import AreaGraph

__all__ = ["CHECK", "FITS", "NO", "judge", "match_case", "shown"]


@dataclass(frozen=True)
class Verdict:
    service: Service
    outcome: str
    reasons: tuple = field(default_factory=tuple)
    strength: int = 0  # how many things positively fit; orders "might fit" best first
    harm_stated: bool = False  # a document says it works with the case's kind of harm
    ruled_out: tuple = field(default_factory=tuple)  # the criteria that rule it out (``Criterion``), in their order


@dataclass(frozen=True)
class Listing:
    """A service in one of the sections beside the person's own: who it is for, not whether it fits."""

    service: Service
    reasons: tuple
    harm_stated: bool = False


@dataclass(frozen=True)
class MatchResult:
    fits: list
    check: list
    no: list
    partners: list = field(default_factory=list)  # support for the partner and children
    processes: list = field(default_factory=list)  # multi-agency processes the case may go to
    helplines: list = field(default_factory=list)


# Where the matcher lists a service, by the first audience its documents state.
PERSON_SECTION = {Audience.PERSON, ""}
SECTION_OF = {
    Audience.PARTNERS: "partners",
    Audience.CHILDREN: "partners",
    Audience.MULTI_AGENCY: "processes",
    Audience.HELPLINE: "helplines",
}


def judge(service, case, *, area_ids):
    """One service against one case: a :class:`Verdict` from its eligibility (``directory.eligibility``)."""
    eligibility = Eligibility.of(service)
    found = {NO: [], CHECK: [], FITS: []}
    ruled_out = []
    stated = False  # the harm criterion's finding is ``Eligibility.harm``'s: FITS where a document says yes
    for criterion, outcome, reason in eligibility.findings(case, area_ids=area_ids):
        found[outcome].append(reason)
        if outcome == NO and criterion not in ruled_out:
            ruled_out.append(criterion)
        stated = stated or (criterion.name == "harm" and outcome == FITS)
    no, check, good = found[NO], found[CHECK], found[FITS]
    if no:
        return Verdict(service, NO, tuple(no), harm_stated=stated, ruled_out=tuple(ruled_out))
    if check:
        return Verdict(service, CHECK, tuple(good + check), strength=len(good), harm_stated=stated)
    return Verdict(service, FITS, tuple(good), strength=len(good), harm_stated=stated)


def _listing(service, case):
    """A service for one of the other sections, or None where it is for another harm or risk level."""
    eligibility = Eligibility.of(service)
    outcome, reason = eligibility.harm(case.get("harm"))
    if outcome == NO or eligibility.takes_risk(case["risk"]) is False:
        return None
    reasons = [str(audience.label) for audience in service.stated_audiences() if audience != Audience.PROFESSIONALS]
    if reason:
        reasons.append(reason)
    return Listing(service, tuple(reasons), harm_stated=outcome == FITS)


def _specific_first(item):
    """Area-specific before national, stated before not stated, then by name."""
    service = item.service
    if item.harm_stated:
        harm_rank = 0
    elif any(row.applies for row in service.focus_rows(FocusKind.HARM)):
        harm_rank = 2  # stated for other harms only: after services whose documents name no harm
    else:
        harm_rank = 1
    return (service.scope != Scope.LOCAL, harm_rank, -getattr(item, "strength", 0), service.name)


def ruled_out_in_sql(queryset, case):
    """Annotate what the documents alone decide for this case, so those services need not be read in full.

    ``sql_ruled_out``: "harm" where a document says the service is not for the case's kind of harm,
    else "risk" where the documents state risk levels and not the case's, else "": the first criterion
    (``CRITERIA`` order) that ``Eligibility`` would rule the service out by, as ``Eligibility.harm`` and
    ``Eligibility.takes_risk`` decide. ``sql_for_person``: its first stated audience is the person, or
    none is stated (``Service.primary_audience`` in ``PERSON_SECTION``). Services in other sections ruled
    out here are not listed (as ``_listing`` decides). tests/referrals/test_matcher_sections.py compares
    both with ``Eligibility`` on the real directory and a synthetic one.
    """
    focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"))
    harm = case.get("harm")
    # Each read as one row by the service's index (a LIMIT 1 subquery, row by row): as EXISTS, PostgreSQL
    # hashed every focus row of the directory (22,910 at 10,000 services) once per condition, for the
    # page's ~200 services. A service states a harm at most once (``service_focus_unique``).
    if harm in ("", UNKNOWN, None):
        harm_no = Q(pk__in=[])
    else:
        harm_no = Q(matcher_harm_applies=False)
        queryset = queryset.alias(
            # Unordered: the row is unique; the model's order would join the service to sort one row.
            matcher_harm_applies=Subquery(
                focus.filter(kind=FocusKind.HARM, value=harm).order_by().values("applies")[:1]
            )
        )
    # Stated levels, and not the case's: two rows read by the service's index. As EXISTS, PostgreSQL hashed every
    # link of the directory (11,288 and 3,672 rows at 10,000 services: ~10 ms of the query's ~28).
    levels = Service.risk_levels.through.objects.filter(service_id=OuterRef("pk")).order_by().values("risklevel_id")
    queryset = queryset.alias(
        matcher_some_level=Subquery(levels[:1]),
        matcher_case_level=Subquery(levels.filter(risklevel_id=case["risk"].pk)[:1]),
    )
    risk_no = Q(matcher_some_level__isnull=False, matcher_case_level__isnull=True)
    # The first audience stated (``Service.stated_audiences``' order, that of ``Audience``), or none.
    order = Case(*(When(value=a.value, then=Value(n)) for n, a in enumerate(Audience)), output_field=IntegerField())
    first = focus.filter(kind=FocusKind.AUDIENCE, applies=True).annotate(order=order).order_by("order")
    # None stated reads as the person: one reference to the subquery (each reference is compiled and run again).
    queryset = queryset.alias(
        matcher_first_audience=Coalesce(Subquery(first.values("value")[:1]), Value(Audience.PERSON.value))
    )
    for_person = Q(matcher_first_audience=Audience.PERSON)
    return queryset.annotate(
        sql_ruled_out=Case(When(harm_no, then=Value("harm")), When(risk_no, then=Value("risk")), default=Value("")),
        sql_for_person=Case(When(for_person, then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


def match_case(case, *, today, services=None, graph=None, show=None):
    """Sort the services working in or around the case's area into sections.

    ``case`` is the matcher form's cleaned data. Services considered are those
    running on ``today`` that cover the area (wholly or in part): the ones a
    practitioner there could be pointed to. Services for the person (or whose
    documents do not say who they are for) are judged: fits, might fit, does
    not fit. Support for partners and children, multi-agency processes and
    helplines are listed in their own sections, leaving out those stated to be
    for another harm; training for professionals is not listed.

    Read from the database, services the documents alone rule out (``ruled_out_in_sql``) are
    not read in full: each is a "does not fit" verdict with that first reason (``ruled_out``)
    and no reasons, unless it is among the first ``SHOWN_NOT_FITTING`` services that do not fit
    (or ``show`` is "no"): those the page lists are judged in full. Given ``services``, every
    one is judged.
    """
    graph = graph or AreaGraph.load()
    area = case["area"]
    whole, part = graph.coverage_sets(area.pk)
    area_ids = whole | part
    listed = set()
    if services is None:
        queryset = Service.objects.referable().current(today).covering(area, graph=graph).for_matcher()
        services = [
            service
            for service in ruled_out_in_sql(queryset.prefetch_related(None), case)
            if not service.sql_ruled_out or service.sql_for_person  # the others are not listed (``_listing``)
        ]
        ruled = [service for service in services if service.sql_ruled_out]
        # The first that do not fit, in this order, are among the first ruled out here: the page lists them.
        listed = set(ruled if show == "no" else ruled[:SHOWN_NOT_FITTING])
        read_matcher_rows([s for s in services if not s.sql_ruled_out or s in listed])  # for_matcher's rows
    fits, check, no = [], [], []
    sections = {"partners": [], "processes": [], "helplines": []}
    for service in services:
        if getattr(service, "sql_ruled_out", "") and service not in listed:
            no.append(Verdict(service, NO, (), ruled_out=(BY_NAME[service.sql_ruled_out],)))
            continue
        audience = service.primary_audience
        if audience in PERSON_SECTION:
            verdict = judge(service, case, area_ids=area_ids)
            {FITS: fits, CHECK: check, NO: no}[verdict.outcome].append(verdict)
        elif audience in SECTION_OF:
            listing = _listing(service, case)
            if listing:
                sections[SECTION_OF[audience]].append(listing)
    fits.sort(key=_specific_first)
    check.sort(key=_specific_first)
    for items in sections.values():
        items.sort(key=_specific_first)
    return MatchResult(fits=fits, check=check, no=no, **sections)


# How many of each section a page shows before "Show all": full cards, and the short "does not fit" list.
SHOWN = 10
SHOWN_NOT_FITTING = 25
SECTIONS = ("fits", "check", "no", "partners", "processes", "helplines")


@dataclass(frozen=True)
class Shown:
    """The part of one section a page shows: ``items`` of ``total``, exact."""

    name: str
    items: list
    total: int

    @property
    def more(self):
        return self.total > len(self.items)


def shown(result, show=None):
    """Each section of ``result`` as the page shows it: the first few, or all of the one named by ``show``.

    Also ``ruled_out``: ``[(words, count)]``, how many services are ruled out first by each
    criterion (in ``CRITERIA`` order: the first reason each is given), most first; they add up to
    the number that do not fit.
    """
    sections = {}
    for name in SECTIONS:
        items = getattr(result, name)
        limit = SHOWN_NOT_FITTING if name == "no" else SHOWN
        sections[name] = Shown(name, items if name == show else items[:limit], len(items))
    counts = {criterion.name: 0 for criterion in CRITERIA}
    for verdict in result.no:
        counts[verdict.ruled_out[0].name] += 1
    ruled_out = [(criterion.ruled_out, counts[criterion.name]) for criterion in CRITERIA if counts[criterion.name]]
    sections["ruled_out"] = sorted(ruled_out, key=lambda item: -item[1])  # most first; ties in CRITERIA's order
    sections["show"] = show
    return sections
