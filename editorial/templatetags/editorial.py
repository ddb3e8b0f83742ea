from django import template
from django.utils import timezone

from directory.models import Service
from editorial import freshness, reports
from editorial.roles import scope_for

register = template.Library()


@register.simple_tag
def service_freshness(service):
    """When the entry was last checked, and whether it is due for review."""
    return freshness.freshness_of(service, today=timezone.localdate())


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    """Counts for the admin index: what waits for review, what the public reported, what needs checking."""
    user = context["request"].user
    visible = scope_for(user).filter(Service.objects.all(), "organisation")
    pending, open_reports = reports.queue_counts(user)
    return {
        "pending": pending,
        "open_reports": open_reports,
        "needs_review": visible.needing_review(timezone.localdate()).count(),
    }
