"""Security headers, no inline code for the CSP, and no case facts stored or logged."""

import logging
import re

import pytest
from django.apps import apps
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/services/", "/find/", "/coverage/", "/services/drive-cwm-taf-morgannwg/", "/glossary/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_scripts_or_styles(client, path):
    body = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline <script>"
    assert not re.search(r"<style[\s>]", body), "inline <style>"
    assert not re.search(r"\sstyle=\"", body), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", body), "inline event handler"


CASE = {
    "area": "cardiff",
    "risk": "high",
    "referrer": "police",
    "marac": "yes",
    "gender": "woman",
    "age": "47",
    "relationship": "same_sex",
    "children": "yes",
    "childrens_services": "yes",
}


# The timeline kept per data version and date is a cache of public data that a page may fill on first use.
CACHES = {"directory.TimelineDay", "directory.TimelineFill"}


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.label not in CACHES}


def test_a_matcher_submission_leaves_no_rows_and_no_case_facts_in_logs(client, caplog):
    before = row_counts()
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("referrals:case-matcher"), CASE)
        bad = client.post(reverse("referrals:case-matcher"), {**CASE, "age": "470"})
    assert response.status_code == 200
    assert bad.status_code == 400
    assert row_counts() == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for fact in ("47", "same_sex", "woman", "470"):
        assert fact not in logged
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in bad["Cache-Control"]


def test_case_facts_never_travel_in_the_url(client):
    """The matcher takes its answers by POST only, so they stay out of server access logs."""
    response = client.get(reverse("referrals:case-matcher"), CASE)
    assert response.status_code == 200
    assert "result" not in response.context
