"""A service's timeline: status events and availability notes."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .documents import Sourced
from .evidence import Precision
from .service import Service
from .vocabulary import Status


class StatusEventManager(models.Manager):
    def get_by_natural_key(self, service_slug, status, document_slug):
        return self.get(service__slug=service_slug, status=status, document__slug=document_slug)


class StatusEvent(Sourced):
    """What one document says of a service's status, and when: the service's history."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="status_events", verbose_name=_("service")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_(
            "When this status held or began, as near as the document allows (a month or year as its first day). "
            "Blank only where the document is undated."
        ),
    )
    precision = models.CharField(
        _("precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DOCUMENT,
        help_text=_("How precisely the date is known: a day, a month, a year, or only the document's own date."),
    )
    date_text = models.CharField(_("date as written"), max_length=120, blank=True)

    history = HistoricalRecords()
    objects = StatusEventManager()

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
        ]

    def __str__(self):
        return f"{self.service}: {self.get_status_display()} ({self.date_text or self.date})"

    def natural_key(self):
        return (self.service.slug, self.status, self.document.slug)

    natural_key.dependencies = ["directory.service", "directory.document"]


class Availability(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITING_LIST = "waiting_list", _("Waiting list")
    PAUSED = "paused", _("Referrals paused")


class AvailabilityNoteManager(models.Manager):
    def get_by_natural_key(self, service_slug, said_on):
        return self.get(service__slug=service_slug, said_on=said_on)


class AvailabilityNote(Sourced):
    """Whether a service was taking referrals, as said on a date."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="availability_notes", verbose_name=_("service")
    )
    state = models.CharField(_("state"), max_length=16, choices=Availability.choices)
    wait = models.CharField(_("stated wait"), max_length=200, blank=True)
    said_on = models.DateField(_("said on"))

    history = HistoricalRecords()
    objects = AvailabilityNoteManager()

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
