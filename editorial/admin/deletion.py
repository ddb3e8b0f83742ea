"""Deleting from the admin where the model refuses some deletions: the editor reads why, never an error page.

A model whose rows cannot always be removed says so in ``check_removal(rows)``, raising a
``ValidationError`` with its message (``ServicePathway``: the MARAC rule). Its ``delete()`` (and
its QuerySet's) call that check, so every path that removes a row meets it; this admin asks the
same check first, on the delete page and in "delete selected", and shows the message instead.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse


class CheckedDeletionAdmin:
    """Refuses, with the model's message, a delete the model's ``check_removal`` refuses."""

    def removal_refused(self, rows):
        """The model's reason not to remove ``rows``, or ``None``."""
        try:
            self.model.check_removal(rows)
        except ValidationError as error:
            return " ".join(error.messages)
        return None

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        refused = obj is not None and self.has_delete_permission(request, obj) and self.removal_refused([obj])
        if refused:
            self.message_user(request, refused, messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (checked_delete_selected, name, description)
        return actions


@admin.action(permissions=["delete"])
def checked_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", after the model's check: refused rows stay, with its message."""
    refused = modeladmin.removal_refused(queryset)
    if refused:
        modeladmin.message_user(request, refused, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)
