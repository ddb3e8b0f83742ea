"""The case's vocabulary: the answers the matcher asks for, linked to the fields services state.

A case is a plain dict of the matcher form's answers (nothing about it is stored).
Each answer here names the service field it is read against, so the form, the
matcher and the page speak one vocabulary.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Gender, JusticeRequirement

# The matcher's outcomes: a reason counts for the service, leaves a question, or rules it out.
FITS = "fits"
CHECK = "check"
NO = "no"

# What the documents state about one criterion ("not stated" is never read as "no").
RESTRICTS = "restricts"  # a condition is stated: men only, aged 18 or over
OPEN = "open"  # the documents state there is none: any gender, no conviction needed
NOT_STATED = "not_stated"  # the documents do not say


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


UNKNOWN = Answer.UNKNOWN.value


class PersonGender(models.TextChoices):
    """The person's gender, as the case gives it (a service's ``Gender`` says whom it takes)."""

    MAN = "man", _("Man")
    WOMAN = "woman", _("Woman")
    OTHER = "other", _("Another gender")


# The one person a single-gender service takes.
GENDER_ONLY = {Gender.MEN: PersonGender.MAN, Gender.WOMEN: PersonGender.WOMAN}


class PersonRelationship(models.TextChoices):
    """The relationship in which the abuse happens, as the case gives it (a service's ``Relationship``)."""

    HETEROSEXUAL = "heterosexual", _("Intimate partner, opposite sex")
    SAME_SEX = "same_sex", _("Intimate partner, same sex")
    FAMILY = "family", _("Family member (not a partner)")


# What the justice system has decided about the person: the values of ``JusticeRequirement``.
JUSTICE_DECISIONS = [
    (JusticeRequirement.NONE.value, _("Nothing: no caution or conviction")),
    (JusticeRequirement.CONDITIONAL_CAUTION.value, _("A conditional caution")),
    (JusticeRequirement.CONVICTION.value, _("A conviction (court order or licence)")),
]


def needs_justice(requirement):
    """Whether a stated requirement (a service's or a route's) needs a caution or conviction."""
    return requirement not in ("", None, JusticeRequirement.NONE)


def unknown_or_no(answer):
    """A condition the case does not meet: a question where the answer is not known, else ruled out."""
    return CHECK if answer == UNKNOWN else NO
