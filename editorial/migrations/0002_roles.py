"""The three editorial roles as permission groups: directory admin, provider editor, commissioner (read only).

The role table is written out here as it stood when this migration was made (a copy of
editorial/roles.py's), so changing the live roles never changes what this migration did. The live
table is applied after every migrate by editorial.roles.sync_roles_after_migrate (post_migrate).
"""

from django.db import migrations

DIRECTORY_ADMIN = "Directory admin"
PROVIDER_EDITOR = "Provider editor"
COMMISSIONER = "Commissioner (read only)"
ROLES = (DIRECTORY_ADMIN, PROVIDER_EDITOR, COMMISSIONER)
DIRECTORY_APPS = ("directory", "regions", "referrals")
PROVIDER_EDITS = {
    "directory": {"service", "contact", "citation", "statusevent", "availabilitynote"},
    "referrals": {"servicepathway", "referralrequirement"},
}
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
    action, _sep, model = codename.partition("_")
    if model.startswith("historical") and action != "view":
        return False
    if role == DIRECTORY_ADMIN:
        return app_label in (*DIRECTORY_APPS, "editorial") or (app_label == "auth" and model in {"user", "group"})
    if role == COMMISSIONER:
        return app_label in DIRECTORY_APPS and action == "view"
    if role == PROVIDER_EDITOR:
        if model in PROVIDER_EDITS.get(app_label, ()):
            return action in {"view", "add", "change"} or (action == "delete" and model != "service")
        if app_label == "editorial" and model == "problemreport":
            return action in {"view", "change"}
        return action == "view" and model in PROVIDER_VIEWS.get(app_label, ())
    return False


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    # The permissions do not exist yet (Django creates them after migrating): make them from this state.
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


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0003_history_and_verified_by"),
        ("referrals", "0002_history"),
        ("regions", "0002_history"),
        ("editorial", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
