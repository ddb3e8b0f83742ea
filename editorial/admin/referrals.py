from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from directory.models import ReferralPathway, ReferralRequirement, ServicePathway
from editorial.admin import GuardedHistoryAdmin, OrganisationScopedAdmin
from editorial.admin.deletion import CheckedDeletionAdmin
from editorial.forms import ServicePathwayAdminForm


@admin.register(ReferralPathway)
class ReferralPathwayAdmin(GuardedHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "position", "requires_marac", "justice_requirement"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ServicePathway)
class ServicePathwayAdmin(CheckedDeletionAdmin, OrganisationScopedAdmin, GuardedHistoryAdmin, SimpleHistoryAdmin):
    read_only_for_providers = True
    form = ServicePathwayAdminForm
    list_display = ["service", "pathway", "note", "contact"]
    list_filter = ["pathway"]
    list_select_related = ["service", "pathway"]
    search_fields = ["service__name", "note"]
    autocomplete_fields = ["service"]


@admin.register(ReferralRequirement)
class ReferralRequirementAdmin(OrganisationScopedAdmin, GuardedHistoryAdmin, SimpleHistoryAdmin):
    read_only_for_providers = True
    list_display = ["service", "position", "section", "item"]
    list_select_related = ["service"]
    search_fields = ["service__name", "item"]
    autocomplete_fields = ["service"]
