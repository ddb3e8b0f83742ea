"""Eligibility described once (directory/eligibility): the page's words and the matcher's rules from one place.

Each criterion: its three answers on the page (restricts, open, not stated: never
"not stated" read as "no") and its matcher rule, case by case, with no HTTP.
"""

import pytest
from django.utils import translation

from commissioning.coverage import is_criminal_justice_only
from directory.eligibility import (
    CHECK,
    FITS,
    JUSTICE_DECISIONS,
    NO,
    NOT_STATED,
    OPEN,
    RESTRICTS,
    Answer,
    Eligibility,
    PersonGender,
    PersonRelationship,
)
from directory.eligibility.criteria import BY_NAME, PAGE_ORDER
from directory.models import Gender, JusticeRequirement, ReferralPathway, Relationship, Service, ServicePathway, Tier
from referrals.forms import CaseForm
from tests import factories

# A case answering every question "not known" except those a test sets.
CASE = {
    "gender": "unknown",
    "age": None,
    "relationship": "unknown",
    "children": "unknown",
    "responsibility": "unknown",
    "english_group": "unknown",
    "substance_use": "unknown",
    "justice": "unknown",
}


def judged(criterion, case=None, **fields):
    """``[(outcome, reason)]`` of one criterion for an unsaved service with ``fields`` and a case."""
    eligibility = Eligibility.of(Service(name="The service", **fields))
    return BY_NAME[criterion].judge(eligibility, {**CASE, **(case or {})}, set())


def outcomes(criterion, case=None, **fields):
    return [outcome for outcome, _reason in judged(criterion, case, **fields)]


def point(criterion, **fields):
    return BY_NAME[criterion].point(Eligibility.of(Service(**fields)))


# ---- the page's words: three answers each ----


@pytest.mark.parametrize(
    ("criterion", "fields", "answer", "words"),
    [
        ("gender", {"gender": ""}, NOT_STATED, "Gender: Not stated"),
        ("gender", {"gender": Gender.ANY}, OPEN, "Any gender"),
        ("gender", {"gender": Gender.MEN}, RESTRICTS, "Men only"),
        ("age", {}, NOT_STATED, "Age: Not stated"),
        ("age", {"min_age": 18}, RESTRICTS, "Aged 18 or over"),
        ("age", {"max_age": 17}, RESTRICTS, "Aged 17 or under"),
        ("age", {"min_age": 16, "max_age": 25}, RESTRICTS, "Aged 16 to 25"),
        ("relationship", {"relationship": ""}, NOT_STATED, "Relationship: Not stated"),
        ("relationship", {"relationship": Relationship.ANY}, OPEN, "Any relationship"),
        ("relationship", {"relationship": Relationship.FAMILY}, RESTRICTS, "Families staying together"),
        ("children", {"requires_children": None}, NOT_STATED, "Children in the family required: Not stated"),
        ("children", {"requires_children": False}, OPEN, "Children in the family required: No"),
        ("children", {"requires_children": True}, RESTRICTS, "Children in the family"),
        (
            "responsibility",
            {"requires_responsibility": None},
            NOT_STATED,
            "Must accept some responsibility: Not stated",
        ),
        ("responsibility", {"requires_responsibility": False}, OPEN, "Must accept some responsibility: No"),
        (
            "responsibility",
            {"requires_responsibility": True},
            RESTRICTS,
            "Must accept at least some responsibility for their behaviour",
        ),
        ("language", {"group_language": ""}, NOT_STATED, "Group language: Not stated"),
        ("language", {"group_language": "Welsh"}, RESTRICTS, "Must be able to take part in Welsh"),
        (
            "substance_use",
            {"excludes_substance_use": None},
            NOT_STATED,
            "Excludes current substance misuse: Not stated",
        ),
        ("substance_use", {"excludes_substance_use": False}, OPEN, "Excludes current substance misuse: No"),
        (
            "substance_use",
            {"excludes_substance_use": True},
            RESTRICTS,
            "Not for people currently misusing drugs or alcohol",
        ),
        ("justice", {"justice_requirement": ""}, NOT_STATED, "Conviction or caution: Not stated"),
        ("justice", {"justice_requirement": JusticeRequirement.NONE}, OPEN, "No conviction or caution needed"),
        (
            "justice",
            {"justice_requirement": JusticeRequirement.CONVICTION},
            RESTRICTS,
            "Conviction (court order or licence)",
        ),
    ],
)
def test_each_criterion_on_the_page_has_three_answers(criterion, fields, answer, words):
    stated = point(criterion, **fields)
    assert (stated.criterion, stated.answer, str(stated)) == (criterion, answer, words)


