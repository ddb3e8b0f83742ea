"""The search page's cached parts: the filter form's layout, its totals' keys and the result cards.

Each is kept in the shared cache keyed by the language, the data version and what it shows; these pin that
a cached part is the part rendered afresh, follows every edit at once, never mixes languages, never keeps
what someone typed, and that a search with a mistake is never served from the cache.
"""

import datetime
import pickle
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from directory.cards import service_cards
from directory.filters import ServiceFilter
from directory.models import ReferralPathway, Service
from directory.services import explain_results
from regions.models import AreaGraph
from tests import factories

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:service-search")
QUERIES = [
    {},
    {"risk": "high"},
    {"area": "cardiff", "risk": "medium", "route": "self-referral"},
    {"q": "Drive <b>\"&'", "harm": "stalking", "status": "all"},
    {"q": "  spaced  ", "audience": "all", "tier": "medium_risk", "format": "group", "attendance": "voluntary"},
]


def form_html(response):
    """The filter form's fields, as the page shows them (between the panel's heading and the form's end)."""
    html = response.content.decode()
    start = html.index('<h2 class="govuk-heading-m">', html.index('id="filters"'))
    return html[start : html.index("</form>", start)]


def cached_strings():
    """Every value in the (in-memory) cache, unpickled, as text."""
    return [str(pickle.loads(value)) for value in cache._cache.values()]  # noqa: S301 - the test's own cache


# ---- The filter form -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_cached_form_is_the_form_crispy_renders(query, language):
    """From the cache or not, the layout is exactly ``{% crispy form %}``'s, the chosen values shown."""
    with translation.override(language):
        fresh = ServiceFilter(query, queryset=Service.objects.all()).form
        assert fresh.is_valid()
        expected = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": fresh}))
        for _ in range(2):  # computed, then from the cache
            form = ServiceFilter(query, queryset=Service.objects.all()).form
            assert form.is_valid()
            assert form.layout_html() == expected


def test_a_cached_form_shows_each_searchs_own_values(client):
    client.get(SEARCH, {"risk": "high", "q": "drive"})
    first = form_html(client.get(SEARCH, {"risk": "high", "q": "drive"}))  # from the cache
    assert '<option value="high" selected>' in first and 'value="drive"' in first
    other = form_html(client.get(SEARCH, {"risk": "high", "q": "cardiff"}))  # the same layout, other words
    assert 'value="cardiff"' in other and "drive" not in other
    assert '<option value="high" selected>' in other
    medium = form_html(client.get(SEARCH, {"risk": "medium"}))
    assert '<option value="medium" selected>' in medium and '<option value="high" selected>' not in medium
    assert 'name="q" value=' not in medium  # no words, no value


def test_the_words_searched_for_are_never_kept_in_the_cache(client):
    for query in ({"q": "Zebedee"}, {"q": "Zebedee", "risk": "high"}, {"q": "Zebedee drive", "area": "cardiff"}):
        response = client.get(SEARCH, query)
        assert response.status_code == 200
        assert "Zebedee" in form_html(response)
    assert cached_strings(), "the page's parts are cached"
    assert not [text for text in cached_strings() if "Zebedee" in text]


def test_an_edit_changes_the_cached_form_at_once(client):
    assert "Self-referral" in form_html(client.get(SEARCH))
    pathway = ReferralPathway.objects.get(slug="self-referral")
    pathway.name = "Asking for help yourself"
    pathway.save()
    after = form_html(client.get(SEARCH))
    assert "Asking for help yourself" in after and ">Self-referral<" not in after


def test_welsh_and_english_forms_are_not_mixed(client):
    english = form_html(client.get(SEARCH, {"risk": "high"}))
    client.cookies["django_language"] = "cy"
    welsh = form_html(client.get(SEARCH, {"risk": "high"}))
    with translation.override("cy"):
        words = translation.gettext("Words to search for")
        search = translation.gettext("Search")
    assert words != "Words to search for" and search != "Search"
    assert words in welsh and "Words to search for" not in welsh
    client.cookies["django_language"] = "en"
    assert form_html(client.get(SEARCH, {"risk": "high"})) == english
    assert "Words to search for" in english and words not in english


