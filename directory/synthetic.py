"""A synthetic directory for benchmarks and scale tests, made through the project's own models.

Nothing here is real: every area, organisation, service and quote is invented and
says so ("Synthetic ..."). The shapes follow the real fixtures: councils grouped
into police force areas (~8 councils), health boards (~6) and VAWDASV regions (~25)
inside a country; most services in one council, some in two or three neighbours,
force-wide, health-board-wide, regional or national, and a few comparators
elsewhere; 70 % active, 14 % pilot, 8 % decommissioned, 6 % planned, 2 % never
established; risk levels, referral routes, eligibility, contacts, citations to a
synthetic document, dated status evidence and who-it-is-for / harm rows.

Rows are written with ``bulk_create`` (no per-row history), so 10,000 services take
seconds. ``generate`` writes into whatever database is current: the management
command guards which one that may be.
"""

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from directory.models import ReferralPathway, ReferralRequirement, ServicePathway
from regions.models import Area, AreaKind

from .models import (
    AssessmentItem,
    Attendance,
    Audience,
    ChecklistType,
    Citation,
    Contact,
    ContactKind,
    Document,
    FocusKind,
    Format,
    FundingLongevity,
    Harm,
    Organisation,
    Rating,
    RiskLevel,
    Scope,
    Service,
    ServiceFocus,
    StandardsAssessment,
    StatedGap,
    Status,
    StatusEvent,
    Tier,
)
from .pagecache import bump

PREFIX = "synth"
BATCH = 2000

