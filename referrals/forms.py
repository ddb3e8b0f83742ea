"""The case matcher's form: the facts of a case, none of them identifying anyone."""

import hashlib
import re

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.eligibility import JUSTICE_DECISIONS, Answer, PersonGender, PersonRelationship
from directory.filters import AreaChoiceField
from directory.layout import small_select
from directory.models import Harm, JusticeRequirement, Referrer, RiskLevel
from directory.pagecache import TIMEOUT, current_version
from regions.models import Area

from .services import SECTIONS

# The answers are the matcher's vocabulary (directory/eligibility/case.py), read against the services' fields.
YES_NO_UNKNOWN = Answer.choices
NOT_KNOWN = (Answer.UNKNOWN.value, Answer.UNKNOWN.label)


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
        [*Harm.choices, NOT_KNOWN],
        help_text=_(
            "The harm the person causes, or is worried about causing. A service for another harm does not fit."
        ),
    )
    marac = unknown_allowed(_("Has the case been heard at MARAC?"), YES_NO_UNKNOWN)
    justice = unknown_allowed(
        _("What has the criminal justice system decided?"),
        [*JUSTICE_DECISIONS, NOT_KNOWN],
    )
    gender = unknown_allowed(
        _("The person's gender"),
        [*PersonGender.choices, NOT_KNOWN],
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
        [*PersonRelationship.choices, NOT_KNOWN],
    )
    children = unknown_allowed(_("Are there children in the family?"), YES_NO_UNKNOWN)
    childrens_services = unknown_allowed(_("Are children's services involved?"), YES_NO_UNKNOWN)
    responsibility = unknown_allowed(
        _("Does the person accept at least some responsibility for their behaviour?"), YES_NO_UNKNOWN
    )
    english_group = unknown_allowed(_("Can the person take part in a group in English?"), YES_NO_UNKNOWN)
    substance_use = unknown_allowed(_("Is the person currently misusing drugs or alcohol?"), YES_NO_UNKNOWN)

    # Not about the case: which section to show in full ("Show all"); blank shows the first few of each.
    show = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(name, name) for name in SECTIONS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose one of the lists on the page")},
    )

    def answers(self):
        """``[(name, value)]``: the answers as posted, for a "Show all" button to post again (never stored)."""
        return [
            (name, self.data[name]) for name in self.fields if name != "show" and self.data.get(name) not in (None, "")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_tag = False
        # The page's own <form> carries the CSRF token; the questions are also rendered without a request (``rendered``)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                small_select("area"),
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
        if self._errors.pop("show", None):  # hidden: said at the top of the page, not beside a field
            self.add_error(None, self.fields["show"].error_messages["invalid_choice"])
        for name, field in self.fields.items():
            if isinstance(field, UnknownAllowedField) and not cleaned.get(name) and name not in self.errors:
                cleaned[name] = Answer.UNKNOWN.value
        if cleaned.get("childrens_services") == Answer.YES and cleaned.get("children") == Answer.NO:
            self.add_error(
                "childrens_services",
                _(
                    "Children's services are involved, but you said there are no children in the family: "
                    "check both answers"
                ),
            )
        if cleaned.get("referrer") == Referrer.PROBATION and cleaned.get("justice") == JusticeRequirement.NONE:
            self.add_error(
                "justice",
                _("Probation is referring, but you said there is no caution or conviction: check both answers"),
            )
        return cleaned


# ---- the questions, rendered once ----
#
# Crispy renders the questions in ~20 ms (a dozen radio groups and the area select), on every
# answer page ("Change your answers") and on the empty form. The unbound form holds nothing about
# any case: it is rendered once per language and data version (the areas and risk levels it
# lists) and kept in the cache; each page then marks its own answers in memory, as the area
# select marks its option. A bound form (the case's answers) is never cached.

# One radio as crispy's gds/layout/radio_item.html writes it, up to where a bound form's "checked" goes.
RADIO = (
    '<input\n    type="radio"\n    name="{name}"\n    class="govuk-radios__input"\n'
    '    id="id_{name}_{n}"\n    value="{value}"\n    '
)


def _unbound_html(version=None):
    key = "case-form:" + hashlib.sha256(f"{version or current_version()}|{get_language()}".encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(CaseForm())
        cache.set(key, html, TIMEOUT)
    return html


def _mark(html, form):
    """``html``, the unbound form's, with ``form``'s answers marked as crispy marks a bound form's."""
    for name in form.fields:
        if name == "show":
            continue
        value = form[name].value()
        if value in (None, ""):
            continue
        value = escape(str(value))
        if name == "area":
            html = html.replace('<option value="" selected>', '<option value="">', 1)
            html = html.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
        elif name == "age":
            html = html.replace(
                '<input type="number" name="age" ', f'<input type="number" name="age" value="{value}" ', 1
            )
        else:
            pattern = re.escape(RADIO).replace(re.escape("{n}"), r"\d+")
            pattern = pattern.replace(re.escape("{name}"), re.escape(name)).replace(
                re.escape("{value}"), re.escape(value)
            )
            html = re.sub(pattern, lambda found: found[0] + '\n      checked="checked"\n    ', html, count=1)
    return html


def rendered(form, *, version=None):
    """The matcher's questions as ``{% crispy form %}`` renders them, for an unbound or a valid bound ``form``.

    Not for a form with errors: crispy renders those (``case_matcher.html``). ``version``: the data version
    where the caller has read it (``current_version()`` otherwise).
    """
    return mark_safe(_mark(_unbound_html(version), form))  # noqa: S308 - crispy's own output, answers escaped
