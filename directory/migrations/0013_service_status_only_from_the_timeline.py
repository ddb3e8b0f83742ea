"""The stored "status as entered" goes: a service's status is only ever derived from its timeline (0012 kept
an entered status with no status event as a dated editor's statement first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0012_entered_status_as_evidence"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="service",
            name="service_decommissioned_has_end",
        ),
        migrations.RemoveConstraint(
            model_name="service",
            name="service_status_valid",
        ),
        migrations.RemoveField(
            model_name="historicalservice",
            name="status",
        ),
        migrations.RemoveField(
            model_name="service",
            name="status",
        ),
        migrations.AlterField(
            model_name="historicalservice",
            name="end_text",
            field=models.CharField(
                blank=True,
                help_text="Where a document says it ended but gives no end date, say what the documents say.",
                max_length=300,
                verbose_name="end as written, or why no end date",
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="end_text",
            field=models.CharField(
                blank=True,
                help_text="Where a document says it ended but gives no end date, say what the documents say.",
                max_length=300,
                verbose_name="end as written, or why no end date",
            ),
        ),
    ]
