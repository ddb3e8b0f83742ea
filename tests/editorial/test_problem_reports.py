"""The public "report a problem with this entry" form: no personal data, rate-limited, an inbox editors clear."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from directory.models import Service
from editorial.models import ProblemReport

pytestmark = pytest.mark.django_db

URL = reverse("reports:form", args=["cara-gwent"])


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_service_page_links_to_the_report_form(client):
    for slug in ["cara-gwent", "they-matter-cumbria", "drive-croydon"]:
        body = client.get(reverse("directory:service-detail", args=[slug])).content.decode()
        assert f'href="/report-a-problem/{slug}/">Report a problem with this entry</a>' in body


def test_the_form_asks_what_is_wrong_and_nothing_about_the_person(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for label in [
        "The information is out of date",
        "The service has closed",
        "A phone number, email or web address is wrong",
        "Something else",
    ]:
        assert label in body
    assert '<label for="id_details" class="govuk-label">' in body
    assert set(response.context["form"].fields) == {"topic", "details"}
    assert 'name="email"' not in body and 'name="name"' not in body


def test_a_report_lands_in_the_inbox_with_nothing_about_the_sender(client):
    response = client.post(
        URL, {"topic": "wrong_contact", "details": "The number is now 01632 960001."}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:sent", args=["cara-gwent"])
    report = ProblemReport.objects.get()
    assert (report.service.slug, report.topic, report.details, report.done) == (
        "cara-gwent",
        "wrong_contact",
        "The number is now 01632 960001.",
        False,
    )
    stored = " ".join(str(getattr(report, f.attname)) for f in ProblemReport._meta.concrete_fields)
    assert "203.0.113.9" not in stored
    assert "Report sent" in client.get(response["Location"]).content.decode()


def test_no_topic_is_a_400_with_an_error_summary(client):
    response = client.post(URL, {"topic": "", "details": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select what is wrong with this entry" in body
    assert ProblemReport.objects.count() == 0


def test_something_else_needs_details(client):
    response = client.post(URL, {"topic": "other", "details": "  "})
    assert response.status_code == 400
    assert "Tell us what is wrong with this entry" in response.content.decode()


@pytest.mark.parametrize("topic", ["", "nonsense", "<script>", "' OR 1=1 --", "\x00"])
def test_hostile_topics_are_form_errors_not_server_errors(client, topic):
    response = client.post(URL, {"topic": topic, "details": "x"})
    assert response.status_code == 400
    assert "Select what is wrong with this entry" in response.content.decode()


def test_overlong_details_are_refused(client):
    response = client.post(URL, {"topic": "out_of_date", "details": "x" * 1201})
    assert response.status_code == 400
    assert "Details must be 1,200 characters or fewer" in response.content.decode()


def test_an_unknown_service_is_404(client):
    assert client.get(reverse("reports:form", args=["no-such-service"])).status_code == 404
    assert client.post(reverse("reports:form", args=["no-such-service"]), {"topic": "other"}).status_code == 404


@override_settings(EDITORIAL_REPORT_LIMIT=2)
def test_reports_are_rate_limited_per_source_with_a_clear_message(client):
    for _ in range(2):
        assert client.post(URL, {"topic": "closed"}, REMOTE_ADDR="198.51.100.1").status_code == 302
    limited = client.post(URL, {"topic": "closed"}, REMOTE_ADDR="198.51.100.1")
    assert limited.status_code == 429
    assert "You have sent several reports in a short time" in limited.content.decode()
    assert client.post(URL, {"topic": "closed"}, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert ProblemReport.objects.count() == 3


def test_the_rate_limit_key_does_not_hold_the_address(client):
    client.post(URL, {"topic": "closed"}, REMOTE_ADDR="198.51.100.7")
    keys = list(cache._cache.keys())  # the local-memory cache used in development and tests
    assert keys and all("198.51.100.7" not in key for key in keys)


def test_editors_see_the_inbox_and_mark_reports_done(director_client, directory_admin):
    report = ProblemReport.objects.create(service=Service.objects.get(slug="cara-gwent"), topic="closed")
    inbox = director_client.get(reverse("admin:editorial_problemreport_changelist"), {"done__exact": "0"})
    assert [r.pk for r in inbox.context["cl"].result_list] == [report.pk]
    response = director_client.post(
        reverse("admin:editorial_problemreport_changelist"), {"action": "mark_done", "_selected_action": [report.pk]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.done, report.done_by) == (True, directory_admin)
    assert report.done_at is not None


def test_a_provider_editor_sees_only_reports_about_their_services(provider_client):
    own = ProblemReport.objects.create(service=Service.objects.get(slug="they-matter-cumbria"), topic="closed")
    ProblemReport.objects.create(service=Service.objects.get(slug="cara-gwent"), topic="closed")
    inbox = provider_client.get(reverse("admin:editorial_problemreport_changelist"))
    assert [r.pk for r in inbox.context["cl"].result_list] == [own.pk]


def test_what_the_public_wrote_cannot_be_edited_in_admin(director_client):
    report = ProblemReport.objects.create(
        service=Service.objects.get(slug="cara-gwent"), topic="closed", details="It shut."
    )
    page = director_client.get(reverse("admin:editorial_problemreport_change", args=[report.pk]))
    assert set(page.context["adminform"].form.fields) == {"done"}
