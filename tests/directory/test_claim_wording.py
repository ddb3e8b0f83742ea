"""A claim words its date by how precisely it is known (day, month, year, the document's date, an undated document
written after a month), in English and Welsh: fresh, old ("Not confirmed since"), a pilot with no outcome, before the
earliest evidence, and a planned start."""

import datetime

import pytest
from django.utils import translation

from directory.models import Claim, Service, Status

TODAY = datetime.date(2026, 12, 1)


def claim(*, status=Status.ACTIVE, precision="document", on, date=None, start=None, earliest=None, source="Review"):
    """A claim read on ``on`` from one status event of ``precision`` dated ``date``."""
    evidence = date
    return Claim(
        status=status,
        evidence=evidence,
        source=f"{precision}||{date.isoformat()}|{status}|{source}" if date else "",
        date=on,
        start_date=start,
        verified=None,
        earliest=earliest,
    ).text


# (precision, event date, read on, text in English, text in Welsh): every precision, fresh and old.
PRECISIONS = [
    (
        "day",
        datetime.date(2023, 11, 20),
        datetime.date(2023, 12, 1),
        "Reported running — 20 November 2023 (Review)",
        "Adroddwyd ei fod yn rhedeg — 20 Tachwedd 2023 (Review)",
    ),
    (
        "day",
        datetime.date(2023, 11, 20),
        TODAY,
        "Not confirmed since November 2023",
        "Heb ei gadarnhau ers Tachwedd 2023",
    ),
    (
        "month",
        datetime.date(2019, 11, 1),
        datetime.date(2020, 1, 1),
        "Reported running — November 2019 (Review)",
        "Adroddwyd ei fod yn rhedeg — Tachwedd 2019 (Review)",
    ),
    (
        "month",
        datetime.date(2019, 11, 1),
        datetime.date(2019, 11, 20),
        "Reported running some time in November 2019 — not known whether by this date (Review)",
        "Adroddwyd ei fod yn rhedeg rywbryd ym mis Tachwedd 2019 — ni wyddys a oedd erbyn y dyddiad hwn (Review)",
    ),
    (
        "month",
        datetime.date(2019, 11, 1),
        TODAY,
        "Not confirmed since November 2019",
        "Heb ei gadarnhau ers Tachwedd 2019",
    ),
    (
        "year",
        datetime.date(2018, 1, 1),
        datetime.date(2019, 6, 1),
        "Reported running — 2018 (Review)",
        "Adroddwyd ei fod yn rhedeg — 2018 (Review)",
    ),
    (
        "year",
        datetime.date(2018, 1, 1),
        datetime.date(2018, 6, 1),
        "Reported running some time in 2018 — not known whether by this date (Review)",
        "Adroddwyd ei fod yn rhedeg rywbryd yn 2018 — ni wyddys a oedd erbyn y dyddiad hwn (Review)",
    ),
    ("year", datetime.date(2018, 1, 1), TODAY, "Not confirmed since 2018", "Heb ei gadarnhau ers 2018"),
    # "By the date of the document": the document's own date, as precisely as the document gives it.
    (
        "document",
        datetime.date(2023, 11, 17),
        datetime.date(2023, 12, 1),
        "Reported running — 17 November 2023 (Review)",
        "Adroddwyd ei fod yn rhedeg — 17 Tachwedd 2023 (Review)",
    ),
    (
        "document",
        datetime.date(2023, 11, 17),
        TODAY,
        "Not confirmed since November 2023",
        "Heb ei gadarnhau ers Tachwedd 2023",
    ),
    (
        "document",
        datetime.date(2020, 11, 1),
        TODAY,
        "Not confirmed since November 2020",
        "Heb ei gadarnhau ers Tachwedd 2020",
    ),
    (
        "document",
        datetime.date(2013, 1, 1),
        datetime.date(2013, 6, 1),
        "Reported running — 2013 (Review)",
        "Adroddwyd ei fod yn rhedeg — 2013 (Review)",
    ),
    ("document", datetime.date(2013, 1, 1), TODAY, "Not confirmed since 2013", "Heb ei gadarnhau ers 2013"),
    # An undated document written after a month: never dated as that month, and never "since undated".
    (
        "after",
        datetime.date(2019, 4, 1),
        datetime.date(2020, 1, 1),
        "Reported running in an undated document written after April 2019 (Review)",
        "Adroddwyd ei fod yn rhedeg mewn dogfen heb ddyddiad a ysgrifennwyd ar ôl Ebrill 2019 (Review)",
    ),
    (
        "after",
        datetime.date(2019, 4, 1),
        TODAY,
        "Not confirmed since an undated document written after April 2019",
        "Heb ei gadarnhau ers dogfen heb ddyddiad a ysgrifennwyd ar ôl Ebrill 2019",
    ),
]


