"""The tabular data package follows the profile's datapackage.json and agrees with the API."""

import csv
import io
import json
import uuid
import zipfile

import pytest

from directory.models import Service
from tests.api.conftest import REFERENCE
from tests.api.test_query_counts import add_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(client):
    response = client.get("/api/oruk/datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Access-Control-Allow-Origin"] == "*"
    return zipfile.ZipFile(io.BytesIO(response.content))


def table(package, path):
    return list(csv.DictReader(io.StringIO(package.read(path).decode("utf-8"))))


def test_descriptor_uses_the_profiles_tables_and_columns(package, settings):
    descriptor = json.loads(package.read("datapackage.json"))
    profile = json.loads((REFERENCE / "datapackage.json").read_text())
    official = {resource["name"]: resource for resource in profile["resources"]}
    names = [resource["name"] for resource in descriptor["resources"]]
    assert names == [
        "organization",
        "service",
        "attribute",
        "phone",
        "contact",
        "funding",
        "service_area",
        "taxonomy_term",
        "taxonomy",
        "citation",
    ]
    for resource in descriptor["resources"][:-1]:
        assert resource == official[resource["name"]]
        header = package.read(resource["path"]).decode("utf-8").splitlines()[0]
        assert header.split(",") == [field["name"] for field in resource["schema"]["fields"]]
    assert descriptor["licenses"] == [settings.OPEN_DATA_LICENCE]
    assert sorted(package.namelist()) == sorted(["datapackage.json"] + [r["path"] for r in descriptor["resources"]])


def test_tables_hold_every_published_service_and_their_keys_resolve(package, client):
    services = table(package, "services.csv")
    assert len(services) == Service.objects.referable().count()
    ids = {row["id"] for row in services}
    assert all(uuid.UUID(value) for value in ids)
    api = client.get("/api/oruk/services", {"per_page": 200}).json()["contents"]
    assert ids == {item["id"] for item in api}
    organisations = {row["id"] for row in table(package, "organizations.csv")}
    assert {row["organization_id"] for row in services} == organisations
    for path in ["service_areas.csv", "contacts.csv", "funding.csv", "citations.csv"]:
        assert {row["service_id"] for row in table(package, path)} <= ids, path
    terms = {row["id"] for row in table(package, "taxonomy_terms.csv")}
    assert {row["taxonomy_term_id"] for row in table(package, "attribute.csv")} <= terms
    quotes = sorted(row["quote"] for row in table(package, "citations.csv"))
    assert quotes == sorted(
        Service.objects.referable().values_list("citations__quote", flat=True).exclude(citations__quote=None)
    )


@pytest.mark.parametrize("extra", [0, 60])
def test_the_package_runs_fixed_queries(client, django_assert_max_num_queries, extra):
    add_services(extra)
    # The services and their eight prefetches, and the two vocabularies kept in tables; the kept timeline's
    # first fill at this data version adds its queries (tests/directory/test_timeline_day.py).
    with django_assert_max_num_queries(17):
        assert client.get("/api/oruk/datapackage.zip").status_code == 200
