from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import AreaGraph

from . import coverage
from .counts import CachedCountPaginator
from .filters import ServiceFilter
from .forms import AreaSearchForm, CoverageCellForm, CoverageForm
from .models import (
    Document,
    GlossaryTerm,
    Organisation,
    Service,
    StandardsAssessment,
    Tier,
    evidence_horizon,
    stale_months,
)
from .pagecache import shared_page
from .services import csv_lines, explain_results, glossary_index, kind_counts, nearest_services


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


def service_detail(request, slug):
    service = get_object_or_404(Service.objects.for_detail_page().with_timeline(timezone.localdate()), slug=slug)
    glossary = glossary_index(GlossaryTerm.objects.all())
    return render(request, "directory/service_detail.html", {"service": service, "glossary": glossary})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.with_services(), slug=slug)
    services = organisation.services.for_home_page().with_timeline(timezone.localdate())
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
    page = CachedCountPaginator(filterset.qs, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
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
            "risk_counts": filterset.risk_counts(),
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
    services = services.with_timeline(timezone.localdate())
    response = StreamingHttpResponse(csv_lines(services), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services.csv"'
    return response


def _coverage(request):
    """The bound coverage form and, when valid, its matrix, comparison matrix and stated-gap checks."""
    form = CoverageForm(request.GET)
    if not form.is_valid():
        return form, None, None, None
    default = evidence_horizon() or timezone.localdate()
    options, compare_options = form.options(default), form.compare_options(default)
    graph = AreaGraph.load()
    services = coverage.load_services()
    timeline = coverage.Timeline()
    matrix = coverage.build_matrix(options, services=services, graph=graph, timeline=timeline)
    compared = compare_options and coverage.build_matrix(
        compare_options, services=services, graph=graph, timeline=timeline
    )
    checks = coverage.check_stated_gaps(as_of=options.as_of, services=services, graph=graph, timeline=timeline)
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
            "horizon": evidence_horizon(),
            "today": timezone.localdate(),
        },
    )


def coverage_cell(request):
    """The services one coverage cell counts, then those listed apart: risk level not stated, or listed only
    "somewhere in" a larger area."""
    form = CoverageCellForm(request.GET)
    if not form.is_valid():
        return render(request, "directory/coverage_cell.html", {"form": form}, status=400)
    council = form.cleaned_data["area"]
    options = form.options(evidence_horizon() or timezone.localdate())
    matrix = coverage.build_matrix(options, only=council)
    cell = matrix.rows[0].cell(form.cleaned_data["column"])
    if cell is None:
        form.add_error("column", _("Choose a risk level or kind of service from the matrix"))
        return render(request, "directory/coverage_cell.html", {"form": form}, status=400)
    column = form.cleaned_data["column"]
    kind, _sep, value = column.partition(":")
    label = (
        next(str(level.label) for level in matrix.risk_levels if level.slug == value)
        if kind == "risk"
        else str(Tier(value).label)
    )
    return render(
        request,
        "directory/coverage_cell.html",
        {
            "form": form,
            "matrix": matrix,
            "council": council,
            "cell": cell,
            "is_risk": kind == "risk",
            "label": label,
            "services": Service.objects.filter(pk__in=cell.ids).for_home_page().with_timeline(options.as_of),
            "unstated": Service.objects.filter(pk__in=cell.unstated_ids).for_home_page().with_timeline(options.as_of),
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
    context = coverage.funding_overview(Service.objects.referable(), today=timezone.localdate())
    return render(request, "directory/funding.html", context)


@shared_page
def standards(request):
    """Every assessment against the VAWDASV Perpetrator Service Standards, summarised."""
    assessments = StandardsAssessment.objects.select_related("service", "document").with_rating_counts()
    return render(request, "directory/standards.html", {"assessments": assessments})
