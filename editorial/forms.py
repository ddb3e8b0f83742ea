"""Forms: the public problem report, the review decision, and the admin forms that validate entries."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.admin.widgets import AutocompleteMixin, RelatedFieldWidgetWrapper
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from directory.models import LAST_CITATION_MESSAGE, Contact, Organisation, Service, ServicePathway

from .models import ProblemReport, ProblemTopic, ReviewState


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

    # The website's format is Organisation.clean()'s (directory/models.py), run by this form, import and approval alike.


class _ChoicesQueriedOnce(ModelChoiceIterator):
    """A field's choices, queried the first time they are listed and then listed again from memory."""

    def __iter__(self):
        if not hasattr(self, "_listed"):
            self._listed = list(super().__iter__())
        return iter(self._listed)

    def __len__(self):
        return len(list(self))

    def __bool__(self):
        return bool(list(self))


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline whose rows' drop-downs (a document, a route, ...) list their choices from one query per formset.

    Every row of a formset is the same form class with the same choices (the admin limits them per user, not
    per row), yet each row's drop-down would run its own query and build its own objects: the service page's
    citations and referral requirements alone ran some 80 identical queries for the list of documents. Only
    what is listed is shared: validation still looks each submitted value up in the field's queryset.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            widget = field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
            if not isinstance(field, forms.ModelChoiceField) or not isinstance(widget, forms.widgets.ChoiceWidget):
                continue  # the hidden primary key and the parent's key list nothing
            if isinstance(widget, AutocompleteMixin):
                continue  # an autocomplete lists only the chosen value, found by its own query
            if name not in shared:
                shared[name] = _ChoicesQueriedOnce(field)
            field.choices = shared[name]


class AtLeastOneCitationFormSet(SharedChoicesFormSet):
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


class ReferralRoutesFormSet(SharedChoicesFormSet):
    """A service's routes, checked together against the MARAC rule (``ServicePathway.check_routes``).

    Each row's own ``ServicePathway.clean()`` would compare it with the saved routes,
    which this edit may be removing or changing, so the rows leave the rule to the set.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.routes_checked_together = True
        return form

    def clean(self):
        super().clean()
        ServicePathway.check_routes(
            form.cleaned_data["pathway"]
            for form in self.forms
            if form.cleaned_data.get("pathway") and not form.cleaned_data.get("DELETE")
        )


class ServicePathwayAdminForm(forms.ModelForm):
    """One route edited on its own: ``ServicePathway.clean()`` checks it against the service's other routes."""

    class Meta:
        model = ServicePathway
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields


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
