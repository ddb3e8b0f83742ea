"""Problem reports from the public: a rate limit that keeps nothing about the sender, and the editors' inbox."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import PendingChange, ProblemReport


def take_report_allowance(*, source):
    """Count one report from ``source`` (kept only as a keyed hash, for a few minutes); False once over the limit."""
    key = "editorial-report:" + salted_hmac("editorial.report-rate-limit", source or "unknown").hexdigest()
    window = settings.EDITORIAL_REPORT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.EDITORIAL_REPORT_LIMIT


def queue_counts(user):
    """``(changes waiting for review, open problem reports)`` that ``user`` may see; ``None`` for a queue they
    may not open (a commissioner sees neither: they are the editors' business, not the directory's)."""
    pending = open_reports = None
    if user.has_perm("editorial.view_pendingchange"):
        pending = PendingChange.objects.visible_to(user).pending().count()
    if user.has_perm("editorial.view_problemreport"):
        open_reports = ProblemReport.objects.visible_to(user).open().count()
    return pending, open_reports


def mark_reports_done(reports, *, user):
    return reports.filter(done=False).update(done=True, done_at=timezone.now(), done_by=user)
