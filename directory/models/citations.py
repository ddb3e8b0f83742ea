"""What a service's sources say: citations and the service's focus."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .documents import Sourced
from .service import Service
from .vocabulary import Audience, FocusKind, Harm


class CitationManager(models.Manager):
    def get_by_natural_key(self, service_slug, document_slug, quote):
        return self.get(service__slug=service_slug, document__slug=document_slug, quote=quote)


LAST_CITATION_MESSAGE = _("Keep at least one citation: every service must cite a source")


class Citation(Sourced):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="citations", verbose_name=_("service"))
    supports = models.CharField(
        _("supports"),
        max_length=200,
        blank=True,
        help_text=_("Which facts this quote supports, e.g. 'risk levels, referral route'."),
    )

    history = HistoricalRecords()
    objects = CitationManager()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["service", "document__published", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "document", "quote"],
                name="citation_unique_per_service",
                violation_error_message=_("This service already cites that quote."),
            )
        ]

    def __str__(self):
        return f"{self.document.slug} {self.section}: “{self.quote}”"

    def delete(self, *args, **kwargs):
        """Every service keeps at least one citation, whichever path removes one (admin, approval, undo).

        Deleting the service itself removes its citations without coming here.
        """
        if not Citation.objects.filter(service_id=self.service_id).exclude(pk=self.pk).exists():
            raise ValidationError(LAST_CITATION_MESSAGE, code="last_citation")
        return super().delete(*args, **kwargs)

    def natural_key(self):
        return (self.service.slug, self.document.slug, self.quote)

    natural_key.dependencies = ["directory.service", "directory.document"]


class ServiceFocusManager(models.Manager):
    def get_by_natural_key(self, service_slug, kind, value):
        return self.get(service__slug=service_slug, kind=kind, value=value)


class ServiceFocus(Sourced):
    """One cited statement of who a service is for, or of a harm it does or does not address.

    A missing row means the documents do not say: "not stated" is never "no".
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="focus", verbose_name=_("service"))
    kind = models.CharField(_("kind"), max_length=10, choices=FocusKind.choices)
    value = models.CharField(
        _("value"),
        max_length=20,
        choices=[*Audience.choices, *Harm.choices],
        help_text=_("An audience for 'who it is for', a harm for 'harm addressed'."),
    )
    applies = models.BooleanField(
        _("the document says yes"),
        help_text=_("Ticked: the quote says the service is for this. Unticked: the quote says it is not."),
    )

    history = HistoricalRecords()
    objects = ServiceFocusManager()

    class Meta:
        verbose_name = _("who it is for, harm addressed")
        verbose_name_plural = _("who it is for, harms addressed")
        ordering = ["service", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "value"],
                name="service_focus_unique",
                violation_error_message=_("This service already has a statement for that."),
            ),
            models.CheckConstraint(
                condition=Q(kind="audience", value__in=Audience.values) | Q(kind="harm", value__in=Harm.values),
                name="service_focus_value_matches_kind",
                violation_error_message=_("Choose an audience for 'who it is for' and a harm for 'harm addressed'."),
            ),
        ]

    def __str__(self):
        answer = gettext("yes") if self.applies else gettext("no")
        return f"{self.service}: {self.get_value_display()} ({answer})"

    def natural_key(self):
        return (self.service.slug, self.kind, self.value)

    natural_key.dependencies = ["directory.service", "directory.document"]
