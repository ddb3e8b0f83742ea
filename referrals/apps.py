from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """The case matcher and the referral pack.

    The referral route models they use describe services, so they are defined in the layer below,
    directory/models/routes.py, with this app's label: their tables, migrations and permissions stay
    here. Django treats that module as this app's models module (no referrals/models.py), so
    migrate still creates their content types and permissions.
    """

    name = "referrals"
    verbose_name = _("Referrals")

    def import_models(self):
        super().import_models()
        self.models_module = import_module("directory.models.routes")
