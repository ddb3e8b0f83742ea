"""The case matcher: sorts services into fits, might fit and does not fit, with reasons.

The rules read each service's structured eligibility and its referral routes;
no rule names a service. Nothing about the case is stored: the facts arrive as
a plain dict and leave as the returned value.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from directory.models import Audience, FocusKind, Gender, Harm, JusticeRequirement, Relationship, Scope, Service
from regions.models import AreaGraph

FITS = "fits"
CHECK = "check"
NO = "no"


@dataclass(frozen=True)
class Verdict:
    service: Service
    outcome: str
    reasons: tuple = field(default_factory=tuple)
    strength: int = 0  # how many things positively fit; orders "might fit" best first
    harm_stated: bool = False  # a document says it works with the case's kind of harm


@dataclass(frozen=True)
class Listing:
    """A service in one of the sections beside the person's own: who it is for, not whether it fits."""

    service: Service
    reasons: tuple
    harm_stated: bool = False


@dataclass(frozen=True)
class MatchResult:
    fits: list
    check: list
    no: list
    partners: list = field(default_factory=list)  # support for the partner and children
    processes: list = field(default_factory=list)  # multi-agency processes the case may go to
    helplines: list = field(default_factory=list)


# Where the matcher lists a service, by the first audience its documents state.
PERSON_SECTION = {Audience.PERSON, ""}
SECTION_OF = {
    Audience.PARTNERS: "partners",
    Audience.CHILDREN: "partners",
    Audience.MULTI_AGENCY: "processes",
    Audience.HELPLINE: "helplines",
}


def _no_contact(service):
    """What to say when the person must make contact and no document gives a contact.

    Returns (reason, actionable): with an organisation website the route is
    still usable through it; with nothing at all the route is not offered.
    """
    if list(service.contacts.all()):
        return None, True
    organisation = service.organisation
    if organisation.website:
        return (
            _(
                "No document gives a contact for %(service)s: the person can contact %(organisation)s "
                "through %(website)s"
            )
            % {"service": service.name, "organisation": organisation.name, "website": organisation.website},
            True,
        )
    return (
        _(
            "%(service)s takes self-referrals, but no document gives a contact for it, so this route cannot be "
            "used yet: see what is known on %(organisation)s's page"
        )
        % {"service": service.name, "organisation": organisation.name},
        False,
    )


def harm_reason(service, harm):
    """(outcome, reason) for the case's kind of harm: FITS when stated yes, NO when stated no, else CHECK."""
    if harm in ("", "unknown", None):
        return None, None
    phrase = Harm(harm).phrase
    row = service.harm_row(harm)
    if row is None:
        return CHECK, _("The sources do not say whether %(service)s works with %(harm)s") % {
            "service": service.name,
            "harm": phrase,
        }
    date = row.document.date_text or _("undated")
    if row.applies:
        return FITS, _("Works with %(harm)s (source: %(date)s)") % {"harm": phrase, "date": date}
    return NO, _("%(service)s is not for %(harm)s (source: %(date)s)") % {
        "service": service.name,
        "harm": phrase,
        "date": date,
    }


def _routes_open(service, case):
    """(usable routes, reasons the others are closed, how to make contact) for this referrer and case."""
    usable, closed, contact_note = [], [], None
    for link in service.pathways.all():
        pathway = link.pathway
        if "self" in pathway.referrers:
            note, actionable = _no_contact(service)
            if not actionable:
                closed.append(note)
                continue
            contact_note = note
        if case["referrer"] not in pathway.referrers:
            if "self" in pathway.referrers:
                # A professional cannot refer, but can point the person to the service.
                usable.append((link, CHECK))
                closed.append(
                    _("%(service)s takes self-referrals: the person must contact it themselves")
                    % {"service": service.name}
                )
            else:
                closed.append(
                    _("%(service)s takes referrals through %(route)s, which is not open to this referrer")
                    % {"service": service.name, "route": pathway.label}
                )
            continue
        if pathway.requires_marac and case["marac"] != "yes":
            closed.append(
                _("%(service)s takes referrals only through MARAC") % {"service": service.name}
                if case["marac"] == "no"
                else _("%(service)s takes referrals through MARAC: check the case has been heard there")
                % {"service": service.name}
            )
            if case["marac"] == "unknown":
                usable.append((link, CHECK))
            continue
        requirement = pathway.justice_requirement
        if requirement and requirement != JusticeRequirement.NONE and case["justice"] != requirement:
            label = JusticeRequirement(requirement).label
            if case["justice"] == "unknown":
                usable.append((link, CHECK))
                closed.append(
                    _("%(route)s needs %(what)s: check") % {"route": pathway.label, "what": str(label).lower()}
                )
            else:
                closed.append(_("%(route)s needs %(what)s") % {"route": pathway.label, "what": str(label).lower()})
            continue
        usable.append((link, FITS))
    return usable, closed, contact_note


