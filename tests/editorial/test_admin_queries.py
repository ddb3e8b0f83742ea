"""The admin lists this issue changed run a fixed number of queries, with few rows and with many."""

import pytest
from django.contrib import admin
from django.urls import reverse

from directory.models import Service
from editorial.models import PendingChange, ProblemReport
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELISTS = [model._meta for model in admin.site._registry]
# A provider editor's requests add two: their groups and their organisation, read once per request.
# Every staff request reads the session's two-factor device once (django-otp): one more than before.
QUERIES = {"superuser": 14, "provider editor": 16}
PAGE_QUERIES = 13


def add_many():
    """Forty more services (each with a citation), problem reports and pending changes."""
    area = factories.area()
    for _ in range(40):
        service = factories.service(areas=[area])
        ProblemReport.objects.create(service=service, topic="closed")
        PendingChange.objects.create(
            service=service, organisation=service.organisation, summary="x", proposal={}, changes=[]
        )


@pytest.mark.parametrize("opts", CHANGELISTS, ids=lambda o: o.label)
def test_every_changelist_has_a_fixed_query_count_with_few_and_many_rows(
    admin_client, provider_client, opts, django_assert_max_num_queries
):
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    clients = {"superuser": admin_client, "provider editor": provider_client}
    statuses = {}
    for who, client in clients.items():
        with django_assert_max_num_queries(QUERIES[who]):
            statuses[who] = client.get(url).status_code
    assert statuses["superuser"] == 200
    add_many()
    for who, client in clients.items():
        with django_assert_max_num_queries(QUERIES[who]):
            assert client.get(url).status_code == statuses[who]


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


def test_a_service_page_with_the_feedback_include_has_a_fixed_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert client.get(reverse("directory:service-detail", args=["they-matter-cumbria"])).status_code == 200
