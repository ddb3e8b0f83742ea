"""Building things that are not models: the CSV export."""

import csv

from django.utils.translation import gettext_lazy as _

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
        "status": service.status,
        "start": service.start_date.isoformat() if service.start_date else service.start_text,
        "end": service.end_date.isoformat() if service.end_date else service.end_text,
        "emails": _join(c.value for c in contacts if c.kind == "email"),
        "phones": _join(c.value for c in contacts if c.kind == "phone"),
        "websites": _join(c.value for c in contacts if c.kind == "website"),
        "funding_source": service.funding_source,
        "funding_longevity": service.funding_longevity,
        "sources": _join(
            sorted({f"{c.document.title} — {c.section}" for c in service.citations.all()})
        ),
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