@pytest.mark.parametrize(("precision", "date", "on", "english", "welsh"), PRECISIONS)
def test_a_claim_words_its_date_by_its_precision_in_both_languages(precision, date, on, english, welsh):
    assert claim(precision=precision, date=date, on=on) == english
    with translation.override("cy"):
        assert claim(precision=precision, date=date, on=on) == welsh


@pytest.mark.parametrize(
    ("precision", "date", "english", "welsh"),
    [
        (
            "day",
            datetime.date(2023, 11, 20),
            "Pilot reported in November 2023 — outcome not known",
            "Adroddwyd am y cynllun peilot ym mis Tachwedd 2023 — ni wyddys y canlyniad",
        ),
        (
            "month",
            datetime.date(2020, 11, 1),
            "Pilot reported in November 2020 — outcome not known",
            "Adroddwyd am y cynllun peilot ym mis Tachwedd 2020 — ni wyddys y canlyniad",
        ),
        (
            "year",
            datetime.date(2013, 1, 1),
            "Pilot reported in 2013 — outcome not known",
            "Adroddwyd am y cynllun peilot yn 2013 — ni wyddys y canlyniad",
        ),
        (
            "document",
            datetime.date(2013, 1, 1),
            "Pilot reported in 2013 — outcome not known",
            "Adroddwyd am y cynllun peilot yn 2013 — ni wyddys y canlyniad",
        ),
        (
            "after",
            datetime.date(2019, 4, 1),
            "Pilot reported in an undated document written after April 2019 — outcome not known",
            "Adroddwyd am y cynllun peilot mewn dogfen heb ddyddiad a ysgrifennwyd ar ôl Ebrill 2019 — "
            "ni wyddys y canlyniad",
        ),
    ],
)
def test_an_old_pilot_words_its_date_by_its_precision_in_both_languages(precision, date, english, welsh):
    assert claim(status=Status.PILOT, precision=precision, date=date, on=TODAY) == english
    with translation.override("cy"):
        assert claim(status=Status.PILOT, precision=precision, date=date, on=TODAY) == welsh


@pytest.mark.parametrize(
    ("earliest", "english", "welsh"),
    [
        ("2023-11-20|day", "from 20 November 2023", "mae'r dystiolaeth gynharaf o 20 Tachwedd 2023"),
        ("2019-11-01|month", "from November 2019", "mae'r dystiolaeth gynharaf o fis Tachwedd 2019"),
        ("2020-01-01|year", "from 2020", "mae'r dystiolaeth gynharaf o 2020"),
        ("2020-11-01|document", "from November 2020", "mae'r dystiolaeth gynharaf o fis Tachwedd 2020"),
        (
            "2019-04-01|after",
            "an undated document written after April 2019",
            "y dystiolaeth gynharaf yw dogfen heb ddyddiad a ysgrifennwyd ar ôl Ebrill 2019",
        ),
    ],
)
def test_before_the_earliest_evidence_a_claim_says_since_when_anything_is_known(earliest, english, welsh):
    on = datetime.date(2012, 1, 1)
    assert claim(status="", on=on, earliest=earliest).endswith(f"the earliest evidence is {english}")
    with translation.override("cy"):
        assert claim(status="", on=on, earliest=earliest) == f"Dim yn hysbys ar gyfer y dyddiad hwn: {welsh}"


