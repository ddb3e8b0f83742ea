"""Needs review, one rule (``directory/models/freshness.py``): the QuerySet verbs and ``Service.needs_review``.

A service needs review when it was never verified, or was last verified on or before the day
``EDITORIAL_REVIEW_AFTER_MONTHS`` months before today. The database (``needing_review``,
``verified_recently``) and a loaded service (``needs_review``) read the same condition; each
test states the exact set, and that both readings agree row by row.
"""

import datetime

import pytest
from django.db.models import Q
from django.test import override_settings

from directory.models import Service, months_before, needs_review_condition
from directory.models.freshness import holds
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
DUE = datetime.date(2025, 11, 23)  # twelve months before: verified on or before this day needs review


@pytest.fixture
def verified():
    """One service per interesting last-verified date, keyed by name."""
    dates = {
        "never": None,
        "long-ago": datetime.date(2019, 1, 1),
        "the-day-before-due": DUE - datetime.timedelta(days=1),
        "on-the-due-day": DUE,
        "the-day-after-due": DUE + datetime.timedelta(days=1),
        "today": TODAY,
    }
    return {key: factories.service(slug=f"verified-{key}", last_verified=day) for key, day in dates.items()}


def keys(queryset, verified):
    mine = {s.pk: key for key, s in verified.items()}
    return {mine[pk] for pk in queryset.values_list("pk", flat=True) if pk in mine}


DUE_KEYS = {"never", "long-ago", "the-day-before-due", "on-the-due-day"}


def test_months_before_keeps_the_day_or_uses_the_months_last():
    assert months_before(datetime.date(2026, 11, 23), 12) == datetime.date(2025, 11, 23)
    assert months_before(datetime.date(2024, 3, 31), 1) == datetime.date(2024, 2, 29)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_needing_review_is_never_verified_or_verified_on_or_before_the_due_day(verified):
    assert keys(Service.objects.needing_review(TODAY), verified) == DUE_KEYS


def test_verified_recently_is_the_rest(verified):
    assert keys(Service.objects.verified_recently(TODAY), verified) == set(verified) - DUE_KEYS


def test_a_loaded_service_reads_the_same_rule(verified):
    assert {key for key, service in verified.items() if service.needs_review(TODAY)} == DUE_KEYS
    unsaved = [Service(last_verified=None), Service(last_verified=DUE), Service(last_verified=TODAY)]
    assert [service.needs_review(TODAY) for service in unsaved] == [True, True, False]


def test_the_database_and_a_loaded_service_agree_row_by_row(verified):
    """On every date around the boundary, for every service: the verb and the method give one answer."""
    for today in (TODAY, TODAY + datetime.timedelta(days=1), datetime.date(2020, 6, 30), datetime.date(2027, 2, 28)):
        in_database = keys(Service.objects.needing_review(today), verified)
        assert {key for key, s in verified.items() if s.needs_review(today)} == in_database, today


@override_settings(EDITORIAL_REVIEW_AFTER_MONTHS=6)
def test_the_review_period_is_a_setting(verified):
    assert keys(Service.objects.needing_review(TODAY), verified) == set(verified) - {"today"}
    assert Service(last_verified=datetime.date(2026, 5, 24)).needs_review(TODAY) is False
    assert Service(last_verified=datetime.date(2026, 5, 23)).needs_review(TODAY) is True


def test_holds_reads_a_condition_as_the_database_does(verified):
    """``holds`` (how a loaded service reads the condition): negation, AND and a missing value, as SQL reads them."""
    for condition in (
        ~needs_review_condition(TODAY),
        Q(last_verified__gt=DUE) & Q(last_verified__lt=TODAY),
        ~Q(last_verified__gte=DUE),
        Q(last_verified=TODAY) | Q(last_verified__isnull=True),
    ):
        in_database = keys(Service.objects.filter(condition), verified)
        assert {key for key, s in verified.items() if holds(condition, s)} == in_database, condition


def test_holds_refuses_a_lookup_it_cannot_read():
    with pytest.raises(KeyError):
        holds(Q(last_verified__year=2026), Service(last_verified=TODAY))
