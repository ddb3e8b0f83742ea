"""The directory's vocabulary: risk levels and the fixed choices services are described by."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------


class RiskLevelManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class RiskLevel(models.Model):
    slug = models.SlugField(_("slug"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Order from lowest to highest risk: standard 1, medium 2, high 3.")
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = RiskLevelManager()

    class Meta:
        verbose_name = _("risk level")
        verbose_name_plural = _("risk levels")
        ordering = ["rank"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the active language (see ``directory.vocabulary``)."""
        return gettext(self.name)

    def natural_key(self):
        return (self.slug,)


class Tier(models.TextChoices):
    """Kinds of service, in the order the directory lists them."""

    PREVENTION = "prevention", _("Prevention")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention")
    MEDIUM_RISK = "medium_risk", _("Medium risk")
    HIGH_HARM = "high_harm", _("High harm")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    PARTNER_SUPPORT = "partner_support", _("Partner and family support")
    MULTI_AGENCY_PANEL = "multi_agency_panel", _("Multi-agency panel")
    NOT_STATED = "not_stated", _("Tier not stated")

    @classmethod
    def stated(cls):
        """The tiers a document gives; "not stated" is never read as one of them."""
        return [tier for tier in cls if tier != cls.NOT_STATED]

    @classmethod
    def rank(cls, value):
        return cls.values.index(value)

    @classmethod
    def group(cls, services):
        """``[(tier label, [services])]`` in tier order, leaving out empty tiers."""
        groups = {value: [] for value in cls.values}
        for service in services:
            groups[service.tier].append(service)
        return [(cls(value).label, value, items) for value, items in groups.items() if items]


class Status(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    ACTIVE = "active", _("Active")
    PLANNED = "planned", _("Planned")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")
    NEVER_ESTABLISHED = "never_established", _("Never established")

    @classmethod
    def operating(cls):
        return [cls.PILOT, cls.ACTIVE]

    @property
    def tag_class(self):
        """The GOV.UK tag colour for this status (the label carries the meaning, not the colour)."""
        return {
            "pilot": "govuk-tag--turquoise",
            "active": "govuk-tag--green",
            "planned": "govuk-tag--blue",
            "decommissioned": "govuk-tag--grey",
            "never_established": "govuk-tag--grey",
        }[self.value]


class Scope(models.TextChoices):
    LOCAL = "local", _("Delivered in the directory's areas")
    NATIONAL = "national", _("Offered nationally")
    ELSEWHERE = "elsewhere", _("Elsewhere in the UK (comparator only)")


class AreaExtent(models.TextChoices):
    WHOLE = "whole", _("Each area named, as a whole")
    SOMEWHERE = "somewhere", _("Somewhere in the areas named; councils not stated")


class Format(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    GROUP = "group", _("Group")
    MIXED = "mixed", _("One-to-one and group")
    ONLINE = "online", _("Online")
    CASE_MANAGEMENT = "case_management", _("Case management")
    MEETING = "meeting", _("Multi-agency meeting")
    TRAINING = "training", _("Training or awareness")
    HELPLINE = "helpline", _("Helpline")


class Attendance(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    MANDATED = "mandated", _("Mandated")


class Gender(models.TextChoices):
    ANY = "any", _("Any gender")
    MEN = "men", _("Men only")
    WOMEN = "women", _("Women only")


class Relationship(models.TextChoices):
    ANY = "any", _("Any relationship")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner relationships")
    HETEROSEXUAL = "heterosexual", _("Heterosexual intimate relationships only")
    FAMILY = "family", _("Families staying together")


class JusticeRequirement(models.TextChoices):
    NONE = "none", _("No conviction or caution needed")
    CONDITIONAL_CAUTION = "conditional_caution", _("Conditional caution (out-of-court disposal)")
    CONVICTION = "conviction", _("Conviction (court order or licence)")


class FundingLongevity(models.TextChoices):
    ANNUAL = "annual", _("Annual funding")
    ANNUAL_MOVING_MULTI_YEAR = "annual_moving_multi_year", _("Annual, moving to multi-year")
    MULTI_YEAR = "multi_year", _("Multi-year")
    MULTI_YEAR_CORE = "multi_year_core", _("Multi-year (core business)")
    TIME_LIMITED = "time_limited", _("Time-limited (pilot or fixed term)")
    SPOT_PURCHASE = "spot_purchase", _("Spot purchase")
    STOPPED = "stopped", _("Commissioned service stopped")

    @classmethod
    def fragile(cls):
        return [cls.ANNUAL, cls.ANNUAL_MOVING_MULTI_YEAR, cls.TIME_LIMITED, cls.SPOT_PURCHASE, cls.STOPPED]


class Audience(models.TextChoices):
    """Who a service is for. Order is the matcher's precedence when a service serves several."""

    MULTI_AGENCY = "multi_agency", _("A multi-agency process (MARAC, MAPPA, MATAC, panels)")
    HELPLINE = "helpline", _("A helpline")
    PERSON = "person", _("The person who causes harm")
    PARTNERS = "partners", _("Partners and ex-partners")
    CHILDREN = "children", _("Children and families")
    PROFESSIONALS = "professionals", _("Professionals (training, consultation)")


class Harm(models.TextChoices):
    """The kind of harm a service addresses."""

    INTIMATE_PARTNER = "intimate_partner", _("Intimate-partner abuse")
    FAMILY = "family", _("Family abuse (including child-to-parent)")
    SEXUAL = "sexual", _("Sexual harm and offending")
    ONLINE_SEXUAL = "online_sexual", _("Online sexual offending")
    STALKING = "stalking", _("Stalking")
    OWN_THOUGHTS = "own_thoughts", _("Concern about one's own thoughts")

    @property
    def phrase(self):
        """The harm as it reads inside a sentence ("works with stalking")."""
        return {
            "intimate_partner": _("intimate-partner abuse"),
            "family": _("family abuse"),
            "sexual": _("sexual harm"),
            "online_sexual": _("online sexual offending"),
            "stalking": _("stalking"),
            "own_thoughts": _("people worried about their own thoughts"),
        }[self.value]


class FocusKind(models.TextChoices):
    AUDIENCE = "audience", _("Who it is for")
    HARM = "harm", _("Harm addressed")
