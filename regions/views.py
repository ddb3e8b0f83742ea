from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from directory.models import Service, evidence_horizon

from .models import Area, AreaGraph


def area_detail(request, slug):
    """An area, the areas around it, and the services running there today (on their timeline), in all or part of it."""
    area = get_object_or_404(Area.objects.prefetch_related("within", "contains"), slug=slug)
    services = list(
        Service.objects.referable()
        .operating_on(timezone.localdate())
        .covering(area, graph=AreaGraph.load())
        .for_home_page()
        .prefetch_related("areas")
    )
    return render(
        request,
        "regions/area_detail.html",
        {
            "area": area,
            "whole": [s for s in services if s.covers_whole],
            "part": [s for s in services if not s.covers_whole and not s.extent_unstated],
            "somewhere": [s for s in services if s.extent_unstated],
            "horizon": evidence_horizon(),
        },
    )


def area_list(request):
    return render(request, "regions/area_list.html", {"areas": Area.objects.all()})
