"""The matcher at national scale: the first few of each section in full, every count exact, "Show all"
posting the same answers again, "does not fit" counted by reason, and the questions rendered once."""

import pickle
from html.parser import HTMLParser

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from directory.eligibility import CRITERIA, NO, Eligibility
from directory.models import Service
from directory.synthetic import generate
from referrals import services
from referrals.forms import CaseForm, rendered
from referrals.services import shown
from regions.models import Area, AreaGraph

pytestmark = pytest.mark.django_db

MATCHER = reverse("referrals:case-matcher")

# Cardiff, standard risk, referred by a health worker: every section of the answer has several services.
CASE = {
    "area": "cardiff",
    "risk": "standard",
    "referrer": "health",
    "justice": "none",
    "gender": "man",
    "age": "97",
    "relationship": "heterosexual",
    "children": "no",
    "marac": "no",
}


@pytest.fixture
def few(monkeypatch):
    """Show two of each section (the real directory's sections are shorter than the page's own limits)."""
    monkeypatch.setattr(services, "SHOWN", 2)
    monkeypatch.setattr(services, "SHOWN_NOT_FITTING", 3)


class Forms(HTMLParser):
    """Every form on a page: its action and its inputs' (name, value)."""

    def __init__(self):
        super().__init__()
        self.forms, self.buttons = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "inputs": []})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["inputs"].append((attrs["name"], attrs.get("value", "")))


def show_all_forms(body):
    parser = Forms()
    parser.feed(body)
    return {dict(form["inputs"]).get("show"): form for form in parser.forms if dict(form["inputs"]).get("show")}


def slugs(items):
    return [item.service.slug for item in items]


def test_each_section_shows_its_first_few_with_the_exact_count(client, few):
    response = client.post(MATCHER, CASE)
    assert response.status_code == 200
    result, page = response.context["result"], response.context["page"]
    body = response.content.decode()
    totals = {name: len(getattr(result, name)) for name in services.SECTIONS}
    assert totals["check"] > 2 and totals["no"] > 3 and totals["partners"] > 2  # the case exercises the limits
    for name in services.SECTIONS:
        limit = 3 if name == "no" else 2
        assert page[name].total == totals[name]
        assert slugs(page[name].items) == slugs(getattr(result, name))[:limit]  # the first, in the section's order
    assert f"{totals['fits']} fit, {totals['check']} might fit, {totals['no']} do not fit." in body
    assert f"Showing the first 2 of {totals['check']}." in body
    assert f"Show all that might fit ({totals['check']})" in body
    assert f"Does not fit: {totals['no']} services, with the reasons" in body
    assert f"Show all that do not fit ({totals['no']})" in body
    assert f"Show all support for the partner and children ({totals['partners']})" in body
    shown_check = body[body.index('id="check"') : body.index('id="no"')]
    assert shown_check.count('class="app-service-card"') == 2
    # A section that fits on the page has no button.
    if totals["fits"] <= 2:
        assert "Show all that fit" not in body