def test_not_stated_is_never_a_restriction_nor_listed_as_one():
    nothing = Eligibility.of(Service())
    assert [p.answer for p in nothing.points()] == [NOT_STATED] * len(PAGE_ORDER)
    assert nothing.restrictions() == []


def test_the_page_lists_the_stated_conditions_in_its_order():
    service = Service(
        gender=Gender.MEN,
        min_age=18,
        requires_children=False,
        requires_responsibility=True,
        justice_requirement=JusticeRequirement.CONVICTION,
    )
    assert [str(p) for p in service.eligibility_points()] == [
        "Men only",
        "Aged 18 or over",
        "Must accept at least some responsibility for their behaviour",
        "Conviction (court order or licence)",
    ]
    with translation.override("cy"):
        welsh = [str(p) for p in service.eligibility_points()]
    assert welsh[0] != "Men only" and len(welsh) == 4


# ---- the matcher's rules, criterion by criterion ----


@pytest.mark.parametrize(
    ("fields", "case", "expected"),
    [
        ({"gender": ""}, {"gender": "woman"}, []),  # not stated: no reason to refuse
        ({"gender": Gender.ANY}, {"gender": "woman"}, []),
        ({"gender": Gender.MEN}, {"gender": PersonGender.MAN}, []),
        ({"gender": Gender.MEN}, {"gender": PersonGender.WOMAN}, [NO]),
        ({"gender": Gender.MEN}, {"gender": PersonGender.OTHER}, [NO]),
        ({"gender": Gender.MEN}, {"gender": "unknown"}, [CHECK]),
        ({"gender": Gender.WOMEN}, {"gender": PersonGender.WOMAN}, []),
        ({"gender": Gender.WOMEN}, {"gender": PersonGender.MAN}, [NO]),
    ],
)
def test_gender(fields, case, expected):
    assert outcomes("gender", case, **fields) == expected


@pytest.mark.parametrize(
    ("fields", "age", "expected"),
    [
        ({}, 30, []),
        ({"min_age": 18}, 18, []),
        ({"min_age": 18}, 17, [NO]),
        ({"min_age": 18}, None, [CHECK]),
        ({"max_age": 25}, 25, []),
        ({"max_age": 25}, 26, [NO]),
        ({"max_age": 25}, None, [CHECK]),  # was no reason at all before eligibility was described once
        ({"min_age": 16, "max_age": 25}, None, [CHECK, CHECK]),
    ],
)
def test_age(fields, age, expected):
    assert outcomes("age", {"age": age}, **fields) == expected


@pytest.mark.parametrize(
    ("relationship", "case", "expected"),
    [
        (Relationship.HETEROSEXUAL, {"relationship": PersonRelationship.HETEROSEXUAL}, []),
        (Relationship.HETEROSEXUAL, {"relationship": PersonRelationship.SAME_SEX}, [NO]),
        (Relationship.HETEROSEXUAL, {"relationship": "unknown"}, [CHECK]),
        (Relationship.INTIMATE_PARTNER, {"relationship": PersonRelationship.FAMILY}, [NO]),
        (Relationship.INTIMATE_PARTNER, {"relationship": PersonRelationship.SAME_SEX}, []),
        (Relationship.FAMILY, {"relationship": "unknown", "children": Answer.NO}, [NO]),
        (Relationship.FAMILY, {"relationship": "unknown", "children": "unknown"}, []),
        ("", {"relationship": PersonRelationship.FAMILY}, []),
    ],
)
def test_relationship(relationship, case, expected):
    assert outcomes("relationship", case, relationship=relationship) == expected


@pytest.mark.parametrize(
    ("criterion", "field", "question", "needed"),
    [
        ("children", "requires_children", "children", Answer.YES),
        ("responsibility", "requires_responsibility", "responsibility", Answer.YES),
    ],
)
def test_conditions_the_person_must_meet(criterion, field, question, needed):
    assert outcomes(criterion, {question: needed}, **{field: True}) == []
    assert outcomes(criterion, {question: "unknown"}, **{field: True}) == [CHECK]
    other = Answer.NO if needed == Answer.YES else Answer.YES
    assert outcomes(criterion, {question: other}, **{field: True}) == [NO]
    for unstated in (None, False):
        assert outcomes(criterion, {question: other}, **{field: unstated}) == []


def test_group_language_and_substance_use():
    assert outcomes("language", {"english_group": Answer.NO}, group_language="English") == [NO]
    assert outcomes("language", {"english_group": "unknown"}, group_language="English") == [CHECK]
    assert outcomes("language", {"english_group": Answer.NO}, group_language="Welsh") == []  # the case asks of English
    assert outcomes("substance_use", {"substance_use": Answer.YES}, excludes_substance_use=True) == [CHECK]
    assert outcomes("substance_use", {"substance_use": Answer.NO}, excludes_substance_use=True) == []
    assert outcomes("substance_use", {"substance_use": Answer.YES}, excludes_substance_use=None) == []


