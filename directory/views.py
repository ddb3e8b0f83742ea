from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from regions.models import AreaGraph

from .filters import ServiceFilter
from .forms import AreaSearchForm, StatusForm
from .models import GlossaryTerm, Organisation, Scope, Service, Tier
from .services import glossary_index, match_reasons, nearest_services, write_csv


def service_list(request):
    """Home: every current service grouped by tier; ?status=all adds the rest."""
    form = StatusForm(request.GET)
    if not form.is_valid():
        return render(request, "directory/service_list.html", {"form": form, "groups": []}, status=400)
    services = Service.objects.for_home_page()
    elsewhere = []
    if form.include_all:
        elsewhere = services.filter(scope=Scope.ELSEWHERE)
        services = services.referable()
    else:
        services = services.referable().current(timezone.localdate())
    return render(
        request,
        "directory/service_list.html",
        {
            "form": form,
            "groups": Tier.group(services),
            "elsewhere": elsewhere,
            "include_all": form.include_all,
            "area_form": AreaSearchForm(),
            "matcher_url": reverse("referrals:case-matcher"),
        },
    )


def service_detail(request, slug):
    service = get_object_or_404(Service.objects.for_detail_page(), slug=slug)
    glossary = glossary_index(GlossaryTerm.objects.all())
    return render(request, "directory/service_detail.html", {"service": service, "glossary": glossary})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    services = organisation.services.for_home_page()
    return render(request, "directory/organisation_detail.html", {"organisation": organisation, "services": services})


def glossary(request):
    return render(request, "directory/glossary.html", {"terms": GlossaryTerm.objects.select_related("document")})


SEARCH_PAGE_SIZE = 20


def service_search(request):
    """Search with filters; results say why they matched, and an empty result says what is nearest."""
    graph = AreaGraph.load()
    filterset = ServiceFilter(request.GET, queryset=Service.objects.referable().for_list_page(), graph=graph)
    if not filterset.is_valid():
        return render(request, "directory/service_search.html", {"filter": filterset}, status=400)
    chosen = filterset.chosen
    page = Paginator(filterset.qs.distinct(), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    results = [
        (
            service,
            match_reasons(
                service,
                graph=graph,
                area=chosen.get("area"),
                risk=chosen.get("risk"),
                route=chosen.get("route"),
                query=chosen.get("q", ""),
            ),
        )
        for service in page
    ]
    nearest = ([], [])
    if not results and "area" in chosen:
        nearest = nearest_services(
            Service.objects.referable().for_list_page(),
            area=chosen["area"],
            risk=chosen.get("risk"),
            graph=graph,
            today=filterset.today,
        )
    return render(
        request,
        "directory/service_search.html",
        {
            "filter": filterset,
            "chosen": chosen,
            "page": page,
            "results": results,
            "neighbouring": nearest[0],
            "adjacent": nearest[1],
        },
    )


def service_export(request):
    """Every entry as CSV; with search parameters, exactly the services the search page shows (all pages)."""
    if request.GET:
        filterset = ServiceFilter(request.GET, queryset=Service.objects.referable().for_export())
        if not filterset.is_valid():
            return render(request, "directory/service_search.html", {"filter": filterset}, status=400)
        services = filterset.qs.distinct()
    else:
        services = Service.objects.for_export()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services.csv"'
    write_csv(response, services)
    return response
