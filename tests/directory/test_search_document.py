"""One search document: the same words find the same services on SQLite and on PostgreSQL.

Both branches of ServiceQuerySet.search() search directory.search.SEARCHED (the service's own
words and its organisation's and programme's names). CI runs this file on both databases with
the same expected sets; where PostgreSQL's stemming legitimately differs ("driving" is found by
"drive") the words are left out of this table.
"""

import pytest
from django.db import connection

from directory.models import Organisation, Programme, Service
from tests import factories

pytestmark = pytest.mark.django_db

SAME_ON_BOTH = {
    # A provider's name (the help text promises "a service, a provider or a need").
    "Victim Support": {
        "clear-cardiff-and-vale",
        "drive-cardiff-and-vale",
        "drive-idva-rise-cardiff",
        "healthy-relationship-programme-cumbria",
        "iris-cardiff",
        "iris-plus",
        "marac-cardiff-and-vale",
        "path-idva-cardiff",
        "pipa",
        "rise-cardiff",
        "they-matter-cumbria",
        "they-matter-partner-support-cumbria",
    },
    "Hampton Trust": {"cara-hampton-trust"},
    "Safer Merthyr Tydfil": {
        "clear-cwm-taf-morgannwg",
        "drive-cardiff-and-vale",
        "drive-cwm-taf-morgannwg",
        "drive-swansea-and-bridgend",
        "driving-change-cwm-taf-morgannwg",
        "family-intervention-programme-cwm-taf",
    },
    "Lucy Faithfull": {
        "inform-plus",
        "inform-programme",
        "inform-young-peoples-programme",
        "stop-it-now-helpline",
        "stop-it-now-wales",
    },
    "Relate Cymru": {"choose2change-north-wales"},
    "StopSO": {"sex-offender-group-south-east-wales", "stopso"},
    "Phoenix DAS": {"phoenix-das-gwent", "phoenix-das-gwent-opcc-commissioned"},
    # A programme's name.
    "Building Better Relationships": {"building-better-relationships", "idap"},
    "Young People's Violence Advocacy": {"young-peoples-violence-advocacy-halton"},
}


def found(text):
    return set(Service.objects.search(text).values_list("slug", flat=True))


@pytest.mark.parametrize(("text", "expected"), SAME_ON_BOTH.items(), ids=list(SAME_ON_BOTH))
def test_the_same_words_find_the_same_services_on_either_database(text, expected):
    assert found(text) == expected


def test_renaming_an_organisation_updates_its_services_documents():
    organisation = Organisation.objects.get(name="The Hampton Trust")
    organisation.name = "Zanzibar Foundation"
    organisation.save()
    assert found("Zanzibar") == {"cara-hampton-trust"}


def test_renaming_a_programme_updates_its_services_documents():
    programme = Programme.objects.get(name="Building Better Relationships (BBR)")
    programme.name = "Quillwort"
    programme.save()
    assert found("Quillwort") == set(programme.deliveries.values_list("slug", flat=True)) != set()


def test_a_saved_service_is_found_by_its_own_and_its_organisations_name():
    service = factories.service(name="Xylograph support", slug="xylograph-support")
    assert found("Xylograph") == {"xylograph-support"}
    assert "xylograph-support" in found("Test organisation")
    service.name = "Yarrow support"
    service.save()
    assert found("Xylograph") == set()
    assert found("Yarrow") == {"xylograph-support"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored tsvector is PostgreSQL's")
def test_postgresql_searches_the_stored_document_with_its_gin_index():
    from django.db import connection as conn

    with conn.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'service_search_document_gin'")
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM directory_service WHERE search_document IS NULL")
        (empty,) = cursor.fetchone()
    assert "USING gin (search_document)" in definition
    assert empty == 0
    assert 'WHERE "directory_service"."search_document" @@' in str(Service.objects.search("Drive").query)
