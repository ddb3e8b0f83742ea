"""Standards assessments and the gaps the documents state."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import Area

from .documents import Sourced
from .organisations import SlugManager
from .service import Service
from .vocabulary import RiskLevel, Tier


class ChecklistType(models.TextChoices):
    COMMISSIONING = "commissioning", _("Commissioning checklist")
    FULL = "full", _("Full checklist")


class Rating(models.TextChoices):
    GREEN = "green", _("Green: met")
    AMBER = "amber", _("Amber: partly met")
    RED = "red", _("Red: not met")
    NOT_RATED = "not_rated", _("Not rated")


class StandardsAssessmentQuerySet(models.QuerySet):
    def with_rating_counts(self):
        """Annotate ``green``, ``amber``, ``red`` and ``not_rated``: how many items had each rating."""
        return self.annotate(
            **{rating: models.Count("items", filter=Q(items__rating=rating)) for rating in Rating.values}
        )


class StandardsAssessmentManager(models.Manager.from_queryset(StandardsAssessmentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class StandardsAssessment(Sourced):
    """A service rated against the Welsh Government VAWDASV Perpetrator Service Standards."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("service")
    )
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.CharField(_("assessor"), max_length=200)
    checklist_type = models.CharField(_("checklist"), max_length=16, choices=ChecklistType.choices)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()
    objects = StandardsAssessmentManager()

    class Meta:
        verbose_name = _("standards assessment")
        verbose_name_plural = _("standards assessments")
        ordering = ["-assessed_on", "service"]

    def __str__(self):
        return f"{self.service} — {self.get_checklist_type_display()} ({self.assessed_on:%B %Y})"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["directory.service", "directory.document"]


class AssessmentItemManager(models.Manager):
    def get_by_natural_key(self, assessment_slug, number):
        return self.get(assessment__slug=assessment_slug, number=number)


class AssessmentItem(models.Model):
    assessment = models.ForeignKey(
        StandardsAssessment, on_delete=models.CASCADE, related_name="items", verbose_name=_("assessment")
    )
    number = models.CharField(
        _("number"), max_length=20, help_text=_("The standard's number as the checklist gives it.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.TextField(_("question"))
    finding = models.TextField(_("finding"), blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)

    history = HistoricalRecords()
    objects = AssessmentItemManager()

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["assessment", "position", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="assessment_item_unique_number")]

    def __str__(self):
        return f"{self.number} {self.question[:60]}"

    def natural_key(self):
        return (self.assessment.slug, self.number)

    natural_key.dependencies = ["directory.standardsassessment"]


class StatedGap(Sourced):
    """A gap in provision that a document itself states, for a place and a date."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    statement = models.CharField(_("statement"), max_length=300, help_text=_("The gap in plain words."))
    areas = models.ManyToManyField(Area, related_name="stated_gaps", verbose_name=_("areas"))
    risk_levels = models.ManyToManyField(
        RiskLevel, blank=True, related_name="stated_gaps", verbose_name=_("risk levels")
    )
    tier = models.CharField(_("tier"), max_length=32, choices=Tier.choices, blank=True)
    excludes_criminal_justice = models.BooleanField(
        _("outside criminal justice only"),
        default=False,
        help_text=_("Tick where the document says the gap is in provision outside the criminal justice system."),
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("The date the document speaks for; blank where the document is undated."),
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        verbose_name = _("stated gap")
        verbose_name_plural = _("stated gaps")
        ordering = [models.F("as_of").asc(nulls_last=True), "slug"]

    def __str__(self):
        return self.statement

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["regions.area", "directory.risklevel", "directory.document"]
