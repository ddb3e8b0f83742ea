"""Bulk CSV import and export of services (django-import-export), keyed by slug."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from directory import csv_safe
from directory.models import Organisation, Programme, RiskLevel, Service
from regions.models import Area

from .history import one_history_record

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


class ServiceResource(resources.ModelResource):
    organisation = fields.Field(attribute="organisation", column_name="organisation", widget=SlugWidget(Organisation))
    programme = fields.Field(attribute="programme", column_name="programme", widget=SlugWidget(Programme))
    risk_levels = fields.Field(attribute="risk_levels", column_name="risk_levels", widget=SlugListWidget(RiskLevel))
    areas = fields.Field(attribute="areas", column_name="areas", widget=SlugListWidget(Area, required=True))

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
            "status", "start_date", "start_text", "end_date", "end_text", "last_verified",
        ]  # fmt: skip
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self):
        return Service.objects.prefetch_related("risk_levels", "areas").select_related("organisation", "programme")

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
