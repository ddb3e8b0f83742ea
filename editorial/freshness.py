"""Freshness: when each entry was last checked, what needs review, and one-click evidence for stale claims.

What "needs review" means is the model's (``directory/models/freshness.py``): ``Service.needs_review(today)``
and ``ServiceQuerySet.needing_review(today)`` / ``verified_recently(today)``, one condition read both ways.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import EditorRole, Precision, Service, Status, StatusEvent, needs_review_condition
from directory.pagecache import bump

from .history import ensure_baselines, record_m2m_rows
from .models import PendingChange
from .values import EMPTY, _check, _set_values, as_stored, display_field, display_value


@dataclass(frozen=True)
class Freshness:
    last_verified: datetime.date | None
    needs_review: bool


def freshness_of(service, *, today):
    return Freshness(service.last_verified, service.needs_review(today))


@dataclass(frozen=True)
class FreshnessSummary:
    total: int
    up_to_date: int
    never_verified: int
    overdue: int
    due: list
    review_after_months: int

    @property
    def needs_review(self):
        return self.never_verified + self.overdue


def freshness_summary(services, *, today, limit=100):
    """Counts for the admin dashboard, and the entries most in need of review (never verified first)."""
    counts = services.aggregate(
        total=Count("pk"),
        never=Count("pk", filter=Q(last_verified__isnull=True)),
        needs_review=Count("pk", filter=needs_review_condition(today)),
    )
    due = list(
        services.needing_review(today)
        .select_related("organisation", "verified_by")
        .order_by(F("last_verified").asc(nulls_first=True), "name")[:limit]
    )
    return FreshnessSummary(
        total=counts["total"],
        up_to_date=counts["total"] - counts["needs_review"],
        never_verified=counts["never"],
        overdue=counts["needs_review"] - counts["never"],
        due=due,
        review_after_months=settings.EDITORIAL_REVIEW_AFTER_MONTHS,
    )


@transaction.atomic
def mark_verified(services, *, user, on):
    """Record that ``user`` checked each service on ``on``; one history record each. Returns how many."""
    objs = list(services)
    if not objs:
        return 0
    ensure_baselines(Service, [obj.pk for obj in objs])
    for obj in objs:
        obj.last_verified = on
        obj.verified_by = user
    Service.objects.bulk_update(objs, ["last_verified", "verified_by"])
    bump()  # bulk_update sends no signals: a verification is evidence on the timeline, so pages change
    records = Service.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=gettext("Marked verified")
    )
    record_m2m_rows(Service, records)
    return len(objs)


@transaction.atomic
def propose_verified(services, *, user, on):
    """A provider editor's "checked on ``on``", one pending change per service for a directory admin to approve.

    Returns how many were proposed (services already recorded as verified that day by them are left out).
    """
    last_verified = Service._meta.get_field("last_verified")
    verified_by = Service._meta.get_field("verified_by")
    proposed = 0
    for service in services.select_related("verified_by"):
        if service.last_verified == on and service.verified_by_id == user.pk:
            continue
        PendingChange.objects.create(
            service=service,
            organisation_id=service.organisation_id,
            summary=(gettext("Verified: %(name)s") % {"name": service.name})[:300],
            proposal={
                "fields": {"last_verified": on, "verified_by": user.pk},
                "m2m": {},
                "rows": [],
                "original": {
                    "fields": {
                        "last_verified": as_stored(service.last_verified),
                        "verified_by": service.verified_by_id,
                    },
                    "m2m": {},
                },
            },
            changes=[
                {
                    "model": "directory.service",
                    "object": gettext("Service"),
                    "field": field.name,
                    "before": display_field(service, field),
                    "after": after,
                    "key": f"fields:{field.name}",
                }
                for field, after in ((last_verified, on.isoformat()), (verified_by, str(user)))
            ],
            submitted_by=user,
        )
        proposed += 1
    return proposed


class StaleAction(models.TextChoices):
    VERIFIED = "verified", _("Verified today: it is running")
    ENDED = "ended", _("Ended on …")
    NOT_KNOWN = "not_known", _("Not known")


def stale_claims(services, *, today, limit=200):
    """Services whose claim on ``today`` is old or uncertain, oldest evidence first (one query).

    These are the claims most likely out of date: running but not confirmed within the threshold,
    pilots with no outcome, planned launches that passed, and "not known" checks.
    """
    rows = (
        services.with_timeline(today)
        .select_related("organisation")
        .order_by(F("timeline_evidence").asc(nulls_first=True), "name")
    )
    return [service for service in rows if service.claim.warning][:limit]


def _evidence_fields(action, *, on, user=None):
    """The service fields an action sets: each is evidence on the service's timeline ("ended" is a status event)."""
    if action == StaleAction.VERIFIED:
        return {"last_verified": on, "verified_by": user.pk if user else None, "unconfirmed_on": None}
    return {"unconfirmed_on": on}


