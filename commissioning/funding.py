"""The funding page: services whose funding is fragile or secure, and those that ended."""

from directory.models import FundingLongevity, Status


def funding_overview(services, *, today):
    """``fragile``, ``secure`` and ``ended`` services on ``today``'s timeline, for the funding page."""
    services = services.for_list_page().with_timeline(today)
    ended = [Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED]
    return {
        "fragile": services.filter(funding_longevity__in=FundingLongevity.fragile())
        .exclude(timeline_status__in=ended)
        .order_by("funding_longevity", "name"),
        "secure": services.filter(
            funding_longevity__in=[FundingLongevity.MULTI_YEAR, FundingLongevity.MULTI_YEAR_CORE]
        ).exclude(timeline_status__in=ended),
        "ended": services.filter(timeline_status__in=ended).order_by("-end_date", "name"),
    }
