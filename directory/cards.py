"""Service cards (``includes/_service_card.html``) for a page of results, kept in the shared cache.

A card costs ~0.5 ms to render (its claim worded from the timeline, two links, the risk levels and routes,
a dozen translations): ~10 ms for a page of twenty, as much as the rest of the page. What it shows is fixed
by the service's data, the date its claim is about and the language, except the reasons it is listed,
which depend on the search. So each card is kept under a key made of the language, the data version
(``pagecache.current_version``, bumped by every edit), the service, the timeline's annotations its claim is
worded from and the card's options; the reasons are put in per request (a marker holds their place; the
cache never keeps what someone searched for). One ``get_many`` per page; the HTML is the template's own.
"""

import hashlib

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models.queries import routes_with_pathway
from .pagecache import TIMEOUT, current_version

TEMPLATE = "includes/_service_card.html"
# What ``Claim.for_service`` reads from the timeline's annotations (the rest of a card is the service's data;
# tests/directory/test_search_cache.py checks the list against what it reads).
CLAIM_ANNOTATIONS = (
    "timeline_status",
    "timeline_evidence",
    "evidence_source",
    "timeline_date",
    "timeline_unconfirmed",
    "timeline_earliest",
)


def card_reads():
    """The prefetches for a card's reads beyond the service's own row (``areas`` too where it says "somewhere in …")."""
    return ("organisation", "risk_levels", routes_with_pathway())


REASONS = "\x00reasons\x00"  # PostgreSQL text cannot hold a NUL: no service's words contain it
REASONS_ITEM = f"<li>{REASONS}</li>"


def _key(prefix, service, with_reasons):
    claim = tuple(getattr(service, name, None) for name in CLAIM_ANNOTATIONS)
    text = f"{prefix}\x1f{service.pk}\x1f{claim!r}\x1f{with_reasons}"
    return "card:" + hashlib.sha256(text.encode()).hexdigest()


def service_cards(results, *, version=None, **options):
    """``[(service, card HTML)]`` for ``[(service, reasons)]``: the card as ``{% include %}`` renders it with
    ``service``, ``reasons`` and ``options`` (``heading``, ``covers_part`` … as the template lists them).

    Services read without the timeline's annotations (their claim read on demand) are rendered afresh.
    ``version``: the data version where the caller has read it (``current_version()`` otherwise).
    """
    # Today's date too: a card is never reused on another day, whatever its annotations (a claim's age).
    today = timezone.localdate().isoformat()
    prefix = "\x1f".join(
        [TEMPLATE, get_language() or "", version or current_version(), today, repr(sorted(options.items()))]
    )
    keys = [
        _key(prefix, service, bool(reasons)) if hasattr(service, "timeline_status") else None
        for service, reasons in results
    ]
    found = cache.get_many([key for key in keys if key is not None])
    # What a card reads beyond the row, for the cards rendered now (nothing where all come from the cache).
    unfound = [service for (service, _reasons), key in zip(results, keys, strict=True) if key not in found]
    prefetch_related_objects(unfound, *card_reads(), *(["areas"] if options.get("extent_unstated_here") else []))
    missing = {}
    cards = []
    for (service, reasons), key in zip(results, keys, strict=True):
        html = found.get(key)
        if html is None and key is not None:
            context = {"service": service, "reasons": [mark_safe(REASONS)] if reasons else [], **options}  # noqa: S308
            html = str(render_to_string(TEMPLATE, context))
            if reasons and REASONS_ITEM not in html:  # the template lists reasons some other way: never cached
                html = None
            else:
                missing[key] = html
        if html is None:
            html = render_to_string(TEMPLATE, {"service": service, "reasons": reasons, **options})
        elif reasons:
            html = html.replace(REASONS_ITEM, format_html_join("", "<li>{}</li>", ((reason,) for reason in reasons)))
        cards.append((service, mark_safe(html)))  # noqa: S308 - the template's rendering, the reasons escaped
    if missing:
        cache.set_many(missing, TIMEOUT)
    return cards
