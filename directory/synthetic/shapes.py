"""The shapes of the synthetic directory: how often each tier, status and risk level comes, names and dates."""

import datetime

from directory.models import Status, Tier

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


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def words(rng, n=2):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def dates(rng, status, today):
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
