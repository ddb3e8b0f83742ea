"""Editors' login records are kept only as long as lockout needs them."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from .conftest import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now()
COMMON = {"user_agent": "test", "http_accept": "*/*", "path_info": "/admin/login/", "ip_address": "203.0.113.9"}


def make_records(username, age):
    when = NOW - age
    attempt = AccessAttempt.objects.create(
        username=username, get_data="", post_data="", failures_since_start=1, **COMMON
    )
    failure = AccessFailureLog.objects.create(username=username, **COMMON)
    log = AccessLog.objects.create(username=username, **COMMON)
    # attempt_time is auto_now_add: set the age afterwards.
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).update(attempt_time=when)
    return attempt, failure, log


def usernames(model):
    return sorted(model.objects.values_list("username", flat=True))


def test_the_retention_defaults_to_30_days():
    assert settings.LOGIN_RECORD_DAYS == 30


def test_records_older_than_the_retention_are_deleted_and_newer_ones_kept(capsys):
    make_records("old", datetime.timedelta(days=31))
    make_records("recent", datetime.timedelta(days=29))
    call_command("purge_login_records")
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert usernames(model) == ["recent"], model
    assert "1 access attempts, 1 access failures, 1 access logs" in capsys.readouterr().out


@override_settings(LOGIN_RECORD_DAYS=0)
def test_a_record_still_locking_an_account_is_never_purged():
    make_records("locked-now", datetime.timedelta(minutes=5))
    make_records("cooled-off", datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=5))
    call_command("purge_login_records")
    assert usernames(AccessAttempt) == ["locked-now"]


def test_a_successful_login_leaves_no_record_of_address_or_browser(client):
    make_user("editor")
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "a-long-test-password-123"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert AccessLog.objects.count() == 0
    assert AccessAttempt.objects.count() == 0
