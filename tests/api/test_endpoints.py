"""Every Open Referral endpoint answers and validates against the official compiled schemas."""

import uuid

import pytest

from directory.models import Scope, Service
from opendata.taxonomies import DIMENSIONS, NAMESPACE, find_term, stable_id

pytestmark = pytest.mark.django_db

API = "/api/oruk"


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_api_info_names_the_profile_and_our_openapi(client):
    data = get(client, "/")
    assert data == {
        "version": "3.0",
        "profile": "https://openreferral.github.io/uk-profile/",
        "openapi_url": "http://testserver/api/oruk/openapi.json",
    }


@pytest.mark.slow
@pytest.mark.parametrize("shape", [{}, {"minimal": "true"}, {"full": "true"}])
def test_every_page_of_services_validates_in_every_shape(client, profile, shape):
    first = get(client, "/services", per_page=25, **shape)
    referable = Service.objects.referable().count()
    assert first["total_items"] == referable
    assert first["total_pages"] == -(-referable // 25)
    pages = [first] + [
        get(client, "/services", per_page=25, page=n, **shape) for n in range(2, first["total_pages"] + 1)
    ]
    item_schema = "compiled/service.json" if shape.get("full") else "compiled/service_list.json"
    for page in pages:
        profile.check_page(page, item_schema)
        profile.check_openapi("/services", page)
    assert [p["first_page"] for p in pages] == [True] + [False] * (len(pages) - 1)
    assert [p["last_page"] for p in pages] == [False] * (len(pages) - 1) + [True]
    ids = [item["id"] for page in pages for item in page["contents"]]
    assert len(ids) == len(set(ids)) == referable
    if shape.get("minimal"):
        # Minimal, but never a status without its evidence.
        assert all(
            set(item) <= {"id", "name", "status", "status_evidence", "last_modified"} for item in pages[0]["contents"]
        )


def test_a_page_past_the_end_is_empty(client, profile):
    page = get(client, "/services", per_page=50, page=99)
    profile.check_page(page, "compiled/service_list.json")
    assert page["contents"] == [] and page["empty"] is True and page["size"] == 0 and page["page_number"] == 99


@pytest.mark.slow
def test_every_service_detail_validates_and_carries_provenance(client, profile):
    for service in Service.objects.referable():
        data = get(client, f"/services/{stable_id('service', service.slug)}")
        profile.check("compiled/service.json", data)
        quotes = sorted(citation["quote"] for citation in data["citations"])
        assert quotes == sorted(service.citations.values_list("quote", flat=True))
        assert data["directory_url"] == f"http://testserver/services/{service.slug}/"


def test_a_service_in_full(client, profile):
    service = Service.objects.referable().filter(areas__gss_code__startswith="W").exclude(risk_levels=None).first()
    data = get(client, f"/services/{stable_id('service', service.slug)}")
    area = service.areas.exclude(gss_code="").first()
    listed = {item["name"]: item for item in data["service_areas"]}
    assert listed[area.name_en]["uri"] == f"http://statistics.data.gov.uk/id/statistical-geography/{area.gss_code}"
    assert listed[area.name_en]["extent"] == area.gss_code
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["term"]) for a in data["attributes"]}
    assert ("tier", service.tier) in terms
    assert ("service-status", service.status_now) in terms
    assert data["status_evidence"]["text"] == service.claim.text
    assert data["status_evidence"]["date"] == service.claim.evidence.isoformat()
    assert {slug for (taxonomy, slug) in terms if taxonomy == "risk-level"} == set(
        service.risk_levels.values_list("slug", flat=True)
    )
    assert data["organization"]["name"] == service.organisation.name


@pytest.mark.parametrize("shape", [{}, {"minimal": "true"}, {"full": "true"}])
def test_every_list_item_carries_the_status_evidence_the_service_gives(client, profile, shape):
    # A status is never published without its evidence: each list item, in every shape, has what the
    # single-service endpoint gives.
    page = get(client, "/services", per_page=200, **shape)
    profile.check_page(page, "compiled/service_list.json")
    items = page["contents"]
    assert len(items) == Service.objects.referable().count()
    for item in items:
        detail = get(client, f"/services/{item['id']}")
        assert item["status_evidence"] == detail["status_evidence"], item["name"]
        assert item["status_evidence"]["text"]


