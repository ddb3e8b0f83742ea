"""Checks for the kinds of defect the 2026-12-01 data audit found, each returning the rows that fail.

They read the loaded directory and the source documents, so they run on any fixture set; the tests in
``test_fixture_defects.py`` run them on the real fixtures and on the original defects rebuilt by hand.
"""

import re

from django.utils import timezone

from directory.models import Citation, Service, StatedGap, Status, StatusEvent
from directory.sources import document_text, fold

# --------------------------------------------------------------------------
# Finding a quote's sentence in its document
# --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?:[.!?]|\.\.\.)[\"')\]]*(?=\s+[\"'(A-Z0-9])")
# Tables and lists have no full stops: a bullet, a heading mark or a table rule also ends a clause.
_CLAUSE_BREAK = re.compile(r"[;•#|]|\s-\s")
WINDOW = 25  # words either side of the quote, within its sentence, that count as "just before" or "just after" it


def sentence_around(quote, filename):
    """``(before, quote, after)``: the words around the quote in its sentence, at most ``WINDOW`` each side."""
    for lost in (False, True):
        text = document_text(filename, lost_pairs=lost)
        needle = fold(quote, lost_pairs=lost)
        at = text.find(needle)
        if at < 0:
            continue
        starts = [m.end() for m in _SENTENCE_END.finditer(text, max(0, at - 1500), at + 1)]
        start = starts[-1] if starts else max(0, at - 1500)
        end_match = _SENTENCE_END.search(text, at + len(needle) - 1)
        end = end_match.end() if end_match and end_match.end() > at + len(needle) else at + len(needle)
        before = _CLAUSE_BREAK.split(text[start:at])[-1].split()[-WINDOW:]
        after = _CLAUSE_BREAK.split(text[at + len(needle) : end])[0].split()[:WINDOW]
        return " ".join(before), needle, " ".join(after)
    return None


# --------------------------------------------------------------------------
# 1. A pilot or planned entry whose own text says it ended
# --------------------------------------------------------------------------

ENDED = re.compile(
    r"conclud|\bended\b|\bceased\b|\bno longer\b|\bstopped\b|decommission|\bwas\b|\bwere\b|\bworked with\b", re.I
)

# (service, quote): why the past tense in this sentence does not mean the service ended.
PAST_TENSE_ALLOWED = {
    (
        "iris-plus",
        "IRIS+ was established as a university research programme led by researchers in the domestic violence and "
        "health research group",
    ): "'was established' is how the trial began; it was 'being trialled' in 2020",
    ("clear-cardiff-and-vale", "and then that was passed through to Drive"): "one client passed on to Drive",
    (
        "clear-cardiff-and-vale",
        "it was found that the pilot fulfilled the requirements of the standards",
    ): "the review's finding about the running pilot",
    (
        "cara-gwent",
        "submitting a bid to the Home Office's DA perpetrator fund to seek funding for a DA perpetrator intervention "
        "in line with Project CARA",
    ): "'were successful in submitting a bid': the funding was won, the pilot is starting",
    (
        "cardiff-and-vale-dva-hub-proposed",
        "Possibilities were explored for the development of a domestic violence hub working with victims and "
        "perpetrators.",
    ): "'were explored': the proposal was discussed; nothing says it was dropped",
    (
        "iris-plus",
        "GPs, at the four surgeries in Cardiff where IRIS+ is located, were becoming more aware of perpetrators",
    ): "'were becoming more aware': an effect of the running trial",
    (
        "iris-plus",
        "The one concrete suggestion that was put forward, was a request from Drive to IRIS+ for help in their "
        "engagement with GPs.",
    ): "'was put forward': a suggestion made to the running trial",
}


