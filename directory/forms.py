from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Area

from .filters import AreaChoiceField
from .layout import get_form_helper, small_select


class AreaSearchForm(forms.Form):
    """The home page's question: words and an area, sent to the search page (GET)."""

    q = forms.CharField(
        label=_("Search for a service"),
        required=False,
        max_length=200,
        help_text=_(
            "For example a service, a provider or a need, such as 'Drive' or 'stalking'. Do not type anyone's name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    area = AreaChoiceField(
        label=_("Find services for an area"),
        queryset=Area.objects.all(),
        to_field_name="slug",
        required=False,
        help_text=_("A council, police force area, health board or region."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = get_form_helper(
            Field.text("q", label_size=Size.MEDIUM),
            small_select("area"),
            Button("submit", _("Find services")),
        )
