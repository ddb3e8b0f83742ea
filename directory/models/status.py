"""A service's timeline: status events and availability notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.natural_keys import NaturalKeyManager

from .documents import Document, Sourced
from .evidence import EditorRole, Precision, shown_with_precision
from .service import Service
from .vocabulary import Status


class StatusEvent(Sourced):
    """What one source says of a service's status, and when: the service's history.

    The source is a document (its section and a verbatim quote) or an editor's statement (an editor's
    role, who and when they said it): an editor who finds a service has ended records it here, so the
    timeline shows it ended on that date with its evidence ("Ended — 3 December 2026 (directory editor)").
    Public pages show the role, never the person; the history keeps who.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="status_events", verbose_name=_("service")
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("document"),
        help_text=_("The document that says it. Blank only for an editor's statement."),
    )
    section = models.CharField(
        _("section"),
        max_length=200,
        blank=True,
        help_text=_("Section, table or page, e.g. '4.4 High-harm services' or 'South Wales Police Area table'."),
    )
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_(
            "Copied word for word from the document, at most 25 words. Never paraphrase. "
            "Blank for an editor's statement."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_(
            "When this status held or began, as near as the source allows (a month or year as its first day). "
            "Blank only where the document is undated."
        ),
    )
    precision = models.CharField(
        _("precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DOCUMENT,
        help_text=_(
            "How precisely the date is known, from what the quote says: a day, a month ('in November 2019'), "
            "a year ('in 2018'), or only the document's own date (a document that says it is running). "
            "An editor's statement gives a day."
        ),
    )
    date_text = models.CharField(_("date as written"), max_length=120, blank=True)
    editor_role = models.CharField(
        _("stated by an editor as"),
        max_length=10,
        choices=EditorRole.choices,
        blank=True,
        help_text=_("For an editor's statement (no document): the role shown on public pages."),
    )
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stated by"),
        help_text=_("The editor who stated it (never shown on public pages)."),
    )
    stated_on = models.DateField(_("stated on"), null=True, blank=True, help_text=_("When the editor stated it."))

    history = HistoricalRecords()
    natural_key_fields = ("service__slug", "status", "document__slug")
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status history")
        ordering = ["service", models.F("date").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(precision="undated"),
                name="status_event_dated_unless_undated",
                violation_error_message=_("Give a date, or choose 'Undated document' as its precision."),
            ),
            models.UniqueConstraint(
                fields=["service", "status", "document"],
                name="status_event_unique",
                violation_error_message=_("That document already gives this status for this service."),
            ),
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(editor_role="") & ~Q(quote=""))
                | (Q(document__isnull=True) & ~Q(editor_role="") & Q(quote="") & Q(stated_on__isnull=False)),
                name="status_event_one_source",
                violation_error_message=_(
                    "Give either a document with its quote, or an editor's role and the date they stated it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=False) | (Q(precision="day") & Q(date__lte=F("stated_on"))),
                name="status_event_editor_states_a_past_day",
                violation_error_message=_("An editor states a day, no later than the day they state it."),
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.get_status_display()} ({self.date_text or self.date})"

    def clean(self):
        """An editor's statement that a service ended: not before it started, nor before a document says it ran."""
        if self.document_id or self.status not in (Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED):
            return
        if not (self.date and self.service_id):
            return
        service = Service.objects.get(pk=self.service_id)
        if service.start_date and self.date < service.start_date:
            raise ValidationError({"date": _("The end date cannot be before the start date.")})
        later = (
            StatusEvent.objects.filter(
                service_id=self.service_id, document__isnull=False, status__in=Status.operating(), date__gt=self.date
            )
            .select_related("document")
            .order_by("-date")
            .first()
        )
        if later:
            raise ValidationError(
                {
                    "date": _(
                        "%(document)s says it was running on %(date)s, after this date. Enter an end after it, or "
                        "correct the status history."
                    )
                    % {"document": later.document.name_in_claims, "date": later.date_shown}
                }
            )

    def natural_key(self):
        return (self.service.slug, self.status, self.document.slug if self.document else "")

    natural_key.dependencies = ["directory.service", "directory.document"]

    @property
    def date_shown(self):
        """The date as precisely as it is known ("November 2019"; "17 November 2023"), for pages."""
        if self.date is None:
            return ""
        return shown_with_precision(self.date, self.precision)

    @property
    def date_note(self):
        """The date as the source words it, where that says more than ``date_shown`` ("concluding as the review
        was written"); empty where it says the same."""
        from django.utils import translation

        with translation.override("en"):
            plain = self.date_shown
        return "" if self.date_text in ("", plain) else self.date_text

    @property
    def source_shown(self):
        """The document's full title, or the editor's role and the day they said it (never who)."""
        if self.document_id:
            return self.document.title
        return gettext("%(role)s, stated %(date)s") % {
            "role": capfirst(self.get_editor_role_display()),
            "date": date_format(self.stated_on, "j F Y"),
        }


class Availability(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITING_LIST = "waiting_list", _("Waiting list")
    PAUSED = "paused", _("Referrals paused")


class AvailabilityNote(Sourced):
    """Whether a service was taking referrals, as said on a date."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="availability_notes", verbose_name=_("service")
    )
    state = models.CharField(_("state"), max_length=16, choices=Availability.choices)
    wait = models.CharField(_("stated wait"), max_length=200, blank=True)
    said_on = models.DateField(_("said on"))

    history = HistoricalRecords()
    natural_key_fields = ("service__slug", "said_on")
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("referral availability")
        verbose_name_plural = _("referral availability")
        ordering = ["service", "-said_on"]
        constraints = [models.UniqueConstraint(fields=["service", "said_on"], name="availability_unique_per_day")]

    def __str__(self):
        return f"{self.service}: {self.get_state_display()} ({self.said_on})"

    def natural_key(self):
        return (self.service.slug, self.said_on.isoformat())

    natural_key.dependencies = ["directory.service", "directory.document"]
