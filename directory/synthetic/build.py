"""Synthetic services and their rows (areas, risk levels, routes, contacts, citations, status events, who it is for)."""

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from directory.models import (
    Attendance,
    Audience,
    Citation,
    Contact,
    ContactKind,
    Document,
    FocusKind,
    Format,
    FundingLongevity,
    Harm,
    Organisation,
    ReferralPathway,
    ReferralRequirement,
    RiskLevel,
    Scope,
    Service,
    ServiceFocus,
    ServicePathway,
    Status,
    StatusEvent,
    Tier,
)
from directory.pagecache import bump

from .areas import make_areas, service_areas
from .commissioning import make_assessments, make_stated_gaps
from .shapes import (
    BATCH,
    JUSTICE_ROUTES,
    OTHER_ROUTES,
    PREFIX,
    PROGRAMME_WORDS,
    STATUS_WEIGHTS,
    TIER_RISKS,
    TIER_WEIGHTS,
    dates,
    weighted,
    words,
)


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

    area_groups = make_areas(areas)
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
            Organisation(slug=f"{PREFIX}-org-{i}", name=f"Synthetic {words(rng)} Trust {i}")
            for i in range(max(1, services // 5))
        ],
        batch_size=BATCH,
    )
    organisations = list(Organisation.objects.filter(slug__startswith=f"{PREFIX}-org-"))

    n_councils = len(area_groups["councils"])
    rows = []
    plans = []
    for i in range(services):
        tier = weighted(rng, TIER_WEIGHTS)
        status = weighted(rng, STATUS_WEIGHTS)
        start, end, end_text = dates(rng, status, today)
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
                description=f"Synthetic description: {programme} work with people who cause harm. {words(rng, 6)}.",
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
        plans.append((tier, status, start, end, service_areas(rng, area_groups, council_index), scope))
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
                    quote=f"Synthetic quote {k} about service {i}: {words(rng, 4)}.",
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
            focus.append(focus_row(sid, FocusKind.AUDIENCE, audience, True, documents[-1], i))
        for harm in rng.sample(Harm.values, k=rng.randint(0, 3)):
            focus.append(focus_row(sid, FocusKind.HARM, harm, rng.random() < 0.85, documents[-1], i))
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

    assessments = make_assessments(rng, list(ids.values()), documents[-1], today)
    bump()  # bulk_create sends no signals: mark the directory changed for cached pages
    gaps = make_stated_gaps(rng, area_groups, risks, documents[-1], today)
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


def focus_row(sid, kind, value, applies, document, i):
    return ServiceFocus(
        service_id=sid,
        kind=kind,
        value=value,
        applies=applies,
        document=document,
        section="Who it is for",
        quote=f"Synthetic: service {i} {'works' if applies else 'does not work'} with {value}.",
    )
