"""How a person gets into a service: referral routes and what a referrer must gather.

Part of describing a service, so here in the directory; the tables and migrations stay in the
``referrals`` app they were created in (``app_label``), whose matcher and pack use them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.natural_keys import NaturalKeyManager

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


MARAC_AND_SELF_REFERRAL = _(
    "A service referred only through MARAC cannot also take self-referrals: remove the self-referral route "
    "or add the other routes it takes"
)


def marac_only_with_self_referral(pathways):
    """Whether routes claim self-referral although every other route runs only through MARAC.

    The rule's one definition: a MARAC referral means agencies judged the case too
    risky for the person to come forward alone, so a service reached only that way
    cannot also be open to anyone who asks. Checked by ``ServicePathway.clean()``
    (one route against the service's others), ``ServicePathway.check_routes()``
    (all of a service's routes at once, as the admin's inline does),
    ``ReferralPathway.clean()`` (a route whose kind changes under its services) and
    ``ServicePathway.check_removal()`` (routes removed from their services: ``delete()``).
    """
    pathways = list(pathways)
    self_routes = [p for p in pathways if "self" in (p.referrers or [])]
    others = [p for p in pathways if "self" not in (p.referrers or [])]
    return bool(self_routes) and bool(others) and all(p.requires_marac for p in others)


def refuse_broken(routes_by_service):
    """Refuse a change that would leave any of these services (each with its routes after it) breaking the rule."""
    broken = sorted(
        service.name for service, pathways in routes_by_service.items() if marac_only_with_self_referral(pathways)
    )
    if broken:
        raise ValidationError(
            gettext("%(rule)s. This change would break it for: %(services)s")
            % {"rule": str(MARAC_AND_SELF_REFERRAL).rstrip("."), "services": ", ".join(broken)},
            code="marac_and_self_referral",
        )


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
    objects = NaturalKeyManager()

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

    def clean(self):
        """A change to who can use the route, or to MARAC, must leave every service using it within the MARAC rule."""
        if self.pk is None:
            return
        links = ServicePathway.objects.filter(service__pathways__pathway=self).select_related("pathway", "service")
        routes = {}
        for link in links:
            routes.setdefault(link.service, []).append(self if link.pathway_id == self.pk else link.pathway)
        refuse_broken(routes)


class ServicePathwayQuerySet(models.QuerySet):
    def delete(self):
        """Removing these routes leaves each service within the MARAC rule (``ServicePathway.check_removal``)."""
        ServicePathway.check_removal(self)
        return super().delete()


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
    natural_key_fields = ("service__slug", "pathway__slug")
    objects = NaturalKeyManager.from_queryset(ServicePathwayQuerySet)()

    # Set by a form that checks all of a service's routes together (the admin's inline formset, through
    # check_routes): clean() then leaves the MARAC rule to it, since saved routes may be about to change.
    routes_checked_together = False

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

    @staticmethod
    def check_routes(pathways):
        """Refuse a service's whole set of routes (``ReferralPathway`` rows) that breaks the MARAC rule."""
        if marac_only_with_self_referral(pathways):
            raise ValidationError(MARAC_AND_SELF_REFERRAL, code="marac_and_self_referral")

    @classmethod
    def check_removal(cls, links):
        """Refuse removing these routes (``ServicePathway`` rows) where a service's remaining routes break the rule.

        A service left with no route keeps the rule. The admin asks before its delete page and its "delete
        selected" action (``editorial.admin.deletion``), so an editor sees why, not an error page.
        """
        links = list(links)
        remaining = (
            cls.objects.filter(service_id__in={link.service_id for link in links})
            .exclude(pk__in=[link.pk for link in links])
            .select_related("service", "pathway")
        )
        routes = {}
        for link in remaining:
            routes.setdefault(link.service, []).append(link.pathway)
        refuse_broken(routes)

    def delete(self, *args, **kwargs):
        """Removing a route keeps its service within the MARAC rule, whichever path removes it.

        A formset that checked the service's routes together (``routes_checked_together``: the service
        admin's inline, approval, undo) has checked what remains. Deleting the service removes its routes
        without coming here.
        """
        if not self.routes_checked_together:
            ServicePathway.check_removal([self])
        return super().delete(*args, **kwargs)

    def clean(self):
        """This route with the service's other saved routes keeps to the MARAC rule (admin, approval, undo, import)."""
        if self.routes_checked_together or self.service_id is None or self.pathway_id is None:
            return
        others = ServicePathway.objects.filter(service_id=self.service_id).exclude(pk=self.pk).select_related("pathway")
        ServicePathway.check_routes([*(link.pathway for link in others), self.pathway])

    def natural_key(self):
        return (self.service.slug, self.pathway.slug)

    natural_key.dependencies = ["directory.service", "referrals.referralpathway"]


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
    natural_key_fields = ("service__slug", "position")
    objects = NaturalKeyManager()

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
