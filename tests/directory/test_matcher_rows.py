"""``read_matcher_rows`` reads for services in hand what ``for_matcher`` prefetches: the same rows, in the same
order, read from the services with no further query (the matcher's judging and the cards it renders read them)."""

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from directory.cards import card_reads
from directory.models import Contact, Service, ServiceFocus, ServicePathway
from directory.models.queries import MATCHER_ROWS, read_matcher_rows
from directory.synthetic import generate

pytestmark = pytest.mark.django_db


def rows(service):
    """Everything the matcher and its cards read through ``service``'s prefetched relations, as plain values."""
    return {
        "risk_levels": [(level.pk, level.slug, str(level.label)) for level in service.risk_levels.all()],
        "areas": [(area.pk, area.slug, area.name) for area in service.areas.all()],
        "pathways": [
            (link.pk, link.pathway.pk, link.pathway.label, tuple(link.pathway.referrers), link.note)
            for link in service.pathways.all()
        ],
        "focus": [
            (row.pk, row.kind, row.value, row.applies, row.document.pk, row.document.date_text)
            for row in service.focus.all()
        ],
        "contacts": [(contact.pk, contact.kind, contact.value) for contact in service.contacts.all()],
    }


def assert_same_as_for_matcher():
    prefetched = {service.pk: rows(service) for service in Service.objects.for_matcher()}
    services = list(Service.objects.select_related("organisation", "programme"))
    with CaptureQueriesContext(connection) as queries:
        read_matcher_rows(services)
    assert len(queries) == 9  # a fixed number at any size
    with CaptureQueriesContext(connection) as queries:
        read = {service.pk: rows(service) for service in services}
        prefetch_related_objects(services, *card_reads())  # the cards find what they read already read
    assert not queries.captured_queries
    assert read == prefetched
    assert {name for name in MATCHER_ROWS} == {lookup.prefetch_to for lookup in for_matcher_lookups()}
    assert any(row["pathways"] for row in read.values()) and any(row["focus"] for row in read.values())


def for_matcher_lookups():
    from django.db.models import Prefetch

    return [
        lookup if isinstance(lookup, Prefetch) else Prefetch(lookup)
        for lookup in Service.objects.for_matcher()._prefetch_related_lookups
    ]


def test_the_rows_are_for_matchers_on_the_real_directory():
    assert_same_as_for_matcher()


@pytest.mark.slow  # 300 generated services; the real directory's case stays in make test-fast
def test_the_rows_are_for_matchers_on_a_synthetic_directory():
    generate(300, 12, seed=3)
    assert_same_as_for_matcher()


def test_no_services_no_queries():
    with CaptureQueriesContext(connection) as queries:
        read_matcher_rows([])
    assert not queries.captured_queries


def test_a_queryset_made_from_the_rows_asks_for_that_services_rows():
    services = list(Service.objects.all())
    read_matcher_rows(services)
    service = next(service for service in services if len(service.focus.all()) > 1)
    kind = service.focus.all()[0].kind
    expected = [row.pk for row in Service.objects.get(pk=service.pk).focus.filter(kind=kind)]
    assert [row.pk for row in service.focus.filter(kind=kind)] == expected
    assert [row.pk for row in service.focus.all().order_by("-pk")] == sorted(
        expected + [row.pk for row in service.focus.all() if row.kind != kind], reverse=True
    )
    assert list(service.risk_levels.filter(pk__in=[])) == []
    assert [area.pk for area in service.areas.order_by("pk")] == sorted(area.pk for area in service.areas.all())
    assert len(service.focus.all()) == len(list(service.focus.all()))  # still read from what was read


def test_the_models_read_by_service_are_ordered_by_service_first():
    """``read_matcher_rows`` orders these by the service's id, then the rest of their own order."""
    for model in (ServicePathway, ServiceFocus, Contact):
        assert model._meta.ordering[0] == "service", model
