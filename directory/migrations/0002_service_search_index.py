"""A GIN index for full-text search, on PostgreSQL only (other databases use the plain fallback)."""

from django.db import migrations


def index():
    from django.contrib.postgres.indexes import GinIndex

    from directory.models import search_vector

    return GinIndex(search_vector(), name="service_search_gin")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("directory", "Service"), index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("directory", "Service"), index())


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
