"""The fixtures tell the truth: every fact cited, quotes verbatim, contacts exact, areas from the reference."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db.models import Count

from directory.models import (
    MAX_QUOTE_WORDS,
    AssessmentItem,
    Citation,
    Contact,
    Document,
    GlossaryTerm,
    Service,
    ServiceFocus,
    ServicePathway,
    StandardsAssessment,
    StatedGap,
    Status,
    StatusEvent,
)
from directory.sources import document_text, fold, quote_in_document
from regions.models import Area

pytestmark = pytest.mark.django_db

REFERENCE = settings.BASE_DIR / "sources" / "reference" / "areas.json"
FIXTURES = settings.BASE_DIR / "fixtures"


def all_sourced_rows():
    for model in (Citation, StatusEvent, StatedGap, GlossaryTerm, StandardsAssessment, ServiceFocus):
        yield from model.objects.select_related("document")


def test_the_directory_holds_every_service_the_documents_describe():
    assert Service.objects.count() >= 50
    assert Service.objects.referable().count() >= 45
    per_document = dict(Document.objects.annotate(n=Count("citation__service", distinct=True)).values_list("slug", "n"))
    assert all(per_document[slug] > 0 for slug in per_document), per_document


def test_every_service_has_a_citation_an_area_status_evidence_and_a_tier():
    missing = Service.objects.annotate(c=Count("citations"), a=Count("areas")).filter(c=0) | Service.objects.annotate(
        c=Count("citations"), a=Count("areas")
    ).filter(a=0)
    assert list(missing.values_list("slug", flat=True)) == []
    assert not Service.objects.filter(status_events__isnull=True).exists()
    assert not Service.objects.filter(tier="").exists()
    assert not Service.objects.filter(summary="").exists()


def test_every_quote_is_verbatim_from_its_document():
    wrong = [
        (row.document.slug, row.quote)
        for row in all_sourced_rows()
        if not quote_in_document(row.quote, row.document.filename)
    ]
    assert wrong == []


def test_every_quote_is_short():
    long = [row.quote for row in all_sourced_rows() if len(row.quote.split()) > MAX_QUOTE_WORDS]
    assert long == []


def test_quote_matching_allows_for_the_2023_letters_lost_letter_pairs_but_not_paraphrase():
    letter = Document.objects.get(slug="policing-in-wales-letter-2023").filename
    assert "Atendance" in document_text(letter)
    assert quote_in_document("Annual funding, moving towards multi-year arrangement", letter)
    assert not quote_in_document("Annual funding, moving to a multi-year arrangement", letter)
    assert not quote_in_document("Funded by the Welsh Government", letter)


def test_emails_are_well_formed():
    bad = []
    for contact in Contact.objects.filter(kind="email"):
        try:
            validate_email(contact.value)
        except ValidationError:
            bad.append(contact.value)
    assert bad == []


def test_contacts_are_copied_exactly_from_a_document_the_service_cites():
    wrong = []
    for contact in Contact.objects.select_related("service").prefetch_related("service__citations__document"):
        documents = {c.document.filename for c in contact.service.citations.all()}
        if not any(fold(contact.value) in document_text(name) for name in documents):
            wrong.append((contact.service.slug, contact.value))
    assert wrong == []


def test_every_area_in_the_fixtures_is_in_the_reference():
    reference = {a["slug"] for a in json.loads(REFERENCE.read_text())["areas"]}
    assert set(Area.objects.values_list("slug", flat=True)) == reference


def test_no_fixture_sets_a_primary_key():
    for path in FIXTURES.glob("*.json"):
        assert all("pk" not in obj for obj in json.loads(path.read_text())), path.name


def test_a_decommissioned_service_has_an_end_date_or_says_why_not():
    """Every service the documents say ended (a dated status event) gives its end date or says why there is none."""
    ended = Service.objects.filter(status_events__status=Status.DECOMMISSIONED).distinct()
    assert ended.exists()
    for service in ended:
        assert service.end_date or service.end_text, service.slug


def test_decommissioned_and_planned_services_are_kept_with_their_dates():
    today = Service.objects.with_timeline(datetime.date(2026, 12, 1))
    assert today.filter(timeline_status=Status.DECOMMISSIONED).exists()
    assert today.filter(timeline_status=Status.PLANNED).exists()
    cara_gwent = Service.objects.get(slug="cara-gwent")
    assert cara_gwent.start_date.isoformat() == "2023-11-20"


def test_elsewhere_entries_are_kept_apart_from_what_practitioners_can_refer_to():
    elsewhere = Service.objects.filter(scope="elsewhere")
    assert elsewhere.exists()
    assert not Service.objects.referable().filter(scope="elsewhere").exists()


def test_the_standards_ratings_and_glossary_are_data():
    assert StandardsAssessment.objects.filter(service__slug="clear-cardiff-and-vale").exists()
    assert StandardsAssessment.objects.filter(service__slug="drive-cardiff-and-vale").exists()
    assert AssessmentItem.objects.count() >= 10
    assert GlossaryTerm.objects.filter(term__in=["MARAC", "DASH", "IDVA"]).count() == 3


def test_drive_is_marac_only_in_cwm_taf_morgannwg():
    routes = ServicePathway.objects.filter(service__slug="drive-cwm-taf-morgannwg")
    assert [r.pathway.slug for r in routes] == ["marac"]


@pytest.mark.slow
def test_load_directory_twice_changes_nothing():
    def snapshot():
        rows = {}
        for model in (
            Service,
            Citation,
            Contact,
            StatusEvent,
            ServicePathway,
            Area,
            StatedGap,
            AssessmentItem,
            ServiceFocus,
        ):
            rows[model.__name__] = sorted(map(repr, model.objects.values()))
        rows["service_areas"] = sorted(Service.areas.through.objects.values_list("service_id", "area_id"))
        return rows

    before = snapshot()
    call_command("load_directory", verbosity=0)
    assert snapshot() == before


def test_fixture_slugs_are_url_safe():
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in Service.objects.values_list("slug", flat=True))


def test_documents_fixture_names_real_files_with_their_metadata():
    for document in Document.objects.all():
        text = settings.BASE_DIR / "sources" / "documents" / document.filename
        assert text.is_file()
        meta = json.loads(text.with_suffix(".json").read_text(encoding="utf-8"))
        assert (meta["slug"], meta["title"], meta["file"]) == (document.slug, document.title, document.filename)
        assert meta["date"] == document.date_text and meta["where_published"]
        assert meta["short_name"] == document.short_name != ""


def test_nothing_in_the_repository_reads_files_outside_it():
    tracked = [p for p in settings.BASE_DIR.rglob("*.py") if ".venv" not in p.parts and "migrations" not in p.parts]
    assert [str(p) for p in tracked if re.search(r"parent\s*/\s*\"shared\"|\.\./shared", p.read_text())] == []


def test_who_each_service_is_for_is_stated_and_cited_unless_no_document_says():
    not_stated = set(Service.objects.audience_not_stated().values_list("slug", flat=True))
    # The only services whose documents say nothing of who they serve.
    assert not_stated == {"domestic-abuse-intervention-hub-online-pilot", "dapo-gwent"}
    assert ServiceFocus.objects.filter(quote="").count() == 0


def test_stated_no_is_kept_apart_from_not_stated():
    bbr = Service.objects.prefetch_related("focus").get(slug="building-better-relationships")
    assert bbr.harm_row("family").applies is False
    assert bbr.harm_row("stalking") is None  # the documents do not say: not a "no"
    line = Service.objects.prefetch_related("focus").get(slug="mens-advice-line")
    assert [str(a.label) for a in line.stated_audiences()] == ["A helpline", "Partners and ex-partners"]
    assert next(r for r in line.focus.all() if r.value == "person").applies is False
