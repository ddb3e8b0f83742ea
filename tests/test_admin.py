"""The admin pages a superuser uses."""

import pytest
from django.contrib import admin
from django.urls import reverse

from directory.models import Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_changelist_and_add_page_opens(admin_client, model):
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_service_change_page_shows_citations_inline(admin_client):
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    response = admin_client.get(reverse("admin:directory_service_change", args=[service.pk]))
    assert response.status_code == 200
    assert service.citations.first().quote in response.content.decode()


def test_service_changelist_searches_and_filters(admin_client):
    url = reverse("admin:directory_service_changelist")
    response = admin_client.get(url, {"q": "Drive"})
    assert response.status_code == 200
    slugs = {s.slug for s in response.context["cl"].result_list}
    assert {"drive-cwm-taf-morgannwg", "drive-cardiff-and-vale"} <= slugs
    assert "cara-gwent" not in slugs
    response = admin_client.get(url, {"status_now": "decommissioned"})  # today's, on the timeline
    assert {s.timeline_status for s in response.context["cl"].result_list} == {"decommissioned"}


def test_area_autocomplete_finds_councils(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "directory", "model_name": "service", "field_name": "areas", "term": "Merthyr"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Merthyr Tydfil"]


def test_service_changelist_query_count_is_fixed(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(
        17
    ):  # 12, the session's two-factor device and the kept timeline's first fill (4)
        admin_client.get(reverse("admin:directory_service_changelist"))
