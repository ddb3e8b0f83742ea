"""The public problem report, and the admin pages for review, freshness and undo."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from directory.models import Service, evidence_horizon, stale_months

from . import services
from .forms import ProblemReportForm, RejectForm, ReviewStateForm, StaleEvidenceForm
from .models import PendingChange
from .network import client_address
from .roles import needs_review, scope_for

# --------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------


@never_cache
def report_problem(request, slug):
    """Report a problem with one entry. Nothing about the sender is asked for or stored."""
    service = get_object_or_404(Service.objects.select_related("organisation"), slug=slug)
    context = {"service": service}
    if request.method == "POST":
        if not services.take_report_allowance(source=client_address(request)):
            return render(request, "editorial/report_rate_limited.html", context, status=429)
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            form.instance.service = service
            form.save()
            return redirect("reports:sent", slug=service.slug)
        return render(request, "editorial/report_problem.html", {**context, "form": form}, status=400)
    return render(request, "editorial/report_problem.html", {**context, "form": ProblemReportForm()})


def report_sent(request, slug):
    service = get_object_or_404(Service, slug=slug)
    return render(request, "editorial/report_sent.html", {"service": service})


# --------------------------------------------------------------------------
# Admin
# --------------------------------------------------------------------------


def _admin_context(request, **context):
    return {**admin.site.each_context(request), **context}


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def review_list(request):
    """The review queue: provider editors' changes waiting for a directory admin (their own, for an editor)."""
    _require(request, "editorial.view_pendingchange")
    form = ReviewStateForm(request.GET)
    if not form.is_valid():
        return render(
            request, "editorial/admin/review_list.html", _admin_context(request, form=form, changes=[]), status=400
        )
    state = form.selected()
    changes = PendingChange.objects.visible_to(request.user).filter(state=state).for_queue()[:200]
    return render(
        request,
        "editorial/admin/review_list.html",
        _admin_context(request, form=form, state=state, changes=changes, title=_("Review queue")),
    )


def review_detail(request, pk):
    """One pending change, field by field, with approve and reject for a directory admin."""
    _require(request, "editorial.view_pendingchange")
    change = get_object_or_404(PendingChange.objects.visible_to(request.user).for_queue(), pk=pk)
    can_review = request.user.has_perm("editorial.review_pendingchange") and not needs_review(request.user)
    reject_form = RejectForm()
    errors = []
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        try:
            if "approve" in request.POST:
                service = services.approve_change(change, reviewer=request.user, take=request.POST.getlist("take"))
                messages.success(request, _("Approved. The public page now shows the change to %s.") % service)
                return redirect("editorial:review-list")
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                services.reject_change(change, reviewer=request.user, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("Rejected. The entry stays as it was."))
                return redirect("editorial:review-list")
        except ValidationError as error:
            errors = error.messages
    context = _admin_context(
        request,
        change=change,
        rows=services.review_rows(change),
        taken=request.POST.getlist("take"),
        can_review=can_review,
        reject_form=reject_form,
        errors=errors,
        title=str(change),
    )
    status = 400 if errors or reject_form.errors else 200
    return render(request, "editorial/admin/review_detail.html", context, status=status)


def dashboard(request):
    """Freshness at a glance: what needs review, what waits for approval, what the public reported."""
    _require(request, "directory.view_service")
    visible = scope_for(request.user).filter(Service.objects.all(), "organisation")
    today = timezone.localdate()
    summary = services.freshness_summary(visible, today=today)
    pending_count, open_reports = services.queue_counts(request.user)
    context = _admin_context(
        request,
        summary=summary,
        stale=services.stale_claims(visible.referable(), today=today),
        stale_months=stale_months(),
        horizon=evidence_horizon(),
        today=today,
        can_change=request.user.has_perm("directory.change_service"),
        actions=services.StaleAction,
        pending_count=pending_count,
        open_reports=open_reports,
        title=_("Directory health"),
    )
    return render(request, "editorial/admin/dashboard.html", context)


@require_POST
def stale_evidence(request, pk):
    """One click on the health page: "verified today", "ended on …" or "not known", recorded as evidence."""
    _require(request, "directory.change_service")
    service = get_object_or_404(Service, pk=pk)
    if not scope_for(request.user).allows(service.organisation_id):
        raise PermissionDenied
    form = StaleEvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(reverse("editorial:dashboard") + "#stale-claims")
    try:
        outcome, _obj = services.record_evidence(
            service,
            action=form.cleaned_data["action"],
            user=request.user,
            on=timezone.localdate(),
            ended_on=form.cleaned_data.get("ended_on"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("editorial:dashboard") + "#stale-claims")
    if outcome == "proposed":
        messages.success(
            request,
            _("Sent for review: %(name)s. It changes when a directory admin approves it.") % {"name": service.name},
        )
    else:
        messages.success(request, _("Recorded for %(name)s.") % {"name": service.name})
    return redirect(reverse("editorial:dashboard") + "#stale-claims")


@require_POST
def undo_change(request, app_label, model_name, history_id):
    """Undo one recorded change to a service or a row on its page."""
    record = services.history_record(app_label, model_name, history_id)
    if record is None:
        raise Http404
    service_id = services.service_of(record)
    service = Service.objects.filter(pk=service_id).first() if service_id else None
    model = record.instance_type
    allowed = (
        not needs_review(request.user)
        and request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        and (service is None or scope_for(request.user).allows(service.organisation_id))
    )
    if not allowed:
        raise PermissionDenied
    try:
        services.undo_change(record, user=request.user)
        messages.success(request, _("Undone. The history records the undo as a change of its own."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if service is not None:
        return redirect(reverse("admin:directory_service_history", args=[service.pk]))
    return redirect(reverse(f"admin:{app_label}_{model_name}_history", args=[record.instance.pk]))
