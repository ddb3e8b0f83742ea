from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Area

from .filters import AreaChoiceField


class AreaSearchForm(forms.Form):
    """The home page's one question, sent to the search page."""

    area = AreaChoiceField(
        label=_("Find services for an area"),
        queryset=Area.objects.all(),
        to_field_name="slug",
        required=False,
        help_text=_("A council, police force area, health board or region."),
        widget=forms.Select(attrs={"class": "govuk-select", "aria-describedby": "id_area_helptext"}),
    )


class StatusForm(forms.Form):
    """Which services to list: those running now, or every entry with its status."""

    status = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("Services running now")), ("all", _("All entries, including planned and decommissioned"))],
        required=False,
        error_messages={"invalid_choice": _("Choose to show services running now or all entries")},
    )

    @property
    def include_all(self):
        return self.is_valid() and self.cleaned_data["status"] == "all"
