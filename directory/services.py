"""Building things that are not models: the CSV export."""

import csv
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Claim, Harm, RiskLevel, Status, Tier

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


def export_row(service):
    """One service as a flat dict of strings, keyed by :data:`EXPORT_COLUMNS`."""
    contacts = list(service.contacts.all())
    return {
        "slug": service.slug,
        "name": service.name,
        "organisation": service.organisation.name,
        "tier": service.tier,
        "scope": service.scope,
        "risk_levels": _join(level.slug for level in service.risk_levels.all()),
        "areas": _join(area.slug for area in service.areas.all()),
        "referral_routes": _join(link.pathway.slug for link in service.pathways.all()),
        "attendance": service.attendance,
        "format": service.format,
        "status": service.status_now,
        "evidence_date": service.claim.evidence.isoformat() if service.claim.evidence else "",
        "evidence": service.claim.text,
        "start": service.start_date.isoformat() if service.start_date else service.start_text,
        "end": service.end_date.isoformat() if service.end_date else service.end_text,
        "emails": _join(c.value for c in contacts if c.kind == "email"),
        "phones": _join(c.value for c in contacts if c.kind == "phone"),
        "websites": _join(c.value for c in contacts if c.kind == "website"),
        "funding_source": service.funding_source,
        "funding_longevity": service.funding_longevity,
        "sources": _join(sorted({f"{c.document.title} — {c.section}" for c in service.citations.all()})),
    }


def write_csv(stream, services):
    """Write ``services`` to ``stream`` as CSV, a header row then one row each."""
    writer = csv.writer(stream)
    writer.writerow([key for key, _label in EXPORT_COLUMNS])
    for service in services:
        row = export_row(service)
        writer.writerow([_safe(row[key]) for key, _label in EXPORT_COLUMNS])


def _safe(value):
    """Guard spreadsheet users against formula injection in exported cells."""
    value = str(value)
    if value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
    """``[(service, reasons)]`` for a page of search results and the filters that were chosen."""
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

    Returns ``(neighbouring, adjacent_levels)``: services at the same risk level
    in areas that share a police force area, health board or region with
    ``area``; and services covering ``area`` at the risk levels either side.
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
        neighbouring = list(queryset.current(today).for_risk_level(risk).filter(areas__in=siblings | inside).distinct())
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
    those have no evidence within the stale threshold. One query, whatever the number of services.
    """
    rows = services.with_timeline(today).values_list(
        "tier",
        "timeline_status",
        "timeline_evidence",
        "evidence_document",
        "start_date",
        "last_verified",
        "timeline_unconfirmed",
    )
    counts = {}
    for tier, status, evidence, document, start, verified, unconfirmed in rows:
        if status not in Status.operating():
            continue
        claim = Claim(
            status=status,
            evidence=evidence,
            document=document,
            date=today,
            start_date=start,
            verified=verified,
            unconfirmed=unconfirmed,
        )
        running, warned = counts.get(tier, (0, 0))
        counts[tier] = (running + 1, warned + claim.warning)
    return [(tier, tier.label, *counts[tier.value]) for tier in Tier if tier.value in counts]
