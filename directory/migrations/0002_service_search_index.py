"""A GIN index for full-text search, on PostgreSQL only (other databases use the plain fallback).

The indexed expression is written out here as it was when this migration was made, so changing
the live search code can never change what this migration does. 0007 replaces this index with
one on the stored search document.
"""

from django.db import migrations


def index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(
        SearchVector("name", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", "eligibility", "area_note", weight="C", config="english"),
        name="service_search_gin",
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("directory", "Service"), index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("directory", "Service"), index())


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
