"""One search document per service, stored, including its organisation's and programme's names.

On PostgreSQL: fill the new column for every service and index it with GIN, replacing 0002's
index on an expression that left the organisation out. Elsewhere the column stays empty (the
SQLite fallback searches the same fields directly). The document's expression is written out
here as it is today; directory/search.py keeps it up to date from now on.
"""

import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX = "service_search_gin"
NEW_INDEX = "service_search_document_gin"


def document(apps):
    from django.contrib.postgres.search import SearchVector
    from django.db.models import OuterRef, Subquery

    Organisation = apps.get_model("directory", "Organisation")
    Programme = apps.get_model("directory", "Programme")
    organisation = Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")[:1])
    programme = Subquery(Programme.objects.filter(pk=OuterRef("programme_id")).values("name")[:1])
    return (
        SearchVector("name", weight="A", config="english")
        + SearchVector(organisation, programme, "summary", weight="B", config="english")
        + SearchVector("description", "eligibility", "area_note", weight="C", config="english")
    )


def old_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(
        SearchVector("name", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", "eligibility", "area_note", weight="C", config="english"),
        name=OLD_INDEX,
    )


def new_index():
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(fields=["search_document"], name=NEW_INDEX)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Service = apps.get_model("directory", "Service")
    schema_editor.remove_index(Service, old_index())
    Service.objects.update(search_document=document(apps))
    schema_editor.add_index(Service, new_index())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Service = apps.get_model("directory", "Service")
    schema_editor.remove_index(Service, new_index())
    schema_editor.add_index(Service, old_index())


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_service_focus_audience_and_harm")]

    operations = [
        migrations.AddField(
            model_name="historicalservice",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search document"
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search document"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
