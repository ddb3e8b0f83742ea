"""Commissioning pages: the coverage matrix and hex map, one cell's services, stated gaps, funding, standards."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import (
    Document,
    Service,
    StandardsAssessment,
    Tier,
    evidence_horizon,
    evidence_span,
    stale_months,
)
from directory.pagecache import shared_page
from regions.models import AreaGraph

from . import coverage, coverage_index, exports, gaps, hexmap
from .forms import GROUPING_NOUNS, CoverageCellForm, CoverageForm
from .funding import FundingForm, funding_list, funding_overview


def _coverage(request, *, checks=True, lists=True):
    """The bound coverage form and, when valid, its matrix, comparison matrix, stated-gap checks (``None``
    when not asked for: the matrix CSV shows none; the gaps CSV needs no service lists, see ``check_stated_gaps``)
    and the dates the sources span (``evidence_span``).
    """
    form = CoverageForm(request.GET)
    if not form.is_valid():
        return form, None, None, None, None
    span = evidence_span()
    default = span.newest or timezone.localdate()
    options, compare_options = form.options(default), form.compare_options(default)
    graph = AreaGraph.load()
    services = coverage.load_services()
    timeline = coverage.Timeline()
    matrix = coverage.build_matrix(
        options, services=services, graph=graph, timeline=timeline, earliest_evidence=span.earliest
    )
    compared = compare_options and coverage.build_matrix(
        compare_options, services=services, graph=graph, timeline=timeline, earliest_evidence=span.earliest
    )
    found = (
        gaps.check_stated_gaps(as_of=options.as_of, services=services, graph=graph, timeline=timeline, lists=lists)
        if checks
        else None
    )
    return form, matrix, compared, found, span


@shared_page(params=CoverageForm.base_fields)
def coverage_page(request):
    """The coverage matrix and map, as of any date (beside a second date), with the gaps the documents state."""
    form, matrix, compared, checks, span = _coverage(request)
    if matrix is None:
        return render(request, "commissioning/coverage.html", {"form": form}, status=400)
    # A small directory's matrix whole; a national one as a summary of every grouping and one grouping's matrix.
    chosen = form.cleaned_data["group"]
    if not matrix.one_group_at_a_time:
        shown = matrix.groups
    elif chosen:
        shown = [group for group in [matrix.group(chosen)] if group]
        if not shown:
            form.add_error("group", _("Choose a grouping from the list"))
            return render(request, "commissioning/coverage.html", {"form": form}, status=400)
    else:
        shown = []
    rows = [row for group in shown for row in group.rows]
    coverage.link_cells(matrix, request.GET, reverse("commissioning:coverage-cell"), rows)
    return render(
        request,
        "commissioning/coverage.html",
        {
            "form": form,
            "matrix": matrix,
            "shown_groups": shown,
            "grouping_label": GROUPING_NOUNS[matrix.options.group_by],
            "chosen_group": shown[0] if matrix.one_group_at_a_time and shown else None,
            "summary": [(group, group.gaps_by_level(matrix.risk_levels)) for group in matrix.groups]
            if matrix.one_group_at_a_time
            else None,
            "compared": compared,
            "comparison": coverage.compare_gaps(matrix, compared, rows) if compared and rows else None,
            "maps": [(m, hexmap.hex_tiles(m)) for m in (matrix, compared) if m],
            "checks": checks,
            "viewbox": hexmap.MAP_VIEWBOX,
            "document_dates": Document.objects.exclude(published=None).order_by("published"),
            "horizon": span.newest,
            "earliest": span.earliest,
            "today": timezone.localdate(),
            "stale_months": stale_months(),
        },
    )


@shared_page(params=CoverageCellForm.base_fields)
def coverage_cell(request):
    """The services one coverage cell counts, then those listed apart: risk level not stated, or listed only
    "somewhere in" a larger area."""
    form = CoverageCellForm(request.GET)
    if not form.is_valid():
        return render(request, "commissioning/coverage_cell.html", {"form": form}, status=400)
    council = form.cleaned_data["area"]
    span = evidence_span()
    options = form.options(span.newest or timezone.localdate())
    # Only the services listing an area that covers this council are read (not the whole directory's timeline).
    graph = AreaGraph.load()
    services = coverage_index.ServiceAreas(areas=set().union(*graph.coverage_sets(council.pk)))
    matrix = coverage.build_matrix(
        options, services=services, graph=graph, only=council, earliest_evidence=span.earliest
    )
    cell = matrix.rows[0].cell(form.cleaned_data["column"])
    if cell is None:
        form.add_error("column", _("Choose a risk level or kind of service from the matrix"))
        return render(request, "commissioning/coverage_cell.html", {"form": form}, status=400)
    column = form.cleaned_data["column"]
    kind, _sep, value = column.partition(":")
    label = (
        next(str(level.label) for level in matrix.risk_levels if level.slug == value)
        if kind == "risk"
        else str(Tier(value).label)
    )
    return render(
        request,
        "commissioning/coverage_cell.html",
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


@shared_page(params=CoverageForm.base_fields)
def coverage_csv(request, kind):
    form, matrix, _compared, checks, _span = _coverage(request, checks=kind == "gaps", lists=False)
    if matrix is None:
        return render(request, "commissioning/coverage.html", {"form": form}, status=400)
    # Streamed, row by row from the computed cells (no template): the page cache keeps the whole as it streams.
    lines = exports.matrix_csv_lines(matrix) if kind == "matrix" else exports.gaps_csv_lines(matrix, checks)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{kind}-{matrix.options.as_of}.csv"'
    return response


@shared_page(params=(*FundingForm.base_fields, "page"))
def funding(request):
    """Which provision is fragile: counts by funding and kind, the first of each list, or one list on its own."""
    form = FundingForm(request.GET)
    if not form.is_valid():
        return render(request, "commissioning/funding_list.html", {"form": form}, status=400)
    today = timezone.localdate()
    chosen, tier = form.cleaned_data["funding"], form.cleaned_data["tier"]
    if not chosen:
        context = funding_overview(Service.objects.referable(), today=today)
        return render(request, "commissioning/funding.html", {**context, "today": today, "horizon": evidence_horizon()})
    context = funding_list(
        Service.objects.referable(), today=today, funding=chosen, tier=tier, page=request.GET.get("page")
    )
    return render(
        request, "commissioning/funding_list.html", {**context, "form": form, "funding": chosen, "today": today}
    )


@shared_page(params=())
def standards(request):
    """Every assessment against the VAWDASV Perpetrator Service Standards, summarised."""
    assessments = StandardsAssessment.objects.select_related("service", "document").with_rating_counts()
    return render(request, "commissioning/standards.html", {"assessments": assessments})