def judge(service, case, *, area_ids):
    """One service against one case: a :class:`Verdict`."""
    no, check, good = [], [], []
    name = service.name

    if not service.stated_audiences():
        check.append(_("The sources do not say who %(service)s is for") % {"service": name})
    harm_outcome, reason = harm_reason(service, case.get("harm"))
    {FITS: good, CHECK: check, NO: no, None: []}[harm_outcome].append(reason)

    levels = list(service.risk_levels.all())
    if levels and case["risk"].pk not in {level.pk for level in levels}:
        no.append(
            _("%(service)s takes %(levels)s, not %(risk)s")
            % {
                "service": name,
                "levels": ", ".join(str(level.label).lower() for level in levels),
                "risk": str(case["risk"].label).lower(),
            }
        )
    elif not levels:
        check.append(_("The documents do not say which risk levels %(service)s takes") % {"service": name})
    else:
        good.append(_("Takes %(risk)s") % {"risk": str(case["risk"].label).lower()})

    if not ({area.pk for area in service.areas.all()} & area_ids):
        no.append(_("%(service)s does not work in %(area)s") % {"service": name, "area": case["area"].name})

    if service.justice_requirement == JusticeRequirement.CONVICTION and case["justice"] != "conviction":
        (check if case["justice"] == "unknown" else no).append(
            _("%(service)s is court-ordered on conviction") % {"service": name}
        )
    if (
        service.justice_requirement == JusticeRequirement.CONDITIONAL_CAUTION
        and case["justice"] != "conditional_caution"
    ):
        (check if case["justice"] == "unknown" else no).append(
            _("%(service)s is for people given a conditional caution") % {"service": name}
        )

    if service.gender == Gender.MEN and case["gender"] != "man":
        (check if case["gender"] == "unknown" else no).append(_("%(service)s is for men only") % {"service": name})
    if service.gender == Gender.WOMEN and case["gender"] != "woman":
        (check if case["gender"] == "unknown" else no).append(_("%(service)s is for women only") % {"service": name})

    age = case.get("age")
    if service.min_age is not None:
        if age is None:
            check.append(
                _("%(service)s is for people aged %(min)s or over: check the age")
                % {"service": name, "min": service.min_age}
            )
        elif age < service.min_age:
            no.append(_("%(service)s is for people aged %(min)s or over") % {"service": name, "min": service.min_age})
    if service.max_age is not None and age is not None and age > service.max_age:
        no.append(_("%(service)s is for people aged %(max)s or under") % {"service": name, "max": service.max_age})

    relationship = case["relationship"]
    if service.relationship == Relationship.HETEROSEXUAL and relationship != "heterosexual":
        (check if relationship == "unknown" else no).append(
            _("%(service)s is for heterosexual intimate relationships only") % {"service": name}
        )
    if service.relationship == Relationship.INTIMATE_PARTNER and relationship == "family":
        no.append(_("%(service)s is for abuse of an intimate partner") % {"service": name})
    if service.relationship == Relationship.FAMILY and case["children"] == "no":
        no.append(_("%(service)s works with families") % {"service": name})

    if service.requires_children and case["children"] != "yes":
        (check if case["children"] == "unknown" else no).append(
            _("%(service)s is for families with children") % {"service": name}
        )
    if service.requires_responsibility and case["responsibility"] != "yes":
        (check if case["responsibility"] == "unknown" else no).append(
            _("%(service)s needs the person to accept at least some responsibility") % {"service": name}
        )
    if service.group_language and case["english_group"] != "yes" and service.group_language.lower() == "english":
        (check if case["english_group"] == "unknown" else no).append(
            _("%(service)s runs in English") % {"service": name}
        )
    if service.excludes_substance_use and case["substance_use"] != "no":
        check.append(
            _("%(service)s may not take people currently misusing drugs or alcohol: check") % {"service": name}
        )

    usable, closed, contact_note = _routes_open(service, case)
    if not list(service.pathways.all()):
        check.append(_("The documents do not say how to refer to %(service)s") % {"service": name})
    elif not usable:
        no.extend(closed)
    elif all(outcome == CHECK for _link, outcome in usable):
        check.extend(closed)
        good.append(
            _("Possible route: %(routes)s")
            % {"routes": ", ".join(sorted({str(link.pathway.label) for link, _o in usable}))}
        )
    else:
        routes = sorted({str(link.pathway.label) for link, outcome in usable if outcome == FITS})
        good.append(_("You can refer through: %(routes)s") % {"routes": ", ".join(routes)})
    if usable and contact_note:
        good.append(contact_note)

    if not service.is_operating:
        check.append(_("%(service)s: %(claim)s") % {"service": name, "claim": service.claim.text})

    stated = harm_outcome == FITS
    if no:
        return Verdict(service, NO, tuple(no), harm_stated=stated)
    if check:
        return Verdict(service, CHECK, tuple(good + check), strength=len(good), harm_stated=stated)
    return Verdict(service, FITS, tuple(good), strength=len(good), harm_stated=stated)


