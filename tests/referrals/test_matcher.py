"""The case matcher sorts services into three groups with reasons, stores nothing, and is not cached."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import RiskLevel, Service
from referrals.services import CHECK, FITS, NO, match_case
from regions.models import Area

pytestmark = pytest.mark.django_db

MATCHER = reverse("referrals:case-matcher")

BASE_CASE = {
    "referrer": "police",
    "marac": "no",
    "justice": "none",
    "gender": "man",
    "age": "35",
    "relationship": "heterosexual",
    "children": "no",
    "childrens_services": "no",
    "responsibility": "yes",
    "english_group": "yes",
    "substance_use": "no",
}


def post(client, **answers):
    return client.post(MATCHER, {**BASE_CASE, **answers})


def groups(response):
    result = response.context["result"]
    return {
        FITS: {v.service.slug: v.reasons for v in result.fits},
        CHECK: {v.service.slug: v.reasons for v in result.check},
        NO: {v.service.slug: v.reasons for v in result.no},
    }


def test_high_risk_in_merthyr_heard_at_marac_fits_drive(client):
    response = post(client, area="merthyr-tydfil", risk="high", marac="yes", referrer="social_worker")
    assert response.status_code == 200
    found = groups(response)
    assert "drive-cwm-taf-morgannwg" in found[FITS]
    assert "cara-cwm-taf-morgannwg" in found[NO]
    assert any("conditional caution" in reason for reason in found[NO]["cara-cwm-taf-morgannwg"])


def test_high_risk_not_at_marac_is_told_drive_is_marac_only(client):
    found = groups(post(client, area="merthyr-tydfil", risk="high", marac="no"))
    assert "Drive (Cwm Taf Morgannwg) takes referrals only through MARAC" in found[NO]["drive-cwm-taf-morgannwg"]


def test_standard_risk_conditional_caution_in_gwent_fits_cara(client):
    response = post(client, area="newport", risk="standard", justice="conditional_caution", referrer="police")
    found = groups(response)
    assert "cara-gwent" in found[FITS] or "cara-gwent" in found[CHECK]
    assert "building-better-relationships" in found[NO]
    assert any(
        "court-ordered on conviction" in r or "conviction" in r for r in found[NO]["building-better-relationships"]
    )


def test_the_rules_come_from_structured_data_not_service_names():
    service = Service.objects.get(slug="they-matter-cumbria")
    case = {
        "area": Area.objects.get(slug="west-cumbria"),
        "risk": RiskLevel.objects.get(slug="high"),
        **{k: v for k, v in BASE_CASE.items() if k != "age"},
        "age": 35,
        "relationship": "same_sex",
    }
    result = match_case(case, today=datetime.date(2026, 11, 23), services=[service])
    assert [v.service.slug for v in result.no] == ["they-matter-cumbria"]
    assert any("heterosexual" in r for r in result.no[0].reasons)


def test_only_area_risk_and_referrer_are_required_the_rest_count_as_not_known(client):
    response = client.post(MATCHER, {"area": "merthyr-tydfil", "risk": "high", "referrer": "police"})
    assert response.status_code == 200
    assert response.context["case"]["marac"] == "unknown"
    check = groups(response)[CHECK]
    assert (
        "Drive (Cwm Taf Morgannwg) takes referrals through MARAC: check the case has been heard there"
        in check["drive-cwm-taf-morgannwg"]
    )


def test_a_professional_is_told_to_point_the_person_to_a_self_referral_service(client):
    found = groups(post(client, area="cardiff", risk="standard", referrer="health"))
    assert "StopSO takes self-referrals: the person must contact it themselves" in found[CHECK]["stopso"]


def test_the_answer_comes_first_and_the_answered_questions_fold_away_above_the_lists(client):
    body = post(client, area="merthyr-tydfil", risk="high").content.decode()
    verdict = body.index("Services for high risk in Merthyr Tydfil")
    details = body.index('<details class="govuk-details app-change-answers')
    fits = body.index('id="fits"')
    assert verdict < details < body.index('name="area"') < body.index("</details>") < fits
    assert body.count(f'action="{MATCHER}"') == 1  # the questions appear once
    assert '<option value="merthyr-tydfil" selected>' in body


def test_the_questions_are_open_when_there_is_no_answer_yet(client):
    for response in (client.get(MATCHER), client.post(MATCHER, {"area": "cardiff"})):
        body = response.content.decode()
        assert "app-change-answers" not in body
        assert 'name="area"' in body


def test_missing_answers_get_a_400_with_instructions(client):
    response = client.post(MATCHER, {"area": "cardiff"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a risk level" in body
    assert "Select who is referring" in body


def test_contradictory_answers_are_pointed_out(client):
    response = post(client, area="cardiff", risk="medium", children="no", childrens_services="yes")
    assert response.status_code == 400
    assert "check both answers" in response.content.decode()


WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE"}


def test_answers_are_not_stored_or_cached(client):
    response = post(client, area="cardiff", risk="high", marac="yes")
    assert "no-store" in response["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        post(client, area="cardiff", risk="high", marac="yes")
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in WRITES]
    assert writes == []


def test_matcher_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        post(client, area="cardiff", risk="high", marac="yes")


def test_referral_pack_follows_the_providers_form(client):
    response = client.get(reverse("referrals:referral-pack", kwargs={"slug": "they-matter-cumbria"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Client consent" in body
    assert body.index("Client consent") < body.index("Reason for referral")
    assert client.get(reverse("referrals:referral-pack", kwargs={"slug": "nope"})).status_code == 404
