from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from referrals.models import ReferralRequirement, ServicePathway

from .models import (
    AssessmentItem,
    AvailabilityNote,
    Citation,
    Contact,
    Document,
    GlossaryTerm,
    Organisation,
    Programme,
    RiskLevel,
    Service,
    ServiceLink,
    StandardsAssessment,
    StatedGap,
    StatusEvent,
)


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    fields = ["document", "section", "quote", "supports"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ServicePathwayInline(admin.TabularInline):
    model = ServicePathway
    extra = 0


class StatusEventInline(admin.TabularInline):
    model = StatusEvent
    extra = 0
    fields = ["status", "date", "date_text", "document", "section", "quote"]


class AvailabilityNoteInline(admin.TabularInline):
    model = AvailabilityNote
    extra = 0
    fields = ["state", "wait", "said_on", "document", "section", "quote"]


class ServiceLinkInline(admin.TabularInline):
    model = ServiceLink
    fk_name = "from_service"
    extra = 0
    autocomplete_fields = ["to_service"]


class ReferralRequirementInline(admin.TabularInline):
    model = ReferralRequirement
    extra = 0
    fields = ["position", "section", "item", "detail", "source_document", "source_section"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "tier", "status", "scope", "start_date", "end_date", "citation_count"]
    list_filter = ["status", "tier", "scope", "attendance", "format", "funding_longevity", "risk_levels"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug", "summary", "organisation__name"]
    autocomplete_fields = ["organisation", "programme", "areas"]
    filter_horizontal = ["risk_levels"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [
        CitationInline,
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
            {"fields": ["status", ("start_date", "start_text"), ("end_date", "end_text"), "last_verified"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_citation_count=Count("citations", distinct=True))

    @admin.display(description=_("citations"), ordering="_citation_count")
    def citation_count(self, obj):
        return obj._citation_count


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "service_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_service_count=Count("services"))

    @admin.display(description=_("services"), ordering="_service_count")
    def service_count(self, obj):
        return obj._service_count


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RiskLevel)
class RiskLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rank"]
    ordering = ["rank"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "date_text", "published", "filename"]
    search_fields = ["title", "author"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["service", "document", "section", "quote"]
    list_filter = ["document"]
    list_select_related = ["service", "document"]
    search_fields = ["quote", "section", "service__name"]
    autocomplete_fields = ["service"]


@admin.register(StatusEvent)
class StatusEventAdmin(admin.ModelAdmin):
    list_display = ["service", "status", "date", "document"]
    list_filter = ["status", "document"]
    list_select_related = ["service", "document"]
    search_fields = ["service__name", "quote"]
    autocomplete_fields = ["service"]


@admin.register(ServiceLink)
class ServiceLinkAdmin(admin.ModelAdmin):
    list_display = ["from_service", "kind", "to_service", "note"]
    list_filter = ["kind"]
    list_select_related = ["from_service", "to_service"]
    search_fields = ["from_service__name", "to_service__name"]
    autocomplete_fields = ["from_service", "to_service"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "meaning"]
    search_fields = ["term", "meaning"]
    prepopulated_fields = {"slug": ["term"]}


class AssessmentItemInline(admin.TabularInline):
    model = AssessmentItem
    extra = 0


@admin.register(StandardsAssessment)
class StandardsAssessmentAdmin(admin.ModelAdmin):
    list_display = ["service", "checklist_type", "assessed_on", "assessor"]
    list_filter = ["checklist_type"]
    list_select_related = ["service"]
    autocomplete_fields = ["service"]
    inlines = [AssessmentItemInline]


@admin.register(StatedGap)
class StatedGapAdmin(admin.ModelAdmin):
    list_display = ["statement", "tier", "as_of", "document"]
    list_filter = ["as_of", "document", "tier"]
    list_select_related = ["document"]
    search_fields = ["statement", "quote"]
    autocomplete_fields = ["areas"]
    filter_horizontal = ["risk_levels"]