WORDS = (
    "Bryn Afon Coed Llyn Maes Pant Rhos Tref Aber Glan Nant Pen Cwm Dol Ffridd Garth Hafod Llan Mynydd Porth"
).split()
PROGRAMME_WORDS = "Change Respect Safer Steps Turning Point Choices Pathways Bridge Compass Anchor".split()
TIER_WEIGHTS = {
    Tier.PREVENTION: 8,
    Tier.EARLY_INTERVENTION: 20,
    Tier.MEDIUM_RISK: 18,
    Tier.HIGH_HARM: 14,
    Tier.CRIMINAL_JUSTICE: 12,
    Tier.SEXUAL_VIOLENCE: 6,
    Tier.PARTNER_SUPPORT: 12,
    Tier.MULTI_AGENCY_PANEL: 6,
    Tier.NOT_STATED: 4,
}
STATUS_WEIGHTS = {
    Status.ACTIVE: 70,
    Status.PILOT: 14,
    Status.DECOMMISSIONED: 8,
    Status.PLANNED: 6,
    Status.NEVER_ESTABLISHED: 2,
}
TIER_RISKS = {
    Tier.PREVENTION: ["standard"],
    Tier.EARLY_INTERVENTION: ["standard", "medium"],
    Tier.MEDIUM_RISK: ["medium"],
    Tier.HIGH_HARM: ["high"],
    Tier.CRIMINAL_JUSTICE: ["medium", "high"],
    Tier.SEXUAL_VIOLENCE: ["medium", "high"],
    Tier.PARTNER_SUPPORT: ["standard", "medium", "high"],
    Tier.MULTI_AGENCY_PANEL: ["high"],
    Tier.NOT_STATED: [],
}
JUSTICE_ROUTES = ["court-order", "probation", "conditional-caution"]
OTHER_ROUTES = ["self-referral", "any-agency", "childrens-services", "marac", "police", "family-court"]


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng, n=2):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def area_plan(count):
    """How ``count`` areas split into countries, regions, forces, health boards and councils."""
    countries = max(1, count // 150)
    regions = max(1, count // 25)
    forces = max(1, count // 9)
    boards = max(1, count // 7)
    councils = count - countries - regions - forces - boards
    if councils < 2:
        raise ValueError("Ask for at least 8 areas: councils need forces, boards, regions and a country around them.")
    return {"countries": countries, "regions": regions, "forces": forces, "boards": boards, "councils": councils}


def _make_areas(count):
    plan = area_plan(count)
    areas = []

    def add(kind, slug, name):
        area = Area(slug=f"{PREFIX}-{slug}", kind=kind, name_en=f"Synthetic {name}", membership_inferred=True)
        areas.append(area)
        return area

    countries = [add(AreaKind.COUNTRY, f"country-{i}", f"country {i + 1}") for i in range(plan["countries"])]
    regions = [add(AreaKind.VAWDASV_REGION, f"region-{i}", f"region {i + 1}") for i in range(plan["regions"])]
    forces = [add(AreaKind.POLICE_FORCE_AREA, f"police-{i}", f"police {i + 1}") for i in range(plan["forces"])]
    boards = [add(AreaKind.HEALTH_BOARD, f"health-board-{i}", f"health board {i + 1}") for i in range(plan["boards"])]
    councils = [add(AreaKind.LOCAL_AUTHORITY, f"council-{i}", f"council {i + 1}") for i in range(plan["councils"])]
    Area.objects.bulk_create(areas, batch_size=BATCH)
    created = {a.slug: a for a in Area.objects.filter(slug__startswith=f"{PREFIX}-")}
    for group in (countries, regions, forces, boards, councils):
        group[:] = [created[a.slug] for a in group]

    n = len(councils)

    def parent(group, index):
        # Contiguous blocks of councils, so neighbours share a force, board and region.
        return group[min(len(group) - 1, index * len(group) // n)]

    edges = []
    for i, council in enumerate(councils):
        region = parent(regions, i)
        for group in (forces, boards, regions):
            edges.append((council.pk, parent(group, i).pk))
        country = min(len(countries) - 1, regions.index(region) * len(countries) // len(regions))
        edges.append((council.pk, countries[country].pk))
    for j, region in enumerate(regions):
        edges.append((region.pk, countries[min(len(countries) - 1, j * len(countries) // len(regions))].pk))
    through = Area.within.through
    through.objects.bulk_create(
        [through(from_area_id=a, to_area_id=b) for a, b in dict.fromkeys(edges)], batch_size=BATCH
    )
    return {"countries": countries, "regions": regions, "forces": forces, "boards": boards, "councils": councils}


def _service_areas(rng, areas, council_index):
    """The areas one service covers: mostly one council, sometimes wider (indices into ``areas``)."""
    councils = areas["councils"]
    n = len(councils)
    roll = rng.random()
    if roll < 0.78:
        return [councils[council_index]]
    if roll < 0.83:
        width = rng.choice([2, 3])
        return [councils[(council_index + k) % n] for k in range(width)]
    for limit, key in ((0.91, "forces"), (0.94, "boards"), (0.96, "regions"), (1.0, "countries")):
        if roll < limit:
            group = areas[key]
            return [group[min(len(group) - 1, council_index * len(group) // n)]]
    return [councils[council_index]]


def _dates(rng, status, today):
    start = today - datetime.timedelta(days=rng.randint(200, 3650))
    end = None
    end_text = ""
    if status == Status.DECOMMISSIONED:
        if rng.random() < 0.8:
            end = start + datetime.timedelta(days=rng.randint(180, (today - start).days))
        else:
            end_text = "Synthetic: the document says the service stopped, without a date."
    elif status == Status.PLANNED:
        start = today + datetime.timedelta(days=rng.randint(30, 400))
    elif status == Status.NEVER_ESTABLISHED:
        start = None
    elif rng.random() < 0.25:
        start = None  # a start the documents do not give
    return start, end, end_text


@transaction.atomic
def generate(services, areas, *, seed=1, today=None):
    """Create ``areas`` areas and ``services`` services (with their child rows); returns counts by model."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = today or datetime.date.today()
    if not RiskLevel.objects.exists():
        call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "risk_levels.json"), verbosity=0)
    if not ReferralPathway.objects.exists():
        call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "pathways.json"), verbosity=0)
    risks = {level.slug: level for level in RiskLevel.objects.all()}
    routes = {route.slug: route for route in ReferralPathway.objects.all()}

    area_groups = _make_areas(areas)
    documents = Document.objects.bulk_create(
        [
            Document(
                slug=f"{PREFIX}-register-{year}",
                title=f"Synthetic register of services {year}",
                author="Synthetic data (benchmarks only)",
                published=datetime.date(year, 11, 1),
            )
            for year in (today.year - 6, today.year - 3, today.year)
        ]
    )
    documents = list(Document.objects.filter(slug__startswith=f"{PREFIX}-").order_by("published"))
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(slug=f"{PREFIX}-org-{i}", name=f"Synthetic {_name(rng)} Trust {i}")
            for i in range(max(1, services // 5))
        ],
        batch_size=BATCH,
    )
    organisations = list(Organisation.objects.filter(slug__startswith=f"{PREFIX}-org-"))

    n_councils = len(area_groups["councils"])
    rows = []
    plans = []
    for i in range(services):
        tier = _weighted(rng, TIER_WEIGHTS)
        status = _weighted(rng, STATUS_WEIGHTS)
        start, end, end_text = _dates(rng, status, today)
        council_index = rng.randrange(n_councils)
        roll = rng.random()
        scope = Scope.ELSEWHERE if roll < 0.05 else Scope.NATIONAL if roll < 0.09 else Scope.LOCAL
        programme = rng.choice(PROGRAMME_WORDS)
        place = area_groups["councils"][council_index].name_en.removeprefix("Synthetic ")
        rows.append(
            Service(
                slug=f"{PREFIX}-service-{i}",
                name=f"{programme} {place} {i}",
                organisation=rng.choice(organisations),
                summary=f"Synthetic {Tier(tier).label.lower()} service for people who cause harm, in {place}.",
                description=f"Synthetic description: {programme} work with people who cause harm. {_name(rng, 6)}.",
                tier=tier,
                scope=scope,
                format=rng.choice(Format.values),
                attendance=rng.choice(["", *Attendance.values]),
                length=rng.choice(["", "12 weeks", "26 weeks", "6 sessions"]),
                min_age=rng.choice([None, None, 16, 18]),
                eligibility=rng.choice(
                    ["", "Synthetic: adults living in the area.", "Synthetic: aged 18 or over, voluntary."]
                ),
                funding_source=rng.choice(["", "Synthetic commissioner", "Synthetic grant"]),
                funding_longevity=rng.choice(["", *FundingLongevity.values]),
                start_date=start,
                end_date=end,
                end_text=end_text,
            )
        )
        plans.append((tier, status, start, end, _service_areas(rng, area_groups, council_index), scope))
    Service.objects.bulk_create(rows, batch_size=BATCH)
    ids = dict(Service.objects.filter(slug__startswith=f"{PREFIX}-service-").values_list("slug", "pk"))

    area_links, risk_links, pathways, contacts, citations, events, focus, requirements = ([] for _ in range(8))
    for i, (tier, status, start, end, covered, scope) in enumerate(plans):
        sid = ids[f"{PREFIX}-service-{i}"]
        if scope == Scope.ELSEWHERE:
            covered = [area_groups["countries"][-1]]
        area_links += [Service.areas.through(service_id=sid, area_id=a.pk) for a in covered]
        levels = TIER_RISKS[tier]
        if levels:
            chosen = rng.sample(levels, k=min(len(levels), rng.choice([1, 1, 2])))
            risk_links += [Service.risk_levels.through(service_id=sid, risklevel_id=risks[s].pk) for s in chosen]
        pool = JUSTICE_ROUTES if tier == Tier.CRIMINAL_JUSTICE else OTHER_ROUTES
        for slug in rng.sample(pool, k=rng.randint(0, 3)):
            pathways.append(ServicePathway(service_id=sid, pathway=routes[slug], contact=""))
        for k in range(rng.randint(0, 3)):
            kind = [ContactKind.PHONE, ContactKind.EMAIL, ContactKind.WEBSITE][k]
            value = {
                ContactKind.PHONE: f"01632 {960000 + i % 1000:06d}",
                ContactKind.EMAIL: f"referrals-{i}@example.org",
                ContactKind.WEBSITE: f"https://example.org/synthetic/{i}",
            }[kind]
            contacts.append(Contact(service_id=sid, kind=kind, value=value, label="Referrals"))
        for k in range(rng.randint(1, 5)):
            citations.append(
                Citation(
                    service_id=sid,
                    document=documents[k % len(documents)],
                    section=f"Table {1 + k}",
                    quote=f"Synthetic quote {k} about service {i}: {_name(rng, 4)}.",
                    supports=rng.choice(["risk levels", "referral route", "areas", "status"]),
                )
            )
        history = [Status.PLANNED, Status.PILOT, status] if status != Status.PLANNED else [Status.PLANNED]
        for k, event_status in enumerate(dict.fromkeys(history[-rng.randint(1, 3) :])):
            when = (start or today) - datetime.timedelta(days=365 * (len(history) - 1 - k))
            if status == Status.DECOMMISSIONED and event_status == status:
                when = end or today
            events.append(
                StatusEvent(
                    service_id=sid,
                    status=event_status,
                    date=min(when, today),
                    document=documents[k % len(documents)],
                    section="Status table",
                    quote=f"Synthetic: service {i} was {event_status}.",
                )
            )
        if rng.random() < 0.8:
            audience = Audience.PARTNERS if tier == Tier.PARTNER_SUPPORT else Audience.PERSON
            focus.append(_focus(sid, FocusKind.AUDIENCE, audience, True, documents[-1], i))
        for harm in rng.sample(Harm.values, k=rng.randint(0, 3)):
            focus.append(_focus(sid, FocusKind.HARM, harm, rng.random() < 0.85, documents[-1], i))
        if rng.random() < 0.2:
            for k in range(rng.randint(1, 3)):
                requirements.append(
                    ReferralRequirement(
                        service_id=sid, position=k + 1, item=f"Synthetic item {k + 1}", source_document=documents[-1]
                    )
                )
    Service.areas.through.objects.bulk_create(area_links, batch_size=BATCH)
    Service.risk_levels.through.objects.bulk_create(risk_links, batch_size=BATCH)
    for model, objs in (
        (ServicePathway, pathways),
        (Contact, contacts),
        (Citation, citations),
        (StatusEvent, events),
        (ServiceFocus, focus),
        (ReferralRequirement, requirements),
    ):
        model.objects.bulk_create(objs, batch_size=BATCH)

    assessments = _assessments(rng, list(ids.values()), documents[-1], today)
    bump()  # bulk_create sends no signals: mark the directory changed for cached pages
    gaps = _stated_gaps(rng, area_groups, risks, documents[-1], today)
    return {
        "areas": sum(len(group) for group in area_groups.values()),
        "councils": n_councils,
        "organisations": len(organisations),
        "services": len(rows),
        "service_areas": len(area_links),
        "routes": len(pathways),
        "contacts": len(contacts),
        "citations": len(citations),
        "status_events": len(events),
        "focus": len(focus),
        "assessments": assessments,
        "stated_gaps": gaps,
    }


def _focus(sid, kind, value, applies, document, i):
    return ServiceFocus(
        service_id=sid,
        kind=kind,
        value=value,
        applies=applies,
        document=document,
        section="Who it is for",
        quote=f"Synthetic: service {i} {'works' if applies else 'does not work'} with {value}.",
    )


def _assessments(rng, service_ids, document, today):
    picked = rng.sample(service_ids, k=max(1, len(service_ids) // 40))
    assessments = StandardsAssessment.objects.bulk_create(
        [
            StandardsAssessment(
                slug=f"{PREFIX}-assessment-{k}",
                service_id=sid,
                assessed_on=today - datetime.timedelta(days=rng.randint(30, 900)),
                assessor="Synthetic assessor",
                checklist_type=rng.choice(ChecklistType.values),
                document=document,
                section="Standards",
                quote=f"Synthetic assessment {k}.",
            )
            for k, sid in enumerate(picked)
        ],
        batch_size=BATCH,
    )
    assessments = StandardsAssessment.objects.filter(slug__startswith=f"{PREFIX}-assessment-")
    AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(
                assessment=assessment,
                number=f"{n // 5 + 1}.{n % 5 + 1}",
                position=n,
                question=f"Synthetic standard {n + 1}?",
                rating=rng.choice(Rating.values),
            )
            for assessment in assessments
            for n in range(rng.randint(10, 25))
        ],
        batch_size=BATCH,
    )
    return len(picked)


def _stated_gaps(rng, area_groups, risks, document, today):
    gaps = StatedGap.objects.bulk_create(
        [
            StatedGap(
                slug=f"{PREFIX}-gap-{k}",
                statement=f"Synthetic: no high-risk provision in {force.name_en.removeprefix('Synthetic ')}.",
                as_of=today - datetime.timedelta(days=rng.randint(0, 1500)),
                document=document,
                section="Gaps",
                quote=f"Synthetic gap {k}.",
            )
            for k, force in enumerate(area_groups["forces"])
        ]
    )
    gaps = list(StatedGap.objects.filter(slug__startswith=f"{PREFIX}-gap-").order_by("pk"))
    StatedGap.areas.through.objects.bulk_create(
        [
            StatedGap.areas.through(statedgap_id=gap.pk, area_id=force.pk)
            for gap, force in zip(gaps, area_groups["forces"], strict=True)
        ]
    )
    StatedGap.risk_levels.through.objects.bulk_create(
        [StatedGap.risk_levels.through(statedgap_id=g.pk, risklevel_id=risks["high"].pk) for g in gaps]
    )
    return len(gaps)
