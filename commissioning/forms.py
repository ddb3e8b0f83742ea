import dataclasses
import datetime

from crispy_forms_gds.layout import Button, Div, Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.layout import get_form_helper, small_select
from regions.models import Area

from .coverage import GROUPINGS, OTHER_GROUP, Options


def _columns(*fields):
    """A row of GOV.UK grid columns, a quarter each, one field in each."""
    return Div(*(Div(field, css_class="govuk-grid-column-one-quarter") for field in fields), css_class="govuk-grid-row")


# Each grouping's name within a sentence ("Gaps by police force area").
GROUPING_NOUNS = {
    "police_force_area": _("police force area"),
    "health_board": _("health board"),
    "vawdasv_region": _("VAWDASV region"),
}


class CoverageForm(forms.Form):
    """The coverage switches. Every one has a default, so the bare URL shows today's picture."""

    group_by = forms.ChoiceField(
        label=_("Group councils by"),
        choices=[
            ("police_force_area", _("Police force area")),
            ("health_board", _("Health board")),
            ("vawdasv_region", _("VAWDASV region")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose police force area, health board or VAWDASV region")},
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_(
            "A date as year-month-day, for example 2020-11-01. Leave blank for the newest source's date: "
            "later dates go beyond the evidence."
        ),
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2020-11-01")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    compare = forms.DateField(
        label=_("Compare with"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("Optional: a second date to set beside the first, for example 2023-11-17."),
        error_messages={"invalid": _("Enter the date to compare with as year-month-day, for example 2023-11-17")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    criminal_justice = forms.ChoiceField(
        label=_("Criminal-justice and court-mandated services"),
        choices=[("include", _("Include them")), ("exclude", _("Leave them out"))],
        required=False,
        help_text=_("Leave them out to see what is open to people without a conviction or caution."),
        error_messages={"invalid_choice": _("Choose to include or leave out criminal-justice services")},
    )
    pilots = forms.ChoiceField(
        label=_("Pilots"),
        choices=[("include", _("Include pilots")), ("exclude", _("Leave pilots out"))],
        required=False,
        error_messages={"invalid_choice": _("Choose to include or leave out pilots")},
    )

    # Where there are too many councils for one page (``coverage.WHOLE_MATRIX_COUNCILS``), the grouping whose
    # matrix to show (its slug, from the summary's links or the chooser). Not one of the switches above: changing
    # them shows the summary again, since a grouping of one kind is not one of another.
    group = forms.SlugField(
        required=False,
        max_length=100,
        error_messages={"invalid": _("Choose a grouping from the list")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = get_form_helper(
            _columns(
                small_select("group_by"),
                Field.text("as_of", label_size=Size.SMALL, field_width=10),
                Field.text("compare", label_size=Size.SMALL, field_width=10),
            ),
            _columns(
                small_select("criminal_justice"),
                small_select("pilots"),
            ),
            Button("submit", _("Show coverage")),
        )

    def clean(self):
        """A ``group`` must be a grouping of the chosen kind (one query, and only when a group is chosen): checked
        before the matrix is computed, so a wrong one costs no more than any other bad switch."""
        data = super().clean()
        group = data.get("group")
        if group and group != OTHER_GROUP:
            kind = GROUPINGS.get(data.get("group_by") or "police_force_area")
            if kind is not None and not Area.objects.filter(slug=group, kind=kind).exists():
                self.add_error("group", _("Choose a grouping from the list"))
        return data

    def clean_as_of(self):
        return self._in_range(self.cleaned_data["as_of"])

    def clean_compare(self):
        return self._in_range(self.cleaned_data["compare"])

    @staticmethod
    def _in_range(value):
        if value and not (datetime.date(1990, 1, 1) <= value <= datetime.date(2100, 12, 31)):
            raise forms.ValidationError(_("Enter a date between 1990 and 2100"))
        return value

    def compare_options(self, default):
        """The same switches on the comparison date, or ``None`` when there is none."""
        compare = self.cleaned_data.get("compare")
        return dataclasses.replace(self.options(default), as_of=compare) if compare else None

    def options(self, default):
        """The cleaned switches as coverage :class:`~commissioning.coverage.Options`; ``default`` is the date
        shown when none is chosen (the evidence horizon)."""
        data = self.cleaned_data
        return Options(
            as_of=data.get("as_of") or default,
            group_by=data.get("group_by") or "police_force_area",
            include_criminal_justice=data.get("criminal_justice") != "exclude",
            include_pilots=data.get("pilots") != "exclude",
        )


class CoverageCellForm(CoverageForm):
    """One cell of the coverage matrix: a council and a column (``risk:<slug>`` or ``tier:<value>``)."""

    area = forms.ModelChoiceField(
        queryset=Area.objects.local_authorities(),
        to_field_name="slug",
        error_messages={"required": _("Choose a council"), "invalid_choice": _("Choose a council from the matrix")},
    )
    column = forms.RegexField(
        regex=r"^(risk|tier):[a-z_]{1,40}$",
        error_messages={
            "required": _("Choose a column of the matrix"),
            "invalid": _("Choose a risk level or kind of service from the matrix"),
        },
    )
