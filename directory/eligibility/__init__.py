"""Who a service is for, described once.

``Eligibility.of(service)`` reads what the documents state about a service's
eligibility. The service page's words (``points()``, ``restrictions()``) and the
case matcher's outcomes and reasons (``judge(case)``) both come from it,
criterion by criterion (``criteria.CRITERIA``): a new criterion is one entry there.

Every criterion has three answers, and "not stated" is never read as "no":
``RESTRICTS`` (a condition is stated), ``OPEN`` (the documents state there is
none) and ``NOT_STATED``. The case's vocabulary is in ``case``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from directory.models import Attendance, Harm, Tier

from .case import (
    CHECK,
    FITS,
    GENDER_ONLY,
    JUSTICE_DECISIONS,
    NO,
    NOT_STATED,
    OPEN,
    RESTRICTS,
    UNKNOWN,
    Answer,
    PersonGender,
    PersonRelationship,
    needs_justice,
)
from .criteria import BY_NAME, CRITERIA, PAGE_ORDER, Point

__all__ = [
    "CHECK",
    "CRITERIA",
    "FITS",
    "GENDER_ONLY",
    "JUSTICE_DECISIONS",
    "NO",
    "NOT_STATED",
    "OPEN",
    "RESTRICTS",
    "Answer",
    "Eligibility",
    "PersonGender",
    "PersonRelationship",
    "Point",
]


@dataclass(frozen=True)
class Eligibility:
    """What the documents state about who a service takes. Build it with :meth:`of`."""

    service: object  # its name and prefetched rows: risk levels, areas, routes, focus, contacts
    gender: str
    min_age: int | None
    max_age: int | None
    relationship: str
    requires_children: bool | None
    requires_responsibility: bool | None
    group_language: str
    excludes_substance_use: bool | None
    justice_requirement: str
    tier: str
    attendance: str

    FIELDS = (
        "gender",
        "min_age",
        "max_age",
        "relationship",
        "requires_children",
        "requires_responsibility",
        "group_language",
        "excludes_substance_use",
        "justice_requirement",
        "tier",
        "attendance",
    )

    @classmethod
    def of(cls, service):
        return cls(service=service, **{name: getattr(service, name) for name in cls.FIELDS})

    @property
    def name(self):
        return self.service.name

    def routes(self):
        """The service's referral routes (``ReferralPathway`` rows), from its prefetched links."""
        return [link.pathway for link in self.service.pathways.all()]

    @property
    def criminal_justice_only(self):
        """Open only to people the justice system has dealt with: the one definition.

        A criminal-justice tier, mandated attendance, a stated conviction or caution,
        or referral routes that all need one. The coverage matrix leaves these out on
        request; the matcher rules them out for a person with no caution or conviction.
        """
        if self.tier == Tier.CRIMINAL_JUSTICE or self.attendance == Attendance.MANDATED:
            return True
        if needs_justice(self.justice_requirement):
            return True
        routes = self.routes()
        return bool(routes) and all(needs_justice(route.justice_requirement) for route in routes)

    # ---- the page's words ----

    def points(self):
        """Each criterion the page states in words, with the documents' answer, in the page's order."""
        return [BY_NAME[name].point(self) for name in PAGE_ORDER]

    def restrictions(self):
        """The conditions the documents state, in plain words: the page's "Eligibility rules"."""
        return [point for point in self.points() if point.restricts]

    # ---- the matcher's logic ----

    def judge(self, case, *, area_ids):
        """``(no, check, good)`` reasons for one case, each in the order of ``CRITERIA``."""
        found = {NO: [], CHECK: [], FITS: []}
        for _criterion, outcome, reason in self.findings(case, area_ids=area_ids):
            found[outcome].append(reason)
        return found[NO], found[CHECK], found[FITS]

    def findings(self, case, *, area_ids):
        """Every ``(criterion, outcome, reason)`` for one case, in the order of ``CRITERIA``."""
        return [
            (criterion, outcome, reason)
            for criterion in CRITERIA
            for outcome, reason in criterion.judge(self, case, area_ids)
        ]

    def harm(self, harm):
        """``(outcome, reason)`` for the case's kind of harm: FITS stated yes, NO stated no, CHECK not stated."""
        if harm in ("", UNKNOWN, None):
            return None, None
        phrase = Harm(harm).phrase
        row = self.service.harm_row(harm)
        if row is None:
            words = gettext("The sources do not say whether %(service)s works with %(harm)s")
            return CHECK, words % {"service": self.name, "harm": phrase}
        date = row.document.date_text or gettext("undated")
        if row.applies:
            return FITS, gettext("Works with %(harm)s (source: %(date)s)") % {"harm": phrase, "date": date}
        words = gettext("%(service)s is not for %(harm)s (source: %(date)s)")
        return NO, words % {"service": self.name, "harm": phrase, "date": date}

    def takes_risk(self, risk):
        """Whether the stated risk levels include ``risk``: None where none are stated."""
        levels = list(self.service.risk_levels.all())
        if not levels:
            return None
        return risk.pk in {level.pk for level in levels}
