"""How to reach a service: contacts copied exactly from their source."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .service import Service


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WEBSITE = "website", _("Website")
    ADDRESS = "address", _("Address")


class ContactManager(models.Manager):
    def get_by_natural_key(self, service_slug, kind, value):
        return self.get(service__slug=service_slug, kind=kind, value=value)


class Contact(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("service"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=300, help_text=_("Exactly as the document gives it."))
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. 'Referrals', 'Cardiff office'."))

    history = HistoricalRecords()
    objects = ContactManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["service", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "value"],
                name="contact_unique_per_service",
                violation_error_message=_("This service already has that contact."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        """Each kind of contact in its format (UK phone number, email address, web address), stored trimmed."""
        from directory.validators import CONTACT_FORMATS

        self.value = (self.value or "").strip()
        validator = CONTACT_FORMATS.get(self.kind)
        if self.value and validator:
            try:
                validator(self.value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from error

    def natural_key(self):
        return (self.service.slug, self.kind, self.value)

    natural_key.dependencies = ["directory.service"]

    @property
    def href(self):
        if self.kind == ContactKind.EMAIL:
            return f"mailto:{self.value}"
        if self.kind == ContactKind.PHONE:
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        if self.kind == ContactKind.WEBSITE:
            return self.value if "://" in self.value else f"https://{self.value}"
        return ""
