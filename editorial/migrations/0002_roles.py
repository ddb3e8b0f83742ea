"""The three editorial roles as permission groups: directory admin, provider editor, commissioner (read only)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from editorial.roles import ROLES

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