def test_show_all_posts_the_same_answers_again_and_lists_the_whole_section(few):
    client = Client(enforce_csrf_checks=True)
    client.get(MATCHER)  # the CSRF cookie, as a browser gets it
    first = client.post(MATCHER, {**CASE, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert first.status_code == 200
    forms = show_all_forms(first.content.decode())
    assert set(forms) >= {"check", "no", "partners"}
    form = forms["check"]
    assert form["action"] == f"{MATCHER}#check"  # nothing about the case in the address
    posted = dict(form["inputs"])
    assert {k: v for k, v in posted.items() if k not in ("csrfmiddlewaretoken", "show")} == CASE

    second = client.post(MATCHER, dict(form["inputs"]))  # the button's own form, its CSRF token included
    assert second.status_code == 200
    before, after = first.context["result"], second.context["result"]
    page = second.context["page"]
    assert slugs(page["check"].items) == slugs(before.check) == slugs(after.check)
    assert not page["check"].more
    assert len(page["no"].items) == 3 and len(page["partners"].items) == 2  # the others stay short
    body = second.content.decode()
    assert "Show all that might fit" not in body
    assert 'class="govuk-details" id="no">' in body  # closed: it is not the section asked for

    third = client.post(MATCHER, dict(forms["no"]["inputs"]))
    body = third.content.decode()
    assert 'class="govuk-details" id="no" open>' in body
    assert body.count('class="app-not-fitting-service"') == len(before.no)


def test_a_list_not_on_the_page_is_a_400_with_a_message(client):
    response = client.post(MATCHER, {**CASE, "show": "everything"})
    assert response.status_code == 400
    assert "Choose one of the lists on the page" in response.content.decode()


@pytest.mark.parametrize(
    "answers",
    [
        {"risk": "high", "harm": "sexual"},
        {"risk": "medium", "referrer": "probation", "justice": "conviction", "harm": "family", "children": "yes"},
        {"area": "newport", "risk": "standard", "referrer": "self", "gender": "woman", "age": "16"},
        {
            "area": "merthyr-tydfil",
            "risk": "high",
            "referrer": "police",
            "english_group": "no",
            "relationship": "family",
        },
    ],
)
def test_does_not_fit_is_counted_by_reason_exactly(client, answers):
    response = client.post(MATCHER, {**CASE, **answers})
    result, page = response.context["result"], response.context["page"]
    case = response.context["case"]
    area_ids = set().union(*AreaGraph.load().coverage_sets(case["area"].pk))
    services = {service.slug: service for service in everything(case)}
    expected = {}
    for verdict in result.no:
        found = Eligibility.of(services[verdict.service.slug]).findings(case, area_ids=area_ids)
        ruling = [criterion for criterion, outcome, _reason in found if outcome == NO]
        assert ruling[0] == verdict.ruled_out[0], verdict.service.slug
        assert all(criterion.ruled_out for criterion in ruling)  # every criterion that rules out has words
        expected[ruling[0].name] = expected.get(ruling[0].name, 0) + 1
    assert sum(expected.values()) == page["no"].total
    words = {criterion.name: str(criterion.ruled_out) for criterion in CRITERIA}
    assert {str(label): count for label, count in page["ruled_out"]} == {words[n]: c for n, c in expected.items()}
    counts = [count for _label, count in page["ruled_out"]]
    assert counts == sorted(counts, reverse=True)
    body = response.content.decode()
    for label, count in page["ruled_out"]:
        cells = f'<td class="govuk-table__cell">{label}</td>'
        assert cells + f'<td class="govuk-table__cell govuk-table__cell--numeric">{count}</td>' in body


def everything(case, today=None):
    """Every service covering the case's area, read in full (no SQL pre-filter)."""
    today = today or timezone.localdate()
    return list(Service.objects.referable().current(today).covering(case["area"]).for_matcher())


def compare_with_eligibility(case, today):
    """The matcher's answer reading less equals its answer judging every service in full."""
    full = services.match_case(case, today=today, services=everything(case, today))
    for show in (None, "no"):
        read_less = services.match_case(case, today=today, show=show)
        for name in services.SECTIONS:
            assert slugs(getattr(read_less, name)) == slugs(getattr(full, name)), (name, case)
        for fast, slow in zip(read_less.no, full.no, strict=True):
            assert fast.ruled_out[0] == slow.ruled_out[0], fast.service.slug
            if fast.reasons or show == "no":
                assert fast.reasons == slow.reasons and fast.ruled_out == slow.ruled_out
        judged = [verdict for verdict in read_less.no if verdict.reasons]
        assert len(judged) >= min(len(full.no), services.SHOWN_NOT_FITTING if show is None else len(full.no))
        assert shown(read_less)["ruled_out"] == shown(full)["ruled_out"]
    # The annotations themselves, service by service.
    area_ids = set().union(*AreaGraph.load().coverage_sets(case["area"].pk))
    queryset = Service.objects.referable().current(today).covering(case["area"])
    decided = {s.pk: (s.sql_ruled_out, s.sql_for_person) for s in services.ruled_out_in_sql(queryset, case)}
    for service in everything(case, today):
        eligibility = Eligibility.of(service)
        first = [c.name for c, outcome, _r in eligibility.findings(case, area_ids=area_ids) if outcome == NO][:1]
        expected = first[0] if first and first[0] in ("harm", "risk") else ""
        assert decided[service.pk] == (expected, service.primary_audience in services.PERSON_SECTION), service.slug
    return full


CASES = [
    {"risk": "high", "referrer": "social_worker"},
    {"risk": "standard", "referrer": "police", "harm": "intimate_partner", "justice": "none", "gender": "man"},
    {"risk": "medium", "referrer": "probation", "justice": "conviction", "harm": "family", "children": "yes"},
    {"risk": "high", "referrer": "self", "harm": "sexual", "marac": "yes", "age": "17"},
    {"risk": "standard", "referrer": "health", "harm": "own_thoughts"},
]


def a_case(area, answers):
    form = CaseForm({"area": area, **answers})
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.mark.parametrize("area", ["cardiff", "newport", "merthyr-tydfil", "wales"])
def test_what_sql_rules_out_is_what_eligibility_rules_out_on_the_real_directory(area):
    today = timezone.localdate()
    sizes = [len(compare_with_eligibility(a_case(area, answers), today).no) for answers in CASES]
    assert any(sizes)


@pytest.mark.slow  # 400 generated services; the real directory's areas above stay in make test-fast
def test_what_sql_rules_out_is_what_eligibility_rules_out_on_a_synthetic_directory(monkeypatch):
    generate(400, 12, seed=5)
    monkeypatch.setattr(services, "SHOWN_NOT_FITTING", 4)  # so that some are left unread
    today = timezone.localdate()
    areas = list(Area.objects.filter(slug__startswith="synth-").values_list("slug", flat=True)[:3])
    unread = 0
    for area in areas:
        for answers in CASES:
            case = a_case(area, answers)
            compare_with_eligibility(case, today)
            unread += sum(1 for verdict in services.match_case(case, today=today).no if not verdict.reasons)
    assert unread  # the pre-filter was exercised


def test_the_answers_are_in_no_cache_entry(client, few):
    cache.clear()
    response = client.post(MATCHER, {**CASE, "age": "97", "show": "check"})
    assert response.status_code == 200
    assert 'value="97"' in response.content.decode()  # the questions show the answer, in this response only
    assert "no-store" in response["Cache-Control"]
    assert cache._cache  # the unbound questions and the area options are kept
    for key, value in cache._cache.items():
        text = str(pickle.loads(value))  # noqa: S301 - the test's own cache
        assert 'name="age" value=' not in text and 'cardiff" selected' not in text, key
        assert "checked" not in text and "selected>" not in text.replace('<option value="" selected>', ""), key


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"area": "cardiff", "risk": "high", "referrer": "police"},
        {**CASE, "harm": "family", "substance_use": "yes", "english_group": "unknown"},
        {**CASE, "age": "035", "area": "wales", "responsibility": "yes", "childrens_services": "no"},
    ],
)
def test_the_questions_rendered_once_are_crispys_own(data, language):
    with translation.override(language):
        cache.clear()
        rendered(CaseForm())  # the unbound questions now in the cache
        form = CaseForm(data)
        if data:
            assert form.is_valid(), form.errors
        assert str(rendered(form)) == render_crispy_form(form)


def test_the_sections_speak_welsh(client, few):
    client.cookies["django_language"] = "cy"
    response = client.post(MATCHER, {**CASE, "risk": "high"})
    body = response.content.decode()
    page = response.context["page"]
    assert f"Dangos pob un a allai fod yn addas ({page['check'].total})" in body
    assert f"Yn dangos y 2 cyntaf o {page['check'].total}." in body
    assert "Ddim yn derbyn y lefel risg hon" in body
    assert "Pam nad ydynt yn addas" in body
