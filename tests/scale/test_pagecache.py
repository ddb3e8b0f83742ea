"""Commissioner pages: cached until the directory changes; editors always see fresh data."""

import pytest
from django.core.cache import cache
from django.db import transaction

from directory.models import Service
from directory.pagecache import current_version
from regions.models import Area

pytestmark = pytest.mark.django_db


def computed(response):
    """True when the view ran (a cached response carries no template context)."""
    return response.context is not None


def test_a_commissioner_page_is_computed_once_then_served_from_the_cache(client):
    assert computed(client.get("/coverage/funding/"))
    assert not computed(client.get("/coverage/funding/"))
    # Options are part of the key.
    assert computed(client.get("/coverage/", {"as_of": "2020-11-01"}))
    assert not computed(client.get("/coverage/", {"as_of": "2020-11-01"}))
    assert computed(client.get("/coverage/", {"as_of": "2021-11-01"}))


@pytest.mark.parametrize(
    "url",
    [
        "/coverage/?x=1",
        "/coverage/?as_of=2020-11-01&as_of=2021-11-01",
        "/coverage/matrix.csv?x=1",
        "/coverage/cell/?area=cardiff&column=risk:high&x=1",
        "/coverage/funding/?x=1",
        "/coverage/standards/?x=1",
    ],
)
def test_a_parameter_a_page_does_not_read_is_computed_and_never_kept(client, url):
    # Otherwise ?x=1, ?x=2 … would each compute a page (~0.5 s at 10,000 services) and keep it for a day.
    keys = set(cache._cache)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            assert computed(response)
    assert set(cache._cache) <= keys | {key for key in cache._cache if not key.startswith(":1:page:")}


def test_a_head_request_is_answered_from_the_kept_page(client, django_assert_num_queries):
    assert computed(client.head("/coverage/"))  # nothing kept yet: computed, not kept
    assert computed(client.get("/coverage/"))
    with django_assert_num_queries(1):  # the data version
        response = client.head("/coverage/")
    assert response.status_code == 200 and not computed(response)


def test_every_kind_of_edit_bumps_the_data_version(client):
    service = Service.objects.get(slug="drive-cardiff-and-vale")
    seen = {current_version()}
    service.funding_note = "Changed by a test"
    service.save()
    seen.add(current_version())
    service.areas.add(Area.objects.get(slug="newport"))
    seen.add(current_version())
    service.contacts.first().delete()
    seen.add(current_version())
    assert len(seen) == 4


def test_an_edit_shows_on_the_next_request(client):
    client.get("/coverage/funding/")
    service = Service.objects.get(slug="drive-cardiff-and-vale")
    service.funding_note = "A note no document has"
    service.save()
    response = client.get("/coverage/funding/")
    assert computed(response)


def test_a_bump_rolled_back_never_returns_as_a_later_version():
    before = current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Service.objects.filter(slug="drive-cardiff-and-vale").first().save()
        rolled_back = current_version()
        raise RuntimeError
    assert current_version() == before
    Service.objects.filter(slug="drive-cardiff-and-vale").first().save()
    assert current_version() not in {before, rolled_back}


def test_editors_always_get_a_fresh_page(admin_client):
    assert computed(admin_client.get("/coverage/funding/"))
    assert computed(admin_client.get("/coverage/funding/"))


def test_the_area_select_renders_the_chosen_option(client):
    html = client.get("/services/", {"area": "newport"}).content.decode()
    assert '<option value="newport" selected>' in html
    assert html.count(" selected>") >= 1
    other = client.get("/services/").content.decode()
    assert '<option value="newport" selected>' not in other
    assert '<option value="newport">' in other


def test_while_one_request_computes_a_changed_page_others_get_the_previous_version(client):
    from django.core.cache import cache
    from django.test import RequestFactory

    from directory.pagecache import cache_keys

    client.get("/coverage/standards/")
    Service.objects.get(slug="drive-cardiff-and-vale").save()  # a change: the cached page is now old
    key, _latest = cache_keys(RequestFactory().get("/coverage/standards/"))
    cache.add(key + ":lock", 1, 60)  # another worker is computing the new version
    response = client.get("/coverage/standards/")
    assert response.status_code == 200 and not computed(response)
    cache.delete(key + ":lock")
    assert computed(client.get("/coverage/standards/"))
