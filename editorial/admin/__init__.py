"""Editorial admin: scoping for provider editors, the review flow on the service form, the problem inbox, users."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from directory.models import Organisation, Service
from editorial import history, reports, review
from editorial.models import EditorProfile, PendingChange, ProblemReport
from editorial.roles import needs_review, scope_for

# The admin index links to the dashboard, the review queue and the problem inbox.
admin.site.index_template = "editorial/admin/index.html"


class ScopedFormfieldsMixin:
    """A provider editor can pick only their own organisation and its services in any form."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = scope_for(request.user)
        if scope.restricted:
            if db_field.related_model is Service:
                kwargs["queryset"] = scope.filter(Service.objects.all(), "organisation")
            elif db_field.related_model is Organisation:
                kwargs["queryset"] = scope.filter(Organisation.objects.all(), "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganisationScopedAdmin(ScopedFormfieldsMixin):
    """Limits a provider editor to their own organisation's rows: lists, forms, actions, history, export.

    ``organisation_path`` leads from the model to the organisation's pk. Admins
    marked ``read_only_for_providers`` let provider editors look but not change
    (they change those rows from their service's page, through review).
    """

    organisation_path = "service__organisation"
    read_only_for_providers = False

    def get_queryset(self, request):
        return scope_for(request.user).filter(super().get_queryset(request), self.organisation_path)

    def organisation_id_of(self, obj):
        *steps, last = self.organisation_path.split("__")
        for step in steps:
            obj = getattr(obj, step)
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id")

    def in_scope(self, request, obj):
        return obj is None or scope_for(request.user).allows(self.organisation_id_of(obj))

    def get_object(self, request, object_id, from_field=None):
        """Another organisation's row is refused (403), not quietly treated as missing."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and scope_for(request.user).restricted:
            field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
            try:
                exists = self.model._default_manager.filter(**{field.name: field.to_python(object_id)}).exists()
            except (ValidationError, ValueError):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_add_permission(self, request):
        if self.read_only_for_providers and scope_for(request.user).restricted:
            return False
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self.read_only_for_providers and scope_for(request.user).restricted:
            return False
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting would bypass review; a provider editor asks for a service to be decommissioned instead.
        if scope_for(request.user).restricted:
            return False
        return super().has_delete_permission(request, obj)


class ScopedInline(ScopedFormfieldsMixin):
    """An inline on a service's page: editable by a provider editor only for their own services."""

    read_only_for_providers = False

    def _allowed(self, request, obj):
        scope = scope_for(request.user)
        if self.read_only_for_providers and scope.restricted:
            return False
        return obj is None or scope.allows(obj.organisation_id)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)


