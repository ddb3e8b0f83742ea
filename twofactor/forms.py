from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        error_messages={"required": _("Enter the code")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    submit_label = _("Continue")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", label_size=Size.SMALL, field_width=10), Button("submit", self.submit_label)
        )


class VerifyForm(CodeForm):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        )

    def clean_code(self):
        self.device = services.check_code(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                _("Enter a code that is shown now in your authenticator app, or a recovery code you have not used"),
                code="invalid",
            )
        return self.cleaned_data["code"]


class EnrolForm(CodeForm):
    """Confirm the new authenticator with the code it shows."""

    submit_label = _("Turn on two-factor sign-in")

    def __init__(self, *args, device, **kwargs):
        self.pending = device
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The 6-digit code your authenticator app shows for this directory.")

    def clean_code(self):
        self.recovery_codes = services.confirm_authenticator(self.pending, self.cleaned_data["code"])
        if self.recovery_codes is None:
            raise forms.ValidationError(
                _("Enter the 6-digit code that your authenticator app shows now"), code="invalid"
            )
        self.device = self.pending
        return self.cleaned_data["code"]
