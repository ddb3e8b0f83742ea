"""Search: filters, reasons, the gap message, export equals page, bad input, query counts."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import RiskLevel, Service, Status
from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:service-search")
EXPORT = reverse("directory:service-export")


def result_slugs(response):
    return [service.slug for service, _reasons in response.context["results"]]


def test_area_and_risk_find_the_services_that_cover_the_area_at_that_level(client):
    response = client.get(SEARCH, {"area": "merthyr-tydfil", "risk": "high"})
    assert response.status_code == 200
    slugs = result_slugs(response)
    assert "drive-cwm-taf-morgannwg" in slugs
    merthyr = Area.objects.get(slug="merthyr-tydfil")
    high = RiskLevel.objects.get(slug="high")
    for service, _reasons in response.context["results"]:
        assert service in Service.objects.covering(merthyr)
        # Stated to take high risk, or (in their own group) no risk level stated.
        levels = list(service.risk_levels.all())
        assert (high in levels) if service.risk_stated else not levels
        assert service.timeline_status in Status.operating()


def test_each_result_says_why_it_matched(client):
    response = client.get(SEARCH, {"area": "merthyr-tydfil", "risk": "high", "route": "marac"})
    reasons = dict((s.slug, r) for s, r in response.context["results"])["drive-cwm-taf-morgannwg"]
    assert reasons[0].startswith("Covers Merthyr Tydfil as part of ")
    assert "Takes high risk" in reasons
    assert "MARAC accepted" in reasons
    assert "Covers Merthyr Tydfil as part of" in response.content.decode()


def test_route_filter_keeps_only_services_with_that_route(client):
    response = client.get(SEARCH, {"route": "self-referral", "status": "all"})
    slugs = {service.slug for service in response.context["page"].paginator.object_list}
    expected = set(
        Service.objects.referable().filter(pathways__pathway__slug="self-referral").values_list("slug", flat=True)
    )
    assert len(expected) > 3
    assert slugs == expected
    assert "drive-cwm-taf-morgannwg" not in slugs


def test_running_now_by_default_and_everything_with_status_all(client):
    default = set(result_slugs(client.get(SEARCH, {"area": "north-wales-police"})))
    everything = set(result_slugs(client.get(SEARCH, {"area": "north-wales-police", "status": "all"})))
    assert "intervention-hub-north-wales" not in default
    assert "intervention-hub-north-wales" in everything


def test_keyword_search_finds_by_name_and_ignores_unrelated_words(client):
    assert "they-matter-cumbria" in result_slugs(client.get(SEARCH, {"q": "They Matter"}))
    assert result_slugs(client.get(SEARCH, {"q": "xylophone"})) == []


def test_an_empty_result_names_the_gap_and_shows_what_is_nearest(client):
    force = factories.area("far-force", kind="police_force_area")
    gap_town = factories.area("gap-town", within=[force])
    next_town = factories.area("next-town", within=[force])
    factories.service(areas=[next_town], risk_levels=[factories.risk_level("high")], slug="next-door-high")
    factories.service(areas=[gap_town], risk_levels=[factories.risk_level("medium")], slug="here-medium")
    factories.service(areas=[gap_town], risk_levels=[factories.risk_level("standard")], slug="here-standard")

    response = client.get(SEARCH, {"area": "gap-town", "risk": "high"})

    assert response.status_code == 200
    assert result_slugs(response) == []
    assert "This is a gap: no service last reported running covers Gap-Town at high risk" in response.content.decode()
    assert [s.slug for s in response.context["neighbouring"]] == ["next-door-high"]
    assert [s.slug for s in response.context["adjacent"]] == ["here-medium"]


def test_what_is_nearest_includes_neighbours_whose_risk_levels_are_not_stated(client):
    # Real data: nothing in Wrexham matches the words, so the page shows what is nearest. "Not stated" is never
    # "no": neighbouring services whose sources give no risk level are listed, in their own labelled group.
    response = client.get(SEARCH, {"area": "wrexham", "risk": "high", "q": "xylophone"})
    assert response.status_code == 200
    assert result_slugs(response) == []
    neighbouring = response.context["neighbouring"]
    high = RiskLevel.objects.get(slug="high")
    stated = [s for s in neighbouring if s.risk_stated]
    unstated = [s for s in neighbouring if not s.risk_stated]
    assert stated and unstated
    assert neighbouring == stated + unstated  # those that take it first
    assert all(high in s.risk_levels.all() for s in stated)
    assert all(not s.risk_levels.all() for s in unstated)
    # Phoenix (Gwent) gives no risk level: it is offered, labelled as not stated.
    assert "phoenix-das-gwent" in {s.slug for s in unstated}
    body = response.content.decode()
    assert body.index('id="neighbouring-stated"') < body.index('id="neighbouring-not-stated"')
    assert "In neighbouring areas, risk levels not stated in the sources: check with the service" in body


def test_export_with_the_same_query_string_has_exactly_the_rows_shown(client):
    params = {"area": "cardiff", "status": "all"}
    page = client.get(SEARCH, {**params})
    shown = [s.slug for s in page.context["page"].paginator.object_list]
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(EXPORT, params).streaming_content).decode())))
    assert [r["slug"] for r in rows] == shown


@pytest.mark.parametrize(
    "params, message",
    [
        ({"area": "atlantis"}, "Choose an area from the list"),
        ({"risk": "extreme"}, "Choose a risk level: standard, medium or high"),
        ({"route": "carrier-pigeon"}, "Choose a referral route from the list"),
        ({"tier": "x"}, "Choose a kind of service from the list"),
        ({"status": "some"}, "Choose to show services running now or all services"),
        ({"q": "a" * 500}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_filters_get_a_400_with_a_message(client, params, message):
    for url in (SEARCH, EXPORT):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "There is a problem" in response.content.decode()


def test_pagination_keeps_the_filters(client):
    area = factories.area("busy-town")
    for _ in range(25):
        factories.service(areas=[area])
    response = client.get(SEARCH, {"area": "busy-town"})
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?area=busy-town&amp;page=2"' in response.content.decode()
    second = client.get(SEARCH, {"area": "busy-town", "page": 2})
    assert len(second.context["results"]) == 5


@pytest.mark.parametrize("extra", [1, 60])
def test_search_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, extra):
    from directory.models import ReferralPathway, ServicePathway

    area = factories.area("crowded")
    high = factories.risk_level("high")
    marac = ReferralPathway.objects.get(slug="marac")
    for _ in range(extra):
        ServicePathway.objects.create(service=factories.service(areas=[area], risk_levels=[high]), pathway=marac)
    # 17 with results on the page: 12 to find and show them (the page's ids, then its rows by id), 3 for the
    # filter's choices, and the risk-level counts and the group whose risk levels the sources do not state; and
    # the kept timeline's first fill at this data version adds its queries (tests/directory/test_timeline_day.py).
    with django_assert_max_num_queries(21):
        response = client.get(SEARCH, {"area": "crowded", "risk": "high", "route": "marac", "q": "service"})
    # Every row the page shows went through the bound above: the many case really has many.
    assert response.context["page"].paginator.count == extra
    assert len(response.context["results"]) == min(extra, 20)
    with django_assert_max_num_queries(12):  # streamed: the queries run as the body is read
        export = client.get(EXPORT, {"area": "crowded", "risk": "high"})
        body = b"".join(export.streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(body)))) == extra + 1


def test_by_default_search_shows_services_for_the_person_and_those_whose_documents_do_not_say(client):
    response = client.get(SEARCH, {"area": "cardiff"})
    slugs = set(result_slugs(response))
    assert {"drive-cardiff-and-vale", "clear-cardiff-and-vale"} <= slugs
    assert not slugs & {"rise-cardiff", "marac-cardiff-and-vale", "iris-cardiff", "mens-advice-line"}
    unknown = factories.service(areas=[Area.objects.get(slug="cardiff")], name="Nobody says who")
    response = client.get(SEARCH, {"area": "cardiff"})
    reasons = dict((s.slug, r) for s, r in response.context["results"])
    assert "Who it is for: not stated in the documents" in reasons[unknown.slug]
    assert "For: The person who causes harm" in reasons["drive-cardiff-and-vale"]


@pytest.mark.parametrize(
    ("audience", "present", "absent"),
    [
        ("partners", {"rise-cardiff", "drive-idva-rise-cardiff", "dyn-project"}, {"drive-cardiff-and-vale"}),
        ("multi_agency", {"marac-cardiff-and-vale", "dva-daily-discussions-cardiff"}, {"rise-cardiff"}),
        ("professionals", {"iris-cardiff", "trusted-professional"}, {"drive-cardiff-and-vale"}),
        ("helpline", {"mens-advice-line", "stop-it-now-helpline"}, {"marac-cardiff-and-vale"}),
        ("all", {"rise-cardiff", "drive-cardiff-and-vale", "marac-cardiff-and-vale"}, set()),
    ],
)
def test_who_it_is_for_filter(client, audience, present, absent):
    response = client.get(SEARCH, {"area": "cardiff", "audience": audience})
    slugs = {service.slug for service in response.context["page"].paginator.object_list}  # every page
    assert present <= slugs
    assert not absent & slugs


def test_kind_of_harm_filter_leaves_out_a_stated_no_and_keeps_not_stated(client):
    """Review 2020: i-Horizon is 'for internet-only offenders'; Horizon 'convicted of a sexual offence'."""
    response = client.get(SEARCH, {"area": "cardiff", "harm": "sexual"})
    slugs = result_slugs(response)
    assert "i-horizon-cardiff" not in slugs
    assert slugs.index("horizon") >= 0 and "drive-cardiff-and-vale" in slugs
    reasons = dict((s.slug, r) for s, r in response.context["results"])
    assert "Works with sexual harm (source: November 2020)" in reasons["horizon"]
    assert "The sources do not say whether Drive (Cardiff) works with sexual harm" in reasons["drive-cardiff-and-vale"]
    stated = [slug for slug in slugs if "Works with sexual harm" in " ".join(reasons[slug])]
    assert slugs[: len(stated)] == stated  # stated first
    assert "horizon" in stated and "drive-cardiff-and-vale" not in stated
    online = result_slugs(client.get(SEARCH, {"area": "cardiff", "harm": "online_sexual"}))
    assert "i-horizon-cardiff" in online


def test_harm_and_audience_filters_survive_in_shareable_urls_and_export(client):
    params = {"area": "busy-harm-town", "harm": "stalking", "audience": "all"}
    area = factories.area("busy-harm-town")
    for _ in range(25):
        factories.service(areas=[area])
    response = client.get(SEARCH, params)
    assert 'href="?area=busy-harm-town&amp;harm=stalking&amp;audience=all&amp;page=2"' in response.content.decode()
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(EXPORT, params).streaming_content).decode())))
    assert len(rows) == 25


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"harm": "arson"}, "Choose a kind of harm from the list"),
        ({"audience": "cats"}, "Choose who the service is for from the list"),
    ],
)
def test_bad_harm_or_audience_is_a_400(client, params, message):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_words_and_kind_of_harm_together_keep_stated_services_first(client):
    response = client.get(SEARCH, {"q": "offenders", "harm": "sexual", "audience": "all"})
    assert response.status_code == 200
    slugs = result_slugs(response)
    assert "i-horizon-cardiff" not in slugs
    assert slugs and Service.objects.addressing("sexual").get(slug=slugs[0]).harm_stated


def test_the_filters_in_force_are_summarised_in_one_line_in_the_forms_order(client):
    response = client.get(
        SEARCH,
        {
            "attendance": "voluntary",
            "q": "drive",
            "area": "merthyr-tydfil",
            "risk": "high",
            "route": "police",
            "tier": "high_harm",
            "format": "group",
            "status": "all",
        },
    )
    assert response.context["filter"].summary == [
        "“drive”",
        "Merthyr Tydfil",
        "High risk",
        "Police only",
        "High harm",
        "Group",
        "Voluntary",
        "Also planned, ended and not known",
    ]
    response = client.get(SEARCH, {"area": "merthyr-tydfil", "risk": "high"})
    assert response.context["filter"].summary == [
        "Merthyr Tydfil",
        "High risk",
        "Last reported running (however long ago)",
    ]
    assert client.get(SEARCH).context["filter"].summary == ["Last reported running (however long ago)"]


def test_the_summary_and_filter_control_come_before_the_results_and_the_full_form_is_there(client):
    response = client.get(SEARCH, {"area": "merthyr-tydfil", "risk": "high"})
    html = response.content.decode()
    assert "Merthyr Tydfil · High risk · Last reported running (however long ago)" in html
    summary = html.index("Merthyr Tydfil · High risk · Last reported running (however long ago)")
    toggle = html.index('aria-controls="filters"')
    panel = html.index('id="filters"')
    results = html.index('id="results"')
    assert summary < toggle < panel < results
    assert 'id="id_q"' in html[panel:results]  # without JavaScript the whole form is there


def test_a_search_with_a_mistake_has_no_summary_line(client):
    response = client.get(SEARCH, {"risk": "extreme"})
    assert response.status_code == 400
    assert "app-filter-summary" not in response.content.decode()


def test_a_risk_level_search_keeps_services_whose_risk_levels_are_not_stated_in_their_own_group(client):
    """CARA (Gwent), a police-referral programme launched in Gwent in November 2023, states no risk level."""
    response = client.get(SEARCH, {"area": "newport", "risk": "standard"})
    assert response.status_code == 200
    results = [service for service, _reasons in response.context["results"]]
    slugs = [service.slug for service in results]
    assert "cara-gwent" in slugs
    cara = results[slugs.index("cara-gwent")]
    assert cara.risk_stated is False
    # Stated first, then not stated: never interleaved, never dropped.
    flags = [service.risk_stated for service in results]
    assert flags == sorted(flags, reverse=True)
    standard = RiskLevel.objects.get(slug="standard")
    for service in results:
        levels = set(service.risk_levels.all())
        assert (standard in levels) if service.risk_stated else not levels
    body = response.content.decode()
    stated, unstated = response.context["risk_counts"]
    assert unstated >= 1 and stated + unstated == response.context["page"].paginator.count
    assert "Risk levels not stated in the sources: check with the service" in body
    assert body.index("Stated to take standard risk") < body.index("Risk levels not stated in the sources")
    # Every running service in Newport whose documents give no risk level is there (export = every page).
    from directory.models import Audience

    newport = Area.objects.get(slug="newport")
    expected = set(
        Service.objects.referable()
        .operating_on(timezone.localdate())
        .covering(newport)
        .for_audience(Audience.PERSON, or_not_stated=True)
        .filter(risk_levels__isnull=True)
        .values_list("slug", flat=True)
    )
    export = client.get(reverse("directory:service-export"), {"area": "newport", "risk": "standard"})
    exported = {row["slug"] for row in csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode()))}
    assert expected and expected <= exported
