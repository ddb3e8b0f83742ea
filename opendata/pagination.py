"""Open Referral's page envelope (total_items, total_pages, page_number, size, first/last page, empty, contents)."""

import math

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


class PageForm(forms.Form):
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10**9,
        error_messages={"invalid": _("Give page as a whole number, 1 or more")},
    )
    per_page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        error_messages={"invalid": _("Give per_page as a whole number from 1 to 200")},
    )


class OpenReferralPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        form = PageForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        self.page_number = form.cleaned_data["page"] or 1
        self.per_page = form.cleaned_data["per_page"] or DEFAULT_PER_PAGE
        self.total_items = queryset.count() if hasattr(queryset, "query") else len(queryset)
        offset = (self.page_number - 1) * self.per_page
        if offset >= self.total_items:
            return []
        return list(queryset[offset : offset + self.per_page])

    def get_paginated_response(self, data):
        total_pages = math.ceil(self.total_items / self.per_page)
        return Response(
            {
                "total_items": self.total_items,
                "total_pages": total_pages,
                "page_number": self.page_number,
                "size": len(data),
                "first_page": self.page_number == 1,
                "last_page": self.page_number >= total_pages,
                "empty": len(data) == 0,
                "contents": data,
            }
        )