@pytest.mark.parametrize(
    "params, message",
    [
        ({"risk": "extreme"}, "Choose a risk level: standard, medium or high"),
        ({"q": "a" * 201, "risk": "high"}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_search_with_a_mistake_is_rendered_afresh_with_its_message(client, params, message):
    valid = {key: value for key, value in params.items() if key == "risk" and value == "high"}
    client.get(SEARCH, valid)  # the same layout without the mistake is in the cache
    for _ in range(2):
        response = client.get(SEARCH, params)
        assert response.status_code == 400
        form = form_html(response)
        assert message in form and "govuk-error-message" in form  # beside the field, not only in the summary
    assert not [text for text in cached_strings() if message in text]


# ---- Totals ------------------------------------------------------------------------------------------------


def test_a_searchs_count_key_names_every_value_and_the_date():
    def key(query, today=datetime.date(2024, 5, 1)):
        filterset = ServiceFilter(query, queryset=Service.objects.referable(), today=today)
        return filterset.cache_key

    keys = [key(query) for query in QUERIES if not query.get("q")] + [key({"area": "wales"})]
    assert len(set(keys)) == len(keys)
    # What someone typed is never part of a key, even hashed: such a search's counts are not kept.
    assert key({"q": "Drive"}) is False and key({"q": "drive", "risk": "high"}) is False
    assert key({}) != key({}, today=datetime.date(2024, 5, 2))
    assert key({"risk": "high"}) == key({"risk": "high", "page": "2"})  # the page is not part of the query
    assert key({"risk": "nonsense"}) is None
    everything = ServiceFilter({}, queryset=Service.objects.all(), today=datetime.date(2024, 5, 1)).cache_key
    assert everything != key({})  # the base queryset's conditions too


def test_a_total_from_the_cache_is_the_total_of_that_search_on_that_day(client):
    """Totals are keyed by the search's values, not its SQL: each still counts its own rows."""
    for query in QUERIES[:3] + [{"area": "wales"}, {"area": "cardiff"}, {"q": "drive"}, {"q": "respect"}]:
        # The second at an address the page is not kept at (``reader_page``): computed, its total from the cache.
        for params in (query, {**query, "again": "1"}):
            response = client.get(SEARCH, params)
            filterset = ServiceFilter(query, queryset=Service.objects.referable())
            assert response.context["page"].paginator.count == filterset.qs.count(), query


# ---- Result cards ----------------------------------------------------------------------------------------


def include_rendered(results, **options):
    template = Template('{% for service, reasons in results %}{% include "includes/_service_card.html" %}|{% endfor %}')
    return template.render(Context({"results": results, **options})).split("|")[:-1]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize(
    "query",
    [
        *QUERIES[:3],
        {"q": "drive", "harm": "stalking", "status": "all"},
        {"area": "wales", "q": "drive"},
        {"area": "odd-town", "harm": "stalking", "risk": "high"},
    ],
)
def test_a_cached_card_is_the_card_the_include_renders(query, language):
    # A name the reasons quote, to be escaped as the template escapes it.
    factories.service(areas=[factories.area("odd-town")], name='Tom & Jerry\'s <"service">', summary="<b>&</b>")
    with translation.override(language):
        filterset = ServiceFilter(query, queryset=Service.objects.referable().for_list_page())
        assert filterset.is_valid()
        services = list(filterset.qs[:20])
        assert services, query
        results = explain_results(services, graph=AreaGraph.load(), chosen=filterset.chosen)
        expected = include_rendered(results, heading="4")
        for _ in range(2):  # rendered, then from the cache
            assert [str(card) for _service, card in service_cards(results, heading="4")] == expected
        # Without reasons, and with other options, each is its own card.
        bare = [(service, []) for service in services]
        assert [str(card) for _s, card in service_cards(bare)] == include_rendered(bare)
        assert [str(card) for _s, card in service_cards(bare, heading="4")] == include_rendered(bare, heading="4")


def test_a_card_is_kept_for_the_day_its_claim_is_about():
    service = factories.service(status_on=datetime.date(2020, 11, 1))
    shown = []
    for day in (datetime.date(2021, 1, 1), datetime.date(2024, 1, 1)):  # fresh, then two years old
        results = [(row, []) for row in Service.objects.filter(pk=service.pk).for_list_page().with_timeline(day)]
        expected = include_rendered(results)
        assert [str(card) for _s, card in service_cards(results)] == expected
        shown.append(expected[0])
    assert shown[0] != shown[1]


def test_a_cards_key_holds_every_annotation_its_claim_is_worded_from():
    from directory.cards import CLAIM_ANNOTATIONS
    from directory.models import Claim

    read = set()

    class Row:
        def __getattr__(self, name):
            read.add(name)
            return None

    Claim.for_service(Row())
    fields = {field.attname for field in Service._meta.concrete_fields}
    assert read - fields == set(CLAIM_ANNOTATIONS)


def cards(response):
    return {service.slug: str(card) for service, card in response.context["cards"]}


def test_each_search_shows_its_own_reasons_on_a_cached_card(client):
    drive = cards(client.get(SEARCH, {"q": "drive"}))["drive-cardiff-and-vale"]
    assert "Matches “drive”" in drive
    response = client.get(SEARCH, {"q": "drive cardiff"})
    assert "includes/_service_card.html" not in [t.name for t in response.templates], "every card from the cache"
    again = cards(response)["drive-cardiff-and-vale"]
    assert "Matches “drive cardiff”" in again and "Matches “drive”" not in again
    area = cards(client.get(SEARCH, {"area": "cardiff"}))["drive-cardiff-and-vale"]
    assert "Covers Cardiff" in area and "Matches" not in area


def test_an_edit_changes_a_cached_card_at_once(client):
    area = factories.area("card-town")
    service = factories.service(areas=[area], name="Card service")
    before = cards(client.get(SEARCH, {"area": "card-town"}))[service.slug]
    assert "Test organisation" in before and "Risk: not stated." in " ".join(before.split())
    service.organisation.name = "Renamed organisation"
    service.organisation.save()
    service.risk_levels.set([factories.risk_level("high")])
    after = cards(client.get(SEARCH, {"area": "card-town"}))[service.slug]
    assert "Renamed organisation" in after and "Test organisation" not in after
    assert "Risk: High risk." in " ".join(after.split())


def test_welsh_and_english_cards_are_not_mixed(client):
    english = cards(client.get(SEARCH, {"area": "cardiff"}))
    client.cookies["django_language"] = "cy"
    welsh = cards(client.get(SEARCH, {"area": "cardiff"}))
    with translation.override("cy"):
        refer = translation.gettext("How to refer")
    assert refer != "How to refer"
    assert english.keys() == welsh.keys()
    for slug in english:
        assert "How to refer" in english[slug] and refer not in english[slug]
        assert refer in welsh[slug] and "How to refer" not in welsh[slug]


def test_a_warm_search_page_reads_no_more_than_its_rows_and_reasons(client):
    """The cards' risk levels and routes are read only to render a card the cache does not have."""
    client.get(SEARCH, {"area": "cardiff"})
    with CaptureQueriesContext(connection) as queries:  # an address the page is not kept at: computed
        response = client.get(SEARCH, {"area": "cardiff", "again": "1"})
    assert response.context["cards"]
    tables = " ".join(query["sql"] for query in queries)
    assert "directory_service_risk_levels" not in tables
    assert "referrals_servicepathway" not in tables
    # No area chosen: the areas' graph is not read either.
    with CaptureQueriesContext(connection) as queries:
        client.get(SEARCH, {"risk": "high"})
    assert not [q for q in queries if re.search(r"regions_area_within", q["sql"])]


def test_what_someone_typed_leaves_no_key_in_the_cache(client):
    """The keys a search with words leaves are the same whatever the words: none is derived from them (the cards
    shown are kept per service, as for any search)."""

    def keys_after(words):
        cache.clear()
        assert client.get(SEARCH, {"q": words, "risk": "high"}).status_code == 200
        return {key for key in cache._cache if ":card:" not in key}  # the tests' local-memory cache

    assert keys_after("drive") == keys_after("respect")
