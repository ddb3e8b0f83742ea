"""How a person gets into a service: referral routes and what a referrer must gather.

Part of describing a service, so here in the directory; the tables and migrations stay in the
``referrals`` app they were created in (``app_label``), whose matcher and pack use them."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisations import SlugManager
from .service import Service
from .vocabulary import JusticeRequirement


class Referrer(models.TextChoices):
    """Who is making a referral, as the case matcher asks it."""

    SELF = "self", _("The person themselves")
    SOCIAL_WORKER = "social_worker", _("Social worker or children's services")
    POLICE = "police", _("Police")
    PROBATION = "probation", _("Probation")
    HEALTH = "health", _("Health (GP, health visitor, mental health)")
    OTHER_AGENCY = "other_agency", _("Another agency (IDVA, housing, third sector)")


class ReferralPathway(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order in lists and filters."))
    referrers = models.JSONField(
        _("who can use it"),
        default=list,
        blank=True,
        help_text=_(
            "Referrer kinds that can use this route: self, social_worker, police, probation, health, other_agency."
        ),
    )
    requires_marac = models.BooleanField(
        _("case must be heard at MARAC"),
        default=False,
        help_text=_("Tick where the route runs only through a MARAC discussion."),
    )
    justice_requirement = models.CharField(
        _("conviction or caution needed"),
        max_length=24,
        choices=JusticeRequirement.choices,
        blank=True,
        help_text=_("What the justice system must have decided before this route opens."),
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        app_label = "referrals"
        verbose_name = _("referral pathway")
        verbose_name_plural = _("referral pathways")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(justice_requirement__in=["", *JusticeRequirement.values]),
                name="pathway_justice_requirement_valid",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the active language (see ``directory.vocabulary``)."""
        return gettext(self.name)

    def natural_key(self):
        return (self.slug,)

    def get_referrers_display(self):
        labels = dict(Referrer.choices)
        return [labels[value] for value in self.referrers if value in labels]


class ServicePathwayManager(models.Manager):
    def get_by_natural_key(self, service_slug, pathway_slug):
        return self.get(service__slug=service_slug, pathway__slug=pathway_slug)


class ServicePathway(models.Model):
    """One route into one service, with what the documents say of it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="pathways", verbose_name=_("service"))
    pathway = models.ForeignKey(
        ReferralPathway, on_delete=models.PROTECT, related_name="service_links", verbose_name=_("pathway")
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("e.g. 'Referral only through MARAC discussion'.")
    )
    contact = models.CharField(
        _("contact for this route"), max_length=200, blank=True, help_text=_("Exactly as the document gives it.")
    )

    history = HistoricalRecords()
    objects = ServicePathwayManager()

    class Meta:
        app_label = "referrals"
        verbose_name = _("service referral route")
        verbose_name_plural = _("service referral routes")
        ordering = ["service", "pathway__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "pathway"],
                name="service_pathway_unique",
                violation_error_message=_("This service already has that referral route."),
            )
        ]

    def __str__(self):
        return f"{self.service}: {self.pathway}"

    def natural_key(self):
        return (self.service.slug, self.pathway.slug)

    natural_key.dependencies = ["directory.service", "referrals.referralpathway"]


class ReferralRequirementManager(models.Manager):
    def get_by_natural_key(self, service_slug, position):
        return self.get(service__slug=service_slug, position=position)


class ReferralRequirement(models.Model):
    """One thing a referrer must gather or have in place before referring."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("service")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    section = models.CharField(
        _("section"),
        max_length=120,
        blank=True,
        help_text=_("The heading of the provider's form this falls under, if any."),
    )
    item = models.CharField(
        _("item"), max_length=300, help_text=_("What the referrer must gather, e.g. 'Consent to refer'.")
    )
    detail = models.TextField(_("detail"), blank=True)
    source_document = models.ForeignKey("directory.Document", on_delete=models.PROTECT, verbose_name=_("document"))
    source_section = models.CharField(_("document section"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ReferralRequirementManager()

    class Meta:
        app_label = "referrals"
        verbose_name = _("referral requirement")
        verbose_name_plural = _("referral requirements")
        ordering = ["service", "position"]
        constraints = [
            models.UniqueConstraint(fields=["service", "position"], name="referral_requirement_unique_position")
        ]

    def __str__(self):
        return self.item

    def natural_key(self):
        return (self.service.slug, self.position)

    natural_key.dependencies = ["directory.service", "directory.document"]
