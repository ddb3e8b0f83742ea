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
