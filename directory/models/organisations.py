"""Providers and programmes, and the natural-key manager for slugged rows."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# --------------------------------------------------------------------------
# Providers and programmes
# --------------------------------------------------------------------------


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class OrganisationQuerySet(models.QuerySet):
    def with_services(self):
        """Organisations with at least one service in the directory: only these have a public page.

        An organisation an Open Referral import created for a proposed service stays out
        of sight until a directory admin approves that service.
        """
        return self.filter(services__isnull=False).distinct()


class OrganisationManager(SlugManager.from_queryset(OrganisationQuerySet)):
    pass


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.CharField(
        _("website"), max_length=200, blank=True, help_text=_("Exactly as the documents give it.")
    )

    history = HistoricalRecords()
    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class Programme(models.Model):
    """A named model of intervention (Drive, CARA, Clear) that may be delivered in several places."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accreditation = models.TextField(_("accreditation"), blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
