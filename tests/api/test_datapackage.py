"""The tabular data package follows the profile's datapackage.json and agrees with the API."""

import csv
import io
import json
import uuid
import zipfile

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Service
from opendata import oruk, queries, taxonomies
from opendata import package as data_package
from tests.api.conftest import REFERENCE
from tests.api.test_query_counts import add_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(client):
    response = client.get("/api/oruk/datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Access-Control-Allow-Origin"] == "*"
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


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
    # Seven tables of one pass over the services each, and one query for each relation a table reads beside them
    # (opendata.queries.in_order); the two vocabularies kept in tables; the data version. The kept timeline's
    # first fill at this data version adds its queries (tests/directory/test_timeline_day.py).
    with django_assert_max_num_queries(17):
        assert client.get("/api/oruk/datapackage.zip").status_code == 200


def test_the_package_streams_and_opens(client):
    response = client.get("/api/oruk/datapackage.zip")
    assert response.streaming
    assert not response.has_header("Content-Length")
    assert response["Content-Disposition"] == 'attachment; filename="datapackage.zip"'
    chunks = list(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.namelist()[0] == "datapackage.json"


def api_tables():
    """Each table as the package built it before it streamed: every service's fully nested API shape, in memory."""
    tables = {name: [] for name in [*data_package.TABLES, "citation"]}
    organisations = {}
    for service in queries.services(full=True):
        data = oruk.service_full(service)
        organisations[data["organization_id"]] = data["organization"]
        tables["service"].append(data)
        tables["service_area"] += data["service_areas"]
        for contact in data["contacts"]:
            tables["contact"].append(contact)
            tables["phone"] += contact.get("phones", [])
        tables["funding"] += data["funding"]
        tables["attribute"] += data["attributes"]
        tables["citation"] += [{"service_id": data["id"], **citation} for citation in data["citations"]]
    tables["organization"] = list(organisations.values())
    tables["taxonomy"] = [oruk.taxonomy(dimension) for dimension in taxonomies.DIMENSIONS]
    tables["taxonomy_term"] = [oruk.taxonomy_term(term) for term in taxonomies.all_terms()]
    return tables


@pytest.mark.parametrize("chunk", [2000, 7])
def test_each_table_is_the_apis_shapes_row_for_row(client, monkeypatch, chunk):
    """Read a chunk at a time (7 services: many chunks), the tables hold exactly what the API's nested services do."""
    monkeypatch.setattr(queries, "STREAM_CHUNK", chunk)
    add_services(20)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/oruk/datapackage.zip").getvalue()))
    expected = api_tables()
    for resource in data_package.descriptor()["resources"]:
        fields = [field["name"] for field in resource["schema"]["fields"]]
        text = archive.read(resource["path"]).decode("utf-8")
        want = "".join(data_package.csv_text(fields, expected[resource["name"]]))
        if resource["name"] == "citation":
            # Quotes from the same section of the same document may come in any order from a prefetch.
            assert sorted(text.splitlines()) == sorted(want.splitlines())
        else:
            assert text == want, resource["name"]
    assert len(table(archive, "services.csv")) == Service.objects.referable().count() > 20


def count_queries(client, extra):
    add_services(extra)
    client.get("/api/oruk/datapackage.zip").getvalue()  # the kept timeline filled first, as on any page
    cache.clear()
    with CaptureQueriesContext(connection) as queries_run:
        assert len(client.get("/api/oruk/datapackage.zip").getvalue()) > 0
    return len(queries_run)


def test_the_package_runs_the_same_queries_however_many_chunks(client, monkeypatch):
    # Five services a chunk: the real directory is many chunks, and 60 more services twelve more.
    monkeypatch.setattr(queries, "STREAM_CHUNK", 5)
    few = count_queries(client, 0)
    assert count_queries(client, 60) == few


def test_the_package_is_kept_until_the_directory_changes(client, django_assert_num_queries):
    cache.clear()
    first = client.get("/api/oruk/datapackage.zip")
    assert first.streaming
    body = first.getvalue()
    with django_assert_num_queries(1):  # the data version
        kept = client.get("/api/oruk/datapackage.zip")
    assert kept.getvalue() == body
    assert kept["Content-Type"] == "application/zip"
    assert kept["Content-Disposition"] == 'attachment; filename="datapackage.zip"'
    assert kept["Access-Control-Allow-Origin"] == "*"

    service = Service.objects.referable().order_by("name").first()
    service.name = "A renamed service"
    service.save()
    names = [
        row["name"]
        for row in table(
            zipfile.ZipFile(io.BytesIO(client.get("/api/oruk/datapackage.zip").getvalue())), "services.csv"
        )
    ]
    assert "A renamed service" in names


def test_a_query_string_never_makes_another_package(client, django_assert_num_queries):
    """The package takes no parameters: any query string is the one package, served from the one kept copy. Keyed by
    the query string, ``?x=1``, ``?x=2``… each computed the whole package again (5.4 s at 10,000 services) and kept
    another copy of it twice (``key`` and ``latest``: 2 × 6 MB in Redis for a day): a few requests a second filled
    the shared cache and kept every worker busy."""
    cache.clear()
    body = client.get("/api/oruk/datapackage.zip").getvalue()
    for query in ("x=1", "x=2", "page=2&x=%00", "utm_source=" + "a" * 200):
        with django_assert_num_queries(1):  # the data version
            response = client.get(f"/api/oruk/datapackage.zip?{query}")
        assert response.status_code == 200 and response.getvalue() == body
    kept = [key for key in cache._cache if ":page:" in key and not key.endswith(":lock")]
    assert len(kept) == 2  # this version's package and the latest computed


@pytest.mark.parametrize(
    "parts",
    [
        ("service", "drive-cardiff-and-vale"),
        ("risk-level",),
        ("attribute", "a", "b/c"),
        ("area", "Ynys Môn", "ŵ✓"),
        ("",),
    ],
)
def test_stable_ids_are_uuid5_of_the_parts(parts):
    assert taxonomies.stable_id(*parts) == str(uuid.uuid5(taxonomies.NAMESPACE, "/".join(parts)))


def test_funding_longevity_reads_as_the_models_display(client):
    add_services(3)
    for service in Service.objects.referable().exclude(funding_longevity=""):
        (item,) = oruk.funding(service)
        assert item["longevity"] == service.get_funding_longevity_display()
    service = Service.objects.referable().first()
    service.funding_longevity = "not-a-choice"
    assert oruk.funding(service)[0]["longevity"] == service.get_funding_longevity_display() == "not-a-choice"


def test_the_package_and_the_export_are_read_in_one_transaction(client, monkeypatch):
    # Each reads several cursors one after another: in one transaction (at REPEATABLE READ on PostgreSQL, outside
    # a test's own transaction) they all see one snapshot, so an edit committed during a download is not half in
    # it (checked by hand at 10,000 services: without it, funding, service_areas and citations had rows of a
    # service missing from services.csv). Here: every read happens inside a transaction opened for the stream.
    from django.db import connection

    from directory import services as directory_services
    from opendata import package

    depths = []
    real_rows = package.rows

    def recorded(table):
        depths.append(len(connection.savepoint_ids))
        return real_rows(table)

    monkeypatch.setattr(package, "rows", recorded)
    outside = len(connection.savepoint_ids)
    response = client.get("/api/oruk/datapackage.zip")
    b"".join(response.streaming_content)
    assert depths and all(depth == outside + 1 for depth in depths)

    lines = directory_services.csv_lines

    def export_lines(services):
        depths.append(len(connection.savepoint_ids))
        yield from lines(services)

    depths.clear()
    monkeypatch.setattr("directory.views.csv_lines", export_lines)
    b"".join(client.get("/services/export.csv").streaming_content)
    assert depths == [outside + 1]
