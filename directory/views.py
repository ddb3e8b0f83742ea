from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from regions.models import AreaGraph

from . import coverage
from .filters import ServiceFilter
from .forms import AreaSearchForm, CoverageForm, StatusForm
from .models import (
    Document,
    GlossaryTerm,
    Organisation,
    Scope,
    Service,
    StandardsAssessment,
    Tier,
)
from .pagecache import shared_page
from .services import csv_lines, explain_results, glossary_index, nearest_services


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
    organisation = get_object_or_404(Organisation.objects.with_services(), slug=slug)
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
    # No DISTINCT: area, audience and harm filter with EXISTS, and a risk level or a route joins at most one row.
    page = Paginator(filterset.qs, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
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
    return render(
        request,
        "directory/service_search.html",
        {
            "filter": filterset,
            "chosen": chosen,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "results": results,
            "neighbouring": nearest[0],
            "adjacent": nearest[1],
        },
    )


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
    response = StreamingHttpResponse(csv_lines(services), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services.csv"'
    return response


def _coverage(request):
    """The bound coverage form and, when valid, its matrix, comparison matrix and stated-gap checks."""
    form = CoverageForm(request.GET)
    if not form.is_valid():
        return form, None, None, None
    today = timezone.localdate()
    options, compare_options = form.options(today), form.compare_options(today)
    graph = AreaGraph.load()
    services = coverage.load_services()
    matrix = coverage.build_matrix(options, services=services, graph=graph)
    compared = compare_options and coverage.build_matrix(compare_options, services=services, graph=graph)
    checks = coverage.check_stated_gaps(as_of=options.as_of, services=services, graph=graph)
    return form, matrix, compared, checks


@shared_page
def coverage_page(request):
    """The coverage matrix and map, as of any date (beside a second date), with the gaps the documents state."""
    form, matrix, compared, checks = _coverage(request)
    if matrix is None:
        return render(request, "directory/coverage.html", {"form": form}, status=400)
    return render(
        request,
        "directory/coverage.html",
        {
            "form": form,
            "matrix": matrix,
            "compared": compared,
            "comparison": coverage.compare_gaps(matrix, compared) if compared else None,
            "maps": [(m, coverage.hex_tiles(m)) for m in (matrix, compared) if m],
            "checks": checks,
            "viewbox": coverage.MAP_VIEWBOX,
            "document_dates": Document.objects.exclude(published=None).order_by("published"),
        },
    )


@shared_page
def coverage_csv(request, kind):
    form, matrix, _compared, checks = _coverage(request)
    if matrix is None:
        return render(request, "directory/coverage.html", {"form": form}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{kind}-{matrix.options.as_of}.csv"'
    if kind == "matrix":
        coverage.write_matrix_csv(response, matrix)
    else:
        coverage.write_gaps_csv(response, matrix, checks)
    return response


@shared_page
def funding(request):
    """Which provision is fragile: annual or time-limited funding, and what has been decommissioned."""
    return render(request, "directory/funding.html", coverage.funding_overview(Service.objects.referable()))


@shared_page
def standards(request):
    """Every assessment against the VAWDASV Perpetrator Service Standards, summarised."""
    assessments = StandardsAssessment.objects.select_related("service", "document").with_rating_counts()
    return render(request, "directory/standards.html", {"assessments": assessments})
