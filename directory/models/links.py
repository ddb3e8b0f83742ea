"""Between services and sources: disagreements and links from one service to another."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .citations import Citation
from .service import Service


class DisagreementManager(models.Manager):
    def get_by_natural_key(self, service_slug, topic):
        return self.get(service__slug=service_slug, topic=topic)


class Disagreement(models.Model):
    """Two documents that say different things about one service: both kept, each with its date.

    The service page shows both statements ("The 2020 review says …; the 17 November 2023 letter says …")
    instead of silently picking one.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="disagreements", verbose_name=_("service")
    )
    topic = models.CharField(
        _("topic"), max_length=120, help_text=_("What they disagree about, e.g. 'Referral route'.")
    )
    earlier = models.ForeignKey(
        Citation, on_delete=models.CASCADE, related_name="+", verbose_name=_("earlier statement")
    )
    later = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="+", verbose_name=_("later statement"))
    note = models.TextField(
        _("editor's note"), blank=True, help_text=_("How the directory reads the two, and what it shows as current.")
    )

    history = HistoricalRecords()
    objects = DisagreementManager()

    class Meta:
        verbose_name = _("disagreement between documents")
        verbose_name_plural = _("disagreements between documents")
        ordering = ["service", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["service", "topic"], name="disagreement_unique_topic"),
            models.CheckConstraint(
                condition=~Q(earlier=models.F("later")),
                name="disagreement_two_statements",
                violation_error_message=_("A disagreement needs two different statements."),
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.topic}"

    def natural_key(self):
        return (self.service.slug, self.topic)

    natural_key.dependencies = ["directory.service", "directory.citation"]


class LinkKind(models.TextChoices):
    PARTNER_SUPPORT = "partner_support", _("Partner support alongside")
    STEP_UP = "step_up", _("Step up to")
    STEP_DOWN = "step_down", _("Step down to")
    REFERS_TO = "refers_to", _("Refers on to")
    WORKS_WITH = "works_with", _("Works closely with")
    REPLACED_BY = "replaced_by", _("Replaced by")


class ServiceLinkManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_service__slug=from_slug, to_service__slug=to_slug, kind=kind)


class ServiceLink(models.Model):
    from_service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("from service")
    )
    to_service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("to service")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ServiceLinkManager()

    class Meta:
        verbose_name = _("link between services")
        verbose_name_plural = _("links between services")
        ordering = ["from_service", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["from_service", "to_service", "kind"], name="service_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_service=models.F("to_service")),
                name="service_link_not_self",
                violation_error_message=_("A service cannot link to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.from_service} → {self.get_kind_display()} → {self.to_service}"

    def natural_key(self):
        return (self.from_service.slug, self.to_service.slug, self.kind)

    natural_key.dependencies = ["directory.service"]
