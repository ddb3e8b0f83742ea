"""The case matcher sorts services into three groups with reasons, stores nothing, and is not cached."""

import datetime
import pickle
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Contact, Document, RiskLevel, Service, ServiceFocus
from referrals.services import CHECK, FITS, NO, match_case
from regions.models import Area
from tests import factories

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
    # The route fits; the documents do not state CARA's risk levels, so it is "might fit", never "fits" or "no".
    assert found[CHECK]["cara-gwent"] == (
        "You can refer through: Out-of-court disposal (conditional caution)",
        "The documents do not say which risk levels CARA (Gwent) takes",
    )
    assert "cara-gwent" not in found[FITS] and "cara-gwent" not in found[NO]
    assert (
        "Building Better Relationships (BBR) is court-ordered on conviction"
        in found[NO]["building-better-relationships"]
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


# 14 once the questions are in the cache (the judged services' rows by ``read_matcher_rows``: 9, links and their
# shared rows apart); the first answer after a change (or in a new language) renders them: the data version twice
# (the questions' and the area options' keys), the areas and the risk levels; and the kept timeline's first fill
# at this data version adds its 5 (tests/directory/test_timeline_day.py).
MATCHER_QUERIES = 23


def test_matcher_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MATCHER_QUERIES):
        response = post(client, area="cardiff", risk="high", marac="yes", harm="intimate_partner")
    assert "Drive (Cardiff)" in response.content.decode()


def test_matcher_queries_do_not_grow_with_many_services(client, django_assert_max_num_queries):
    cardiff, high = Area.objects.get(slug="cardiff"), RiskLevel.objects.get(slug="high")
    document = Document.objects.get(slug="cardiff-vale-review-2020")
    for n in range(40):
        extra = factories.service(areas=[cardiff], risk_levels=[high], name=f"Extra service {n}")
        audience = ["person", "partners", "multi_agency", "helpline"][n % 4]
        for kind, value in (("audience", audience), ("harm", "intimate_partner")):
            ServiceFocus.objects.create(
                service=extra, kind=kind, value=value, applies=True, document=document, section="1", quote=f"q{n}"
            )
        Contact.objects.create(service=extra, kind="email", value=f"extra{n}@example.org")
    with django_assert_max_num_queries(MATCHER_QUERIES):
        response = post(client, area="cardiff", risk="high", marac="yes", harm="intimate_partner")
    body = response.content.decode()
    assert "Extra service 0" in body and "Extra service 39" in body


