"""The main admin flows pass axe-core (WCAG 2.2 A and AA) too."""

import pytest
from django.contrib.auth import get_user_model

from .conftest import log_in
from .test_accessibility import violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def test_admin_login_list_filter_and_change_pages_pass_axe(page):
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    found = {}
    page.goto("/admin/login/")
    found["login"] = violations(page)
    log_in(page, "admin", PASSWORD)
    for path in [
        "/admin/",
        "/admin/directory/service/",
        "/admin/directory/service/?status_now=active",
        "/admin/directory/service/?q=Drive",
        "/admin/directory/service/add/",
        "/admin/regions/area/",
        "/admin/review/",
        "/admin/directory-health/",
        "/admin/directory/service/1/history/",
    ]:
        page.goto(path)
        page.wait_for_load_state("load")
        found[path] = violations(page)
    page.goto("/admin/directory/service/")
    page.get_by_role("link", name="Drive (Cwm Taf Morgannwg)", exact=True).click()
    page.wait_for_load_state("load")
    found["change"] = violations(page)
    assert {key: value for key, value in found.items() if value} == {}
