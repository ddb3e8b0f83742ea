"""The data version that keys cached pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------
# Data version (for caches)
# --------------------------------------------------------------------------


class DataVersion(models.Model):
    """One row whose number goes up with every edit to the directory (see ``directory/pagecache.py``).

    It is bumped in the same transaction as the edit, so a cached page keyed by it is never
    older than the data a reader could see: a page is recomputed once per change.
    """

    version = models.PositiveBigIntegerField(_("version"), default=1)
    # A fresh random token with every bump: a bump in a transaction that rolls back never
    # comes back as the key of later data (the counter alone would repeat).
    token = models.CharField(_("token"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.version)
