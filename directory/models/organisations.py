"""Providers and programmes, and the natural-key manager for slugged rows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.natural_keys import NaturalKeyManager

# --------------------------------------------------------------------------
# Providers and programmes
# --------------------------------------------------------------------------


class OrganisationQuerySet(models.QuerySet):
    def with_services(self):
        """Organisations with at least one service in the directory: only these have a public page.

        An organisation an Open Referral import created for a proposed service stays out
        of sight until a directory admin approves that service.
        """
        return self.filter(services__isnull=False).distinct()


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.CharField(
        _("website"), max_length=200, blank=True, help_text=_("Exactly as the documents give it.")
    )

    history = HistoricalRecords()
    objects = NaturalKeyManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", kwargs={"slug": self.slug})

    def clean(self):
        """The website is a web address (with or without its scheme), stored trimmed: admin, import and approval."""
        from directory.validators import validate_web_address

        self.website = (self.website or "").strip()
        if self.website:
            try:
                validate_web_address(self.website)
            except ValidationError as error:
                raise ValidationError({"website": error.messages}) from error

    def natural_key(self):
        return (self.slug,)


class Programme(models.Model):
    """A named model of intervention (Drive, CARA, Clear) that may be delivered in several places."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accreditation = models.TextField(_("accreditation"), blank=True)

    history = HistoricalRecords()
    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
