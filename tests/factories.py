"""Small factories for tests that need services the documents do not have."""

import itertools

from directory.models import Citation, Document, Organisation, RiskLevel, Service, Status, StatusEvent, Tier
from regions.models import Area, AreaKind

_counter = itertools.count(1)


def area(slug=None, kind=AreaKind.LOCAL_AUTHORITY, within=(), **fields):
    slug = slug or f"area-{next(_counter)}"
    obj = Area.objects.create(slug=slug, kind=kind, name_en=fields.pop("name_en", slug.title()), **fields)
    obj.within.set(within)
    return obj


def risk_level(slug="high", rank=None):
    ranks = {"standard": 1, "medium": 2, "high": 3}
    obj, _ = RiskLevel.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "rank": rank or ranks[slug]})
    return obj


def document():
    obj, _ = Document.objects.get_or_create(
        slug="test-document", defaults={"title": "Test document", "author": "Tests", "published": "2020-11-01"}
    )
    return obj


def service(areas=(), risk_levels=(), slug=None, organisation=None, status_on=None, status=Status.ACTIVE, **fields):
    """A service whose status is evidenced: one status event from the test document (dated 1 November 2020,
    or ``status_on``), saying its ``status``. Pass ``status_on=False`` for a service with no status evidence."""
    n = next(_counter)
    if organisation is None:
        organisation, _ = Organisation.objects.get_or_create(slug="test-org", defaults={"name": "Test organisation"})
    defaults = {
        "name": f"Service {n}",
        "summary": "A test service.",
        "tier": Tier.EARLY_INTERVENTION,
    }
    defaults.update(fields)
    obj = Service.objects.create(slug=slug or f"service-{n}", organisation=organisation, **defaults)
    obj.areas.set(areas)
    obj.risk_levels.set(risk_levels)
    Citation.objects.create(service=obj, document=document(), section="1", quote=f"quote {n}")
    if status_on is not False:
        StatusEvent.objects.create(
            service=obj,
            status=status,
            date=status_on or document().published,
            document=document(),
            section="1",
            quote=f"quote {n}",
        )
    return obj
