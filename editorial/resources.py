"""Bulk CSV import and export of services (django-import-export), keyed by slug."""

import io

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from directory import csv_safe
from directory.models import (
    EditorRole,
    Organisation,
    Precision,
    Programme,
    RiskLevel,
    Service,
    Status,
    StatusEvent,
)
from regions.models import Area

from .history import one_history_record
from .values import _check

SEPARATOR = "|"


# --------------------------------------------------------------------------
# Formats: every admin export neutralises cells a spreadsheet would run as formulae
# --------------------------------------------------------------------------


class NeutralisingFormat:
    """import-export's formula escaping (on with ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``) done our way.

    import-export's own only drops a leading ``=``; this quotes every cell
    :mod:`directory.csv_safe` would, so all exports follow one rule.
    """

    def _escape_formulae(self, dataset):
        rows = [[csv_safe.neutralise(cell) for cell in row] for row in dataset]
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        dataset.extend(rows)


class DelimitedFormat(NeutralisingFormat):
    """CSV and TSV written by the one CSV writer every export uses (it neutralises each cell itself)."""

    delimiter = ","

    def export_data(self, dataset, **kwargs):
        stream = io.StringIO()
        writer = csv_safe.writer(stream, delimiter=self.delimiter)
        if dataset.headers:
            writer.writerow(dataset.headers)
        writer.writerows(dataset)
        return stream.getvalue()


class SafeCSV(DelimitedFormat, base_formats.CSV):
    pass


class SafeTSV(DelimitedFormat, base_formats.TSV):
    delimiter = "\t"


class SafeJSON(NeutralisingFormat, base_formats.JSON):
    pass


class SafeHTML(NeutralisingFormat, base_formats.HTML):
    pass


FORMATS = [SafeCSV, SafeTSV, SafeJSON, SafeHTML]


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug is a row error, not a crash."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        found = self.model._default_manager.filter(slug=value.strip()).first()
        if found is None:
            raise ValueError(
                gettext("No %(thing)s has the slug “%(slug)s”")
                % {"thing": self.model._meta.verbose_name, "slug": value.strip()}
            )
        return found


class SlugListWidget(widgets.ManyToManyWidget):
    """Related rows as slugs separated by “|”; every slug must exist."""

    def __init__(self, model, required=False):
        super().__init__(model, separator=SEPARATOR, field="slug")
        self.required = required

    def clean(self, value, row=None, **kwargs):
        slugs = sorted({slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()})
        if not slugs and self.required:
            raise ValueError(gettext("Give at least one %(thing)s") % {"thing": self.model._meta.verbose_name})
        found = self.model._default_manager.filter(slug__in=slugs)
        unknown = sorted(set(slugs) - {obj.slug for obj in found})
        if unknown:
            raise ValueError(
                gettext("Unknown %(things)s: %(slugs)s")
                % {"things": self.model._meta.verbose_name_plural, "slugs": ", ".join(unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(sorted(item.slug for item in value.all())) if value is not None else ""


IMPORTED_BY_CSV = "as imported from a CSV file"


class TimelineStatusField(fields.Field):
    """The ``status`` column: today's status on the service's timeline, never a stored field.

    Exported from the timeline. Imported, a status that differs from the timeline's is evidence: the
    resource records it as a status event stated by the importing admin (``ServiceResource.after_save_instance``).
    A blank cell changes nothing ("not stated" is not a status).
    """

    def __init__(self):
        super().__init__(attribute="status", column_name="status")

    def get_value(self, instance):
        imported = getattr(instance, "_imported_status", None)
        return imported if imported is not None else instance.status_now

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = str(row.get(self.column_name) or "").strip()
        if value and value not in Status.values:
            raise ValueError(
                gettext("“%(value)s” is not a status: use one of %(choices)s")
                % {"value": value, "choices": ", ".join(Status.values)}
            )
        instance._imported_status = value or None


class ServiceResource(resources.ModelResource):
    organisation = fields.Field(attribute="organisation", column_name="organisation", widget=SlugWidget(Organisation))
    programme = fields.Field(attribute="programme", column_name="programme", widget=SlugWidget(Programme))
    risk_levels = fields.Field(attribute="risk_levels", column_name="risk_levels", widget=SlugListWidget(RiskLevel))
    areas = fields.Field(attribute="areas", column_name="areas", widget=SlugListWidget(Area, required=True))
    status = TimelineStatusField()

    M2M = ("risk_levels", "areas")

    class Meta:
        model = Service
        import_id_fields = ["slug"]
        exclude = ["id", "verified_by"]
        fields = [
            "slug", "name", "organisation", "programme", "summary", "description", "tier", "scope",
            "risk_levels", "areas", "area_note", "format", "length", "sessions", "attendance",
            "gender", "min_age", "max_age", "relationship", "requires_children", "requires_responsibility",
            "group_language", "excludes_substance_use", "justice_requirement", "eligibility", "exclusions",
            "funding_source", "funding_longevity", "funding_note", "accreditation", "evaluation",
            "status", "start_date", "start_precision", "start_text", "end_date", "end_precision", "end_text",
            "last_verified",
        ]  # fmt: skip
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self):
        services = Service.objects.prefetch_related("risk_levels", "areas").select_related("organisation", "programme")
        return services.with_timeline(timezone.localdate())

    def after_save_instance(self, instance, row, **kwargs):
        """A status the file gives that the timeline does not say today: recorded as evidence, dated today
        (precision day) and stated by the admin importing it, as an editor's verification is."""
        status = getattr(instance, "_imported_status", None)
        if not status or status == instance.status_now:
            return
        today = timezone.localdate()
        user = kwargs.get("user")
        event = StatusEvent(
            service=instance,
            status=status,
            date=today,
            precision=Precision.DAY,
            date_text=IMPORTED_BY_CSV,
            editor_role=EditorRole.DIRECTORY,
            stated_by=user if getattr(user, "pk", None) else None,
            stated_on=today,
        )
        _check(event)
        event._history_user = event.stated_by
        event._change_reason = gettext("Status given by a CSV import")
        event.save()

    def init_instance(self, row=None):
        raise ValidationError(
            {
                "slug": gettext(
                    "No service has the slug “%(slug)s”. Add new services in the form, each with a citation."
                )
                % {"slug": (row or {}).get("slug", "")}
            }
        )

    def before_import_row(self, row, **kwargs):
        """A cell our export quoted against formula injection (``'=…``) is read back as it was."""
        for column, value in row.items():
            row[column] = csv_safe.restore(value)
        super().before_import_row(row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        with one_history_record(instance):
            super().save_m2m(instance, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Check the many-to-many columns with the rest, so their errors show in the preview."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in self.M2M:
            field = self.fields[name]
            if field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[name] = [str(error)]
        if errors:
            raise ValidationError(errors)
