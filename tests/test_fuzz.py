"""Property-based: random and hostile input at every public URL is never a server error.

The hand-written hostile matrix that used to sit in test_bad_input.py (nine pages × nine
parameters × twelve values, 972 requests) is folded in here as @example()s: every value on
every parameter a page reads, one at a time (a value that fails one field can hide what
another does with it), and every value on the pages that read no parameters at all.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

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
    "/coverage/funding/",
    "/coverage/standards/",
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
# The matrix's values, kept exactly.
HOSTILE = [
    "",
    " ",
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%",
    "%%%",
    "../../etc/passwd",
    "ü" * 300,
    "-1",
    "9" * 40,
    "high&risk=medium",
]
FILTERS = ["q", "area", "risk", "route", "tier", "format", "attendance", "status"]
# Which of the matrix's parameters each page reads (the others are ignored there).
READS = {
    "/": ["status"],
    "/services/": [*FILTERS, "page"],
    "/services/export.csv": FILTERS,
}
# Pages that read no query string: every hostile value, all parameters at once.
IGNORE = [
    "/find/",
    "/areas/",
    "/areas/cardiff/",
    "/glossary/",
    "/services/drive-cwm-taf-morgannwg/",
    "/find/referral-pack/drive-cwm-taf-morgannwg/",
]
# Every page the matrix visited (other tests walk them too).
GET_URLS = [*READS, *IGNORE]
MATRIX = [(url, {param: value}) for url, params in READS.items() for param in params for value in HOSTILE] + [
    (url, {param: HOSTILE[(i + shift) % len(HOSTILE)] for i, param in enumerate([*FILTERS, "page"])})
    for url in IGNORE
    for shift in range(0, len(HOSTILE), 4)
]


def with_matrix(test):
    for url, params in reversed(MATRIX):
        test = example(url=url, params=params)(test)
    return test


hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["\x00", "' OR '1'='1", "<svg onload=alert(1)>", "%00", "../..", "9" * 50, "-1", "2020-02-30"]),
)


@FUZZ
@given(url=st.sampled_from(URLS), params=st.dictionaries(st.sampled_from(PARAMS), hostile_text, max_size=5))
@with_matrix
def test_query_strings(client, url, params):
    response = client.get(url, params)
    assert response.status_code in OK, (url, params, response.status_code)
    if response.status_code == 400 and url in GET_URLS:
        assert "There is a problem" in response.content.decode()


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