def ended_but_shown_running():
    """``[(service, quote, sentence)]``: services shown today as a pilot or planned whose cited sentence says it
    ended."""
    failures = []
    today = timezone.localdate()
    shown = Service.objects.with_timeline(today).filter(timeline_status__in=[Status.PILOT, Status.PLANNED])
    services = shown.prefetch_related("citations__document", "status_events__document")
    for service in services:
        rows = [*service.citations.all(), *service.status_events.all()]
        for row in rows:
            if (service.slug, row.quote) in PAST_TENSE_ALLOWED:
                continue
            found = sentence_around(row.quote, row.document.filename)
            if found and ENDED.search(" ".join(found)):
                failures.append((service.slug, row.quote, " ".join(found)))
    return sorted(set(failures))


# --------------------------------------------------------------------------
# 2. An area wider than the cited text
# --------------------------------------------------------------------------

# A country named on its own, not a region of it ("South East Wales", "North Wales"), or a national claim.
COUNTRY_WORDS = {
    "wales": re.compile(
        r"(?<!North )(?<!South )(?<!East )(?<!West )(?<!Mid )(?<!Mid-)(?<!North-)(?<!South-)\bWales\b"
        r"|all-Wales|national",
        re.I,
    ),
    "england": re.compile(r"(?<!North )(?<!South )(?<!East )(?<!West )\bEngland\b|\bU\.?K\.?\b|national", re.I),
}


# (service, country): why a whole-country area is right although no quote names the country.
AREA_ALLOWED = {
    (
        "idap",
        "wales",
    ): "a national probation programme; the review: 'Now replaced by BBR', which 'runs throughout Wales'",
    ("cdvp", "wales"): "a national probation programme, 'no longer operational'; the review gives no place",
    ("sotp", "wales"): "the HMPPS national prison programme 'replaced by a new strengths-based approach'",
    ("new-me-skills", "wales"): "an HMPPS national adaptation of Kaizen 'in development'; no place given",
    ("mappa-wales", "wales"): "MAPPA is the statutory arrangement in every area; the review speaks of MAPPAs generally",
    ("stopso", "wales"): "a UK organisation (stopso.org.uk) with therapists matched by triage; no locations given",
    (
        "stop-it-now-helpline",
        "wales",
    ): "'available to anyone with concerns about child sexual abuse': a national helpline",
    (
        "stop-it-now-helpline",
        "england",
    ): "'available to anyone with concerns about child sexual abuse': a national helpline",
}


def areas_wider_than_cited():
    """``[(service, country)]``: services a practitioner could use, mapped to a whole country no quote of theirs names.

    Comparators elsewhere in the UK are never offered, so their nominal area is left alone.
    """
    failures = []
    for service in Service.objects.referable().prefetch_related("areas", "citations", "status_events"):
        quotes = [row.quote for row in (*service.citations.all(), *service.status_events.all())]
        for area in service.areas.all():
            pattern = COUNTRY_WORDS.get(area.slug)
            if (service.slug, area.slug) in AREA_ALLOWED:
                continue
            if pattern and not any(pattern.search(fold(quote)) for quote in quotes):
                failures.append((service.slug, area.slug))
    return failures


# --------------------------------------------------------------------------
# 3. A date with no quote that supports it
# --------------------------------------------------------------------------

MONTHS = "January February March April May June July August September October November December".split()

# (service, field): why the date is supported though no quote holds its year.
DATE_ALLOWED = {
    ("clear-cardiff-and-vale", "start_date"): "'in July last year', said in the 2020 review: July 2019",
    ("domestic-abuse-intervention-hub-online-pilot", "end_date"): (
        "'concluding as we wrote this report': the review's own date, November 2020, and 'Initial Pilot Results, 2020'"
    ),
}


def _supports_date(date, quotes):
    years = (str(date.year), f"/{date.year % 100:02d}")  # "2023", or "20/11/23"
    with_year = [quote for quote in quotes if any(year in quote for year in years)]
    if not with_year:
        return False
    if date.month == 1 and date.day == 1:  # a year: the year is enough
        return True
    month_words = (MONTHS[date.month - 1], MONTHS[date.month - 1][:3], f"/{date.month:02d}/", f"/{date.month}/")
    month_ok = any(any(word in quote for word in month_words) for quote in with_year)
    if date.day == 1:  # a month
        return month_ok
    day_ok = any(re.search(rf"\b0?{date.day}(st|nd|rd|th)?\b", quote) for quote in with_year)
    return month_ok and day_ok


