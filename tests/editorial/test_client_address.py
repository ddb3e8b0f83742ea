"""The client address behind a trusted proxy: lockouts and the report limit use the one function."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from editorial.models import ProblemReport
from editorial.network import client_address

from .conftest import make_user

LOGIN = reverse("admin:login")
PASSWORD = "a-long-test-password-123"
REPORT = reverse("reports:form", args=["cara-gwent"])


def address(forwarded=None, remote="10.0.0.5"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_connecting_address_counts_and_the_header_is_ignored():
    assert address() == "10.0.0.5"
    assert address("203.0.113.9") == "10.0.0.5"
    assert address("203.0.113.9, 198.51.100.1") == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote():
    assert address("203.0.113.9") == "203.0.113.9"
    # A client sending its own header: the proxy appends the real address on the right.
    assert address("1.2.3.4, 203.0.113.9") == "203.0.113.9"
    assert address(" 2001:db8::1 ") == "2001:db8::1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_proxies_the_second_entry_from_the_right_counts():
    assert address("1.2.3.4, 203.0.113.9, 10.0.0.2") == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_request_that_did_not_pass_through_every_proxy_is_known_by_its_connecting_address():
    assert address("203.0.113.9") == "10.0.0.5"
    assert address() == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_malformed_forwarded_address_falls_back_to_the_connecting_address():
    assert address("not-an-address") == "10.0.0.5"
    assert address("203.0.113.9, ") == "203.0.113.9"
    assert address("203.0.113.9, <script>") == "10.0.0.5"


def fail_logins(client, usernames, forwarded):
    return [
        client.post(
            LOGIN, {"username": name, "password": "wrong", "next": "/admin/"}, HTTP_X_FORWARDED_FOR=next(forwarded)
        ).status_code
        for name in usernames
    ]


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forged_header_does_not_change_the_locked_address(client):
    make_user("editor")
    forged = iter(f"203.0.113.{n}" for n in range(1, 100))
    # Five different usernames: only the address lock can trip, and the forged header must not split it.
    statuses = fail_logins(client, [f"nobody{n}" for n in range(5)], forged)
    assert statuses == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    right = client.post(LOGIN, {"username": "editor", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=next(forged))
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_two_forwarded_clients_are_locked_separately(client):
    make_user("editor")
    attacker = iter(["1.2.3.4, 203.0.113.66"] * 10)  # the attacker's own header cannot move it off .66
    statuses = fail_logins(client, [f"nobody{n}" for n in range(5)], attacker)
    assert statuses == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert (
        client.post(
            LOGIN, {"username": "editor", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66"
        ).status_code
        == 429
    )
    # Every request arrives from the proxy's address (127.0.0.1), yet the editor elsewhere signs in.
    editor = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD, "next": "/admin/"}, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert editor.status_code == 302
    assert editor["Location"] == "/admin/"


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1, EDITORIAL_REPORT_LIMIT=2)
def test_behind_a_trusted_proxy_the_report_limit_is_per_forwarded_client(client, empty_cache):
    def report(forwarded):
        return client.post(REPORT, {"topic": "closed"}, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [report("203.0.113.1"), report("9.9.9.9, 203.0.113.1"), report("203.0.113.1")] == [302, 302, 429]
    assert report("203.0.113.2") == 302
    assert ProblemReport.objects.count() == 3


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0, EDITORIAL_REPORT_LIMIT=2)
def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_report_limit(client, empty_cache):
    statuses = [
        client.post(REPORT, {"topic": "closed"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert ProblemReport.objects.count() == 2
