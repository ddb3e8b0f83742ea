from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from regions.models import Area, AreaGraph

from .counts import CachedCountPaginator
from .models import Service, evidence_horizon

AREA_PAGE_SIZE = 40


def area_url(area):
    """The address of an area's page: ``{{ area|area_url }}`` (``{% load area_links %}``) and the area admin's
    "view on site". The page is the directory's, so its address is too: ``regions`` knows nothing of URLs."""
    return reverse("directory:area-detail", kwargs={"slug": area.slug})


def area_detail(request, slug):
    """An area, the areas around it, and the services running there today (on their timeline), in all or part of it.

    Those covering all of it first; paginated: at national scale hundreds of services cover a council, and the
    page reads only the ones it shows.
    """
    area = get_object_or_404(Area.objects.prefetch_related("within", "contains"), slug=slug)
    services = (
        Service.objects.referable()
        .operating_on(timezone.localdate())
        .covering(area, graph=AreaGraph.load())
        .for_home_page()
        .prefetch_related("areas")
        .order_by("-covers_whole", "name", "slug")
    )
    page = CachedCountPaginator(services, AREA_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)
    return render(
        request,
        "directory/area_detail.html",
        {
            "area": area,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "whole": [s for s in shown if s.covers_whole],
            "part": [s for s in shown if not s.covers_whole and not s.extent_unstated],
            "somewhere": [s for s in shown if s.extent_unstated],
            "horizon": evidence_horizon(),
        },
    )


def area_list(request):
    return render(request, "directory/area_list.html", {"areas": Area.objects.all()})
