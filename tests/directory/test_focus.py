"""Who a service is for and what harm it addresses: the QuerySet verbs and the three values."""

import pytest
from django.db import IntegrityError, transaction

from directory.models import Audience, Document, Harm, Service, ServiceFocus
from tests import factories

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


def test_for_audience_keeps_stated_yes_only_unless_asked_to_keep_not_stated():
    person = slugs(Service.objects.for_audience(Audience.PERSON))
    assert {"drive-cardiff-and-vale", "horizon", "stop-it-now-helpline"} <= person
    assert "mens-advice-line" not in person  # stated "no": 'A response to male perpetrators has not been developed.'
    assert "dapo-gwent" not in person  # not stated
    with_unknown = slugs(Service.objects.for_audience(Audience.PERSON, or_not_stated=True))
    assert with_unknown - person == {"domestic-abuse-intervention-hub-online-pilot", "dapo-gwent"}
    assert "mens-advice-line" not in with_unknown  # a stated "no" is not "not stated"


def test_addressing_leaves_out_only_a_stated_no_and_says_which_are_stated():
    sexual = Service.objects.addressing(Harm.SEXUAL)
    assert "i-horizon-cardiff" not in slugs(sexual)
    assert "drive-cardiff-and-vale" in slugs(sexual)  # not stated: kept
    stated = dict(sexual.values_list("slug", "harm_stated"))
    assert stated["horizon"] is True
    assert stated["drive-cardiff-and-vale"] is False
    assert "building-better-relationships" not in slugs(Service.objects.addressing(Harm.FAMILY))


def test_the_verbs_chain_with_the_other_verbs():
    found = slugs(Service.objects.referable().for_audience(Audience.PERSON).addressing(Harm.STALKING))
    assert {"cobi", "stalking-intervention-dyfed-powys"} <= found
    assert not found & {"rise-cardiff", "marac-cardiff-and-vale"}


def test_a_service_has_one_statement_per_audience_or_harm_and_values_match_their_kind():
    service = factories.service()
    document = Document.objects.get(slug="cardiff-vale-review-2020")
    row = {"service": service, "document": document, "section": "1", "quote": "q"}
    ServiceFocus.objects.create(kind="harm", value="stalking", applies=True, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFocus.objects.create(kind="audience", value="stalking", applies=True, **row)


def test_the_primary_audience_sends_a_service_to_one_matcher_section():
    focus = Service.objects.prefetch_related("focus")
    assert focus.get(slug="stop-it-now-helpline").primary_audience == "helpline"
    assert focus.get(slug="swansea-domestic-violence-hub").primary_audience == "multi_agency"
    assert focus.get(slug="iris-plus").primary_audience == "person"
    assert focus.get(slug="iris-cardiff").primary_audience == "professionals"
    assert focus.get(slug="dapo-gwent").primary_audience == ""
