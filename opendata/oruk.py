"""The directory in Open Referral UK 3.0 shapes: plain functions from prefetched rows to dicts.

Nothing here queries the database: every function reads what the page-shaped
QuerySets in ``opendata.queries`` have fetched, so a page of the API runs the
same number of queries whatever its size.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Availability, ContactKind, FundingLongevity, Status

from .taxonomies import DIMENSIONS, in_language, stable_id

PROFILE_URL = "https://openreferral.github.io/uk-profile/"
HSDS_VERSION = "3.0"
ONS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"

# Open Referral has four statuses; ours says more, and the "service-status" taxonomy keeps the rest.
ORUK_STATUS = {
    Status.ACTIVE: "active",
    Status.PILOT: "active",
    Status.PLANNED: "inactive",
    Status.DECOMMISSIONED: "defunct",
    Status.NEVER_ESTABLISHED: "defunct",
}


def service_id(service):
    return stable_id("service", service.slug)


def organisation_id(organisation):
    return stable_id("organisation", organisation.slug)


def web_address(value):
    """A website as a URI: the documents often give it without the scheme."""
    if not value:
        return None
    return value if "://" in value else f"https://{value}"


def _drop_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def taxonomy_term(term):
    dimension = term.dimension
    return _drop_empty(
        {
            "id": term.id,
            "name": in_language(term.name, "en"),
            "description": in_language(term.description, "en") if term.description else in_language(term.name, "en"),
            "taxonomy": dimension.slug,
            "taxonomy_id": dimension.id,
            "term": term.value,
            # Extension: the name in Welsh (the directory is bilingual).
            "name_cy": in_language(term.name, "cy"),
        }
    )


def taxonomy(dimension, terms=None):
    data = {
        "id": dimension.id,
        "name": in_language(dimension.name, "en"),
        "description": in_language(dimension.description, "en"),
        "version": "1",
        "name_cy": in_language(dimension.name, "cy"),
    }
    if terms is not None:
        data["taxonomy_terms"] = [taxonomy_term(term) for term in terms]
    return data


def organisation_summary(organisation, request=None):
    # The profile requires a description, even an empty one.
    data = {"id": organisation_id(organisation), "name": organisation.name, "description": organisation.description}
    if organisation.website:
        data["website"] = web_address(organisation.website)
    return data


def _contacts(service):
    return [contact for contact in service.contacts.all()]


def _first(service, kind):
    return next((contact for contact in _contacts(service) if contact.kind == kind), None)


def assurance(service):
    """When the entry was last checked against a source, and a directory address (never an editor's)."""
    if not service.last_verified:
        return {}
    data = {"assured_date": service.last_verified.isoformat()}
    if settings.OPEN_DATA_CONTACT_EMAIL:
        data["assurer_email"] = settings.OPEN_DATA_CONTACT_EMAIL
    return data


def latest_availability(service):
    """The newest thing said about taking referrals (notes are ordered newest first), or ``None``."""
    return next(iter(service.availability_notes.all()), None)


def oruk_status(service):
    """Ours in Open Referral's four words; a running service whose latest note says referrals are paused is
    ``temporarily closed``."""
    note = latest_availability(service)
    status = service.status_now
    if status in Status.operating() and note and note.state == Availability.PAUSED:
        return "temporarily closed"
    # Nothing known on the timeline (not started, or no dated evidence): not running.
    return ORUK_STATUS.get(status, "inactive")


def alert(service):
    """The latest word on taking referrals, with the date it was said (never a claim without its date)."""
    note = latest_availability(service)
    if note is None:
        return None
    text = f"{note.get_state_display()} ({_('said on %(date)s') % {'date': note.said_on.isoformat()}})"
    return f"{text}: {note.wait}" if note.wait else text


def service_minimal(service, request=None, evidence=True):
    """The id, name and status of a service, and beside the status its evidence: every shape starts from here, so
    no list or detail publishes a status without what the evidence says and when (``status_evidence``).

    ``evidence=False`` only for a caller that keeps the profile's columns and no more (the data package's
    services table): wording the evidence is most of the cost of a service's row.
    """
    data = {"id": service_id(service), "name": service.name, "status": oruk_status(service)}
    if evidence:
        data["status_evidence"] = status_evidence(service)
    if getattr(service, "last_modified", None):
        data["last_modified"] = service.last_modified.isoformat()
    return data


def service_summary(service, request=None, evidence=True):
    """The one-to-one fields of a service (the profile's ``service_list`` shape); ``evidence``: ``service_minimal``."""
    website = _first(service, ContactKind.WEBSITE)
    email = _first(service, ContactKind.EMAIL)
    accreditation = service.accreditation or (service.programme.accreditation if service.programme else "")
    data = service_minimal(service, evidence=evidence) | {
        "organization_id": organisation_id(service.organisation),
        "description": service.description or service.summary,
        "url": website.href if website else None,
        "email": email.value if email else None,
        "accreditations": accreditation,
        "alert": alert(service),
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "organization": organisation_summary(service.organisation),
    }
    data |= assurance(service)
    return _drop_empty(data)


def service_areas(service):
    sid = service_id(service)
    areas = []
    for area in service.areas.all():
        if service.extent_is_unstated:
            extent = _("somewhere in the area; councils not stated")
        elif service.area_note:
            extent = _("part of the area: %(note)s") % {"note": service.area_note}
        else:
            extent = _("whole area")
        item = {
            "id": stable_id("service-area", service.slug, area.slug),
            "service_id": sid,
            "name": area.name_en,
            "service_area": f"{area.name_en} ({extent})",
        }
        if area.gss_code:
            item |= {"extent": area.gss_code, "extent_type": "text", "uri": ONS_URI + area.gss_code}
        areas.append(item)
    return areas


def contacts(service):
    sid = service_id(service)
    items = []
    for contact in _contacts(service):
        if contact.kind not in (ContactKind.EMAIL, ContactKind.PHONE):
            continue
        cid = stable_id("contact", service.slug, contact.kind, contact.value)
        item = {"id": cid, "service_id": sid, "name": contact.label or contact.get_kind_display()}
        if contact.kind == ContactKind.EMAIL:
            item["email"] = contact.value
        else:
            item["phones"] = [
                {"id": stable_id("phone", service.slug, contact.value), "contact_id": cid, "number": contact.value}
            ]
        items.append(item)
    return items


def attribute_links(service):
    """``[(attribute, term)]``: each term ``service`` carries, and the attribute linking them without the term
    nested (the data package's attribute table; its terms are a table of their own)."""
    sid = service_id(service)
    return [
        (
            {
                "id": stable_id("attribute", service.slug, term.id),
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": term.id,
            },
            term,
        )
        for dimension in DIMENSIONS
        for term in dimension.terms_of(service)
    ]


def attributes(service):
    return [attribute | {"taxonomy_term": taxonomy_term(term)} for attribute, term in attribute_links(service)]


LONGEVITY = dict(FundingLongevity.choices)


def funding(service):
    if not service.funding_source and not service.funding_longevity:
        return []
    item = {"id": stable_id("funding", service.slug), "service_id": service_id(service)}
    if service.funding_source:
        item["source"] = service.funding_source
    # Extension: how long the money lasts, and any note, as the documents say.
    if service.funding_longevity:
        # What get_funding_longevity_display() says, without translating every choice's label to find one.
        item["longevity"] = str(LONGEVITY.get(service.funding_longevity, service.funding_longevity))
    if service.funding_note:
        item["note"] = service.funding_note
    return [item]


def citations(service):
    """Extension: every quote the entry rests on, with its document, section and date."""
    return [
        _drop_empty(
            {
                "document_id": citation.document.slug,
                "document": citation.document.title,
                "document_date": citation.document.published.isoformat() if citation.document.published else None,
                "document_date_text": citation.document.date_text,
                "section": citation.section,
                "quote": citation.quote,
                "supports": citation.supports,
            }
        )
        for citation in service.citations.all()
    ]


def status_evidence(service):
    """The directory's extension beside ``status``: what the newest evidence says, and when (never a bare status)."""
    claim = service.claim
    return {
        "text": claim.text,
        "date": claim.evidence.isoformat() if claim.evidence else None,
        "source": claim.source or None,
        "not_confirmed_recently": claim.stale,
    }


def service_full(service, request=None):
    """The fully nested service (the profile's ``service`` shape) with the directory's extensions."""
    data = service_summary(service, request) | {
        "service_areas": service_areas(service),
        "contacts": contacts(service),
        "funding": funding(service),
        "attributes": attributes(service),
        "service_at_locations": [],
        "citations": citations(service),
    }
    web = reverse("directory:service-detail", kwargs={"slug": service.slug})
    data["directory_url"] = request.build_absolute_uri(web) if request else web
    return data


def organisation_full(organisation, services, request=None):
    return organisation_summary(organisation) | {"services": [service_summary(s, request) for s in services]}
