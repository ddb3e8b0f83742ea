"""The three editorial roles, as permission groups, and the organisation a user may edit.

Directory admins edit everything and manage users. Provider editors edit only
their own organisation's services, and their changes wait for a directory
admin's approval. Commissioners read everything and change nothing.
"""

from dataclasses import dataclass

DIRECTORY_ADMIN = "Directory admin"
PROVIDER_EDITOR = "Provider editor"
COMMISSIONER = "Commissioner (read only)"

DIRECTORY_APPS = ("directory", "regions", "referrals")

# Rows a provider editor edits from their service's page (the change waits for review).
PROVIDER_EDITS = {
    "directory": {"service", "contact", "citation", "statusevent", "availabilitynote"},
    "referrals": {"servicepathway", "referralrequirement"},
}
# What a provider editor may look at (to pick areas, programmes and documents, and see their inbox).
PROVIDER_VIEWS = {
    "directory": {
        "organisation",
        "programme",
        "document",
        "risklevel",
        "servicelink",
        "disagreement",
        "standardsassessment",
        "assessmentitem",
    },
    "regions": {"area"},
    "referrals": {"referralpathway"},
    "editorial": {"problemreport", "pendingchange"},
}


def role_wants(role, app_label, codename):
    """Whether ``role`` has the permission ``app_label.codename``."""
    action, _sep, model = codename.partition("_")
    if model.startswith("historical") and action != "view":
        return False  # history is written by saving rows, never edited by hand
    if role == DIRECTORY_ADMIN:
        return app_label in (*DIRECTORY_APPS, "editorial") or (app_label == "auth" and model in {"user", "group"})
    if role == COMMISSIONER:
        return app_label in DIRECTORY_APPS and action == "view"
    if role == PROVIDER_EDITOR:
        if model in PROVIDER_EDITS.get(app_label, ()):
            # Services are proposed and changed, never deleted: a closed service is decommissioned.
            return action in {"view", "add", "change"} or (action == "delete" and model != "service")
        if app_label == "editorial" and model == "problemreport":
            return action in {"view", "change"}
        return action == "view" and model in PROVIDER_VIEWS.get(app_label, ())
    return False


ROLES = (DIRECTORY_ADMIN, PROVIDER_EDITOR, COMMISSIONER)


def sync_roles(apps, using="default", create_permissions_first=True):
    """Create the three groups and give them their permissions (adds only; never removes).

    In a migration the permissions do not exist yet (Django creates them after
    migrating), so they are created first from the migration's model states.
    """
    if create_permissions_first:
        from django.contrib.auth.management import create_permissions

        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using)
        .filter(content_type__app_label__in=[*DIRECTORY_APPS, "editorial", "auth"])
        .values_list("pk", "content_type__app_label", "codename")
    )
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.add(*[pk for pk, app_label, codename in permissions if role_wants(role, app_label, codename)])


def sync_roles_after_migrate(sender, using="default", **kwargs):
    """post_migrate (also sent after a flush): Django has just created the permissions."""
    from django.apps import apps as global_apps

    sync_roles(global_apps, using=using, create_permissions_first=False)


@dataclass(frozen=True)
class EditorReach:
    """Which organisation's rows a user may see and change in admin (what ``scope_for`` returns; not
    ``directory.models.Scope``, which says where a service works)."""

    restricted: bool
    organisation_id: int | None = None

    def allows(self, organisation_id):
        return not self.restricted or (self.organisation_id is not None and organisation_id == self.organisation_id)

    def filter(self, queryset, path):
        """``queryset`` narrowed to this scope; ``path`` leads from its model to the organisation's pk."""
        if not self.restricted:
            return queryset
        if self.organisation_id is None:
            return queryset.none()
        return queryset.filter(**{path: self.organisation_id})


UNRESTRICTED = EditorReach(restricted=False)


def scope_for(user):
    """The user's scope, worked out once per user object (two queries at most)."""
    cached = getattr(user, "_editorial_scope", None)
    if cached is not None:
        return cached
    scope = UNRESTRICTED
    if user.is_authenticated and not user.is_superuser:
        groups = set(user.groups.values_list("name", flat=True))
        if PROVIDER_EDITOR in groups and DIRECTORY_ADMIN not in groups:
            from .models import EditorProfile

            organisation_id = EditorProfile.objects.filter(user=user).values_list("organisation_id", flat=True).first()
            scope = EditorReach(restricted=True, organisation_id=organisation_id)
    user._editorial_scope = scope
    return scope


def needs_review(user):
    """A provider editor's changes wait for a directory admin; everyone else's go live."""
    return scope_for(user).restricted
