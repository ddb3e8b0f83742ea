"""Nothing lasts on a shared device: no persistent cookie on any public page for an anonymous visitor."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.test_accessibility import PUBLIC_PAGES
from tests.test_fuzz import GET_URLS

pytestmark = pytest.mark.django_db

FORM_PAGES = ["/find/", "/report-a-problem/drive-cwm-taf-morgannwg/"]
PAGES = sorted(
    {
        *PUBLIC_PAGES,
        *GET_URLS,
        *FORM_PAGES,
        "/coverage/matrix.csv",
        "/coverage/gaps.csv",
        "/coverage/funding/",
        "/coverage/standards/",
    }
)


def lasting(response):
    """The cookies a response sets that outlive the browser session."""
    return {
        name: (morsel["expires"], morsel["max-age"])
        for name, morsel in response.cookies.items()
        if morsel["expires"] or morsel["max-age"]
    }


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.slow
def test_no_public_page_sets_a_lasting_cookie(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        if lasting(response):
            found[path] = lasting(response)
    assert found == {}


@pytest.mark.slow
def test_pages_without_a_form_set_no_cookie_at_all(client):
    set_by = {path: sorted(client.get(path).cookies) for path in PAGES}
    assert {path: names for path, names in set_by.items() if names} == {path: ["csrftoken"] for path in FORM_PAGES}


def test_the_language_switch_is_a_link_not_a_form(client):
    body = client.get("/services/?area=cardiff&risk=high").content.decode()
    assert '<a href="/i18n/setlang/?language=cy&amp;next=/services/%3Farea%3Dcardiff%26risk%3Dhigh"' in body
    assert 'name="csrfmiddlewaretoken"' not in body


def test_the_language_link_sets_a_session_cookie_and_returns_to_the_page(client):
    response = client.get(reverse("set_language"), {"language": "cy", "next": "/services/?area=cardiff&risk=high"})
    assert response.status_code == 302
    assert response["Location"] == "/services/?area=cardiff&risk=high"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert (cookie["expires"], cookie["max-age"]) == ("", "")
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert '<html lang="cy"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "ja\tvascript:x",
    ],
)
def test_the_language_link_never_leaves_the_site(client, unsafe):
    response = client.get(reverse("set_language"), {"language": "cy", "next": unsafe})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.get(reverse("set_language"), {"language": "xx", "next": "/glossary/"})
    assert response["Location"] == "/glossary/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


@pytest.mark.parametrize(
    "path", ["/", "/find/", "/services/export.csv", "/no-such-page/", "/admin/login/", "/static/css/app.css"]
)
def test_every_response_refuses_device_features(client, path):
    assert client.get(path)["Permissions-Policy"] == POLICY


def test_the_browser_is_asked_not_to_remember_search_words_or_ages(client):
    search = client.get("/services/").content.decode()
    matcher = client.get("/find/").content.decode()
    assert re.search(r'<input type="text" name="q"[^>]* autocomplete="off"', search)
    assert re.search(r'<input type="number" name="age"[^>]* autocomplete="off"', matcher)
    assert search.count('autocomplete="off"') == 1
    assert matcher.count('autocomplete="off"') == 1


def test_the_search_box_asks_for_no_names(client):
    body = client.get("/services/").content.decode()
    assert "Do not type anyone's name: the words you search for appear in the web address." in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    body = client.get("/services/").content.decode()
    assert "Peidiwch â theipio enw neb" in body
