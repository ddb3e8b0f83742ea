"""Dated claims: what a source says, from when, and how old the evidence is."""

import datetime
import functools
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .documents import Document, shown_to_its_precision
from .vocabulary import Status

EVIDENCE_FLOOR = datetime.date(1, 1, 1)


class Precision(models.TextChoices):
    """How precisely a status event's date is known.

    A partial date is stored as the first day of its period (a month as its 1st, a year as 1 January),
    and the timeline counts the change from that day (see ``ServiceQuerySet.with_timeline``).
    """

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    DOCUMENT = "document", _("By the date of the document")
    AFTER = "after", _("Undated document, written after this date")
    UNDATED = "undated", _("Undated document")

    @classmethod
    def partial(cls):
        """Precisions whose date stands for a period in which the change happened some time."""
        return [cls.MONTH, cls.YEAR]


def date_kind(date, precision):
    """How precisely ``date`` is known: "day", "month", "year", or "after" (an undated document written after it).

    Explicit precisions say so; "by the date of the document" (and a date with no precision, such as an end date)
    follows ``shown_to_its_precision``'s convention: 1 January stands for its year, the 1st for its month.
    """
    if precision == Precision.AFTER:
        return "after"
    if precision in (Precision.DAY, Precision.MONTH, Precision.YEAR):
        return Precision(precision).value
    if date.month == 1 and date.day == 1:
        return "year"
    if date.day == 1:
        return "month"
    return "day"


def worded(date, kind, wordings, **values):
    """``wordings[kind]`` with its date: each wording names the date by how precisely it is known,
    ``%(day)s`` ("17 November 2023"), ``%(month)s`` ("November 2023") or ``%(year)s`` ("2023"); an "after"
    wording gives the month after which the document was written. Separate wordings per precision let each
    language phrase them properly (Welsh "ym mis Tachwedd 2019", "yn 2018"). ``values`` fill any other
    placeholders."""
    return wordings[kind] % {
        "day": date_format(date, "j F Y"),
        "month": date_format(date, "F Y"),
        "year": str(date.year),
        **values,
    }


def shown_with_precision(date, precision):
    """A status event's date as precisely as it is known: "17 November 2023", "November 2019", "2018".

    "By the date of the document" shows the document's own date (stored by ``Document.published``'s
    convention); "after" says the document is undated and gives the earliest date it can have.
    """
    if date is None:
        return ""
    if precision == Precision.AFTER:
        return gettext("undated, written after %(month)s") % {"month": date_format(date, "F Y")}
    if precision == Precision.DAY:
        return date_format(date, "j F Y")
    if precision == Precision.MONTH:
        return date_format(date, "F Y")
    if precision == Precision.YEAR:
        return str(date.year)
    return shown_to_its_precision(date)


def within_period(date, start, precision):
    """Whether ``date`` falls inside the month or year a partial date ``start`` stands for."""
    if precision == Precision.MONTH:
        return (date.year, date.month) == (start.year, start.month)
    if precision == Precision.YEAR:
        return date.year == start.year
    return False


class EditorRole(models.TextChoices):
    """Who stated a status on the directory's own authority (public pages show the role, never the person)."""

    DIRECTORY = "directory", _("directory editor")
    PROVIDER = "provider", _("provider's editor, approved by the directory")


