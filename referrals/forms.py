"""The case matcher's form: the facts of a case, none of them identifying anyone."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from directory.filters import AreaChoiceField
from directory.models import Harm, Referrer, RiskLevel
from regions.models import Area

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not known"))]


class UnknownAllowedField(forms.ChoiceField):
    """A question that may be left unanswered: blank counts as "Not known".

    Only area, risk level and referrer are required, so a busy practitioner
    can answer those three and refine later.
    """


def unknown_allowed(label, choices, help_text=""):
    return UnknownAllowedField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers given")},
    )


class CaseForm(forms.Form):
    area = AreaChoiceField(
        label=_("Where does the person live?"),
        queryset=Area.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose an area"),
        help_text=_("The council area, or the police force area or region if that is all you know."),
        error_messages={
            "required": _("Choose the area where the person lives"),
            "invalid_choice": _("Choose an area from the list"),
        },
    )
    risk = forms.ModelChoiceField(
        label=_("Risk level"),
        queryset=RiskLevel.objects.all(),
        to_field_name="slug",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("From the latest risk assessment (for example DASH)."),
        error_messages={"required": _("Select a risk level"), "invalid_choice": _("Select a risk level")},
    )
    referrer = forms.ChoiceField(
        label=_("Who is referring?"),
        choices=Referrer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who is referring")},
    )
    harm = unknown_allowed(
        _("What kind of harm?"),
        [*Harm.choices, ("unknown", _("Not known"))],
        help_text=_(
            "The harm the person causes, or is worried about causing. A service for another harm does not fit."
        ),
    )
    marac = unknown_allowed(_("Has the case been heard at MARAC?"), YES_NO_UNKNOWN)
    justice = unknown_allowed(
        _("What has the criminal justice system decided?"),
        [
            ("none", _("Nothing: no caution or conviction")),
            ("conditional_caution", _("A conditional caution")),
            ("conviction", _("A conviction (court order or licence)")),
            ("unknown", _("Not known")),
        ],
    )
    gender = unknown_allowed(
        _("The person's gender"),
        [("man", _("Man")), ("woman", _("Woman")), ("other", _("Another gender")), ("unknown", _("Not known"))],
    )
    age = forms.IntegerField(
        label=_("The person's age"),
        required=False,
        min_value=10,
        max_value=110,
        # Nothing about the case stays on the device, not even in the browser's form history.
        widget=forms.NumberInput(attrs={"autocomplete": "off"}),
        help_text=_("In years. Leave blank if not known."),
        error_messages={
            "invalid": _("Enter the age as a number, like 34"),
            "min_value": _("Enter an age of 10 or more"),
            "max_value": _("Enter an age of 110 or less"),
        },
    )
    relationship = unknown_allowed(
        _("The relationship in which the abuse happens"),
        [
            ("heterosexual", _("Intimate partner, opposite sex")),
            ("same_sex", _("Intimate partner, same sex")),
            ("family", _("Family member (not a partner)")),
            ("unknown", _("Not known")),
        ],
    )
    children = unknown_allowed(_("Are there children in the family?"), YES_NO_UNKNOWN)
    childrens_services = unknown_allowed(_("Are children's services involved?"), YES_NO_UNKNOWN)
    responsibility = unknown_allowed(
        _("Does the person accept at least some responsibility for their behaviour?"), YES_NO_UNKNOWN
    )
    english_group = unknown_allowed(_("Can the person take part in a group in English?"), YES_NO_UNKNOWN)
    substance_use = unknown_allowed(_("Is the person currently misusing drugs or alcohol?"), YES_NO_UNKNOWN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.select("area"),
                Field.radios("risk", legend_size=Size.SMALL, inline=True),
                Field.radios("referrer", legend_size=Size.SMALL),
                Field.radios("harm", legend_size=Size.SMALL),
                legend=_("The case"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("marac", legend_size=Size.SMALL, inline=True),
                Field.radios("justice", legend_size=Size.SMALL),
                legend=_("Agencies and courts"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("gender", legend_size=Size.SMALL, inline=True),
                Field.text("age", field_width=3),
                Field.radios("relationship", legend_size=Size.SMALL),
                Field.radios("children", legend_size=Size.SMALL, inline=True),
                Field.radios("childrens_services", legend_size=Size.SMALL, inline=True),
                Field.radios("responsibility", legend_size=Size.SMALL, inline=True),
                Field.radios("english_group", legend_size=Size.SMALL, inline=True),
                Field.radios("substance_use", legend_size=Size.SMALL, inline=True),
                legend=_("The person"),
                legend_size=Size.MEDIUM,
            ),
            Button("submit", _("Find services")),
        )

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, UnknownAllowedField) and not cleaned.get(name) and name not in self.errors:
                cleaned[name] = "unknown"
        if cleaned.get("childrens_services") == "yes" and cleaned.get("children") == "no":
            self.add_error(
                "childrens_services",
                _(
                    "Children's services are involved, but you said there are no children in the family: "
                    "check both answers"
                ),
            )
        if cleaned.get("referrer") == "probation" and cleaned.get("justice") == "none":
            self.add_error(
                "justice",
                _("Probation is referring, but you said there is no caution or conviction: check both answers"),
            )
        return cleaned
