"""Open Referral UK 3.0 in: a feed's services become pending changes in the review queue, never live.

A feed's status is evidence like any other: it becomes a dated status event (see ``status_statement``),
stated by the directory admin who approves the change, never a stored status beside the timeline.

``plan_import`` maps what it can and lists, for each service, what it could not;
anything the directory requires and the feed does not give (a name, a tier, a
status it can map) is an error, and one error stops the whole import.
``apply_plan`` saves the pending changes (and any organisation the feed names
that the directory lacks) in one transaction. A directory admin approves each
change in the review queue (``editorial.review.approve_change``).
"""

import json
import re
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from jsonschema import Draft202012Validator, FormatChecker

from directory.models import (
    ContactKind,
    Document,
    EditorRole,
    Organisation,
    Precision,
    Service,
    ServicePathway,
    Status,
    Tier,
)
from editorial.models import PendingChange
from editorial.values import as_stored
from regions.models import Area

from . import oruk, schemas, taxonomies

MAX_FEED_BYTES = 20 * 1024 * 1024
FROM_ORUK = {"active": Status.ACTIVE, "defunct": Status.DECOMMISSIONED}
IMPORTED_FROM = "as imported from an Open Referral feed"


def status_statement(status, *, on, date_text):
    """A status carried by an import, as the timeline's evidence: a directory editor's statement made on the
    day of the import (precision day), as an editor's verification is recorded. Its ``stated_by`` is left for
    whoever applies it (``editorial.review.approve_change`` names the approving admin)."""
    return {
        "status": status,
        "date": on,
        "precision": Precision.DAY,
        "date_text": date_text,
        "editor_role": EditorRole.DIRECTORY,
        "stated_on": on,
        "stated_by": None,
    }


class FeedError(Exception):
    """The feed cannot be read, or a service in it cannot be mapped; nothing was imported."""


def read_feed(source):
    """The list of service dicts in a file or an http(s) URL: a page envelope, a list, or one service."""
    try:
        if urlparse(source).scheme in ("http", "https"):
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 (scheme checked above)
                text = response.read(MAX_FEED_BYTES + 1).decode("utf-8")
        elif urlparse(source).scheme in ("", "file"):
            with open(source.removeprefix("file://"), encoding="utf-8") as handle:
                text = handle.read(MAX_FEED_BYTES + 1)
        else:
            raise FeedError(f"{source}: give a file or an http(s) address.")
    except (OSError, UnicodeDecodeError) as error:
        raise FeedError(f"{source}: could not be read ({error}).") from error
    if len(text) > MAX_FEED_BYTES:
        raise FeedError(f"{source}: larger than {MAX_FEED_BYTES // (1024 * 1024)} MB.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(f"{source}: not JSON ({error}).") from error
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    raise FeedError(f"{source}: expected a service, a list of services or a page of them.")


@dataclass
class Proposal:
    label: str
    service: Service | None
    organisation: Organisation
    fields: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def change(self, model, field_name, before, after, key=""):
        """One line of the review page; ``key`` ("fields:name", "m2m:name") lets review compare it with live values."""
        self.changes.append(
            {
                "model": model,
                "object": self.label,
                "field": field_name,
                "before": str(before),
                "after": str(after),
                **({"key": key} if key else {}),
            }
        )

    def add_row(self, model, values):
        self.rows.append({"model": model, "fk": "service", "action": "add", "fields": values})
        self.change(model, "", "—", ", ".join(str(v) for v in values.values() if v not in ("", None)))


@dataclass
class Plan:
    proposals: list = field(default_factory=list)
    new_organisations: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)


class Vocabulary:
    """The directory's rows a feed can name, read once."""

    def __init__(self):
        self.today = timezone.localdate()
        services = Service.objects.select_related("organisation", "programme").with_timeline(self.today)
        self.services = {oruk.service_id(s): s for s in services}
        self.by_name = {(s.organisation_id, s.name.casefold()): s for s in self.services.values()}
        self.organisations = {oruk.organisation_id(o): o for o in Organisation.objects.all()}
        self.organisation_names = {o.name.casefold(): o for o in self.organisations.values()}
        self.areas_by_code = {a.gss_code: a for a in Area.objects.exclude(gss_code="")}
        self.areas_by_name = {a.name_en.casefold(): a for a in Area.objects.all()}
        self.documents = {d.slug: d for d in Document.objects.all()}
        self.terms = {term.id: term for term in taxonomies.all_terms()}
        self.slugs = {s.slug for s in self.services.values()}


def _summary(text):
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first[:300]


def _terms(item, vocabulary, proposal):
    found = {}
    for attribute in item.get("attributes") or []:
        term_id = attribute.get("taxonomy_term_id") or (attribute.get("taxonomy_term") or {}).get("id")
        term = vocabulary.terms.get(str(term_id))
        if term is None:
            name = (attribute.get("taxonomy_term") or {}).get("name", term_id)
            proposal.notes.append(f"Not mapped: taxonomy term {name!r}.")
            continue
        found.setdefault(term.dimension.slug, []).append(term)
    return found