@pytest.mark.parametrize(
    ("start", "english", "welsh"),
    [
        (
            datetime.date(2027, 3, 20),
            "Planned to start on 20 March 2027",
            "Wedi'i gynllunio i ddechrau ar 20 Mawrth 2027",
        ),
        (datetime.date(2027, 3, 1), "Planned to start in March 2027", "Wedi'i gynllunio i ddechrau ym mis Mawrth 2027"),
        (datetime.date(2027, 1, 1), "Planned to start in 2027", "Wedi'i gynllunio i ddechrau yn 2027"),
    ],
)
def test_a_planned_start_is_worded_by_its_precision_in_both_languages(start, english, welsh):
    kwargs = {"status": Status.PLANNED, "date": datetime.date(2026, 11, 2), "on": TODAY, "start": start}
    assert claim(**kwargs) == f"{english} — 2 November 2026 (Review)"
    with translation.override("cy"):
        assert claim(**kwargs) == f"{welsh} — 2 Tachwedd 2026 (Review)"


@pytest.mark.parametrize(
    "precision, date, english, welsh",
    [
        ("day", datetime.date(2023, 11, 20), "November 2023", "Tachwedd 2023"),
        ("year", datetime.date(2018, 1, 1), "2018", "2018"),
        (
            "after",
            datetime.date(2019, 4, 1),
            "an undated document written after April 2019",
            "dogfen heb ddyddiad a ysgrifennwyd ar ôl Ebrill 2019",
        ),
    ],
)
def test_the_matrix_words_a_stale_claims_date_as_the_claim_does(precision, date, english, welsh):
    """The coverage matrix's "not confirmed since …" takes its date from the claim (never "since undated")."""
    stale = Claim(
        status=Status.ACTIVE,
        evidence=date,
        source=f"{precision}||{date.isoformat()}|{Status.ACTIVE}|Review",
        date=TODAY,
        start_date=None,
        verified=None,
    )
    assert stale.stale
    assert stale.month_or_coarser == english
    with translation.override("cy"):
        assert stale.month_or_coarser == welsh


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "english", "welsh"),
    [
        (
            datetime.date(2013, 6, 1),
            "Started in 2012, a later source says — no source from then reports it running",
            "Dechreuodd yn 2012, medd ffynhonnell ddiweddarach — nid oes ffynhonnell o'r adeg honno'n adrodd ei fod "
            "yn rhedeg",
        ),
        (
            datetime.date(2012, 6, 1),
            "Started some time in 2012, a later source says — not known whether by this date",
            "Dechreuodd rywbryd yn 2012, medd ffynhonnell ddiweddarach — ni wyddys a oedd wedi dechrau erbyn y "
            "dyddiad hwn",
        ),
    ],
)
def test_running_only_by_a_start_date_is_not_an_undated_document(on, english, welsh):
    """Building Better Relationships: started "2012", its first source is from 2020. Between the two the timeline
    counts it running by its start date alone; the claim says so, never that an undated document reported it."""
    from tests.factories import service

    bbr = service(start_date=datetime.date(2012, 1, 1), start_precision="year")
    read = Service.objects.filter(pk=bbr.pk).with_timeline(on).get()
    assert read.timeline_status == Status.ACTIVE
    found = Claim.for_service(read)
    assert (found.text, found.warning) == (english, True)
    with translation.override("cy"):
        assert Claim.for_service(read).text == welsh


@pytest.mark.parametrize(
    ("status", "precision", "date", "warning"),
    [
        (Status.ACTIVE, "day", datetime.date(2026, 11, 20), False),  # fresh
        (Status.ACTIVE, "month", datetime.date(2019, 11, 1), True),  # not confirmed since
        (Status.PILOT, "year", datetime.date(2013, 1, 1), True),  # an old pilot
        (Status.ACTIVE, "after", datetime.date(2019, 4, 1), True),
    ],
)
def test_a_claim_knows_whether_it_warns_without_wording_its_text(monkeypatch, status, precision, date, warning):
    """The home page counts the warnings of thousands of claims it never shows: no date is formatted for them."""
    import directory.models.evidence as evidence

    def refuse(*args, **kwargs):
        raise AssertionError("a date was worded for the warning alone")

    found = Claim(
        status=status,
        evidence=date,
        source=f"{precision}||{date.isoformat()}|{status}|Review",
        date=TODAY,
        start_date=None,
        verified=None,
    )
    with monkeypatch.context() as patched:
        patched.setattr(evidence, "date_format", refuse)
        assert found.warning is warning
    assert found.text  # worded on first use, once the page shows it
