"""A reviewer sees a later edit beside the proposal, and takes the proposed value only by ticking "Apply anyway"."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from directory.models import Service
from editorial import freshness
from editorial.models import PendingChange

from .conftest import log_in, screenshot
from .test_accessibility import violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def test_a_reviewer_is_stopped_by_a_later_edit_and_can_apply_anyway(page):
    User = get_user_model()
    User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    provider = User.objects.create_user("provider", "provider@example.org", PASSWORD, is_staff=True)
    service = Service.objects.get(slug="they-matter-cumbria")
    freshness.propose_verified(Service.objects.filter(pk=service.pk), user=provider, on=datetime.date(2026, 11, 30))
    Service.objects.filter(pk=service.pk).update(last_verified=datetime.date(2026, 11, 29))  # an admin checked it since
    change = PendingChange.objects.get()

    log_in(page, "admin", PASSWORD)
    page.goto(f"/admin/review/{change.pk}/")
    expect(page.get_by_role("cell", name="2026-11-29 (changed since it was proposed)")).to_be_visible()
    assert violations(page) == []
    screenshot(page, "review-conflict")

    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Last verified: changed to “2026-11-29” since this was proposed.")).to_be_visible()
    assert Service.objects.get(pk=service.pk).last_verified == datetime.date(2026, 11, 29)

    page.get_by_label("Apply anyway").check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved. The public page now shows the change")).to_be_visible()
    assert Service.objects.get(pk=service.pk).last_verified == datetime.date(2026, 11, 30)
