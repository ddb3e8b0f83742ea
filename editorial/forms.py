"""Forms: the public problem report, the review decision, and the admin forms that validate entries."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from directory.models import LAST_CITATION_MESSAGE, Contact, Organisation, Service, ServicePathway
from directory.validators import validate_web_address

from .models import ProblemReport, ProblemTopic, ReviewState
from .services import marac_only_with_self_referral

MARAC_MESSAGE = _(
    "A service referred only through MARAC cannot also take self-referrals: remove the self-referral route "
    "or add the other routes it takes"
)


class ProblemReportForm(forms.ModelForm):
    """What is wrong with an entry. Asks nothing about the person sending it."""

    topic = forms.ChoiceField(
        label=_("What is wrong with this entry?"),
        choices=ProblemTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what is wrong with this entry"),
            "invalid_choice": _("Select what is wrong with this entry"),
        },
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For example, the right phone number or when the service closed. "
            "Do not include your name or anything about a person you work with."
        ),
        error_messages={"max_length": _("Details must be 1,200 characters or fewer")},
    )

    class Meta:
        model = ProblemReport
        fields = ["topic", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("topic", legend_size=Size.MEDIUM),
            Field.textarea("details", max_characters=1200),
            Button("submit", _("Send report")),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("topic") == ProblemTopic.OTHER and not (cleaned.get("details") or "").strip():
            self.add_error("details", _("Tell us what is wrong with this entry"))
        return cleaned


class ReviewStateForm(forms.Form):
    """Which part of the review queue to list."""

    state = forms.ChoiceField(
        label=_("Show"),
        choices=ReviewState.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose waiting, approved or rejected")},
    )

    def selected(self):
        return self.cleaned_data.get("state") or ReviewState.PENDING


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The editor who proposed the change will see this."),
        error_messages={"required": _("Give a reason for rejecting the change")},
    )


# --------------------------------------------------------------------------
# Admin forms
# --------------------------------------------------------------------------


class ServiceAdminForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what shows
        error_messages = {
            "areas": {"required": _("Choose at least one area the service covers")},
        }


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "value", "label"]

    # Contact formats are Contact.clean()'s (directory/models.py), run by this form, import and approval alike.


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields

    def clean_website(self):
        value = (self.cleaned_data.get("website") or "").strip()
        if value:
            validate_web_address(value)
        return value


class AtLeastOneCitationFormSet(BaseInlineFormSet):
    """Every service keeps at least one citation."""

    default_error_messages = {"too_few_forms": LAST_CITATION_MESSAGE}

    def save(self, commit=True):
        # New citations first, so replacing a service's only citation in one edit never leaves it with none
        # (Citation.delete() refuses to remove the last one). Otherwise as BaseModelFormSet.save, which a
        # provider editor's proposal calls with commit=False.
        if not commit:
            self.saved_forms = []

            def save_m2m():
                for form in self.saved_forms:
                    form.save_m2m()

            self.save_m2m = save_m2m
        added = self.save_new_objects(commit)
        return self.save_existing_objects(commit) + added


class ReferralRoutesFormSet(BaseInlineFormSet):
    """A service referred only through MARAC cannot also claim self-referral."""

    def clean(self):
        super().clean()
        pathways = [
            form.cleaned_data["pathway"]
            for form in self.forms
            if form.cleaned_data.get("pathway") and not form.cleaned_data.get("DELETE")
        ]
        if marac_only_with_self_referral(pathways):
            raise forms.ValidationError(MARAC_MESSAGE, code="marac_and_self_referral")


class ServicePathwayAdminForm(forms.ModelForm):
    """One route edited on its own: checked against the service's other routes."""

    class Meta:
        model = ServicePathway
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields

    def clean(self):
        cleaned = super().clean()
        service, pathway = cleaned.get("service"), cleaned.get("pathway")
        if service and pathway:
            others = [
                route.pathway for route in service.pathways.select_related("pathway").exclude(pk=self.instance.pk)
            ]
            if marac_only_with_self_referral([*others, pathway]):
                raise forms.ValidationError(MARAC_MESSAGE, code="marac_and_self_referral")
        return cleaned


class StaleEvidenceForm(forms.Form):
    """One click on a stale claim: verified today, ended on a date, or not known."""

    action = forms.ChoiceField(
        choices=[("verified", _("Verified today")), ("ended", _("Ended on")), ("not_known", _("Not known"))],
        error_messages={"required": _("Choose what you found"), "invalid_choice": _("Choose what you found")},
    )
    ended_on = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the date it ended as year-month-day, for example 2025-03-31")},
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "ended" and not data.get("ended_on"):
            self.add_error("ended_on", _("Enter the date it ended as year-month-day, for example 2025-03-31"))
        return data
