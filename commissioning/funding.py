"""The funding page: a summary of how services are funded, by kind, with the short lists that matter.

At national scale the page cannot list every service (10,000 services made 5 MB of HTML). It reads
the directory **once**: each referable service's kind, funding longevity, status on today's timeline,
end date and name (one query, small columns), and from those rows it counts every cell of the summary
and picks the ids each list shows. Only the services shown are then read in full (one query and one
prefetch). So the page runs the same queries at 80 or 10,000 services, and each count links to a list
of exactly the services it counts (``?funding=…&tier=…``, paginated).
"""

import dataclasses

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from directory.models import FundingLongevity, Service, Status, Tier

SHORT_LIST = 25  # each list on the summary page: real Wales fits whole; beyond that, "see all"
PER_PAGE = 50  # a list on its own page
ENDED = [Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED]
SECURE = [FundingLongevity.MULTI_YEAR, FundingLongevity.MULTI_YEAR_CORE]
NOT_STATED = "not_stated"

# The lists, by the value of ``?funding=``: a group of longevities, one longevity, or the ended services.
GROUPS = {
    "fragile": _("Fragile: annual, time-limited or spot-purchase funding"),
    "secure": _("Multi-year funding"),
    "ended": _("Decommissioned or never established"),
}
ROWS = [*FundingLongevity.choices, (NOT_STATED, _("Funding not stated"))]


def _row_key(longevity, status):
    """The summary row a service counts in: ``ended``, or its funding longevity (``not_stated`` if blank)."""
    if status in ENDED:
        return "ended"
    return longevity or NOT_STATED


def _groups_of(row):
    if row == "ended":
        return {"ended"}
    if row in FundingLongevity.fragile():
        return {"fragile", row}
    if row in SECURE:
        return {"secure", row}
    return {row}


class FundingForm(forms.Form):
    """Which list to show on its own: a group or a funding longevity (or ``ended``), optionally one kind."""

    funding = forms.ChoiceField(
        required=False,
        choices=[("", ""), *GROUPS.items(), *ROWS],
        error_messages={"invalid_choice": _("Choose a kind of funding from the summary")},
    )
    tier = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Tier.choices],
        error_messages={"invalid_choice": _("Choose a kind of service from the summary")},
    )


@dataclasses.dataclass
class Summary:
    """Counts of referable services by summary row and kind, from one read of the directory."""

    rows: list  # [(key, label, [(tier, count)], total)] for rows with any service, in ROWS order, then ended
    tiers: list  # [(value, label)] kinds with any service, in tier order
    totals: dict  # {group or row: count}
    _entries: list  # [(id, tier, row, end_date, name, longevity)]

    def ids(self, funding, tier=""):
        """The ids the list for ``funding`` (and ``tier``) shows, in the page's order."""
        chosen = [e for e in self._entries if funding in _groups_of(e[2]) and (not tier or e[1] == tier)]
        if funding == "ended":  # newest end first; those without an end date after, by name
            chosen.sort(key=lambda e: (e[3] is None, -(e[3].toordinal() if e[3] else 0), e[4], e[0]))
        elif funding == "fragile":
            chosen.sort(key=lambda e: (e[5], e[4], e[0]))
        else:
            chosen.sort(key=lambda e: (e[4], e[0]))
        return [e[0] for e in chosen]


def summarise(services, *, today):
    """The ``Summary`` of ``services`` on ``today``'s timeline (one query)."""
    entries, counts = [], {}
    rows = services.with_timeline(today).values_list(
        "pk", "tier", "funding_longevity", "timeline_status", "end_date", "name"
    )
    for pk, tier, longevity, status, end_date, name in rows:
        row = _row_key(longevity, status)
        entries.append((pk, tier, row, end_date, name, longevity or ""))
        counts[(row, tier)] = counts.get((row, tier), 0) + 1
    tiers = [(value, label) for value, label in Tier.choices if any(t == value for _r, t in counts)]
    table = []
    for key, label in [*ROWS, ("ended", GROUPS["ended"])]:
        cells = [(value, counts.get((key, value), 0)) for value, _label in tiers]
        total = sum(count for _t, count in cells)
        if total:
            table.append((key, label, cells, total))
    totals = {}
    for (row, _tier), count in counts.items():
        for group in _groups_of(row):
            totals[group] = totals.get(group, 0) + count
    return Summary(rows=table, tiers=tiers, totals=totals, _entries=entries)


def shown(ids, *, today):
    """The services with ``ids``, read with what a list shows (its areas, its claim), in the order given."""
    found = Service.objects.filter(pk__in=ids).select_related("organisation").prefetch_related("areas")
    by_id = {service.pk: service for service in found.with_timeline(today)}
    return [by_id[pk] for pk in ids if pk in by_id]


def funding_overview(services, *, today):
    """The summary and the first ``SHORT_LIST`` of the ``fragile``, ``secure`` and ``ended`` lists (with totals).

    Three queries whatever the size: the summary's read, the shown services and their areas.
    """
    summary = summarise(services, today=today)
    first = {group: summary.ids(group)[:SHORT_LIST] for group in GROUPS}
    read = {service.pk: service for service in shown([pk for ids in first.values() for pk in ids], today=today)}
    lists = {group: [read[pk] for pk in ids if pk in read] for group, ids in first.items()}
    return {
        "summary": summary,
        **lists,
        "lists": [(group, GROUPS[group], lists[group], summary.totals.get(group, 0)) for group in GROUPS],
    }


def funding_list(services, *, today, funding, tier, page):
    """One list on its own (``funding`` and optionally ``tier``), a page of ``PER_PAGE`` at a time."""
    summary = summarise(services, today=today)
    current = Paginator(summary.ids(funding, tier), PER_PAGE).get_page(page)
    return {
        "summary": summary,
        "page": current,
        "page_numbers": current.paginator.get_elided_page_range(current.number),
        "services": shown(list(current.object_list), today=today),
        "funding_label": dict([*GROUPS.items(), *ROWS])[funding],
        "tier_label": Tier(tier).label if tier else None,
    }