def _organisation(item, vocabulary, plan, errors):
    data = item.get("organization") or {}
    organisation = vocabulary.organisations.get(str(item.get("organization_id") or data.get("id")))
    if organisation is None and data.get("name"):
        organisation = vocabulary.organisation_names.get(data["name"].casefold())
        if organisation is None:
            slug = slugify(data["name"])[:100] or "organisation"
            organisation = Organisation(
                slug=slug, name=data["name"][:200], description=data.get("description") or "", website=""
            )
            organisation.website = (data.get("website") or "")[:200]
            try:
                organisation.clean()  # the directory's rules for an organisation (its website's format)
            except ValidationError as error:
                errors += [
                    f"organization {field}: {'; '.join(messages)}" for field, messages in error.message_dict.items()
                ]
            vocabulary.organisation_names[data["name"].casefold()] = organisation
            plan.new_organisations.append(organisation)
    if organisation is None:
        errors.append("no organization (give organization_id of one of ours, or an organization with a name)")
    return organisation


def _map_service(item, vocabulary, plan, default_tier):
    errors = []
    name = (item.get("name") or "").strip()
    existing = vocabulary.services.get(str(item.get("id")))
    organisation = existing.organisation if existing else _organisation(item, vocabulary, plan, errors)
    if existing is None and organisation is not None and organisation.pk:
        existing = vocabulary.by_name.get((organisation.pk, name.casefold()))
    proposal = Proposal(label=name, service=existing, organisation=organisation)
    terms = _terms(item, vocabulary, proposal)

    def single(dimension):
        values = [term.value for term in terms.get(dimension, [])]
        return values[0] if values else None

    status = single("service-status") or FROM_ORUK.get(item.get("status"))
    if status is None:
        errors.append(f"status {item.get('status')!r} has no equivalent here (active or defunct, or our status term)")
    tier = single("tier") or (existing.tier if existing else default_tier)
    if tier is None:
        errors.append("no tier: add our tier term, or run with --tier")
    description = (item.get("description") or "").strip()
    if not name:
        errors.append("no name")
    if errors:
        return None, errors

    wanted = {
        "name": name[:200],
        "tier": tier,
        "format": single("format"),
        "attendance": single("attendance"),
        "min_age": item.get("minimum_age"),
        "max_age": item.get("maximum_age"),
        "funding_source": "; ".join(f["source"] for f in item.get("funding") or [] if f.get("source"))[:300] or None,
    }
    if existing is None:
        slug = base = slugify(name)[:110] or "service"
        n = 2
        while slug in vocabulary.slugs:
            slug, n = f"{base}-{n}", n + 1
        vocabulary.slugs.add(slug)
        wanted |= {
            "slug": slug,
            "summary": _summary(description) or name[:300],
            "description": description,
            "accreditation": item.get("accreditations") or "",
        }
        if status == Status.DECOMMISSIONED:
            wanted["end_text"] = "Defunct in the Open Referral feed it was imported from."
        wanted = {
            k: ("" if v is None and k in ("format", "attendance", "funding_source") else v) for k, v in wanted.items()
        }
        for key, value in wanted.items():
            proposal.fields[key] = value
            if value not in ("", None):
                proposal.change("directory.service", key, "—", value)
    else:
        if description and description not in (
            existing.description,
            existing.summary if not existing.description else None,
        ):
            wanted["description"] = description
        accreditation = existing.accreditation or (existing.programme.accreditation if existing.programme else "")
        if item.get("accreditations") and item["accreditations"] != accreditation:
            wanted["accreditation"] = item["accreditations"]
        for key, value in wanted.items():
            if value is None:
                continue  # not stated in the feed: keep ours
            if getattr(existing, key) != value:
                proposal.fields[key] = value
                proposal.change("directory.service", key, getattr(existing, key), value, key=f"fields:{key}")

    # The feed's status is evidence on the timeline: recorded where it differs from what the timeline says today.
    if existing is None or existing.timeline_status != status:
        proposal.add_row(
            "directory.statusevent", status_statement(status, on=vocabulary.today, date_text=IMPORTED_FROM)
        )

    # Many-to-many: risk levels and areas.
    if "risk-level" in terms:
        levels = sorted(term.obj.pk for term in terms["risk-level"])
        current = sorted(existing.risk_levels.values_list("pk", flat=True)) if existing else []
        if levels != current:
            proposal.m2m["risk_levels"] = levels
            proposal.change(
                "directory.service",
                "risk_levels",
                current or "—",
                ", ".join(t.value for t in terms["risk-level"]),
                key="m2m:risk_levels",
            )
    areas, unmapped = [], []
    for service_area in item.get("service_areas") or []:
        code = service_area.get("extent") or (service_area.get("uri") or "").rsplit("/", 1)[-1]
        area = vocabulary.areas_by_code.get(code) or vocabulary.areas_by_name.get(
            (service_area.get("name") or "").casefold()
        )
        (areas if area else unmapped).append(area or service_area.get("name") or service_area.get("service_area"))
    proposal.notes += [f"Not mapped: service area {name!r}." for name in unmapped]
    if areas and not unmapped:
        ids = sorted({area.pk for area in areas})
        current = sorted(existing.areas.values_list("pk", flat=True)) if existing else []
        if ids != current:
            proposal.m2m["areas"] = ids
            proposal.change(
                "directory.service", "areas", current or "—", ", ".join(a.name_en for a in areas), key="m2m:areas"
            )

    # Rows added beside the service: routes, contacts, citations (never removed by an import).
    held = [link.pathway for link in existing.pathways.select_related("pathway")] if existing else []
    added = [term.obj for term in terms.get("referral-route", []) if term.value not in {p.slug for p in held}]
    try:
        ServicePathway.check_routes([*held, *added])  # the MARAC rule, on the routes the service would have
    except ValidationError as error:
        return None, error.messages
    for pathway in added:
        proposal.add_row("referrals.servicepathway", {"pathway": pathway.pk})
    contacts = (
        {(c.kind, c.href if c.kind == ContactKind.WEBSITE else c.value) for c in existing.contacts.all()}
        if existing
        else set()
    )
    offered = []
    if item.get("url"):
        offered.append((ContactKind.WEBSITE, item["url"], ""))
    if item.get("email"):
        offered.append((ContactKind.EMAIL, item["email"], ""))
    for contact in item.get("contacts") or []:
        if contact.get("email"):
            offered.append((ContactKind.EMAIL, contact["email"], contact.get("name") or ""))
        for phone in contact.get("phones") or []:
            offered.append((ContactKind.PHONE, phone["number"], contact.get("name") or ""))
    for kind, value, label in offered:
        if (kind, value) not in contacts:
            contacts.add((kind, value))
            label = "" if label in ("Email", "Phone", str(ContactKind(kind).label)) else label
            proposal.add_row("directory.contact", {"kind": kind, "value": value[:300], "label": label[:200]})
    cited = {(c.document.slug, c.quote) for c in existing.citations.select_related("document")} if existing else set()
    for citation in item.get("citations") or []:
        document = vocabulary.documents.get(citation.get("document_id"))
        if document is None:
            proposal.notes.append(f"Not mapped: citation of {citation.get('document')!r} (no such document here).")
        elif (document.slug, citation.get("quote")) not in cited:
            values = {
                "document": document.pk,
                "section": citation.get("section", ""),
                "quote": citation.get("quote", ""),
            }
            proposal.add_row("directory.citation", values | {"supports": citation.get("supports", "")})

    return proposal, []


