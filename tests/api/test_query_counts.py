"""Each API page runs a fixed number of queries, however many services the directory holds."""

import pytest

from directory.models import Contact, Scope
from opendata.oruk import service_id
from regions.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

# Each includes, where the list reads the timeline, the kept timeline's first fill at this data version
# (tests/directory/test_timeline_day.py).
LIMITS = {"/services": 9, "/services?full=true": 11, "/services?minimal=true": 9, "/organizations": 3}


def add_services(count):
    areas = list(Area.objects.all()[:3])
    levels = [factories.risk_level("high"), factories.risk_level("medium")]
    for n in range(count):
        service = factories.service(areas=areas, risk_levels=levels, scope=Scope.LOCAL)
        Contact.objects.create(service=service, kind="phone", value=f"01234 {n:06d}")


@pytest.mark.parametrize("extra", [0, 60])
@pytest.mark.parametrize("path", LIMITS)
def test_service_pages_run_fixed_queries(client, django_assert_max_num_queries, extra, path):
    add_services(extra)
    with django_assert_max_num_queries(LIMITS[path]):
        response = client.get(f"/api/oruk{path}", {"per_page": 200, "text": "service"})
    assert response.status_code == 200
    assert response.json()["size"] >= (extra if path != "/organizations" else 1)


@pytest.mark.parametrize("extra", [0, 60])
def test_service_detail_runs_fixed_queries(client, django_assert_max_num_queries, extra):
    add_services(extra)
    service = factories.service(areas=list(Area.objects.all()[:5]), risk_levels=[factories.risk_level("high")])
    with django_assert_max_num_queries(
        15
    ):  # the kept timeline's first fill at this data version adds its queries (tests/directory/test_timeline_day.py)
        response = client.get(f"/api/oruk/services/{service_id(service)}")
    assert response.json()["name"] == service.name
