"""Gaps the documents state, beside what the data computes for the same areas and dates."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from directory.models import Service, StatedGap
from directory.pagecache import TIMEOUT, current_version
from regions.models import AreaGraph

from . import coverage_index
from .coverage import load_services

# A stated gap's lists on the page name this many services each, then say how many more (the real directory's
# lists have at most two; a national one's over a hundred: 7,000 links on one page).
LISTED = 5


@dataclass
class GapCheck:
    gap: StatedGap
    checkable: bool
    then: list  # services the data counts on the date the document speaks for
    now: list  # services the data counts on the chosen date

    @property
    def then_shown(self):
        """The first ``LISTED`` of ``then``: at national scale a gap's footprint has a hundred services or more."""
        return self.then[:LISTED]

    @property
    def then_more(self):
        return max(0, len(self.then) - LISTED)

    @property
    def now_shown(self):
        return self.now[:LISTED]

    @property
    def now_more(self):
        return max(0, len(self.now) - LISTED)

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
    # A list shows each service's name and link: nothing else is read (thousands of services at national scale).
    ordered = list(Service.objects.filter(pk__in=wanted).only("pk", "slug", "name")) if wanted else []
    rank = {service.pk: position for position, service in enumerate(ordered)}
    objects = {service.pk: service for service in ordered}
    return {key: [objects[pk] for pk in sorted(pks, key=rank.__getitem__)] for key, pks in found.items()}


def gap_services(gap, services, graph, date, timeline=None):
    """Services that would fill ``gap`` on ``date`` according to the data (pages use ``check_stated_gaps``,
    which asks about every gap in one query)."""
    services = services if isinstance(services, coverage_index.ServiceAreas) else load_services()
    return _in_order(coverage_index.gap_fillers([(0, gap, gap_footprint(gap, graph), date)], services))[0]


def _then_key():
    version = hashlib.sha256(current_version().encode()).hexdigest()[:16]
    return f"stated-gaps-then:{connection.alias}:{version}"


def check_stated_gaps(*, as_of, services=None, graph=None, timeline=None, lists=True):
    """Each gap a document states (up to ``as_of``, and any from undated documents), with what the data computes
    then and on ``as_of``: every gap on both dates in one query (``coverage_index.gap_fillers``).

    With ``lists=False`` (the gaps CSV, which says only whether the data agrees) ``then`` holds the ids of the
    services that would fill the gap on its own date, ``now`` is not asked, and no service is read.

    What the data says on a gap's own date depends on the gap and the data only, not on the page's options: those
    answers (ids) are kept in the shared cache under the data version (``known_then``), so after a change the
    query over the gaps' dates runs once, not once per date and switch a commissioner asks for."""
    graph = graph or AreaGraph.load()
    gaps = list(
        StatedGap.objects.filter(Q(as_of__lte=as_of) | Q(as_of__isnull=True))
        .select_related("document")
        .prefetch_related("areas", "risk_levels")
    )
    questions = []
    checkable = {}
    then_key = _then_key()
    known_then = cache.get(then_key) or {}
    for gap in gaps:
        checkable[gap.pk] = bool(gap.tier or gap.risk_levels.all() or gap.excludes_criminal_justice)
        if not checkable[gap.pk]:
            continue
        footprint = gap_footprint(gap, graph)
        if gap.as_of and gap.pk not in known_then:
            questions.append((("then", gap.pk), gap, footprint, gap.as_of))
        if lists:
            questions.append((("now", gap.pk), gap, footprint, as_of))
    services = services if services is not None else load_services()
    found = coverage_index.gap_fillers(questions, services)
    asked_then = {key[1]: ids for key, ids in found.items() if key[0] == "then"}
    if asked_then:
        known_then = {**known_then, **asked_then}
        cache.set(then_key, known_then, TIMEOUT)
    found.update({("then", pk): ids for pk, ids in known_then.items()})
    if lists:
        found = _in_order(found)
    return [
        GapCheck(
            gap=gap,
            checkable=checkable[gap.pk],
            then=found.get(("then", gap.pk), []),
            now=found.get(("now", gap.pk), []),
        )
        for gap in gaps
    ]
