from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from directory.area_views import area_url
from editorial.admin import GuardedHistoryAdmin
from regions.models import Area


@admin.register(Area)
class AreaAdmin(GuardedHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["name_en", "name_cy", "kind", "gss_code", "gss_code_confirmed", "membership_inferred"]
    list_filter = ["kind", "gss_code_confirmed", "membership_inferred"]
    search_fields = ["name_en", "name_cy", "slug", "gss_code"]
    autocomplete_fields = ["within", "successor"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name_en", "name_cy", "slug", "kind", "style"]}),
        (_("Codes"), {"fields": ["gss_code", "gss_code_confirmed", "since"]}),
        (_("Structure"), {"fields": ["within", "membership_inferred", "successor"]}),
        (_("Notes and sources"), {"fields": ["note", "sources"]}),
    ]

    def view_on_site(self, obj):
        return area_url(obj)
