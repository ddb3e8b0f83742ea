"""An anonymous reader's search page kept whole (``pagecache.reader_page``, ``ServiceFilter.canonical_queries``).

A search without typed words is the same page for every reader until the data changes, so it is kept per data
version, date and language at its canonical addresses (the filters in the form's order, as a link gives them or
as the form submits them, then the page number). These pin that a kept page is the page computed, byte for byte,
in English and Welsh; that an edit shows at once; that editors always get it computed; that typed words are never
looked up or kept; and that no other spelling of a search is kept.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Service

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:service-search")
SUBMITTED = "q=&area=cardiff&risk=high&audience=&harm=&route=&tier=&format=&attendance=&status=&submit="
KEPT = [
    "",
    "risk=high",
    "area=cardiff&risk=high",
    "risk=high&page=2",
    "risk=high&page=1",
    "harm=stalking&status=all",
    "route=self-referral",
    SUBMITTED,
    SUBMITTED.replace("area=cardiff", "area=") + "&page=2",
]
NOT_KEPT = [
    "risk=high&area=cardiff",  # not the form's order
    "page=1&risk=high",
    "risk=high&page=01",  # not the page as the page shows it
    "risk=high&page=999",  # shows the last page
    "risk=hig%68",  # the same value, spelled otherwise
    "risk=high&x=1",
    "risk=high&risk=high",
    "&risk=high",
    "q=&risk=high",  # some fields empty, not all
]


def computed(response):
    """True when the view ran (a kept response carries no template context)."""
    return response.context is not None


def get(client, query, **extra):
    return client.get(f"{SEARCH}?{query}" if query else SEARCH, **extra)


def page_entries():
    return [key for key in cache._cache if ":page:" in key or key.startswith(":1:page:")]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("query", KEPT)
def test_a_search_without_words_is_kept_whole_and_is_the_page_computed(client, query, language):
    client.cookies["django_language"] = language
    cache.clear()
    first = get(client, query)
    assert first.status_code == 200 and computed(first)
    with CaptureQueriesContext(connection) as queries:
        again = get(client, query)
    assert not computed(again)
    assert len(queries) == 1, "the data version only"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("query", NOT_KEPT)
def test_any_other_spelling_of_a_search_is_computed_each_time_and_never_kept(client, query):
    cache.clear()
    assert computed(get(client, query))
    assert computed(get(client, query))
    assert not page_entries()


def test_a_spelling_not_kept_is_never_served_another_spellings_page(client):
    cache.clear()
    kept = get(client, "area=cardiff&risk=high")
    other = get(client, "risk=high&area=cardiff")
    assert computed(other)
    assert other.content != kept.content  # its links repeat its own address


def test_welsh_and_english_search_pages_are_not_mixed(client):
    cache.clear()
    english = get(client, "risk=high").content
    client.cookies["django_language"] = "cy"
    welsh = get(client, "risk=high")
    assert computed(welsh)
    assert welsh.content != english
    assert get(client, "risk=high").content == welsh.content


@pytest.mark.parametrize("query", ["q=drive", "q=Drive+%3Cb%3E&risk=high", SUBMITTED.replace("q=", "q=respect")])
def test_a_search_with_words_is_never_looked_up_or_kept(client, query, monkeypatch):
    from directory import pagecache

    keyed = []
    monkeypatch.setattr(pagecache, "reader_key", lambda request: keyed.append(request) or "never")
    cache.clear()
    assert computed(get(client, query))
    assert computed(get(client, query))
    assert not keyed, "no key is made from a request with words, so nothing is looked up"
    assert not page_entries()


def test_an_invalid_search_is_never_kept(client):
    cache.clear()
    assert get(client, "risk=nonsense").status_code == 400
    assert get(client, "risk=nonsense").status_code == 400
    assert not page_entries()


def test_an_edit_changes_a_kept_search_page_at_once(client):
    cache.clear()
    assert "Renamed by an editor" not in get(client, "area=cardiff&risk=high").content.decode()
    service = Service.objects.get(slug="drive-cardiff-and-vale")
    service.name = "Renamed by an editor"
    service.save()
    response = get(client, "area=cardiff&risk=high")
    assert computed(response)
    assert "Renamed by an editor" in response.content.decode()


def test_editors_always_get_a_search_page_computed_and_nothing_of_theirs_is_kept(admin_client):
    client = Client()  # an anonymous reader beside the editor
    cache.clear()
    for _ in range(2):
        assert computed(get(admin_client, "area=cardiff&risk=high"))
    assert not page_entries()
    kept = get(client, "area=cardiff&risk=high")  # kept for anonymous readers
    assert page_entries() and not computed(get(client, "area=cardiff&risk=high"))
    editors = get(admin_client, "area=cardiff&risk=high")
    assert computed(editors)
    # Their page is computed from the data (the editor's own header differs; the results are the same).
    assert kept.content.decode().count("app-service-card") == editors.content.decode().count("app-service-card") > 0
