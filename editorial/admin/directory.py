from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from directory.models import (
    AssessmentItem,
    AvailabilityNote,
    Citation,
    Contact,
    Disagreement,
    Document,
    GlossaryTerm,
    Organisation,
    Programme,
    ReferralRequirement,
    RiskLevel,
    Service,
    ServiceFocus,
    ServiceLink,
    ServicePathway,
    StandardsAssessment,
    StatedGap,
    Status,
    StatusEvent,
)
from editorial import freshness
from editorial.admin import (
    GuardedHistoryAdmin,
    NeedsReviewFilter,
    OrganisationScopedAdmin,
    ReviewedChangesAdmin,
    ScopedInline,
)
from editorial.forms import (
    AtLeastOneCitationFormSet,
    ContactAdminForm,
    OrganisationAdminForm,
    ReferralRoutesFormSet,
    ServiceAdminForm,
)
from editorial.resources import FORMATS, ServiceResource
from editorial.roles import needs_review


class StatusNowFilter(admin.SimpleListFilter):
    """The status today on each service's timeline (there is no stored status to filter on)."""

    title = _("status now")
    parameter_name = "status_now"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.with_timeline(timezone.localdate()).filter(timeline_status=self.value())
        return queryset


class HistoryAdmin(GuardedHistoryAdmin, SimpleHistoryAdmin):
    """Every change recorded, with a readable diff and a revert for those who may change the row."""


class CitationInline(ScopedInline, admin.TabularInline):
    model = Citation
    formset = AtLeastOneCitationFormSet
    row_select_related = ["document"]
    extra = 0
    min_num = 1
    fields = ["document", "section", "quote", "supports"]

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class ServiceFocusInline(ScopedInline, admin.TabularInline):
    model = ServiceFocus
    row_select_related = ["service"]
    extra = 0
    fields = ["kind", "value", "applies", "document", "section", "quote"]
    verbose_name = _("who it is for or harm addressed (a missing row means not stated)")


class ContactInline(ScopedInline, admin.TabularInline):
    model = Contact
    form = ContactAdminForm
    extra = 0


class ServicePathwayInline(ScopedInline, admin.TabularInline):
    model = ServicePathway
    formset = ReferralRoutesFormSet
    row_select_related = ["service", "pathway"]
    extra = 0


class StatusEventInline(ScopedInline, admin.TabularInline):
    model = StatusEvent
    row_select_related = ["service"]
    extra = 0
    fields = ["status", "date", "precision", "date_text", "document", "section", "quote", "editor_role", "stated_on"]


class AvailabilityNoteInline(ScopedInline, admin.TabularInline):
    model = AvailabilityNote
    row_select_related = ["service"]
    extra = 0
    fields = ["state", "wait", "said_on", "document", "section", "quote"]


class ServiceLinkInline(ScopedInline, admin.TabularInline):
    model = ServiceLink
    read_only_for_providers = True  # links reach other organisations' services
    fk_name = "from_service"
    row_select_related = ["from_service", "to_service"]
    extra = 0
    autocomplete_fields = ["to_service"]


class ReferralRequirementInline(ScopedInline, admin.TabularInline):
    model = ReferralRequirement
    extra = 0
    fields = ["position", "section", "item", "detail", "source_document", "source_section"]


