"""The referral-routes criterion: which of a service's routes are open to this referrer and case."""

from django.utils.translation import gettext

from directory.models import JusticeRequirement

from .case import CHECK, FITS, NO, UNKNOWN, Answer, needs_justice


def _no_contact(service):
    """What to say when the person must make contact and no document gives a contact.

    Returns (reason, actionable): with an organisation website the route is
    still usable through it; with nothing at all the route is not offered.
    """
    if list(service.contacts.all()):
        return None, True
    organisation = service.organisation
    if organisation.website:
        words = gettext(
            "No document gives a contact for %(service)s: the person can contact %(organisation)s through %(website)s"
        )
        return words % {
            "service": service.name,
            "organisation": organisation.name,
            "website": organisation.website,
        }, True
    words = gettext(
        "%(service)s takes self-referrals, but no document gives a contact for it, so this route cannot be "
        "used yet: see what is known on %(organisation)s's page"
    )
    return words % {"service": service.name, "organisation": organisation.name}, False


def routes_open(e, case):
    """(usable ``[(route, FITS or CHECK)]``, reasons the others are closed, how to make contact) for this case."""
    service, name = e.service, e.name
    usable, closed, contact_note = [], [], None
    for route in e.routes():
        if "self" in route.referrers:
            note, actionable = _no_contact(service)
            if not actionable:
                closed.append(note)
                continue
            contact_note = note
        if case["referrer"] not in route.referrers:
            if "self" in route.referrers:
                # A professional cannot refer, but can point the person to the service.
                usable.append((route, CHECK))
                words = gettext("%(service)s takes self-referrals: the person must contact it themselves")
            else:
                words = gettext("%(service)s takes referrals through %(route)s, which is not open to this referrer")
            closed.append(words % {"service": name, "route": route.label})
            continue
        if route.requires_marac and case["marac"] != Answer.YES:
            if case["marac"] == Answer.NO:
                words = gettext("%(service)s takes referrals only through MARAC")
            else:
                words = gettext("%(service)s takes referrals through MARAC: check the case has been heard there")
                usable.append((route, CHECK))
            closed.append(words % {"service": name})
            continue
        requirement = route.justice_requirement
        if needs_justice(requirement) and case["justice"] != requirement:
            what = str(JusticeRequirement(requirement).label).lower()
            if case["justice"] == UNKNOWN:
                usable.append((route, CHECK))
                closed.append(gettext("%(route)s needs %(what)s: check") % {"route": route.label, "what": what})
            else:
                closed.append(gettext("%(route)s needs %(what)s") % {"route": route.label, "what": what})
            continue
        usable.append((route, FITS))
    return usable, closed, contact_note


def judge_routes(e, case, area_ids):
    if not e.routes():
        return [(CHECK, gettext("The documents do not say how to refer to %(service)s") % {"service": e.name})]
    usable, closed, contact_note = routes_open(e, case)
    if not usable:
        return [(NO, reason) for reason in closed]
    if all(outcome == CHECK for _route, outcome in usable):
        routes = ", ".join(sorted({str(route.label) for route, _outcome in usable}))
        found = [(CHECK, reason) for reason in closed]
        found.append((FITS, gettext("Possible route: %(routes)s") % {"routes": routes}))
    else:
        routes = ", ".join(sorted({str(route.label) for route, outcome in usable if outcome == FITS}))
        found = [(FITS, gettext("You can refer through: %(routes)s") % {"routes": routes})]
    if contact_note:
        found.append((FITS, contact_note))
    return found
