"""The admin lists this issue changed run a fixed number of queries, with few rows and with many."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from directory.models import Service
from directory.models.timeline import timeline_version
from editorial.models import PendingChange, ProblemReport
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELISTS = [model._meta for model in admin.site._registry]
# A provider editor's requests add two: their groups and their organisation, read once per request.
# Every staff request reads the session's two-factor device once (django-otp): one more than before.
# A list that shows the timeline (services) reads the data version its kept rows are under: one more.
QUERIES = {"superuser": 15, "provider editor": 17}
# 13, and the kept timeline's first fill at this data version: 4 (tests/directory/test_timeline_day.py).
PAGE_QUERIES = 17


# Lists add_many() does not grow (accounts, devices and reference lists a provider cannot add to).
NOT_GROWN = {
    "auth.Group",
    "auth.User",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "directory.Organisation",
    "directory.Programme",
    "directory.RiskLevel",
    "directory.Disagreement",
    "directory.GlossaryTerm",
    "directory.StatedGap",
    "referrals.ReferralPathway",
    "referrals.ReferralRequirement",
}


def add_many():
    """Forty more services, half of them the provider editor's own (Victim Support), each with the
    rows the related lists show: a citation, a status event, a link, a referral route, a standards
    assessment, a problem report and a pending change; plus an area and a document."""
    import datetime

    from directory.models import (
        Organisation,
        ReferralPathway,
        ServiceLink,
        ServicePathway,
        StandardsAssessment,
        StatusEvent,
    )

    area = factories.area()
    document = factories.document()
    source = {"document": document, "section": "1", "quote": "A test quote."}
    route = ReferralPathway.objects.get(slug="self-referral")
    day = datetime.date(2020, 1, 1)
    for organisation in (Organisation.objects.get(slug="victim-support"), None):
        for _ in range(20):
            service = factories.service(areas=[area], organisation=organisation, status_on=False)
            ProblemReport.objects.create(service=service, topic="closed")
            PendingChange.objects.create(
                service=service, organisation=service.organisation, summary="x", proposal={}, changes=[]
            )
            StatusEvent.objects.create(service=service, status="active", date=day, **source)
            ServiceLink.objects.create(
                from_service=service, to_service=Service.objects.exclude(pk=service.pk).first(), kind="refers_to"
            )
            ServicePathway.objects.create(service=service, pathway=route)
            StandardsAssessment.objects.create(
                slug=f"test-{service.slug}",
                service=service,
                assessed_on=day,
                assessor="Tests",
                checklist_type="full",
                **source,
            )


def rows(response):
    return response.context["cl"].result_count if response.status_code == 200 else None


@pytest.mark.slow
@pytest.mark.parametrize("opts", CHANGELISTS, ids=lambda o: o.label)
def test_every_changelist_has_a_fixed_query_count_with_few_and_many_rows(
    admin_client, provider_client, opts, django_assert_max_num_queries
):
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    clients = {"superuser": admin_client, "provider editor": provider_client}
    before = {}
    timeline_version(timezone.localdate())  # the kept timeline filled for this data version (its fill: 4 queries)
    for who, client in clients.items():
        with django_assert_max_num_queries(QUERIES[who]):
            response = client.get(url)
        before[who] = (response.status_code, rows(response))
    assert before["superuser"][0] == 200
    add_many()
    timeline_version(timezone.localdate())  # and for the version add_many made
    for who, client in clients.items():
        with django_assert_max_num_queries(QUERIES[who]):
            response = client.get(url)
        status, count = before[who]
        assert response.status_code == status
        if status == 200 and opts.label not in NOT_GROWN:
            # The bound above held with more rows on the page, not the same ones.
            assert rows(response) > count, (who, count, rows(response))


def test_the_service_changelist_shows_every_row_in_the_same_queries(admin_client, django_assert_max_num_queries):
    add_many()
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = admin_client.get(reverse("admin:directory_service_changelist"), {"all": ""})
    assert len(response.context["cl"].result_list) == Service.objects.count()


@pytest.mark.parametrize("name", ["editorial:dashboard", "editorial:review-list", "admin:index"])
def test_editorial_admin_pages_have_a_fixed_query_count(admin_client, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert admin_client.get(reverse(name)).status_code == 200
    add_many()
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert admin_client.get(reverse(name)).status_code == 200


def add_rows_to(service, count=10):
    """``count`` more rows in each inline of ``service``'s admin page whose label or drop-down reads another
    table (a citation names its document; focus, status and availability rows name the service; focus rows
    only as many as it has no statement for), and ``count`` more documents for every drop-down to list."""
    import datetime

    from directory.models import AvailabilityNote, Citation, ReferralRequirement, ServiceFocus, StatusEvent
    from directory.models.vocabulary import Audience, FocusKind, Harm

    stated = set(service.focus.values_list("kind", "value"))
    unstated = [
        (kind, value)
        for kind, values in ((FocusKind.AUDIENCE, Audience.values), (FocusKind.HARM, Harm.values))
        for value in values
        if (kind, value) not in stated
    ]
    start = service.requirements.count() + 100
    for n in range(count):
        document = factories.document()
        document.pk, document.slug = None, f"test-document-{n}"
        document.save()
        source = {"document": document, "section": "1", "quote": f"Test quote {n}."}
        Citation.objects.create(service=service, **source)
        if n < len(unstated):
            kind, value = unstated[n]
            ServiceFocus.objects.create(service=service, kind=kind, value=value, applies=True, **source)
        StatusEvent.objects.create(service=service, status="active", date=datetime.date(2020, 1, 1 + n), **source)
        AvailabilityNote.objects.create(
            service=service, state="accepting", said_on=datetime.date(2021, 1, 1 + n), **source
        )
        ReferralRequirement.objects.create(
            service=service, position=start + n, item=f"Item {n}", source_document=document
        )


@pytest.mark.parametrize("who", ["superuser", "provider editor"])
def test_the_service_change_page_runs_the_same_queries_with_ten_more_rows_in_every_inline(
    admin_client, provider_client, who, django_assert_max_num_queries
):
    """Each inline's drop-downs list their choices from one query, not one per row, and each row's label is
    fetched with the rows (an editor's page of 80 rows ran 135 queries before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = {"superuser": admin_client, "provider editor": provider_client}[who]
    service = Service.objects.get(slug="they-matter-cumbria")
    url = reverse("admin:directory_service_change", args=[service.pk])
    client.get(url)  # the first request in a session reads what later ones find cached
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    assert len(before) <= 30
    add_rows_to(service)
    timeline_version(timezone.localdate())  # the new data version's kept timeline filled, as it was for `before`
    with django_assert_max_num_queries(len(before)):
        response = client.get(url)
    assert response.status_code == 200
    formsets = {inline.formset.prefix: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert len(formsets["citations"].forms) == 23 + 10  # the bound held with the rows on the page
    assert len(formsets["requirements"].forms) == 47 + 10


def test_a_service_page_with_the_feedback_include_has_a_fixed_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert client.get(reverse("directory:service-detail", args=["they-matter-cumbria"])).status_code == 200
