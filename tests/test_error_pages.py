"""Error pages keep the quick exit; the 500 page needs no database and says nothing was saved."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

QUICK_EXIT = [
    'class="govuk-exit-this-page"',
    'data-module="govuk-exit-this-page"',
    'href="https://www.bbc.co.uk/weather"',
    "govuk-js-exit-this-page-button",
    "Leave this site quickly",
]


def assert_quick_exit(body):
    for marker in QUICK_EXIT:
        assert marker in body, marker
    # The exit button is driven by app.js (location.replace), so the page must load it.
    assert 'src="/static/js/app.js"' in body
    assert 'href="/static/css/app.css"' in body


@pytest.mark.django_db
def test_404_carries_the_quick_exit(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert_quick_exit(body)


@pytest.mark.django_db
def test_400_carries_the_quick_exit(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem with the request" in body
    assert_quick_exit(body)


@pytest.mark.django_db
def test_403_carries_the_quick_exit():
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot do that" in body
    assert_quick_exit(body)


@pytest.mark.django_db
def test_an_expired_form_is_our_403_page_with_the_quick_exit():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/find/", {"area": "cardiff"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot do that" in body
    assert "CSRF verification failed" not in body
    assert_quick_exit(body)


def test_500_renders_without_the_database_or_context_processors():
    """No django_db mark: any query here would fail the test."""
    with translation.override("en"):  # whatever language an earlier test left active in this thread
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "If you were saving a change, nothing was saved. Go back and try again." in body
    assert "call 999" in body
    assert_quick_exit(body)


def test_500_is_in_welsh_when_welsh_is_chosen():
    with translation.override("cy"):
        body = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert '<html lang="cy"' in body
    assert "Os oeddech chi'n cadw newid, ni chafodd dim ei gadw." in body
    assert "Leave this site quickly" not in body
    assert "nothing was saved" not in body


@pytest.mark.django_db
def test_during_a_database_outage_a_page_is_our_500_with_the_quick_exit():
    client = Client(raise_request_exception=False)
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    with mock.patch.object(wrapper, "cursor", side_effect=OperationalError("the connection is closed")):
        response = client.get("/services/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "nothing was saved" in body
    assert "OperationalError" not in body
    assert_quick_exit(body)