class ChoiceLabelsContextHelper(HistoricalRecordContextHelper):
    """History diffs show choices by their labels ("Decommissioned", not "decommissioned")."""

    def prepare_delta_change_value(self, change, value):
        model_field = self.model._meta.get_field(change.field)
        if model_field.choices and not isinstance(value, list):
            return dict(model_field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class GuardedHistoryAdmin:
    """History pages with one way back: "Undo this change" (``editorial:undo-change``), never simple-history's revert.

    simple-history's "revert to this version" form would save an old version around the rules a direct edit
    passes (and its POST was open to anyone who may view the history), so it is off: a version can be looked
    at, not saved. One save is one history record, many-to-many changes included.
    """

    object_history_list_template = "editorial/admin/object_history_list.html"

    def save_related(self, request, form, formsets, change):
        if not hasattr(form.instance, "history") or form.instance.pk is None:
            return super().save_related(request, form, formsets, change)
        with history.one_history_record(form.instance):
            super().save_related(request, form, formsets, change)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChoiceLabelsContextHelper(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            "can_undo": obj is not None and not needs_review(request.user) and self.has_change_permission(request, obj),
            "baseline_reason": history.BASELINE_REASON,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)


class ReviewedChangesAdmin:
    """A provider editor's save becomes a :class:`PendingChange`; the entry is untouched until approved."""

    def save_model(self, request, obj, form, change):
        if needs_review(request.user):
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if needs_review(request.user):
            request.editorial_proposal = review.propose_change(form=form, formsets=formsets, user=request.user)
            return
        super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if not needs_review(request.user):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not needs_review(request.user):
            return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if needs_review(request.user):
            return self._response_proposed(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if needs_review(request.user) and "_export-item" not in request.POST:
            return self._response_proposed(request, obj)
        return super().response_change(request, obj)

    def _response_proposed(self, request, obj):
        proposal = getattr(request, "editorial_proposal", None)
        if proposal is None:
            messages.info(request, _("You did not change anything, so there is nothing to review."))
        else:
            messages.success(
                request,
                _(
                    "Your change has been sent for review. The public page shows the approved version "
                    "until a directory admin approves it."
                ),
            )
        if obj.pk:
            return redirect(reverse("admin:directory_service_change", args=[obj.pk]))
        return redirect(reverse("admin:directory_service_changelist"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["pending_changes"] = list(
            PendingChange.objects.pending().visible_to(request.user).filter(service_id=object_id).for_queue()
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["timeline"] = history.service_timeline(obj)
            extra_context["pending_changes"] = list(
                PendingChange.objects.visible_to(request.user).filter(service=obj).pending().for_queue()
            )
            extra_context["can_undo"] = not needs_review(request.user) and self.has_change_permission(request, obj)
        return super().history_view(request, object_id, extra_context)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [("needs_review", _("Needs review")), ("up_to_date", _("Verified recently"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "needs_review":
            return queryset.needing_review(today)
        if self.value() == "up_to_date":
            return queryset.verified_recently(today)
        return queryset


@admin.register(ProblemReport)
class ProblemReportAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """The inbox of problems the public reported; editors mark each one done."""

    list_display = ["service", "topic", "received_at", "done", "done_by"]
    list_filter = ["done", "topic"]
    list_select_related = ["service", "done_by"]
    search_fields = ["service__name", "details"]
    autocomplete_fields = ["service"]
    date_hierarchy = "received_at"
    actions = ["mark_done"]
    fields = ["service", "topic", "details", "received_at", "done", "done_by", "done_at"]

    def get_readonly_fields(self, request, obj=None):
        # What the public wrote stays as they wrote it; an editor may log a report received another way.
        if obj is None:
            return ["received_at", "done_by", "done_at"]
        return ["service", "topic", "details", "received_at", "done_by", "done_at"]

    def save_model(self, request, obj, form, change):
        if "done" in form.changed_data:
            obj.done_by = request.user if obj.done else None
            obj.done_at = timezone.now() if obj.done else None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark selected reports done"), permissions=["change"])
    def mark_done(self, request, queryset):
        count = reports.mark_reports_done(queryset, user=request.user)
        self.message_user(request, _("Marked %(count)d reports done.") % {"count": count}, messages.SUCCESS)


class EditorProfileInline(admin.StackedInline):
    model = EditorProfile
    can_delete = True
    autocomplete_fields = ["organisation"]
    verbose_name = _("provider editor's organisation")
    verbose_name_plural = _("provider editor's organisation")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class EditorUserAdmin(UserAdmin):
    """Users, with the organisation a provider editor works for.

    Only superusers grant superuser status, change a superuser's account, or
    set another user's password: a directory admin sets only their own, so no
    one can sign in as someone else and act in their name.
    """

    inlines = [EditorProfileInline]
    list_display = ["username", "email", "is_staff", "is_superuser", "role_names", "organisation_name"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("editor_profile__organisation").prefetch_related("groups")

    def _outranks(self, request, obj):
        """Whether ``obj`` may do more than the signed-in user (a superuser, or a permission they lack)."""
        if obj is None or request.user.is_superuser:
            return False
        return (
            obj.is_superuser or permissions_of(obj).exclude(pk__in=permissions_of(request.user).values("pk")).exists()
        )

    def has_change_permission(self, request, obj=None):
        return not self._outranks(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._outranks(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and request is not None and not request.user.is_superuser:
            # Only roles within the signed-in user's own permissions (no one joins a wider group).
            wider = Permission.objects.exclude(pk__in=permissions_of(request.user).values("pk"))
            kwargs["queryset"] = Group.objects.exclude(permissions__in=wider)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser and str(request.user.pk) != unquote(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(sorted(group.name for group in obj.groups.all()))

    @admin.display(description=_("organisation"))
    def organisation_name(self, obj):
        profile = getattr(obj, "editor_profile", None)
        return profile.organisation.name if profile else ""


def permissions_of(user):
    """The permissions ``user`` holds, directly or through a group."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class EditorGroupAdmin(GroupAdmin):
    """Roles. A directory admin can give a group only permissions they hold themselves, and cannot change a
    group that holds more (so no one raises their own group to every permission in the system)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions" and request is not None and not request.user.is_superuser:
            kwargs["queryset"] = permissions_of(request.user)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def _within_own_permissions(self, request, obj):
        if obj is None or request.user.is_superuser:
            return True
        return not obj.permissions.exclude(pk__in=permissions_of(request.user).values("pk")).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._within_own_permissions(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._within_own_permissions(request, obj)


# The admin of the domain apps below editorial (they import nothing from editorial).
from . import directory, referrals, regions  # noqa: E402, F401
