"""Each eligibility criterion once: its words on the service page (if any) and its rule in the matcher.

A criterion's ``judge(e, case, area_ids)`` returns ``[(outcome, reason)]`` for an
:class:`~directory.eligibility.Eligibility` ``e``; its ``point(e)`` returns the
page's :class:`~directory.eligibility.Point`. Criteria without a point have their
own sections on the service page (who it is for, harms, risk levels, areas,
referral routes, status).
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from directory.models import Gender, JusticeRequirement, Relationship

from .case import (
    CHECK,
    FITS,
    GENDER_ONLY,
    NO,
    NOT_STATED,
    OPEN,
    RESTRICTS,
    Answer,
    PersonRelationship,
    needs_justice,
    unknown_or_no,
)
from .routes import judge_routes


@dataclass(frozen=True)
class Point:
    """One criterion as the page states it: its words and the documents' answer (RESTRICTS, OPEN, NOT_STATED)."""

    criterion: str
    answer: str
    words: str

    def __str__(self):
        return str(self.words)

    @property
    def restricts(self):
        return self.answer == RESTRICTS


@dataclass(frozen=True)
class Criterion:
    name: str
    judge: object
    point: object = None
    ruled_out: object = None  # the matcher's words for the services this criterion rules out, counted together


def _say(outcome, words, e, **values):
    return [(outcome, words % {"service": e.name, **values})]


def _not_stated(criterion, label):
    return Point(criterion, NOT_STATED, f"{capfirst(label)}: {gettext('Not stated')}")


def _yes_no(criterion, label, value, words):
    """A field the documents answer yes (a condition), no, or not at all (None)."""
    if value is None:
        return _not_stated(criterion, label)
    if value:
        return Point(criterion, RESTRICTS, words)
    return Point(criterion, OPEN, f"{capfirst(label)}: {gettext('No')}")


# ---- who it is for, harm, risk and area ----


def _judge_audience(e, case, area_ids):
    return (
        [] if e.service.stated_audiences() else _say(CHECK, gettext("The sources do not say who %(service)s is for"), e)
    )


def _judge_harm(e, case, area_ids):
    outcome, reason = e.harm(case.get("harm"))
    return [(outcome, reason)] if outcome else []


def _judge_risk(e, case, area_ids):
    takes = e.takes_risk(case["risk"])
    if takes is None:
        return _say(CHECK, gettext("The documents do not say which risk levels %(service)s takes"), e)
    risk = str(case["risk"].label).lower()
    if takes:
        return [(FITS, gettext("Takes %(risk)s") % {"risk": risk})]
    levels = ", ".join(str(level.label).lower() for level in e.service.risk_levels.all())
    return _say(NO, gettext("%(service)s takes %(levels)s, not %(risk)s"), e, levels=levels, risk=risk)


def _judge_area(e, case, area_ids):
    if {area.pk for area in e.service.areas.all()} & area_ids:
        return []
    return _say(NO, gettext("%(service)s does not work in %(area)s"), e, area=case["area"].name)


# ---- the justice system ----


def _point_justice(e):
    if not e.justice_requirement:
        return _not_stated("justice", gettext("conviction or caution"))
    answer = RESTRICTS if needs_justice(e.justice_requirement) else OPEN
    return Point("justice", answer, str(JusticeRequirement(e.justice_requirement).label))


def _judge_justice(e, case, area_ids):
    decided = case["justice"]
    if e.justice_requirement == JusticeRequirement.CONVICTION and decided != JusticeRequirement.CONVICTION:
        return _say(unknown_or_no(decided), gettext("%(service)s is court-ordered on conviction"), e)
    if e.justice_requirement == JusticeRequirement.CONDITIONAL_CAUTION and decided != e.justice_requirement:
        return _say(unknown_or_no(decided), gettext("%(service)s is for people given a conditional caution"), e)
    # Criminal-justice-only with nothing stated on the service or its routes (whose own reasons would say it).
    if (
        decided == JusticeRequirement.NONE
        and not e.justice_requirement
        and not any(needs_justice(route.justice_requirement) for route in e.routes())
        and e.criminal_justice_only
    ):
        return _say(NO, gettext("%(service)s works only with people the criminal justice system has dealt with"), e)
    return []


# ---- the person ----


def _point_gender(e):
    if not e.gender:
        return _not_stated("gender", gettext("gender"))
    return Point("gender", OPEN if e.gender == Gender.ANY else RESTRICTS, str(Gender(e.gender).label))


def _judge_gender(e, case, area_ids):
    only = GENDER_ONLY.get(e.gender)
    if only is None or case["gender"] == only:
        return []
    words = {Gender.MEN: gettext("%(service)s is for men only"), Gender.WOMEN: gettext("%(service)s is for women only")}
    return _say(unknown_or_no(case["gender"]), words[e.gender], e)


def _point_age(e):
    low, high = e.min_age, e.max_age
    if low is not None and high is not None:
        return Point("age", RESTRICTS, gettext("Aged %(min)s to %(max)s") % {"min": low, "max": high})
    if low is not None:
        return Point("age", RESTRICTS, gettext("Aged %(min)s or over") % {"min": low})
    if high is not None:
        return Point("age", RESTRICTS, gettext("Aged %(max)s or under") % {"max": high})
    return _not_stated("age", gettext("Age"))