@admin.register(Service)
class ServiceAdmin(
    ReviewedChangesAdmin, GuardedHistoryAdmin, OrganisationScopedAdmin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    organisation_path = "organisation"
    form = ServiceAdminForm
    resource_classes = [ServiceResource]
    formats = FORMATS  # every export neutralises cells a spreadsheet would run as formulae
    import_error_display = ("message", "row")
    change_form_template = "editorial/admin/service_change_form.html"
    object_history_template = "editorial/admin/service_history.html"
    actions = ["mark_verified"]
    list_display = [
        "name",
        "organisation",
        "tier",
        "status_now",
        "scope",
        "start_date",
        "end_date",
        "citation_count",
        "last_verified",
        "review_due",
    ]
    list_filter = [
        NeedsReviewFilter,
        StatusNowFilter,
        "tier",
        "scope",
        "attendance",
        "format",
        "funding_longevity",
        "risk_levels",
    ]
    list_select_related = ["organisation"]
    ordering = ["name", "slug"]  # explicit, as the citation count groups the rows
    readonly_fields = ["verified_by"]
    search_fields = ["name", "slug", "summary", "organisation__name"]
    autocomplete_fields = ["organisation", "programme", "areas"]
    filter_horizontal = ["risk_levels"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [
        CitationInline,
        ServiceFocusInline,
        ContactInline,
        ServicePathwayInline,
        ReferralRequirementInline,
        StatusEventInline,
        AvailabilityNoteInline,
        ServiceLinkInline,
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation", "programme", "summary", "description"]}),
        (_("Kind and reach"), {"fields": ["tier", "scope", "risk_levels", "areas", "area_note"]}),
        (_("How it runs"), {"fields": ["format", "length", "sessions", "attendance"]}),
        (
            _("Eligibility"),
            {
                "fields": [
                    "gender",
                    ("min_age", "max_age"),
                    "relationship",
                    "requires_children",
                    "requires_responsibility",
                    "group_language",
                    "excludes_substance_use",
                    "justice_requirement",
                    "eligibility",
                    "exclusions",
                ]
            },
        ),
        (
            _("Funding and evidence"),
            {"fields": ["funding_source", "funding_longevity", "funding_note", "accreditation", "evaluation"]},
        ),
        (
            _("Status and dates"),
            {
                "fields": [
                    ("start_date", "start_precision", "start_text"),
                    ("end_date", "end_precision", "end_text"),
                    ("last_verified", "verified_by"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The status column is today's on the timeline (the status history below), never a stored field.
        return (
            super()
            .get_queryset(request)
            .with_timeline(timezone.localdate())
            .annotate(_citation_count=Count("citations", distinct=True))
        )

    @admin.display(description=_("status now"))
    def status_now(self, obj):
        return Status(obj.timeline_status).label if obj.timeline_status else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and needs_review(request.user):
            fields.append("organisation")  # a provider editor cannot move a service to another organisation
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and needs_review(request.user) else super().get_prepopulated_fields(request, obj)

    def has_import_permission(self, request):
        # Imports go live at once, so they are for directory admins; provider editors' changes are reviewed.
        user = request.user
        return (
            not needs_review(user)
            and user.has_perm("directory.add_service")
            and user.has_perm("directory.change_service")
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row that fails validation rolls the whole import back.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported: a row failed when the import was applied. Upload the file again to see why."),
                messages.ERROR,
            )
            return redirect("admin:directory_service_import")
        return super().process_result(result, request)

    @admin.display(description=_("citations"), ordering="_citation_count")
    def citation_count(self, obj):
        return obj._citation_count

    @admin.display(description=_("needs review"), boolean=True)
    def review_due(self, obj):
        return obj.needs_review(timezone.localdate())

    @admin.action(description=_("Mark selected services verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        if needs_review(request.user):
            # A provider editor's "verified" is a claim about their own entries: it waits for review like any change.
            count = freshness.propose_verified(queryset, user=request.user, on=timezone.localdate())
            self.message_user(
                request,
                _("Sent %(count)d services for review as verified today. They show as verified once approved.")
                % {"count": count},
                messages.SUCCESS,
            )
            return
        count = freshness.mark_verified(queryset, user=request.user, on=timezone.localdate())
        self.message_user(request, _("Marked %(count)d services verified today.") % {"count": count}, messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin, HistoryAdmin):
    organisation_path = "pk"
    read_only_for_providers = True
    form = OrganisationAdminForm
    list_display = ["name", "website", "service_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_service_count=Count("services"))

    @admin.display(description=_("services"), ordering="_service_count")
    def service_count(self, obj):
        return obj._service_count


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RiskLevel)
class RiskLevelAdmin(HistoryAdmin):
    list_display = ["name", "slug", "rank"]
    ordering = ["rank"]


@admin.register(Document)
class DocumentAdmin(HistoryAdmin):
    list_display = ["title", "short_name", "author", "date_text", "published", "filename"]
    search_fields = ["title", "short_name", "author"]


@admin.register(Citation)
class CitationAdmin(OrganisationScopedAdmin, HistoryAdmin):
    read_only_for_providers = True
    list_display = ["service", "document", "section", "quote"]
    list_filter = ["document"]
    list_select_related = ["service", "document"]
    search_fields = ["quote", "section", "service__name"]
    autocomplete_fields = ["service"]

    def has_delete_permission(self, request, obj=None):
        # Every service keeps at least one citation.
        if obj is not None and obj.service.citations.count() <= 1:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, so a service is never left without a source
        return actions


@admin.register(StatusEvent)
class StatusEventAdmin(OrganisationScopedAdmin, HistoryAdmin):
    read_only_for_providers = True
    list_display = ["service", "status", "date", "precision", "document", "editor_role"]
    list_filter = ["status", "precision", "document", "editor_role"]
    list_select_related = ["service", "document"]
    search_fields = ["service__name", "quote"]
    autocomplete_fields = ["service"]


@admin.register(ServiceLink)
class ServiceLinkAdmin(OrganisationScopedAdmin, HistoryAdmin):
    organisation_path = "from_service__organisation"
    read_only_for_providers = True
    list_display = ["from_service", "kind", "to_service", "note"]
    list_filter = ["kind"]
    list_select_related = ["from_service", "to_service"]
    search_fields = ["from_service__name", "to_service__name"]
    autocomplete_fields = ["from_service", "to_service"]


@admin.register(Disagreement)
class DisagreementAdmin(OrganisationScopedAdmin, HistoryAdmin):
    read_only_for_providers = True
    list_display = ["service", "topic"]
    list_select_related = ["service"]
    search_fields = ["service__name", "topic", "note"]
    autocomplete_fields = ["service", "earlier", "later"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(HistoryAdmin):
    list_display = ["term", "meaning", "editor_note"]
    search_fields = ["term", "meaning", "editor_note"]
    prepopulated_fields = {"slug": ["term"]}


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(StandardsAssessment)
class StandardsAssessmentAdmin(OrganisationScopedAdmin, HistoryAdmin):
    read_only_for_providers = True
    list_display = ["service", "checklist_type", "assessed_on", "assessor"]
    list_filter = ["checklist_type"]
    list_select_related = ["service"]
    autocomplete_fields = ["service"]
    inlines = [AssessmentItemInline]


@admin.register(StatedGap)
class StatedGapAdmin(HistoryAdmin):
    list_display = ["statement", "tier", "as_of", "document"]
    list_filter = ["as_of", "document", "tier"]
    list_select_related = ["document"]
    search_fields = ["statement", "quote"]
    autocomplete_fields = ["areas"]
    filter_horizontal = ["risk_levels"]
