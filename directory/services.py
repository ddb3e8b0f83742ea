"""Building things that are not models: the CSV export."""

import re

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import csv_safe
from .counts import cached
from .models import Claim, GlossaryTerm, Harm, RiskLevel, Status, Tier, stale_months
from .models.dates import iso_at_precision

EXPORT_COLUMNS = [
    ("slug", _("slug")),
    ("name", _("name")),
    ("organisation", _("organisation")),
    ("tier", _("tier")),
    ("scope", _("scope")),
    ("risk_levels", _("risk levels")),
    ("areas", _("areas")),
    ("referral_routes", _("referral routes")),
    ("attendance", _("attendance")),
    ("format", _("format")),
    ("status", _("status")),
    ("evidence_date", _("newest evidence")),
    ("evidence", _("what the evidence says")),
    ("start", _("start")),
    ("end", _("end")),
    ("emails", _("emails")),
    ("phones", _("phones")),
    ("websites", _("websites")),
    ("funding_source", _("funding source")),
    ("funding_longevity", _("funding longevity")),
    ("sources", _("sources")),
]


def _join(values):
    return "; ".join(values)


EXPORT_ORDER = ("name", "slug", "pk")
EXPORT_CHUNK = 2000


class _Rows:
    """Rows of one related table in the export's service order, taken one service at a time."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.head = next(self.rows, None)

    def take(self, service_id):
        found = []
        while self.head is not None and self.head[0] == service_id:
            found.append(self.head[1:])
            self.head = next(self.rows, None)
        return found


def export_rows(services):
    """Each service in ``services`` as a flat dict of strings, keyed by :data:`EXPORT_COLUMNS`.

    ``services`` carry their timeline (``ServiceQuerySet.with_timeline``): the status is the timeline's,
    with the evidence's date and words. Six queries whatever the number of services, and constant
    memory: the services and each related table are read in the same order (name, slug, id) through database cursors
    (``iterator``) and merged as they stream, instead of loading and prefetching every row.
    """
    from .models import Citation, Contact, Service, ServicePathway

    services = services.order_by(*EXPORT_ORDER)
    ids = services.order_by().values("pk")
    order = [f"service__{field}" for field in EXPORT_ORDER]

    def related(model, *fields, then=()):
        rows = model.objects.filter(service_id__in=ids).order_by(*order, *then).values_list("service_id", *fields)
        return _Rows(rows.iterator(chunk_size=EXPORT_CHUNK))

    through = Service.risk_levels.through
    risks = _Rows(
        through.objects.filter(service_id__in=ids)
        .order_by(*order, "risklevel__rank")
        .values_list("service_id", "risklevel__slug")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    through = Service.areas.through
    areas = _Rows(
        through.objects.filter(service_id__in=ids)
        .order_by(*order, "area__kind", "area__name_en")
        .values_list("service_id", "area__slug")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    routes = related(ServicePathway, "pathway__slug", then=("pathway__position", "pathway__name"))
    contacts = related(Contact, "kind", "value", then=("pk",))
    citations = related(Citation, "document__title", "section")
    fields = (
        "pk", "slug", "name", "organisation__name", "tier", "scope", "attendance", "format",
        "start_date", "start_precision", "start_text", "end_date", "end_precision", "end_text",
        "funding_source", "funding_longevity",
        "last_verified", "timeline_status", "timeline_evidence", "evidence_source", "timeline_date",
        "timeline_unconfirmed",
    )  # fmt: skip
    for values in services.values_list(*fields, named=True).iterator(chunk_size=EXPORT_CHUNK):
        service_contacts = contacts.take(values.pk)
        claim = Claim.for_service(values)
        yield {
            "slug": values.slug,
            "name": values.name,
            "organisation": values.organisation__name,
            "tier": values.tier,
            "scope": values.scope,
            "risk_levels": _join(slug for (slug,) in risks.take(values.pk)),
            "areas": _join(slug for (slug,) in areas.take(values.pk)),
            "referral_routes": _join(slug for (slug,) in routes.take(values.pk)),
            "attendance": values.attendance,
            "format": values.format,
            "status": values.timeline_status,
            "evidence_date": claim.evidence.isoformat() if claim.evidence else "",
            "evidence": claim.text,
            "start": iso_at_precision(values.start_date, values.start_precision) or values.start_text,
            "end": iso_at_precision(values.end_date, values.end_precision) or values.end_text,
            "emails": _join(value for kind, value in service_contacts if kind == "email"),
            "phones": _join(value for kind, value in service_contacts if kind == "phone"),
            "websites": _join(value for kind, value in service_contacts if kind == "website"),
            "funding_source": values.funding_source,
            "funding_longevity": values.funding_longevity,
            "sources": _join(sorted({f"{title} — {section}" for title, section in citations.take(values.pk)})),
        }


class _Echo:
    """A file-like object whose ``write`` hands back what it is given (for streaming csv.writer)."""

    def write(self, value):
        return value


def one_snapshot(chunks):
    """Pass on ``chunks`` (a generator reading the database as it goes, through several cursors opened one after
    another) with every read in one transaction, so all of them see the directory as it was when the first began:
    an edit committed meanwhile is not half in an export. On PostgreSQL at REPEATABLE READ (at READ COMMITTED,
    the default, each statement has its own snapshot); a SQLite transaction is one snapshot already. Inside a
    transaction already (a test's), its reads are that transaction's. Reads only: what it might write (the
    kept timeline's fill) must be done before (``with_timeline`` in the view)."""
    isolate = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if isolate:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield from chunks


def csv_lines(services):
    """The export as CSV text, a header line then one line per service, produced as it is read."""
    writer = csv_safe.writer(_Echo())
    yield writer.writerow([key for key, _label in EXPORT_COLUMNS])
    for row in export_rows(services):
        yield writer.writerow([row[key] for key, _label in EXPORT_COLUMNS])


def write_csv(stream, services):
    """Write ``services`` to ``stream`` as CSV, a header row then one row each (no cell runs as a formula)."""
    for line in csv_lines(services):
        stream.write(line)


# --------------------------------------------------------------------------
# Why a search result matched, and what is nearest when nothing does
# --------------------------------------------------------------------------


def area_reason(service, area, graph):
    """How ``service`` covers ``area``: itself, as part of a larger area, or in part."""
    served = list(service.areas.all())
    if any(a.pk == area.pk for a in served):
        return _("Covers %(area)s") % {"area": area.name}
    whole, part = graph.coverage_sets(area.pk)
    larger = [a for a in served if a.pk in whole]
    if larger and service.extent_is_unstated:
        return _("Somewhere in %(larger)s; councils not stated") % {"larger": larger[0].name}
    if larger:
        return _("Covers %(area)s as part of %(larger)s") % {"area": area.name, "larger": larger[0].name}
    inside = [a.name for a in served if a.pk in part]
    return _("Works in part of %(area)s: %(places)s") % {"area": area.name, "places": ", ".join(inside)}


def audience_reason(service):
    """Who the service is for, in plain words; says so where no document states it."""
    audiences = service.stated_audiences()
    if not audiences:
        return _("Who it is for: not stated in the documents")
    return _("For: %(audiences)s") % {"audiences": "; ".join(str(audience.label) for audience in audiences)}


def harm_search_reason(service, harm):
    phrase = Harm(harm).phrase
    row = service.harm_row(harm)
    if row is not None and row.applies:
        return _("Works with %(harm)s (source: %(date)s)") % {"harm": phrase, "date": row.document.date_text}
    return _("The sources do not say whether %(service)s works with %(harm)s") % {
        "service": service.name,
        "harm": phrase,
    }


def match_reasons(service, *, graph, area=None, risk=None, route=None, query="", harm=""):
    """Plain-words reasons a service is in the results for these filters."""
    reasons = []
    if area is not None:
        reasons.append(area_reason(service, area, graph))
    if risk is not None and getattr(service, "risk_stated", True):
        reasons.append(_("Takes %(risk)s") % {"risk": str(risk.label).lower()})
    elif risk is not None:
        reasons.append(_("The documents do not say which risk levels it takes"))
    if route is not None:
        reasons.append(_("%(route)s accepted") % {"route": route.label})
    if query:
        reasons.append(_("Matches “%(query)s”") % {"query": query})
    if harm:
        reasons.append(harm_search_reason(service, harm))
    reasons.append(audience_reason(service))
    return reasons


def explain_results(services, *, graph, chosen):
    """``[(service, reasons)]`` for a page of search results and the filters that were chosen.

    Reads what the reasons need for these rows (one query each, only where the filters ask for it): the
    documents' focus rows (who it is for; with their documents for a kind of harm) and the areas.
    """
    services = list(services)
    needed = ["focus__document" if chosen.get("harm") else "focus"]
    if chosen.get("area") is not None:
        needed.append("areas")
    prefetch_related_objects(services, *needed)
    return [
        (
            service,
            match_reasons(
                service,
                graph=graph,
                area=chosen.get("area"),
                risk=chosen.get("risk"),
                route=chosen.get("route"),
                query=chosen.get("q", ""),
                harm=chosen.get("harm", ""),
            ),
        )
        for service in services
    ]


def nearest_services(queryset, *, area, risk, graph, today):
    """What is nearest when nothing covers ``area`` at ``risk``.

    Returns ``(neighbouring, adjacent_levels)``: services in areas that share a police force area, health
    board or region with ``area`` that take ``risk`` or whose risk levels the sources do not state ("not
    stated" is never "no"; each is annotated ``risk_stated``, those that take it first, for the page to
    group them as the search does); and services covering ``area`` at the risk levels either side.
    """
    neighbouring = []
    if risk is not None:
        groupings = graph.parents.get(area.pk, set())
        siblings = set()
        for grouping in groupings:
            siblings |= graph.children.get(grouping, set())
        siblings -= {area.pk} | graph.ancestors(area.pk) | graph.descendants(area.pk)
        inside = set()
        for sibling in siblings:
            inside |= graph.descendants(sibling)
        neighbouring = list(
            queryset.current(today)
            .filter(areas__in=siblings | inside)
            .for_risk_level(risk, or_not_stated=True)
            .distinct()
            .order_by("-risk_stated", "name")
        )
    adjacent = []
    if risk is not None:
        levels = RiskLevel.objects.filter(rank__in=[risk.rank - 1, risk.rank + 1])
        adjacent = list(queryset.current(today).covering(area, graph=graph).filter(risk_levels__in=levels).distinct())
    return neighbouring, adjacent


# --------------------------------------------------------------------------
# Glossary links
# --------------------------------------------------------------------------


def glossary_index(terms):
    """``{abbreviation: (url, title)}`` for every glossary term; the title carries an editor's correction."""
    return {
        abbreviation: (term.get_absolute_url(), term.link_title)
        for term in terms
        for abbreviation in term.abbreviations
    }


def current_glossary_index():
    """``glossary_index`` of every term, from the shared cache at this data version (``counts.cached``): every
    service page links the glossary, and it changes only with the data."""
    terms = GlossaryTerm.objects.all()
    return cached(terms, "glossary index", lambda: glossary_index(terms))


def link_glossary_terms(text, index):
    """Escape ``text`` and link each whole-word abbreviation the glossary explains, once per text."""
    text = escape(text)
    if not index:
        return mark_safe(text)  # noqa: S308 - escaped above
    pattern = re.compile(
        r"(?<![\w/#-])(" + "|".join(re.escape(k) for k in sorted(index, key=len, reverse=True)) + r")(?![\w-])"
    )
    linked = set()

    def link(match):
        word = match.group(1)
        if word in linked:
            return word
        linked.add(word)
        url, title = index[word]
        if title:
            return format_html('<a class="govuk-link" href="{}"><abbr title="{}">{}</abbr></a>', url, title, word)
        return format_html('<a class="govuk-link" href="{}"><abbr>{}</abbr></a>', url, word)

    return mark_safe(pattern.sub(link, text))  # noqa: S308 - built from escaped text and format_html


def kind_counts(services, *, today):
    """``[(tier, label, running, unconfirmed)]`` for the home page, in tier order, leaving out empty kinds.

    ``running`` counts services running on ``today``'s timeline; ``unconfirmed`` how many of
    those have no evidence within the stale threshold. The counts are kept in the shared cache
    under the query, ``today`` and the data version (``counts.cached``): computed
    once per day and change, read from the cache on every other request. One query when computed.
    """

    def compute():
        rows = services.with_timeline(today).values_list(
            "tier",
            "timeline_status",
            "timeline_evidence",
            "evidence_source",
            "start_date",
            "start_precision",
            "last_verified",
            "timeline_unconfirmed",
            "timeline_earliest",
        )
        counts = {}
        for tier, status, evidence, source, start, start_precision, verified, unconfirmed, earliest in rows:
            if status not in Status.operating():
                continue
            claim = Claim(
                status=status,
                evidence=evidence,
                source=source,
                date=today,
                start_date=start,
                start_precision=start_precision,
                verified=verified,
                unconfirmed=unconfirmed,
                earliest=earliest,
            )
            running, warned = counts.get(tier, (0, 0))
            counts[tier] = (running + 1, warned + claim.warning)
        return counts

    # Keyed by the plain queryset (cheap to compile) with the date and the threshold beside it.
    counts = cached(services, f"kind_counts:{today.isoformat()}:{stale_months()}", compute)
    return [(tier, tier.label, *counts[tier.value]) for tier in Tier if tier.value in counts]