def test_referral_pack_follows_the_providers_form(client):
    response = client.get(reverse("referrals:referral-pack", kwargs={"slug": "they-matter-cumbria"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Client consent" in body
    assert body.index("Client consent") < body.index("Reason for referral")
    assert client.get(reverse("referrals:referral-pack", kwargs={"slug": "nope"})).status_code == 404


def sections(response):
    result = response.context["result"]
    return {
        name: [item.service.slug for item in getattr(result, name)]
        for name in ("fits", "check", "no", "partners", "processes", "helplines")
    }


VICTIM_SERVICES = {"rise-cardiff", "drive-idva-rise-cardiff", "dyn-project", "path-idva-cardiff"}
PROCESSES = {"marac-cardiff-and-vale", "dva-daily-discussions-cardiff", "mappa-wales", "wisdom"}
TRAINING = {"iris-cardiff", "trusted-professional", "ask-me"}


def test_cardiff_high_risk_puts_the_persons_own_services_first_and_victim_services_in_their_own_section(client):
    """Review 2020, 4.4 and 5.6: Drive takes high-harm cases through MARAC; RISE, the Drive IDVA,
    Dyn and PATH support victims; MARAC and the daily discussions are victim-focused meetings."""
    response = post(
        client,
        area="cardiff",
        risk="high",
        marac="yes",
        referrer="probation",
        justice="conviction",
        harm="intimate_partner",
        children="yes",
    )
    found = sections(response)
    assert found["fits"] == ["drive-cardiff-and-vale", "building-better-relationships"]
    own = set(found["fits"]) | set(found["check"]) | set(found["no"])
    assert not own & (VICTIM_SERVICES | PROCESSES | TRAINING | {"mens-advice-line", "stop-it-now-helpline"})
    assert VICTIM_SERVICES <= set(found["partners"])
    assert PROCESSES <= set(found["processes"])
    assert set(found["helplines"]) == {"mens-advice-line", "stop-it-now-helpline"}
    assert found["helplines"][0] == "mens-advice-line"  # it states intimate-partner abuse; Stop It Now does not
    assert not TRAINING & set().union(*found.values())
    body = response.content.decode()
    assert body.index('id="person"') < body.index("Drive (Cardiff)") < body.index('id="partners"')
    assert body.index('id="partners"') < body.index("RISE (Recovery") < body.index('id="processes"')


def test_the_harm_type_can_exclude_every_service_that_otherwise_fits(client):
    """2023 letter: 'BBR is for adult men convicted of an Intimate Partner Violence (IPV) offence.'
    For family abuse in Newport, the one service that otherwise fits is not for it."""
    case = dict(
        area="newport",
        risk="high",
        referrer="probation",
        justice="conviction",
        relationship="unknown",
        marac="no",
    )
    before = sections(post(client, **case, harm="unknown"))
    assert before["fits"] == ["building-better-relationships"]
    response = post(client, **case, harm="family")
    after = sections(response)
    assert after["fits"] == []
    assert set(before["fits"]) <= set(after["no"])
    reasons = groups(response)[NO]["building-better-relationships"]
    assert "Building Better Relationships (BBR) is not for family abuse (source: 17 November 2023)" in reasons
    assert "No service last reported running fits every answer" in response.content.decode()


def test_a_service_for_a_different_harm_does_not_fit_and_not_stated_only_might_fit(client):
    """Review 2020, 4.8.1: i-Horizon is 'for internet-only offenders'; Horizon for men 'convicted of a
    sexual offence'; Drive works with 'DVA perpetrators' and the documents say nothing of sexual harm."""
    response = post(client, area="cardiff", risk="medium", referrer="probation", justice="conviction", harm="sexual")
    found = groups(response)
    assert "i-Horizon (Cardiff) is not for sexual harm (source: November 2020)" in found[NO]["i-horizon-cardiff"]
    assert "Works with sexual harm (source: November 2020)" in found[CHECK]["horizon"]
    online = groups(
        post(client, area="cardiff", risk="medium", referrer="probation", justice="conviction", harm="online_sexual")
    )
    assert "i-horizon-cardiff" not in online[NO]
    assert (
        "The sources do not say whether Building Better Relationships (BBR) works with online sexual offending"
        in online[CHECK]["building-better-relationships"]
    )


def test_a_person_worried_about_their_own_thoughts_is_pointed_to_the_services_that_say_so(client):
    """Review 2020, 4.8.3-4.8.4: StopSO takes 'people who fear they may offend'; Stop It Now! is for
    'those worried about their own sexual thoughts'."""
    response = post(client, area="cardiff", risk="medium", referrer="self", justice="none", harm="own_thoughts")
    found = sections(response)
    assert found["fits"] == []
    assert found["check"][0] == "sex-offender-group-south-east-wales"  # local and stated: first
    assert "stopso" in found["check"]  # stated, but national: after the local services
    assert found["helplines"][0] == "stop-it-now-helpline"
    assert "drive-cardiff-and-vale" in found["no"]


def test_harm_not_known_changes_nothing_and_bad_harm_is_a_400(client):
    assert groups(post(client, area="merthyr-tydfil", risk="high", marac="yes", harm="unknown"))[FITS]
    response = post(client, area="cardiff", risk="high", harm="arson")
    assert response.status_code == 400
    assert "Choose one of the answers given" in response.content.decode()


def test_a_self_referral_route_with_no_contact_is_not_offered(client):
    """2023 letter: Re-provide takes 'Self-referrals'; no document gives a contact for it or its provider."""
    reasons = groups(post(client, area="cardiff", risk="standard", referrer="self", justice="none"))[NO][
        "re-provide-south-wales"
    ]
    assert any("no document gives a contact for it, so this route cannot be used yet" in r for r in reasons)


def test_a_self_referral_route_with_only_an_organisation_website_names_it(client):
    """Review 2020: 'CLEAR is the specialist service in Cardiff and is delivered by Respect.'"""
    reasons = groups(post(client, area="cardiff", risk="standard", referrer="self", justice="none"))[FITS][
        "clear-cardiff-and-vale"
    ]
    assert (
        "No document gives a contact for CLEAR (Change that Lasts Early Awareness Raising), Cardiff: the person "
        "can contact Respect through https://www.respect.uk.net/" in reasons
    )


def test_the_cards_are_kept_without_the_case_and_read_back_as_rendered(client):
    """The shown cards come from the shared cache (``directory/cards.py``), as the search page's do: kept
    per service, language and data version with the service's public data only. The reasons, which follow
    from the case, are put in per request and never kept; a page from kept cards is the page rendered afresh."""
    cache.clear()
    answers = {"area": "cardiff", "risk": "high", "marac": "yes", "harm": "intimate_partner"}
    first = post(client, **answers).content.decode()
    assert "Takes high" in first and "Works with intimate-partner abuse" in first
    kept = [text for text in cached_strings() if 'class="app-service-card"' in text]
    assert [text for text in kept if "Referral pack for" in text], "the person's own cards are kept"
    assert [text for text in kept if "Referral pack for" not in text], "the other sections' cards are kept"
    assert not [text for text in cached_strings() if "Takes high" in text or "Works with" in text]
    again = post(client, **answers).content.decode()
    assert without_token(again) == without_token(first)


def cached_strings():
    """Every value in the (in-memory) cache, unpickled, as text."""
    return [str(pickle.loads(value)) for value in cache._cache.values()]  # noqa: S301 - the test's own cache


def without_token(body):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def test_the_questions_kept_unrendered_ask_for_no_csrf_token(client, settings):
    # The questions are rendered once without a request (``referrals.forms.rendered``); the page's own form carries
    # the one token. With debug on, Django warns of a token asked for and not given: it must not be asked.
    import warnings

    settings.DEBUG = True
    cache.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get("/find/")
    assert not [w for w in caught if "csrf_token" in str(w.message)]
    assert response.content.decode().count("csrfmiddlewaretoken") == 1