def plan_import(items, *, default_tier=None):
    """What importing ``items`` would propose; ``plan.errors`` lists what cannot be mapped."""
    if default_tier is not None and default_tier not in Tier.values:
        raise FeedError(f"--tier must be one of: {', '.join(Tier.values)}.")
    validator = Draft202012Validator(schemas.load("schema/compiled/service.json"), format_checker=FormatChecker())
    vocabulary = Vocabulary()
    plan = Plan()
    for number, item in enumerate(items, start=1):
        where = f"service {number} ({item.get('name', 'no name') if isinstance(item, dict) else 'not an object'})"
        problems = [
            f"{'/'.join(map(str, e.absolute_path)) or 'service'}: {e.message}" for e in validator.iter_errors(item)
        ]
        if problems:
            plan.errors += [f"{where}: {problem}" for problem in problems[:5]]
            continue
        proposal, errors = _map_service(item, vocabulary, plan, default_tier)
        if errors:
            plan.errors += [f"{where}: {error}" for error in errors]
        elif proposal.changes:
            plan.proposals.append(proposal)
        else:
            plan.unchanged.append(proposal.label)
    return plan


def _original(proposal):
    """The live values a proposal would change, as the review queue compares them before approving."""
    service = proposal.service
    return {
        "fields": {
            name: as_stored(Service._meta.get_field(name).value_from_object(service)) for name in proposal.fields
        },
        "m2m": {name: sorted(item.pk for item in getattr(service, name).all()) for name in proposal.m2m},
    }


@transaction.atomic
def apply_plan(plan, *, source):
    """Save the plan's pending changes (nothing goes live). Returns them."""
    if plan.errors:
        raise FeedError("The feed has errors; nothing was imported.")
    for organisation in plan.new_organisations:
        organisation.full_clean()
        organisation.save()
    created = []
    for proposal in plan.proposals:
        verb = "Change to" if proposal.service else "New service:"
        notes = [
            {"model": "directory.service", "object": proposal.label, "field": "", "before": "", "after": n}
            for n in proposal.notes
        ]
        created.append(
            PendingChange.objects.create(
                service=proposal.service,
                organisation=proposal.organisation,
                summary=f"Open Referral import from {source}: {verb} {proposal.label}"[:300],
                proposal={
                    "fields": proposal.fields,
                    "m2m": proposal.m2m,
                    "rows": proposal.rows,
                    **({"original": _original(proposal)} if proposal.service else {}),
                },
                changes=proposal.changes + notes,
                submitted_by=None,
            )
        )
    return created