def test_comparators_elsewhere_are_not_published(client):
    comparator = Service.objects.filter(scope=Scope.ELSEWHERE).first()
    assert client.get(f"{API}/services/{stable_id('service', comparator.slug)}").status_code == 404
    names = {item["name"] for item in get(client, "/services", per_page=200)["contents"]}
    assert comparator.name not in names


def test_statuses_map_to_open_referral(client):
    by_status = {s.status_now: s for s in Service.objects.referable()}
    expected = {"active": "active", "pilot": "active", "planned": "inactive", "decommissioned": "defunct"}
    for ours, theirs in expected.items():
        if ours in by_status:
            data = get(client, f"/services/{stable_id('service', by_status[ours].slug)}")
            assert data["status"] == theirs, ours


def test_assurance_comes_from_verification_and_never_names_an_editor(client, settings, django_user_model):
    settings.OPEN_DATA_CONTACT_EMAIL = "directory@example.org"
    editor = django_user_model.objects.create_user("editor", email="editor.person@example.org", password="x" * 12)
    service = Service.objects.referable().first()
    Service.objects.filter(pk=service.pk).update(last_verified="2026-10-01", verified_by=editor)
    response = client.get(f"{API}/services/{stable_id('service', service.slug)}")
    data = response.json()
    assert data["assured_date"] == "2026-10-01"
    assert data["assurer_email"] == "directory@example.org"
    assert b"editor.person" not in response.content


def test_organisations(client, profile):
    page = get(client, "/organizations", per_page=200)
    profile.check_page(page, "compiled/organization_list.json")
    assert page["total_items"] == len({s.organisation_id for s in Service.objects.referable()})
    organisation = page["contents"][0]
    data = get(client, f"/organizations/{organisation['id']}")
    profile.check("compiled/organization.json", data)
    assert data["services"]


def test_taxonomies_and_terms(client, profile):
    page = get(client, "/taxonomies")
    profile.check_page(page, "taxonomy.json")
    assert [t["name"] for t in page["contents"]] == [
        "Risk level",
        "Referral route",
        "Kind of service",
        "Format",
        "Attendance",
        "Who it is for",
        "Kind of harm",
        "Service status",
    ]
    for item in page["contents"]:
        data = get(client, f"/taxonomies/{item['id']}")
        profile.check("taxonomy.json", data)
        assert data["taxonomy_terms"]
    terms = get(client, "/taxonomy_terms", per_page=200)
    profile.check_page(terms, "taxonomy_term.json")
    assert terms["total_items"] == sum(len(d.terms()) for d in DIMENSIONS)
    high = get(client, f"/taxonomy_terms/{stable_id('risk-level', 'high')}")
    profile.check("taxonomy_term.json", high)
    assert (high["name"], high["name_cy"], high["term"]) == ("High risk", "Risg uchel", "high")
    only_risk = get(client, "/taxonomy_terms", taxonomy_id=stable_id("risk-level"))
    assert [t["term"] for t in only_risk["contents"]] == ["standard", "medium", "high"]


def test_term_ids_are_stable_uuids():
    # Published ids never change: consumers store them.
    assert stable_id("risk-level", "high") == "aba8e876-8982-599e-bab3-b901c437539a"
    assert NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "perpetrator-services-directory/open-referral")
    assert stable_id("risk-level", "high") == str(uuid.uuid5(NAMESPACE, "risk-level/high"))
    assert find_term(stable_id("tier", "high_harm")).value == "high_harm"