def months_between(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


EVIDENCE_SOURCE_SEPARATOR = "|"


class Claim:
    """A status as the evidence gives it on a date, always with the evidence's age.

    ``text`` is what a page prints ("Reported running — 17 November 2023 (Policing in Wales letter)");
    ``warning`` is True where the claim is old or uncertain (pages style it as a warning, with the
    word "Warning" for screen readers, not colour alone); ``running`` is whether the timeline counts
    the service as running on the date.

    ``source`` is the timeline's ``evidence_source`` annotation: the deciding status event's
    precision, editor role, date, status and document short name, joined by "|" (one subquery, not five).
    """

    def __init__(
        self,
        *,
        status,
        evidence,
        source,
        date,
        start_date,
        verified,
        unconfirmed=None,
        earliest=None,
        start_precision=None,
    ):
        self.status = status
        # The timeline's ``timeline_earliest``: the service's earliest dated status event, "date|precision".
        first_day, _sep, first_precision = (earliest or "").partition(EVIDENCE_SOURCE_SEPARATOR)
        self.earliest = datetime.date.fromisoformat(first_day[:10]) if first_day else None
        self.earliest_kind = date_kind(self.earliest, first_precision) if self.earliest else None
        self.unconfirmed = unconfirmed
        self.evidence = evidence if evidence and evidence != EVIDENCE_FLOOR else None
        parts = (source or "").split(EVIDENCE_SOURCE_SEPARATOR, 4)
        precision, editor, event_date, event_status, document = parts + [""] * (5 - len(parts))
        self.document = document
        self.editor = editor
        self.date = date
        self.start_date = start_date
        # The start as precisely as the service's start date is known ("January 2024", not "2024").
        self.start_precision = start_precision
        self.verified = bool(verified and self.evidence and verified == self.evidence)
        # The event's precision applies where the newest evidence is that event (not an end date or a
        # verification that came later). An end is told by the event that ended it, whatever came later.
        event_day = datetime.date.fromisoformat(event_date[:10]) if event_date else None
        ended = status in (Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED) and event_status == status
        if event_day and (event_day == self.evidence or ended):
            self.precision, self.shown_date, self.verified = precision, event_day, False
        else:
            self.precision, self.shown_date = None, self.evidence
        # How precisely the evidence date is known ("day", "month", "year", "after"); an editor's check is a day.
        if self.shown_date is None:
            self.kind = None
        else:
            self.kind = "day" if self.verified else date_kind(self.shown_date, self.precision)
        self.running = status in Status.operating()
        self.stale = bool(
            self.date and (self.evidence is None or months_between(self.evidence, self.date) >= stale_months())
        )

    # The words are built on first use: the coverage matrix reads thousands of claims for ``stale`` and ``evidence``
    # alone, and wording each (dates formatted in the page's language) cost more than the rest of the matrix.
    @functools.cached_property
    def start_shown(self):
        """The start as precisely as the service's start date is known ("January 2024", not "2024")."""
        if self.start_precision:
            return shown_with_precision(self.start_date, self.start_precision)
        return shown_to_its_precision(self.start_date)

    @functools.cached_property
    def _decided(self):
        return self._decision()

    @functools.cached_property
    def _worded(self):
        wording, warning = self._decided
        return wording(), warning

    @property
    def text(self):
        return self._worded[0]

    @property
    def warning(self):
        return self._decided[1]  # without wording the text: the home page counts thousands of warnings

    @classmethod
    def for_service(cls, service):
        verified = service.last_verified
        date = service.timeline_date
        return cls(
            status=service.timeline_status or "",
            evidence=service.timeline_evidence,
            source=service.evidence_source,
            date=date,
            start_date=service.start_date,
            start_precision=getattr(service, "start_precision", None),
            verified=verified if verified and date and verified <= date else None,
            unconfirmed=getattr(service, "timeline_unconfirmed", None),
            earliest=getattr(service, "timeline_earliest", None),
        )

    @property
    def source(self):
        if self.verified:
            return gettext("checked by an editor")
        if self.precision and self.editor:
            return str(EditorRole(self.editor).label)
        return self.document

    @property
    def by_editor(self):
        """Whether the newest evidence is an editor's statement rather than a document's."""
        return self.verified or bool(self.precision and self.editor)

    @property
    def when(self):
        if self.verified:
            return date_format(self.evidence, "j F Y")  # an editor's check is a day
        if self.precision:
            return shown_with_precision(self.shown_date, self.precision)
        return shown_to_its_precision(self.evidence)

    @property
    def month_or_coarser(self):
        """The newest evidence's date as a stale claim words it, for "not confirmed since …" elsewhere (the
        coverage matrix): "November 2023", "2023", or "an undated document written after April 2019"."""
        return self._stale(
            {
                "month": "%(month)s",
                "year": "%(year)s",
                "after": gettext("an undated document written after %(month)s"),
            }
        )

    def _stale(self, wordings):
        """A stale claim's wording, its date a month or coarser (a claim's age is told in months): a day's
        evidence shows as its month, an undated document's by the month after which it was written."""
        kind = "month" if self.kind == "day" else self.kind
        return worded(self.shown_date, kind, wordings)

    def _reported(self, words):
        if self.kind == "after":
            # An undated document written after a month: it is not known when it said so.
            return gettext("%(words)s in an undated document written after %(month)s (%(source)s)") % {
                "words": words,
                "month": date_format(self.shown_date, "F Y"),
                "source": self.source,
            }
        if self.source:
            return gettext("%(words)s — %(date)s (%(source)s)") % {
                "words": words,
                "date": self.when,
                "source": self.source,
            }
        return gettext("%(words)s — %(date)s") % {"words": words, "date": self.when}

    def _nothing_known(self):
        if self.start_date and self.date and self.start_date > self.date:
            return gettext("Not started by then (start: %(start)s)") % {"start": self.start_shown}
        if self.earliest and self.date and self.earliest > self.date:
            # Before the earliest evidence nothing is known, whatever came later (an end date included).
            return worded(
                self.earliest,
                self.earliest_kind,
                {
                    "day": gettext("Nothing known for this date: the earliest evidence is from %(day)s"),
                    "month": gettext("Nothing known for this date: the earliest evidence is from %(month)s"),
                    "year": gettext("Nothing known for this date: the earliest evidence is from %(year)s"),
                    "after": gettext(
                        "Nothing known for this date: the earliest evidence is an undated document written after "
                        "%(month)s"
                    ),
                },
            )
        return gettext("Nothing known for this date")

    def _planned_start(self):
        """'Planned to start' with the start date as precisely as it is known."""
        return worded(
            self.start_date,
            date_kind(self.start_date, self.start_precision),
            {
                "day": gettext("Planned to start on %(day)s"),
                "month": gettext("Planned to start in %(month)s"),
                "year": gettext("Planned to start in %(year)s"),
            },
        )

    def _from_start_only(self):
        """Running only because a later source gives the start date: no source from then says so (and on a day
        inside a start known only to its month or year, it may not have opened yet)."""
        kind = date_kind(self.start_date, self.start_precision)
        if within_period(self.date, self.start_date, kind):
            wordings = {
                "month": gettext(
                    "Started some time in %(month)s, a later source says — not known whether by this date"
                ),
                "year": gettext("Started some time in %(year)s, a later source says — not known whether by this date"),
            }
        else:
            wordings = {
                "day": gettext("Started on %(day)s, a later source says — no source from then reports it running"),
                "month": gettext("Started in %(month)s, a later source says — no source from then reports it running"),
                "year": gettext("Started in %(year)s, a later source says — no source from then reports it running"),
            }
        return worded(self.start_date, kind, wordings)

    def _decision(self):
        """``(wording, warning)``: what the claim says, as a function that words it (dates formatted in the page's
        language, on first use), and whether it is a warning (known without wording anything)."""
        status = self.status
        if status == "":
            return lambda: self._nothing_known(), True
        if self.evidence is None:
            if status in Status.operating() and self.start_date and self.date and self.start_date <= self.date:
                return lambda: self._from_start_only(), True
            if status in Status.operating():
                return (
                    lambda: (
                        gettext("Reported as %(status)s in an undated document — not known when")
                        % {"status": Status(status).label.lower()}
                    ),
                    True,
                )
            return lambda: gettext("%(status)s, says an undated document") % {"status": Status(status).label}, True
        if status in Status.operating() and self.unconfirmed:
            return (
                lambda: (
                    gettext("Not known whether it still runs: an editor could not confirm it on %(date)s")
                    % {"date": date_format(self.unconfirmed, "j F Y")}
                ),
                True,
            )
        if status == Status.PILOT and self.stale:
            return lambda: self._stale(
                {
                    "month": gettext("Pilot reported in %(month)s — outcome not known"),
                    "year": gettext("Pilot reported in %(year)s — outcome not known"),
                    "after": gettext(
                        "Pilot reported in an undated document written after %(month)s — outcome not known"
                    ),
                }
            ), True
        if status in Status.operating() and self.stale:
            return lambda: self._stale(
                {
                    "month": gettext("Not confirmed since %(month)s"),
                    "year": gettext("Not confirmed since %(year)s"),
                    "after": gettext("Not confirmed since an undated document written after %(month)s"),
                }
            ), True
        if status in Status.operating() and self.date and within_period(self.date, self.evidence, self.precision):
            # "Opened in 2018", read on a day in 2018: it may not have opened yet.
            return lambda: worded(
                self.shown_date,
                self.kind,
                {
                    "month": gettext(
                        "Reported running some time in %(month)s — not known whether by this date (%(source)s)"
                    ),
                    "year": gettext(
                        "Reported running some time in %(year)s — not known whether by this date (%(source)s)"
                    ),
                },
                source=self.source,
            ), True
        # An undated document written after a date: it is not known when it said so.
        undated = self.precision == Precision.AFTER
        if status == Status.ACTIVE:
            return lambda: self._reported(gettext("Reported running")), undated
        if status == Status.PILOT:
            return lambda: self._reported(gettext("Reported running as a pilot")), undated
        if status == Status.PLANNED:
            if self.start_date and self.date and self.start_date <= self.date and self.start_date > self.evidence:
                return (
                    lambda: (
                        gettext("Planned for %(start)s — not known whether it started") % {"start": self.start_shown}
                    ),
                    True,
                )
            if self.start_date and self.date and self.start_date > self.date:
                return lambda: self._reported(self._planned_start()), False
            return lambda: self._reported(gettext("Reported as planned")), self.stale
        if status == Status.DECOMMISSIONED:
            if self.by_editor:
                return lambda: self._reported(gettext("Ended")), False
            return lambda: self._reported(gettext("Reported ended")), False
        return lambda: self._reported(gettext("Reported never established")), False

    @property
    def tag_class(self):
        if self.warning:
            return "app-tag--warning"
        return {
            Status.PILOT: "govuk-tag--turquoise",
            Status.ACTIVE: "govuk-tag--green",
            Status.PLANNED: "govuk-tag--blue",
        }.get(self.status, "govuk-tag--grey")

    def __str__(self):
        return self.text


def stale_months():
    return getattr(settings, "EVIDENCE_STALE_MONTHS", 24)


def evidence_horizon():
    """The newest date any source document speaks for (``None`` with no dated documents)."""
    return Document.objects.exclude(published=None).aggregate(newest=models.Max("published"))["newest"]


class EvidenceSpan(NamedTuple):
    """The dates the source documents speak for: the earliest and the newest (``None`` with no dated documents)."""

    earliest: datetime.date | None
    newest: datetime.date | None

    def before(self, date):
        """Whether ``date`` is before the earliest source: no source speaks for it, so nothing is known of
        services then (a zero is not a gap)."""
        return self.earliest is not None and date < self.earliest


def evidence_span():
    """``evidence_horizon()`` and the earliest source's date, in the one query."""
    dated = Document.objects.exclude(published=None)
    return EvidenceSpan(**dated.aggregate(earliest=models.Min("published"), newest=models.Max("published")))
