from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import history, roles

        # A row loaded from fixtures has no history; before its first edit,
        # record the state it had so the edit shows as a before → after diff.
        pre_save.connect(history.record_baseline_before_first_edit, dispatch_uid="editorial-history-baseline")
        # The roles are created by a data migration; this keeps them complete
        # after a database is flushed (tests) or new models bring new permissions.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self, dispatch_uid="editorial-sync-roles")
