"""Property-based: random and hostile input at every public URL is never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK = {200, 301, 302, 400, 404, 405}
URLS = [
    "/",
    "/services/",
    "/services/export.csv",
    "/find/",
    "/coverage/",
    "/coverage/matrix.csv",
    "/coverage/gaps.csv",
    "/funding/",
    "/standards/",
    "/areas/",
    "/glossary/",
]
PARAMS = [
    "q",
    "area",
    "risk",
    "route",
    "tier",
    "format",
    "attendance",
    "status",
    "page",
    "as_of",
    "group_by",
    "criminal_justice",
    "pilots",
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["\x00", "' OR '1'='1", "<svg onload=alert(1)>", "%00", "../..", "9" * 50, "-1", "2020-02-30"]),
)


@FUZZ
@given(url=st.sampled_from(URLS), params=st.dictionaries(st.sampled_from(PARAMS), hostile_text, max_size=5))
def test_query_strings(client, url, params):
    response = client.get(url, params)
    assert response.status_code in OK


@FUZZ
@given(segment=st.text(min_size=1, max_size=80))
def test_path_segments(client, segment):
    for prefix in ("/services/", "/areas/", "/organisations/"):
        response = client.get(prefix + segment + "/")
        assert response.status_code in OK


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "area",
                "risk",
                "referrer",
                "marac",
                "justice",
                "gender",
                "age",
                "relationship",
                "children",
                "childrens_services",
                "responsibility",
                "english_group",
                "substance_use",
            ]
        ),
        hostile_text,
        max_size=13,
    )
)
def test_matcher_posts(client, data):
    response = client.post(reverse("referrals:case-matcher"), data)
    assert response.status_code in {200, 400}
