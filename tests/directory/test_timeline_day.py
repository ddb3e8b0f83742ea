"""The timeline kept per data version and date (``directory.models.timeline``): a cache of the computed verb.

``with_timeline`` and ``operating_on`` read the kept rows; ``computed_timeline`` is the rule. The kept answer must
be the computed one for every service on every date, change at once with any edit, survive two fills at once, and
go once superseded for longer than the grace period (not before).
"""

import contextlib
import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Service, Status, StatusEvent, TimelineDay, TimelineFill
from directory.models import timeline as kept
from directory.pagecache import bump, current_version
from editorial.freshness import mark_verified
from tests import factories
from tests.directory.test_timeline import DATES

pytestmark = pytest.mark.django_db

ANNOTATIONS = ("timeline_status", "timeline_evidence", "evidence_source", "timeline_earliest", "timeline_unconfirmed")


def rows(queryset):
    return {row[0]: row[1:] for row in queryset.values_list("pk", *ANNOTATIONS, "timeline_date")}


@pytest.mark.parametrize("date", DATES, ids=str)
def test_the_kept_timeline_is_the_computed_one_for_every_service(date):
    kept_rows = rows(Service.objects.with_timeline(date))
    assert TimelineFill.objects.filter(version=current_version(), date=date).exists()
    assert TimelineDay.objects.filter(version=current_version(), date=date).count() == Service.objects.count()
    assert "directory_timelineday" in str(Service.objects.with_timeline(date).query)  # read, not computed
    assert kept_rows == rows(Service.objects.computed_timeline(date))
    operating = set(Service.objects.operating_on(date).values_list("pk", flat=True))
    computed = set(Service.objects.computed_operating_on(date).values_list("pk", flat=True))
    assert operating == computed
    assert operating  # the dates cover years with services running


def running_now(today):
    return set(Service.objects.operating_on(today).values_list("slug", flat=True))


