"""The benchmark's bare view exists only when DJANGO_BENCH_VIEWS=1 built the URLs."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import config.urls


def _reload_urls():
    clear_url_caches()
    importlib.reload(config.urls)


@pytest.mark.django_db
def test_bare_view_is_not_reachable_by_default(client):
    assert client.get("/bench/bare/").status_code == 404


@pytest.mark.django_db
def test_bare_view_renders_base_html_with_no_queries(client, django_assert_num_queries):
    with override_settings(BENCH_VIEWS=True):
        _reload_urls()
        try:
            with django_assert_num_queries(0):
                response = client.get("/bench/bare/")
        finally:
            _reload_urls()
    assert response.status_code == 200
    assert b"Perpetrator services directory" in response.content
