"""Dated claims: what a source says, from when, and how old the evidence is."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .documents import Document, shown_to_its_precision
from .vocabulary import Status

EVIDENCE_FLOOR = datetime.date(1, 1, 1)


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    DOCUMENT = "document", _("By the date of the document")
    UNDATED = "undated", _("Undated document")


def months_between(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


class Claim:
    """A status as the evidence gives it on a date, always with the evidence's age.

    ``text`` is what a page prints ("Reported running — 17 November 2023 (…)"); ``warning`` is
    True where the claim is old or uncertain (pages style it as a warning, with the word
    "Warning" for screen readers, not colour alone); ``running`` is whether the timeline
    counts the service as running on the date.
    """

    def __init__(self, *, status, evidence, document, date, start_date, verified, unconfirmed=None):
        self.status = status
        self.unconfirmed = unconfirmed
        self.evidence = evidence if evidence and evidence != EVIDENCE_FLOOR else None
        self.document = document or ""
        self.date = date
        self.start_date = start_date
        self.verified = bool(verified and self.evidence and verified == self.evidence)
        self.running = status in Status.operating()
        self.stale = bool(
            self.date and (self.evidence is None or months_between(self.evidence, self.date) >= stale_months())
        )
        self.text, self.warning = self._words()

    @classmethod
    def for_service(cls, service):
        verified = service.last_verified
        date = service.timeline_date
        return cls(
            status=service.timeline_status or "",
            evidence=service.timeline_evidence,
            document=service.evidence_document,
            date=date,
            start_date=service.start_date,
            verified=verified if verified and date and verified <= date else None,
            unconfirmed=getattr(service, "timeline_unconfirmed", None),
        )

    @property
    def source(self):
        if self.verified:
            return gettext("checked by an editor")
        return self.document

    @property
    def when(self):
        return shown_to_its_precision(self.evidence)

    def _reported(self, words):
        if self.source:
            return gettext("%(words)s — %(date)s (%(source)s)") % {
                "words": words,
                "date": self.when,
                "source": self.source,
            }
        return gettext("%(words)s — %(date)s") % {"words": words, "date": self.when}

    def _words(self):
        status = self.status
        if status == "":
            if self.start_date and self.date and self.start_date > self.date:
                return gettext("Not started by then (start: %(start)s)") % {
                    "start": shown_to_its_precision(self.start_date)
                }, True
            return gettext("Nothing known for this date"), True
        if self.evidence is None:
            if status in Status.operating():
                return gettext("Reported as %(status)s in an undated document — not known when") % {
                    "status": Status(status).label.lower()
                }, True
            return gettext("%(status)s, says an undated document") % {"status": Status(status).label}, True
        if status in Status.operating() and self.unconfirmed:
            return gettext("Not known whether it still runs: an editor could not confirm it on %(date)s") % {
                "date": date_format(self.unconfirmed, "j F Y")
            }, True
        if status == Status.PILOT and self.stale:
            when = self.when if len(self.when) == 4 else date_format(self.evidence, "F Y")
            return gettext("Pilot reported in %(date)s — outcome not known") % {"date": when}, True
        if status in Status.operating() and self.stale:
            return gettext("Not confirmed since %(date)s") % {"date": date_format(self.evidence, "F Y")}, True
        if status == Status.ACTIVE:
            return self._reported(gettext("Reported running")), False
        if status == Status.PILOT:
            return self._reported(gettext("Reported running as a pilot")), False
        if status == Status.PLANNED:
            if self.start_date and self.date and self.start_date <= self.date and self.start_date > self.evidence:
                return gettext("Planned for %(start)s — not known whether it started") % {
                    "start": shown_to_its_precision(self.start_date)
                }, True
            if self.start_date and self.date and self.start_date > self.date:
                return self._reported(
                    gettext("Planned to start %(start)s") % {"start": shown_to_its_precision(self.start_date)}
                ), False
            return self._reported(gettext("Reported as planned")), self.stale
        if status == Status.DECOMMISSIONED:
            return self._reported(gettext("Reported ended")), False
        return self._reported(gettext("Reported never established")), False

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