def test_an_edit_changes_what_pages_show_at_once(client, today, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    service = Service.objects.get(slug="drive-cardiff-and-vale")
    assert service.slug in running_now(today)  # kept now for this version
    page = client.get("/services/", {"q": "Drive", "audience": "all"}).content.decode()
    assert "Drive (Cardiff" in page

    # A status event saying it ended.
    event = StatusEvent.objects.create(
        service=service,
        status=Status.DECOMMISSIONED,
        date=today - datetime.timedelta(days=3),
        precision="day",
        editor_role="directory",
        stated_on=today,
    )
    assert service.slug not in running_now(today)
    assert "Drive (Cardiff" not in client.get("/services/", {"q": "Drive", "audience": "all"}).content.decode()
    # The event deleted: running again.
    event.delete()
    assert service.slug in running_now(today)
    # An end date.
    service.end_date = today - datetime.timedelta(days=1)
    service.save()
    assert service.slug not in running_now(today)
    assert Service.objects.with_timeline(today).get(pk=service.pk).timeline_status == Status.DECOMMISSIONED


def test_an_editors_verification_is_on_the_timeline_at_once(admin_user, today):
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    before = Service.objects.with_timeline(today).get(pk=service.pk).timeline_evidence
    on = today - datetime.timedelta(days=1)
    assert before < on
    mark_verified(Service.objects.filter(pk=service.pk), user=admin_user, on=on)  # bulk_update: no signals
    assert Service.objects.with_timeline(today).get(pk=service.pk).timeline_evidence == on


def test_two_fills_of_the_same_version_and_date_do_not_fail(today):
    version = current_version()
    kept._fill(version, today)
    kept._fill(version, today)  # as a second request would, at the same time
    assert TimelineDay.objects.filter(version=version, date=today).count() == Service.objects.count()
    assert TimelineFill.objects.filter(version=version, date=today).count() == 1
    assert rows(Service.objects.with_timeline(today)) == rows(Service.objects.computed_timeline(today))


def test_while_another_request_fills_a_date_this_one_computes_it(today):
    cache.add(f"timeline-fill:{connection.alias}:{current_version()}:{today.isoformat()}", 1, 60)
    queryset = Service.objects.with_timeline(today)
    assert "directory_timelineday" not in str(queryset.query)
    assert rows(queryset) == rows(Service.objects.computed_timeline(today))
    assert not TimelineFill.objects.filter(date=today).exists()


def test_a_fill_rolled_back_is_filled_again(today):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert len(rows(Service.objects.with_timeline(today))) == Service.objects.count()
        raise RuntimeError  # the request failed: its fill goes with it
    assert not TimelineDay.objects.filter(date=today).exists()
    again = rows(Service.objects.with_timeline(today))
    assert again == rows(Service.objects.computed_timeline(today))
    assert TimelineDay.objects.filter(date=today).count() == Service.objects.count()


def test_dates_kept_for_one_version_are_bounded_and_the_rest_computed(today, monkeypatch):
    monkeypatch.setattr(kept, "DATES_PER_VERSION", 3)
    dates = [datetime.date(2020, 1, day) for day in range(1, 6)]
    for date in dates:
        assert rows(Service.objects.with_timeline(date)) == rows(Service.objects.computed_timeline(date))
    assert TimelineFill.objects.filter(version=current_version()).count() == 3
    assert "directory_timelineday" not in str(Service.objects.with_timeline(dates[-1]).query)
    Service.objects.with_timeline(timezone.localdate())  # today is kept whatever the number of dates
    assert TimelineFill.objects.filter(version=current_version(), date=timezone.localdate()).exists()


def test_superseded_versions_are_deleted_after_the_grace_period_not_before(today):
    long_ago = timezone.now() - kept.GRACE - datetime.timedelta(minutes=1)
    old = current_version()
    kept._fill(old, today)
    TimelineFill.objects.filter(version=old).update(filled_at=long_ago - datetime.timedelta(hours=1))
    bump()
    previous = current_version()
    kept._fill(previous, today)  # in use since just now: a request may still be reading the old version
    bump()
    Service.objects.with_timeline(today)
    assert TimelineDay.objects.filter(version=old).count() == Service.objects.count()
    TimelineFill.objects.filter(version=previous).update(filled_at=long_ago)  # in use for longer than the grace
    bump()
    Service.objects.with_timeline(today)  # the newest version's first fill deletes the old one
    assert not TimelineDay.objects.filter(version=old).exists()
    assert not TimelineFill.objects.filter(version=old).exists()
    # The version before the newest was superseded only now: a request may still be reading it.
    assert TimelineDay.objects.filter(version=previous).count() == Service.objects.count()
    assert TimelineDay.objects.filter(version=current_version()).count() == Service.objects.count()


def test_the_kept_timeline_bumps_nothing(today):
    version = current_version()
    Service.objects.with_timeline(today).count()
    assert current_version() == version


def test_migrate_bumps_the_version():
    version = current_version()
    call_command("migrate", verbosity=0)
    assert current_version() != version


def test_a_cold_fill_adds_a_fixed_number_of_queries(today):
    def count():
        with CaptureQueriesContext(connection) as queries:
            list(Service.objects.operating_on(today).values_list("pk", "timeline_status"))
        return len(queries)

    cold, warm = count(), count()
    assert (cold, warm) == (6, 2)  # the version, the dates kept, the fill, its marker, the statistics; the rows
    # The same with many more services.
    for _ in range(30):
        factories.service()
    assert (count(), count()) == (6, 2)


@contextlib.contextmanager
def a_request(method):
    """A request's beginning and end as the handler signals them (without closing the test's connection, as the
    test client does not)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None, environ={"REQUEST_METHOD": method})
        yield
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_request_that_edits_fills_the_new_versions_default_dates_once_it_has_answered(today, monkeypatch):
    """Today and the newest source's date (the coverage pages' default) are kept for the new version by the request
    that made it, after its response (``request_finished``), so that no reader pays their fill."""
    from directory.models import evidence_horizon

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    horizon = evidence_horizon()
    assert horizon is not None and horizon != today
    with a_request("POST"):
        bump()  # what any save does
        version = current_version()
        assert not TimelineFill.objects.filter(version=version).exists()  # not while the request runs
    assert set(TimelineFill.objects.filter(version=version).values_list("date", flat=True)) == {today, horizon}
    assert rows(Service.objects.with_timeline(horizon)) == rows(Service.objects.computed_timeline(horizon))


def test_a_request_that_edits_nothing_fills_nothing_after_it(today, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    bump()  # outside any request (a command): its reader fills
    with a_request("GET"):
        pass
    assert not TimelineFill.objects.filter(version=current_version()).exists()
