from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from regions.models import Area, AreaGraph

from .counts import CachedCountPaginator
from .models import Service, evidence_horizon
from .pagecache import TIMEOUT, current_version, reader_page

AREA_PAGE_SIZE = 40


def area_url(area):
    """The address of an area's page: ``{{ area|area_url }}`` (``{% load area_links %}``) and the area admin's
    "view on site". The page is the directory's, so its address is too: ``regions`` knows nothing of URLs."""
    return reverse("directory:area-detail", kwargs={"slug": area.slug})


# The farthest row a page is read from before the services are counted (``AreaServices.page``): an offset past
# 2**63 - 1 is a database error (PostgreSQL's bigint, SQLite's integer), so a page number typed past it was a 500.
FARTHEST_READ_FIRST = 2**31


class AreaServices(CachedCountPaginator):
    """The services an area page lists, a page at a time, reading only the page's rows.

    The page's ids come with what the covering and timeline filters computed for them (whether each covers all of
    the area, what its evidence says today), then its rows by id with only what the cards show (``rows``): the
    timeline is compiled and evaluated once for the page, not again for its rows. The total is kept in the shared
    cache under ``key`` (the area and the date) and the data version, like ``counts.cached`` but without compiling
    the query to name it; where it is not there yet, the page's ids are read with it (a window count), so the
    filters are evaluated once, not once for the total and again for the page.
    """

    def __init__(self, services, per_page, *, rows, key):
        super().__init__(services, per_page)
        self.rows = rows
        self.key = key

    @cached_property
    def _count_key(self):
        return f"area-count:{connection.alias}:{self.key}:{current_version()}"

    @cached_property
    def count(self):
        value = cache.get(self._count_key)
        if value is None:
            value = self.object_list.count()
            cache.set(self._count_key, value, TIMEOUT)
        return value

    def get_page(self, number):
        """``Paginator.get_page``, checking the number as the page is read (not by counting first)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        if "count" in self.__dict__ or cache.get(self._count_key) is not None:
            return super().page(number)
        number = self._page_number(number)
        bottom = (number - 1) * self.per_page
        if bottom > FARTHEST_READ_FIRST:  # past any directory, and past what the database takes as an offset
            return super().page(number)  # counted first: past the end (EmptyPage, so the last page)
        found, total = self._read(bottom, bottom + self.per_page, with_total=True)
        if not found:  # past the end (or nothing at all): counted the usual way
            return super().page(number)
        self.__dict__["count"] = total
        cache.set(self._count_key, total, TIMEOUT)
        return self._get_page(self._shown(found), number, self)

    def _page_number(self, number):
        """``validate_number`` without the total: an integer from 1."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def _rows(self, bottom, top):
        return self._shown(self._read(bottom, top)[0])

    def _read(self, bottom, top, with_total=False):
        """``([(pk, {annotation: value})], total or None)`` for the rows from ``bottom`` to ``top``."""
        names = list(self.object_list.query.annotations)
        queryset, first = self.object_list, ["pk"]
        if with_total:
            queryset, first = queryset.annotate(area_page_total=Window(Count("pk"))), ["pk", "area_page_total"]
        rows = list(queryset.values_list(*first, *names)[bottom:top])
        found = [(row[0], dict(zip(names, row[len(first) :], strict=True))) for row in rows]
        return found, (rows[0][1] if with_total and rows else None)

    def _shown(self, found):
        rows = self.rows.in_bulk([pk for pk, _values in found])
        page = []
        for pk, values in found:
            service = rows[pk]
            for name, value in values.items():
                setattr(service, name, value)
            page.append(service)
        return page


@reader_page
def area_detail(request, slug):
    """An area, the areas around it, and the services running there today (on their timeline), in all or part of it.

    Those covering all of it first; paginated: at national scale hundreds of services cover a council, and the
    page reads only the ones it shows. The same for every reader, so kept in the shared cache until the data
    changes (``reader_page``), at each page's own address.
    """
    area = get_object_or_404(Area.objects.prefetch_related("within", "contains"), slug=slug)
    today = timezone.localdate()
    services = (
        Service.objects.referable()
        .operating_on(today)
        .covering(area, graph=AreaGraph.load())
        .order_by("-covers_whole", "name", "slug")
    )
    paginator = AreaServices(services, AREA_PAGE_SIZE, rows=Service.objects.for_area_page(), key=f"{area.pk}:{today}")
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page)
    response = render(
        request,
        "directory/area_detail.html",
        {
            "area": area,
            "page": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "whole": [s for s in shown if s.covers_whole],
            "part": [s for s in shown if not s.covers_whole and not s.extent_unstated],
            "somewhere": [s for s in shown if s.extent_unstated],
            "horizon": evidence_horizon(),
        },
    )
    # Kept at a page's own address only (?page=2 on page 2), not at every other spelling of it.
    response.canonical = request.META.get("QUERY_STRING") == f"page={page.number}"
    return response


@reader_page
def area_list(request):
    """Every area by name (hundreds at national scale): the same for every reader, kept until the data changes."""
    return render(request, "directory/area_list.html", {"areas": Area.objects.all()})