def dates_without_a_quote():
    """``[(service, field, date)]``: start and end dates no quote of the service supports to their precision.

    A date on 1 January claims a year, on the 1st a month, otherwise a day; the quotes must give as much.
    """
    failures = []
    for service in Service.objects.prefetch_related("citations", "status_events"):
        quotes = [row.quote for row in (*service.citations.all(), *service.status_events.all())]
        quotes += [service.start_text, service.end_text]
        for field in ("start_date", "end_date"):
            date = getattr(service, field)
            if date and (service.slug, field) not in DATE_ALLOWED and not _supports_date(date, quotes[:-2]):
                failures.append((service.slug, field, date.isoformat()))
    return failures


def _month_in_quote(date, quote):
    return any(word in quote for word in (f"{MONTHS[date.month - 1]} {date.year}", f"/{date.month:02d}/{date.year}"))


def _day_in_quote(date, quote):
    day = rf"\b0?{date.day}(st|nd|rd|th)?"
    return bool(
        re.search(rf"{day} {MONTHS[date.month - 1]},? {date.year}\b", quote)
        or re.search(rf"{day}/0?{date.month}/({date.year}|{date.year % 100:02d})\b", quote)
    )


def event_precision_failures():
    """``[(service, status, document, precision, date, why)]``: status events whose precision is not what their
    quote and document support.

    - day, month, year: the event's own quote gives that day ("20/11/23"), month ("in November 2019") or year
      ("in 2018"), and the date is stored as the first day of a month or year;
    - "by the date of the document": the date is the document's own date (a document that says it is running);
    - "undated document, after": the document is undated and its own date says "after" that month;
    - undated: no date, and the document is undated;
    - an editor's statement (no document): a day.
    """
    failures = []
    for event in StatusEvent.objects.select_related("document", "service"):
        date, precision, document = event.date, event.precision, event.document
        if document is None:
            ok, why = precision == "day" and date is not None, "an editor states a day"
        elif precision == "day":
            ok, why = date is not None and _day_in_quote(date, event.quote), "the quote gives the day"
        elif precision == "month":
            ok = date is not None and date.day == 1 and _month_in_quote(date, event.quote)
            why = "the quote gives the month, stored as its 1st"
        elif precision == "year":
            ok = date is not None and (date.month, date.day) == (1, 1) and str(date.year) in event.quote
            why = "the quote gives the year, stored as 1 January"
        elif precision == "document":
            ok, why = document.published is not None and date == document.published, "the document's own date"
        elif precision == "after":
            ok = (
                document.published is None
                and date is not None
                and date.day == 1
                and f"after {MONTHS[date.month - 1]} {date.year}" in document.date_text
            )
            why = "an undated document, written after that month"
        else:
            ok, why = date is None and document.published is None, "an undated document"
        if not ok:
            failures.append((event.service.slug, event.status, document.slug if document else "", precision, date, why))
    return failures


# --------------------------------------------------------------------------
# 4. A quote whose omitted words reverse it
# --------------------------------------------------------------------------

NEGATION = re.compile(r"\b(nothing|not|no|never|none|neither|nor|without|nobody|cannot)\b|n't\b", re.I)

DRIVING_CHANGE_ROW = (
    "Driving Change Voluntary Third party organisation or self Medium/ Standard risk Funded by strategic VAWDASV "
    "partners Annually"
)
IDAP_CDVP = (
    "both IDAP and CDVP had small but significant effects in reducing domestic violence and any re-offending in a "
    "two-year follow up period"
)
DRIVE_BOMBARDED = (
    "the Drive team in Cardiff have been bombarded with child social services referrals - they have even offered to "
    "spot-purchase Drive case management"
)
DRIVE_AMBIGUITY = (
    "In situations where there is ambiguity about who is the victim and who is the perpetrator, Drive will usually "
    "stay away from cases"
)
THEY_MATTER_UPDATE = (
    "will be asked if they would be willing to supply 'update' information regarding the risks/harm they are "
    "experiencing"
)
MALE_SAME_SEX = (
    "male DVA perpetrators who are violent to their male partners. Services to meet these needs are not widely "
    "available."
)

