"""'Covering Cardiff' and 'in the South Wales Police area' both work, in both directions."""

import pytest

from directory.area_views import area_url
from directory.models import Service
from regions.models import Area, AreaGraph, AreaKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def wales_slice():
    """A small Wales of our own: one force, two councils, one region."""
    wales = factories.area("t-wales", kind=AreaKind.COUNTRY)
    force = factories.area("t-force", kind=AreaKind.POLICE_FORCE_AREA, within=[wales])
    region = factories.area("t-region", kind=AreaKind.VAWDASV_REGION, within=[wales])
    city = factories.area("t-city", within=[force, region, wales])
    town = factories.area("t-town", within=[force, wales])
    return {"wales": wales, "force": force, "region": region, "city": city, "town": town}


def test_a_service_covering_the_force_covers_each_council_in_it(wales_slice):
    force_wide = factories.service(areas=[wales_slice["force"]], slug="force-wide")
    town_only = factories.service(areas=[wales_slice["town"]], slug="town-only")

    found = Service.objects.covering(wales_slice["city"])

    assert [s.slug for s in found] == ["force-wide"]
    assert found.get().covers_whole is True
    assert town_only not in found
    assert force_wide in Service.objects.covering(wales_slice["town"])


def test_a_council_only_service_is_in_the_force_area_marked_as_part(wales_slice):
    factories.service(areas=[wales_slice["town"]], slug="town-only")
    factories.service(areas=[wales_slice["force"]], slug="force-wide")

    found = {s.slug: s for s in Service.objects.covering(wales_slice["force"])}

    assert set(found) == {"town-only", "force-wide"}
    assert found["town-only"].covers_whole is False
    assert found["town-only"].covers_part is True
    assert found["force-wide"].covers_whole is True


def test_a_region_service_is_in_part_of_a_force_area_it_overlaps(wales_slice):
    """The region and the force share the city; neither contains all of the other."""
    factories.service(areas=[wales_slice["region"]], slug="region-wide")

    in_force = Service.objects.covering(wales_slice["force"]).get()
    assert (in_force.slug, in_force.covers_whole, in_force.covers_part) == ("region-wide", False, True)
    assert [s.slug for s in Service.objects.covering(wales_slice["city"])] == ["region-wide"]


def test_a_force_that_contains_every_council_of_a_region_covers_all_of_it(wales_slice):
    """All the region's councils lie in the force, so a force-wide service covers the whole region."""
    factories.service(areas=[wales_slice["force"]], slug="force-wide")

    found = Service.objects.covering(wales_slice["region"]).get()
    assert (found.slug, found.covers_whole) == ("force-wide", True)


def test_graph_walks_every_level(wales_slice):
    graph = AreaGraph.load()
    city = wales_slice["city"]
    assert graph.ancestors(city.pk) >= {wales_slice["force"].pk, wales_slice["region"].pk, wales_slice["wales"].pk}
    assert city.pk in graph.descendants(wales_slice["wales"].pk)
    assert city.pk not in graph.descendants(wales_slice["city"].pk)


# --- The real directory ----------------------------------------------------


def slugs_covering(area_slug):
    return {s.slug: s.covers_whole for s in Service.objects.covering(Area.objects.get(slug=area_slug))}


def test_every_welsh_council_sits_in_one_force_one_health_board_and_one_region():
    for council in Area.objects.filter(kind=AreaKind.LOCAL_AUTHORITY, within__slug="wales"):
        kinds = sorted(a.kind for a in council.within.exclude(kind=AreaKind.COUNTRY))
        assert kinds == ["health_board", "police_force_area", "vawdasv_region"], council.slug


def test_services_covering_merthyr_include_the_cwm_taf_morgannwg_region_services():
    covering = slugs_covering("merthyr-tydfil")
    assert covering["drive-cwm-taf-morgannwg"] is True


def test_services_covering_cardiff_include_cardiff_and_vale_services():
    covering = slugs_covering("cardiff")
    assert covering["drive-cardiff-and-vale"] is True
    assert "drive-cwm-taf-morgannwg" not in covering


def test_services_in_the_south_wales_police_area_include_part_coverers():
    covering = slugs_covering("south-wales-police")
    # Both Drive deliveries work inside the South Wales Police area without covering all of it.
    assert covering["drive-cardiff-and-vale"] is False
    assert covering["drive-cwm-taf-morgannwg"] is False
    assert "cara-gwent" not in covering


def test_a_service_listed_for_a_whole_force_area_without_councils_is_somewhere_in_it(client):
    """Re-Provide is listed under the South Wales Police area; the letter does not say where in it."""
    cardiff = Area.objects.get(slug="cardiff")
    found = Service.objects.covering(cardiff).get(slug="re-provide-south-wales")
    assert (found.covers_whole, found.extent_unstated) == (False, True)
    context = client.get(area_url(cardiff)).context
    assert "re-provide-south-wales" in {s.slug for s in context["somewhere"]}
    assert "re-provide-south-wales" not in {s.slug for s in context["whole"]}
    body = client.get(area_url(cardiff)).content.decode()
    assert "somewhere in South Wales Police; councils not stated" in body
    # Only those: a service named for Cardiff itself is not said to be "somewhere in Cardiff".
    assert "somewhere in Cardiff; councils not stated" not in body
    assert body.count("; councils not stated") == len(context["somewhere"])
    # Search says the same in its reasons.
    search = client.get("/services/", {"area": "cardiff", "audience": "all"})
    reasons = dict((s.slug, r) for s, r in search.context["results"]).get("re-provide-south-wales")
    if reasons is not None:
        assert "Somewhere in South Wales Police; councils not stated" in reasons
