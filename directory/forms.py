from django import forms
from django.utils.translation import gettext_lazy as _


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