def _listing(service, case):
    """A service for one of the other sections, or None where it is for another harm or risk level."""
    outcome, reason = harm_reason(service, case.get("harm"))
    if outcome == NO:
        return None
    levels = list(service.risk_levels.all())
    if levels and case["risk"].pk not in {level.pk for level in levels}:
        return None
    reasons = [str(audience.label) for audience in service.stated_audiences() if audience != Audience.PROFESSIONALS]
    if reason:
        reasons.append(reason)
    return Listing(service, tuple(reasons), harm_stated=outcome == FITS)


def _specific_first(item):
    """Area-specific before national, stated before not stated, then by name."""
    service = item.service
    if item.harm_stated:
        harm_rank = 0
    elif any(row.applies for row in service.focus_rows(FocusKind.HARM)):
        harm_rank = 2  # stated for other harms only: after services whose documents name no harm
    else:
        harm_rank = 1
    return (service.scope != Scope.LOCAL, harm_rank, -getattr(item, "strength", 0), service.name)


def match_case(case, *, today, services=None, graph=None):
    """Sort the services working in or around the case's area into sections.

    ``case`` is the matcher form's cleaned data. Services considered are those
    running on ``today`` that cover the area (wholly or in part): the ones a
    practitioner there could be pointed to. Services for the person (or whose
    documents do not say who they are for) are judged: fits, might fit, does
    not fit. Support for partners and children, multi-agency processes and
    helplines are listed in their own sections, leaving out those stated to be
    for another harm; training for professionals is not listed.
    """
    graph = graph or AreaGraph.load()
    area = case["area"]
    whole, part = graph.coverage_sets(area.pk)
    area_ids = whole | part
    services = (
        services
        if services is not None
        else (Service.objects.referable().current(today).covering(area, graph=graph).for_matcher())
    )
    fits, check, no = [], [], []
    sections = {"partners": [], "processes": [], "helplines": []}
    for service in services:
        audience = service.primary_audience
        if audience in PERSON_SECTION:
            verdict = judge(service, case, area_ids=area_ids)
            {FITS: fits, CHECK: check, NO: no}[verdict.outcome].append(verdict)
        elif audience in SECTION_OF:
            listing = _listing(service, case)
            if listing:
                sections[SECTION_OF[audience]].append(listing)
    fits.sort(key=_specific_first)
    check.sort(key=_specific_first)
    for items in sections.values():
        items.sort(key=_specific_first)
    return MatchResult(fits=fits, check=check, no=no, **sections)