def _judge_age(e, case, area_ids):
    age, found = case.get("age"), []
    if e.min_age is not None:
        if age is None:
            found += _say(
                CHECK, gettext("%(service)s is for people aged %(min)s or over: check the age"), e, min=e.min_age
            )
        elif age < e.min_age:
            found += _say(NO, gettext("%(service)s is for people aged %(min)s or over"), e, min=e.min_age)
    if e.max_age is not None:
        if age is None:
            found += _say(
                CHECK, gettext("%(service)s is for people aged %(max)s or under: check the age"), e, max=e.max_age
            )
        elif age > e.max_age:
            found += _say(NO, gettext("%(service)s is for people aged %(max)s or under"), e, max=e.max_age)
    return found


def _point_relationship(e):
    if not e.relationship:
        return _not_stated("relationship", gettext("relationship"))
    answer = OPEN if e.relationship == Relationship.ANY else RESTRICTS
    return Point("relationship", answer, str(Relationship(e.relationship).label))


def _judge_relationship(e, case, area_ids):
    relationship = case["relationship"]
    if e.relationship == Relationship.HETEROSEXUAL and relationship != PersonRelationship.HETEROSEXUAL:
        return _say(
            unknown_or_no(relationship), gettext("%(service)s is for heterosexual intimate relationships only"), e
        )
    if e.relationship == Relationship.INTIMATE_PARTNER and relationship == PersonRelationship.FAMILY:
        return _say(NO, gettext("%(service)s is for abuse of an intimate partner"), e)
    if e.relationship == Relationship.FAMILY and case["children"] == Answer.NO:
        return _say(NO, gettext("%(service)s works with families"), e)
    return []


def _point_children(e):
    label = gettext("children in the family required")
    return _yes_no("children", label, e.requires_children, gettext("Children in the family"))


def _judge_children(e, case, area_ids):
    if e.requires_children and case["children"] != Answer.YES:
        return _say(unknown_or_no(case["children"]), gettext("%(service)s is for families with children"), e)
    return []


def _point_responsibility(e):
    words = gettext("Must accept at least some responsibility for their behaviour")
    return _yes_no("responsibility", gettext("must accept some responsibility"), e.requires_responsibility, words)


def _judge_responsibility(e, case, area_ids):
    if e.requires_responsibility and case["responsibility"] != Answer.YES:
        words = gettext("%(service)s needs the person to accept at least some responsibility")
        return _say(unknown_or_no(case["responsibility"]), words, e)
    return []


def _point_language(e):
    if not e.group_language:
        return _not_stated("language", gettext("group language"))
    words = gettext("Must be able to take part in %(language)s") % {"language": e.group_language}
    return Point("language", RESTRICTS, words)


def _judge_language(e, case, area_ids):
    # The case asks about English only: a group in another language is not judged.
    if e.group_language.lower() == "english" and case["english_group"] != Answer.YES:
        return _say(unknown_or_no(case["english_group"]), gettext("%(service)s runs in English"), e)
    return []


def _point_substance_use(e):
    words = gettext("Not for people currently misusing drugs or alcohol")
    label = gettext("excludes current substance misuse")
    return _yes_no("substance_use", label, e.excludes_substance_use, words)


def _judge_substance_use(e, case, area_ids):
    if e.excludes_substance_use and case["substance_use"] != Answer.NO:
        return _say(CHECK, gettext("%(service)s may not take people currently misusing drugs or alcohol: check"), e)
    return []


def _judge_running(e, case, area_ids):
    if e.service.is_operating:
        return []
    return [(CHECK, gettext("%(service)s: %(claim)s") % {"service": e.name, "claim": e.service.claim.text})]


# The criteria in the order the matcher gives its reasons.
CRITERIA = [
    Criterion("audience", _judge_audience),
    Criterion("harm", _judge_harm, ruled_out=gettext_lazy("Not for this kind of harm")),
    Criterion("risk", _judge_risk, ruled_out=gettext_lazy("Does not take this risk level")),
    Criterion("area", _judge_area, ruled_out=gettext_lazy("Does not work in this area")),
    Criterion(
        "justice",
        _judge_justice,
        _point_justice,
        ruled_out=gettext_lazy("Needs a caution or conviction the person does not have"),
    ),
    Criterion("gender", _judge_gender, _point_gender, ruled_out=gettext_lazy("For another gender")),
    Criterion("age", _judge_age, _point_age, ruled_out=gettext_lazy("For another age")),
    Criterion(
        "relationship",
        _judge_relationship,
        _point_relationship,
        ruled_out=gettext_lazy("For another kind of relationship"),
    ),
    Criterion("children", _judge_children, _point_children, ruled_out=gettext_lazy("For families with children")),
    Criterion(
        "responsibility",
        _judge_responsibility,
        _point_responsibility,
        ruled_out=gettext_lazy("Needs the person to accept some responsibility"),
    ),
    Criterion("language", _judge_language, _point_language, ruled_out=gettext_lazy("Runs in English")),
    Criterion("substance_use", _judge_substance_use, _point_substance_use),
    Criterion("routes", judge_routes, ruled_out=gettext_lazy("No referral route open to this case")),
    Criterion("running", _judge_running),
]
BY_NAME = {criterion.name: criterion for criterion in CRITERIA}

# The criteria the page states in words ("Eligibility rules"), in the page's order.
PAGE_ORDER = ["gender", "age", "relationship", "children", "responsibility", "language", "substance_use", "justice"]
