"""The public pages: the list grouped by tier, the detail page, the CSV export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Service, Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_is_an_entry_point_counting_running_services_by_kind_with_the_evidence_horizon(client):
    response = client.get(reverse("directory:service-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "As the sources stand: the newest is 17 November 2023." in body
    assert 'name="q"' in body and reverse("referrals:case-matcher") in body
    # Counts by kind, each linking into search; no service is listed on the home page.
    kinds = {tier.value: (running, unconfirmed) for tier, _label, running, unconfirmed in response.context["kinds"]}
    today = timezone.localdate()
    running = Service.objects.referable().operating_on(today)
    for tier, (count, _unconfirmed) in kinds.items():
        assert count == running.filter(tier=tier).count()
        assert f"?tier={tier}&amp;audience=all" in body
    assert sum(count for count, _u in kinds.values()) == running.count()
    assert Service.objects.get(slug="drive-cwm-taf-morgannwg").name not in body
    # Every source is more than 24 months old: nothing is counted as confirmed.
    assert all(unconfirmed == count for count, unconfirmed in kinds.values())


def test_detail_page_shows_referral_routes_contacts_and_citations(client):
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "How to refer" in body
    assert "MARAC" in body
    for citation in service.citations.all():
        assert citation.section in body or citation.section.replace("'", "&#x27;") in body
    assert body.index("How to refer") < body.index("Sources")


def test_detail_page_for_an_unknown_service_is_a_404(client):
    assert client.get(reverse("directory:service-detail", kwargs={"slug": "no-such-service"})).status_code == 404


def test_decommissioned_service_page_warns_before_referring(client):
    service = Service.objects.with_timeline(timezone.localdate()).filter(timeline_status=Status.DECOMMISSIONED).first()
    body = client.get(service.get_absolute_url()).content.decode()
    assert "Check the dates below before referring" in body


def read_csv(response):
    assert response.streaming  # the export streams: constant memory whatever the size
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_has_one_row_per_service_with_the_promised_columns(client):
    response = client.get(reverse("directory:service-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == Service.objects.count()
    assert {
        "slug",
        "name",
        "organisation",
        "tier",
        "risk_levels",
        "areas",
        "referral_routes",
        "attendance",
        "format",
        "status",
        "start",
        "end",
        "emails",
        "phones",
        "sources",
    } <= set(rows[0])
    drive = next(r for r in rows if r["slug"] == "drive-cwm-taf-morgannwg")
    assert drive["referral_routes"] == "marac"
    assert "high" in drive["risk_levels"].split("; ")


def test_export_neutralises_spreadsheet_formulas(client):
    factories.service(name='=HYPERLINK("http://x")', slug="formula")
    rows = read_csv(client.get(reverse("directory:service-export")))
    assert next(r for r in rows if r["slug"] == "formula")["name"].startswith("'=")


def test_area_page_splits_whole_and_part_coverage(client):
    response = client.get(reverse("directory:area-detail", kwargs={"slug": "south-wales-police"}))
    assert response.status_code == 200
    part = {s.slug for s in response.context["part"]}
    whole = {s.slug for s in response.context["whole"]}
    assert "drive-cardiff-and-vale" in part
    assert not part & whole


def test_glossary_lists_terms(client):
    response = client.get(reverse("directory:glossary"))
    assert response.status_code == 200
    assert "MARAC" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, extra):
    area = factories.area("q-area")
    for _ in range(extra):
        factories.service(areas=[area], risk_levels=[factories.risk_level("high")])
    service = Service.objects.get(slug="drive-cwm-taf-morgannwg")
    with django_assert_max_num_queries(10):
        client.get(reverse("directory:service-list"), {"status": "all"})
    # One more than before the kept timeline: the data version it is keyed by (tests/directory/test_timeline_day.py).
    with django_assert_max_num_queries(21):
        client.get(service.get_absolute_url())
    with django_assert_max_num_queries(10):
        client.get(reverse("directory:service-export"))
    # The area and its graph (4), the data version, the total (once the list runs past a page), the page's ids,
    # its services and their three prefetches, the evidence horizon.
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:area-detail", kwargs={"slug": "q-area"}))
    with django_assert_max_num_queries(10):
        client.get(reverse("directory:service-list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:service-search"), {"area": "q-area", "risk": "standard", "audience": "all"})
    with django_assert_max_num_queries(5):  # the data version, the summary, the services shown, their areas
        client.get(reverse("commissioning:funding"))
    with django_assert_max_num_queries(8):
        client.get(reverse("directory:organisation-detail", kwargs={"slug": "test-org"}))


def test_the_service_page_shows_who_it_is_for_and_each_harm_as_yes_no_or_not_stated_with_its_quote(client):
    body = client.get(reverse("directory:service-detail", kwargs={"slug": "i-horizon-cardiff"})).content.decode()
    assert "Online sexual offending: <strong>yes</strong>" in body
    assert "Sexual harm and offending: <strong>no</strong>" in body
    assert 'Stalking: <span class="app-muted">not stated</span>' in body
    assert "an i-Horizon programme for internet-only offenders" in body
    assert "The person who causes harm: <strong>yes</strong>" in body


def test_area_links_lead_to_the_area_pages(client):
    """Service page, area list, area page and coverage link each area to its page (``{{ area|area_url }}``)."""
    service_page = client.get(reverse("directory:service-detail", kwargs={"slug": "drive-cardiff-and-vale"}))
    assert 'href="/areas/cardiff/"' in service_page.content.decode()
    assert 'href="/areas/cardiff/"' in client.get(reverse("directory:area-list")).content.decode()
    south_wales = client.get(reverse("directory:area-detail", kwargs={"slug": "south-wales-police"}))
    assert 'href="/areas/cardiff/"' in south_wales.content.decode()
    assert 'href="/areas/cardiff/"' in client.get(reverse("commissioning:coverage")).content.decode()
