from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from regions.models import AreaGraph

from .cards import service_cards
from .counts import CachedCountPaginator
from .filters import ServiceFilter
from .forms import AreaSearchForm
from .models import (
    GlossaryTerm,
    Organisation,
    Service,
    evidence_horizon,
    stale_months,
)
from .pagecache import reader_page
from .services import csv_lines, current_glossary_index, explain_results, kind_counts, nearest_services, one_snapshot


def service_list(request):
    """Home: an entry point (search, the matcher, counts by kind linking into search), dated by its evidence."""
    today = timezone.localdate()
    return render(
        request,
        "directory/service_list.html",
        {
            "kinds": kind_counts(Service.objects.referable(), today=today),
            "horizon": evidence_horizon(),
            "stale_months": stale_months(),
            "area_form": AreaSearchForm(),
            "matcher_url": reverse("referrals:case-matcher"),
        },
    )


@reader_page
def service_detail(request, slug):
    """A service's page: the same for every reader, so kept in the shared cache until the data changes."""
    service = get_object_or_404(Service.objects.for_detail_page().with_timeline(timezone.localdate()), slug=slug)
    glossary = current_glossary_index()
    return render(request, "directory/service_detail.html", {"service": service, "glossary": glossary})


@reader_page
def organisation_detail(request, slug):
    """An organisation and its services: the same for every reader, kept until the data changes (``reader_page``)."""
    organisation = get_object_or_404(Organisation.objects.with_services(), slug=slug)
    services = organisation.services.for_home_page().with_timeline(timezone.localdate())
    return render(request, "directory/organisation_detail.html", {"organisation": organisation, "services": services})


def glossary(request):
    return render(request, "directory/glossary.html", {"terms": GlossaryTerm.objects.select_related("document")})


SEARCH_PAGE_SIZE = 20


@reader_page(private=ServiceFilter.TYPED)
def service_search(request):
    """Search with filters; results say why they matched, and an empty result says what is nearest.

    The same for every reader without typed words: kept whole in the shared cache until the data changes
    (``reader_page``) at a search's canonical addresses (``ServiceFilter.canonical_queries``); a search with words
    is always computed and nothing of it stored.
    """
    graph = SimpleLazyObject(AreaGraph.load)  # read only where an area is chosen
    filterset = ServiceFilter(request.GET, queryset=Service.objects.referable().for_search_page(), graph=graph)
    if not filterset.is_valid():
        return render(request, "directory/service_search.html", {"filter": filterset}, status=400)
    chosen = filterset.chosen
    # No DISTINCT: area, audience and harm filter with EXISTS, and a risk level or a route joins at most one row.
    # Grouped results ("stated" first) are read a group's slice at a time, in index order.
    page = CachedCountPaginator(
        filterset.qs, SEARCH_PAGE_SIZE, count_key=filterset.cache_key, groups=filterset.groups()
    ).get_page(request.GET.get("page"))
    risk_counts = filterset.risk_counts()
    results = explain_results(page, graph=graph, chosen=chosen)
    nearest = ([], [])
    if not results and "area" in chosen:
        nearest = nearest_services(
            Service.objects.referable().for_list_page(),
            area=chosen["area"],
            risk=chosen.get("risk"),
            graph=graph,
            today=filterset.today,
        )
    response = render(
        request,
        "directory/service_search.html",
        {
            "filter": filterset,
            "chosen": chosen,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "results": results,
            # Each result's card from the cache (one read for the page), with the reasons it matched this search.
            "cards": service_cards(results, heading="4" if risk_counts else "3"),
            "risk_counts": risk_counts,
            "neighbouring": nearest[0],
            "adjacent": nearest[1],
        },
    )
    response.canonical = request.META.get("QUERY_STRING", "") in filterset.canonical_queries(page.number)
    return response


def service_export(request):
    """Every entry as CSV; with search parameters, exactly the services the search page shows (all pages).

    Streamed as it is read from the database: constant memory, first bytes at once, whatever the size.
    """
    if request.GET:
        filterset = ServiceFilter(request.GET, queryset=Service.objects.referable())
        if not filterset.is_valid():
            return render(request, "directory/service_search.html", {"filter": filterset}, status=400)
        services = filterset.qs
    else:
        services = Service.objects.all()
    services = services.with_timeline(timezone.localdate())
    response = StreamingHttpResponse(one_snapshot(csv_lines(services)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services.csv"'
    return response