def test_service_at_locations_are_an_empty_valid_page(client, profile):
    page = get(client, "/service_at_locations")
    profile.check_page(page, "compiled/service_at_location_list.json")
    assert page["total_items"] == 0 and page["empty"] is True
    assert client.get(f"{API}/service_at_locations/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(
    "path,params,field",
    [
        ("/services", {"page": "two"}, "page"),
        ("/services", {"page": "0"}, "page"),
        ("/services", {"per_page": "1000"}, "per_page"),
        ("/services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ("/services", {"taxonomy_id": "42"}, "taxonomy_id"),
        ("/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/services", {"full": "maybe"}, "full"),
        ("/services", {"risk": "extreme"}, "risk"),
        ("/taxonomy_terms", {"taxonomy_id": "x"}, "taxonomy_id"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, path, params, field):
    response = client.get(API + path, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("path", ["/services/", "/organizations/", "/taxonomies/", "/taxonomy_terms/"])
def test_unknown_ids_are_a_404(client, path):
    for bad in [str(uuid.uuid4()), "nonsense"]:
        response = client.get(API + path + bad)
        assert response.status_code == 404
        assert "detail" in response.json()


def test_requests_are_throttled_per_client(client, settings):
    from opendata.views import OpenDataThrottle

    OpenDataThrottle.THROTTLE_RATES = {"open_data": "3/minute"}
    try:
        codes = [client.get(API + "/").status_code for _ in range(4)]
    finally:
        OpenDataThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert codes == [200, 200, 200, 429]


def test_our_openapi_document_describes_every_endpoint_with_the_official_schemas(client):
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert sorted(document["paths"]) == [
        "/api/oruk/",
        "/api/oruk/datapackage.zip",
        "/api/oruk/organizations",
        "/api/oruk/organizations/{id}",
        "/api/oruk/service_at_locations",
        "/api/oruk/service_at_locations/{id}",
        "/api/oruk/services",
        "/api/oruk/services/{id}",
        "/api/oruk/taxonomies",
        "/api/oruk/taxonomies/{id}",
        "/api/oruk/taxonomy_terms",
        "/api/oruk/taxonomy_terms/{id}",
    ]
    services = document["paths"]["/api/oruk/services"]["get"]
    parameters = {p["name"]: p["schema"] for p in services["parameters"]}
    assert {"page", "per_page", "text", "taxonomy_term_id", "taxonomy_id", "modified_after", "full", "minimal"} <= set(
        parameters
    )
    assert parameters["risk"]["enum"] == ["standard", "medium", "high"]
    page = services["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["properties"]["contents"]["items"] == {"$ref": "#/components/schemas/OrukServiceListItem"}
    detail = document["paths"]["/api/oruk/services/{id}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OrukService"}
    assert document["components"]["schemas"]["OrukService"]["required"] == ["id", "name", "status"]


def test_paused_referrals_are_temporarily_closed_with_the_date_in_the_alert(client, profile):
    import datetime

    from directory.models import AvailabilityNote, Document

    service = Service.objects.referable().operating_on(datetime.date.today()).first()
    AvailabilityNote.objects.create(
        service=service,
        state="paused",
        said_on=datetime.date(2030, 1, 2),
        document=Document.objects.first(),
        section="1",
        quote="paused",
    )
    data = get(client, f"/services/{stable_id('service', service.slug)}")
    profile.check("compiled/service.json", data)
    assert data["status"] == "temporarily closed"
    assert data["alert"] == "Referrals paused (said on 2030-01-02)"
    listed = get(client, "/services", minimal="true", per_page=200)["contents"]
    assert {"id": data["id"], "status": "temporarily closed"}.items() <= next(
        item for item in listed if item["id"] == data["id"]
    ).items()


def test_the_document_gives_a_real_id_for_each_detail_endpoint(client):
    document = client.get(API + "/openapi.json").json()
    for path in ["services", "organizations", "taxonomies", "taxonomy_terms"]:
        (parameter,) = document["paths"][f"/api/oruk/{path}/{{id}}"]["get"]["parameters"]
        assert client.get(f"{API}/{path}/{parameter['example']}").status_code == 200, path