# ---- criminal justice: one definition for the coverage matrix and the matcher ----


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "routes", "only"),
    [
        ({}, [], False),
        ({"tier": Tier.CRIMINAL_JUSTICE}, [], True),
        ({"attendance": "mandated"}, [], True),
        ({"justice_requirement": JusticeRequirement.CONVICTION}, [], True),
        ({"justice_requirement": JusticeRequirement.NONE}, [], False),
        ({}, ["court-order"], True),
        ({}, ["court-order", "self-referral"], False),
    ],
)
def test_criminal_justice_only(fields, routes, only):
    service = factories.service(**fields)
    for slug in routes:
        ServicePathway.objects.create(service=service, pathway=ReferralPathway.objects.get(slug=slug))
    assert Eligibility.of(service).criminal_justice_only is only
    assert is_criminal_justice_only(service) is only


@pytest.mark.django_db
def test_the_matcher_rules_out_a_criminal_justice_only_service_for_someone_with_no_caution_or_conviction():
    service = factories.service(tier=Tier.CRIMINAL_JUSTICE, name="Probation programme")
    eligibility = Eligibility.of(service)
    rule = BY_NAME["justice"].judge
    assert rule(eligibility, {"justice": JusticeRequirement.NONE}, set()) == [
        (NO, "Probation programme works only with people the criminal justice system has dealt with")
    ]
    assert rule(eligibility, {"justice": "unknown"}, set()) == []
    assert rule(eligibility, {"justice": JusticeRequirement.CONVICTION}, set()) == []
    # Where a route states what it needs, the route's own reason says it (no second reason).
    ServicePathway.objects.create(service=service, pathway=ReferralPathway.objects.get(slug="court-order"))
    service = Service.objects.prefetch_related("pathways__pathway").get(pk=service.pk)
    assert rule(Eligibility.of(service), {"justice": JusticeRequirement.NONE}, set()) == []


@pytest.mark.parametrize(
    ("requirement", "decided", "expected"),
    [
        (JusticeRequirement.CONVICTION, JusticeRequirement.CONVICTION, []),
        (JusticeRequirement.CONVICTION, JusticeRequirement.CONDITIONAL_CAUTION, [NO]),
        (JusticeRequirement.CONVICTION, "unknown", [CHECK]),
        (JusticeRequirement.CONDITIONAL_CAUTION, JusticeRequirement.CONDITIONAL_CAUTION, []),
        (JusticeRequirement.CONDITIONAL_CAUTION, JusticeRequirement.NONE, [NO]),
    ],
)
def test_a_stated_conviction_or_caution(requirement, decided, expected):
    # Stated on the service: decided without reading its routes (the unsaved service has none).
    assert outcomes("justice", {"justice": decided}, justice_requirement=requirement) == expected


# ---- one vocabulary for the case form, the matcher and the services' fields ----


def test_the_case_form_asks_in_the_matchers_vocabulary():
    form = CaseForm()

    def values(name):
        return [value for value, _label in form.fields[name].choices]

    assert values("gender") == [*PersonGender.values, "unknown"]
    assert values("relationship") == [*PersonRelationship.values, "unknown"]
    assert values("justice") == [*JusticeRequirement.values, "unknown"]
    assert values("marac") == Answer.values
    assert [value for value, _label in JUSTICE_DECISIONS] == JusticeRequirement.values


def test_every_single_gender_service_names_the_person_it_takes():
    from directory.eligibility import GENDER_ONLY

    assert set(GENDER_ONLY) == {Gender.MEN, Gender.WOMEN}
    assert set(GENDER_ONLY.values()) <= set(PersonGender)
    for only, person in GENDER_ONLY.items():
        assert outcomes("gender", {"gender": person.value}, gender=only) == []


def test_a_fitting_reason_is_given_for_a_stated_risk_level(db):
    high = factories.risk_level("high")
    standard = factories.risk_level("standard")
    eligibility = Eligibility.of(factories.service(risk_levels=[high]))
    assert BY_NAME["risk"].judge(eligibility, {"risk": high}, set()) == [(FITS, f"Takes {str(high.label).lower()}")]
    assert BY_NAME["risk"].judge(eligibility, {"risk": standard}, set())[0][0] == NO
    assert BY_NAME["risk"].judge(Eligibility.of(factories.service()), {"risk": high}, set())[0][0] == CHECK
