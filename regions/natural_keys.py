"""The one natural-key manager: how fixtures and ``loaddata`` find a row by its natural key."""

from django.db import models


class NaturalKeyManager(models.Manager):
    """Finds a row by its natural key, for every model that has one.

    The key is the model's ``natural_key_fields``: lookups in the order its ``natural_key()`` returns the
    values; ``("slug",)`` unless the model says otherwise (a contact: ``("service__slug", "kind", "value")``).
    A model with its own QuerySet uses ``NaturalKeyManager.from_queryset(ItsQuerySet)()``.
    """

    def get_by_natural_key(self, *key):
        fields = getattr(self.model, "natural_key_fields", ("slug",))
        return self.get(**dict(zip(fields, key, strict=True)))
