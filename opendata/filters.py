"""The API's filters: the search page's FilterSet, with Open Referral's names for the same questions."""

import django_filters
from django.utils.translation import gettext_lazy as _

from directory.filters import MAX_QUERY_LENGTH, ServiceFilter

from . import taxonomies


class OpenReferralServiceFilter(ServiceFilter):
    """Every search page filter, plus ``text``/``search``, taxonomy terms and ``modified_after``; combined with AND.

    Unlike the search page, the API lists services whatever their status (the
    Open Referral status says which are running), and whoever they are for (the
    audience taxonomy says), so ``running_now_by_default`` and ``person_by_default`` are off.
    """

    running_now_by_default = False
    person_by_default = False

    text = django_filters.CharFilter(label=_("Words to search for"), method="filter_q", max_length=MAX_QUERY_LENGTH)
    search = django_filters.CharFilter(
        label=_("Words to search for (the profile's name for text)"), method="filter_q", max_length=MAX_QUERY_LENGTH
    )
    taxonomy_term_id = django_filters.UUIDFilter(
        label=_("Services with this taxonomy term"), method="filter_taxonomy_term"
    )
    taxonomy_id = django_filters.UUIDFilter(
        label=_("Services with any term of this taxonomy"), method="filter_taxonomy"
    )
    modified_after = django_filters.IsoDateTimeFilter(
        label=_("Services changed on or after this date and time"), field_name="last_modified", lookup_expr="gte"
    )

    class Meta(ServiceFilter.Meta):
        fields = [*ServiceFilter.Meta.fields, "text", "search", "taxonomy_term_id", "taxonomy_id", "modified_after"]

    def filter_taxonomy_term(self, queryset, name, value):
        term = taxonomies.find_term(value)
        if term is None:
            return queryset.none()
        return term.dimension.filter(queryset, term, self)

    def filter_taxonomy(self, queryset, name, value):
        dimension = taxonomies.BY_ID.get(str(value))
        if dimension is None:
            return queryset.none()
        return dimension.filter_any(queryset)