# (owner, quote): why the negation before it in its sentence does not reverse what the quote is cited for.
NEGATION_ALLOWED = {
    ("clear-cardiff-and-vale", "it was found that the pilot fulfilled the requirements of the standards"): (
        "the negation is about accreditation ('have not yet undergone specialist accreditation'), which the entry says"
    ),
    ("clear-cardiff-and-vale", "Funded by PCC and by strategic VAWDASV partners Annual funding"): (
        "a table: 'not high risk' is the eligibility cell before the funding cells"
    ),
    ("clear-cwm-taf-morgannwg", "Funded by PCC and by strategic VAWDASV partners Annual funding"): (
        "a table: 'not high risk' is the eligibility cell before the funding cells"
    ),
    ("driving-change-cwm-taf-morgannwg", DRIVING_CHANGE_ROW): "a table: 'not high risk' belongs to the Clear row above",
    (
        "driving-change-cwm-taf-morgannwg",
        "Driving Change Voluntary Third party organisation or self Medium/ Standard risk",
    ): ("a table: 'not high risk' belongs to the Clear row above"),
    ("clear-cardiff-and-vale", "and then that was passed through to Drive"): (
        "'we're not really the right program for you' is why the client was passed to Drive, as the entry says"
    ),
    (
        "marac-cardiff-and-vale",
        "MARACs may miss potentially important cases because of the referral process, which "
        "starts with a high-risk victim.",
    ): "a second limitation listed after 'case reviews ... are not built in'",
    ("cdvp", IDAP_CDVP): "'no longer operational' describes CDVP, which the entry records as decommissioned",
    ("idap", IDAP_CDVP): "'no longer operational' describes CDVP, not the finding quoted",
    (
        "swansea-domestic-violence-hub",
        "we are developing ways of capturing change and progress with Swansea University",
    ): ("'haven't experienced that drop' is about other local authorities"),
    ("cardiff-and-vale-dva-hub-proposed", "a DVA hub for services working with victims and perpetrators"): (
        "'(not just domestic violence offenders)' describes the other, offender hub"
    ),
    ("drive-cardiff-and-vale", DRIVE_BOMBARDED): "'didn't meet the high-harm threshold' is why the referrals came",
    ("drive-cardiff-and-vale", DRIVE_AMBIGUITY): "'aren't clear cut' introduces the quote and agrees with it",
    ("healthy-relationship-programme-cumbria", "who are willing to engage with the healthy relationship programme"): (
        "'not to meet the threshold for High Risk' is the programme's eligibility, cited in the other quote"
    ),
    ("matac-northumbria", "three one-to-one support workers were taken on to provide behaviour change support"): (
        "'no clients actually got past the assessment stage' is why the workers were taken on"
    ),
    ("they-matter-partner-support-cumbria", THEY_MATTER_UPDATE): (
        "'under no obligation to accept ongoing support' is said in the entry; the quote is about updates"
    ),
    ("male-same-sex-perpetrator-services-not-widely-available-2020", MALE_SAME_SEX): (
        "'was not meeting the needs of' agrees with the gap stated"
    ),
}


def quotes_reversed_by_what_they_leave_out():
    """``[(model, service or slug, quote, words before)]``: quotes whose sentence has a negation just before them."""
    failures = []
    rows = [
        *Citation.objects.select_related("document", "service"),
        *StatusEvent.objects.select_related("document", "service"),
        *StatedGap.objects.select_related("document"),
    ]
    for row in rows:
        owner = row.service.slug if hasattr(row, "service") else row.slug
        if (owner, row.quote) in NEGATION_ALLOWED:
            continue
        found = sentence_around(row.quote, row.document.filename)
        if found and NEGATION.search(found[0]):
            failures.append((type(row).__name__, owner, row.quote, found[0]))
    return failures