def _ended_statement(service, *, ended_on, on, user, role):
    """An editor's statement that ``service`` ended on ``ended_on``: a status event with the editor as its source.

    Checked by the model (``StatusEvent.clean()`` and its constraints) before it is applied or proposed.
    """
    values = {
        "status": Status.DECOMMISSIONED,
        "date": ended_on,
        "precision": Precision.DAY,
        "editor_role": role,
        "stated_by": user.pk if user else None,
        "stated_on": on,
    }
    event = StatusEvent(service=service)
    _set_values(event, values)
    _check(event)
    return event, values


@transaction.atomic
def record_evidence(service, *, action, user, on, ended_on=None):
    """Record an editor's check as evidence on the timeline; a provider editor's waits for review.

    "Ended on …" adds a status event stated by the editor (their role shown, never who), so the timeline
    shows the service ended on that date with its evidence. Returns ``("applied", object)`` or
    ``("proposed", pending change)``.
    """
    from .roles import needs_review as waits

    if action == StaleAction.ENDED and (ended_on is None or ended_on > on):
        raise ValidationError(_("Enter the date it ended, no later than today"))
    if action == StaleAction.ENDED:
        role = EditorRole.PROVIDER if waits(user) else EditorRole.DIRECTORY
        event, values = _ended_statement(service, ended_on=ended_on, on=on, user=user, role=role)
        if waits(user):
            label = capfirst(StatusEvent._meta.verbose_name)
            change = PendingChange.objects.create(
                service=service,
                organisation_id=service.organisation_id,
                summary=(gettext("Evidence for %(name)s: %(action)s") % {"name": service.name, "action": action})[:300],
                proposal={
                    "fields": {},
                    "m2m": {},
                    "rows": [{"model": "directory.statusevent", "fk": "service", "action": "add", "fields": values}],
                },
                changes=[
                    {
                        "model": "directory.statusevent",
                        "object": gettext("New %(thing)s") % {"thing": label.lower()},
                        "field": name,
                        "before": EMPTY,
                        "after": display_value(StatusEvent._meta.get_field(name), value),
                    }
                    for name, value in values.items()
                ],
                submitted_by=user,
            )
            return "proposed", change
        event._history_user = user
        event._change_reason = gettext("Evidence recorded from the directory health page")
        event.save()
        return "applied", event
    values = _evidence_fields(action, on=on, user=user)
    if waits(user):
        changes = [
            {
                "model": "directory.service",
                "object": gettext("Service"),
                "field": name,
                "before": display_field(service, Service._meta.get_field(name)),
                "after": display_value(Service._meta.get_field(name), value),
            }
            for name, value in values.items()
        ]
        change = PendingChange.objects.create(
            service=service,
            organisation_id=service.organisation_id,
            summary=(gettext("Evidence for %(name)s: %(action)s") % {"name": service.name, "action": action})[:300],
            proposal={"fields": values, "m2m": {}, "rows": []},
            changes=changes,
            submitted_by=user,
        )
        return "proposed", change
    ensure_baselines(Service, [service.pk])
    _set_values(service, values)
    _check(service)
    service._history_user = user
    service._change_reason = gettext("Evidence recorded from the directory health page")
    service.save()
    return "applied", service
