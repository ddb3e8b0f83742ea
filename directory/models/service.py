"""The service, and its stored search document."""

import functools
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import Area
from regions.natural_keys import NaturalKeyManager

from .dates import DATE_PRECISIONS, at_precision
from .evidence import Claim, Precision, shown_with_precision
from .freshness import holds, needs_review_condition
from .organisations import Organisation, Programme
from .queries import ServiceQuerySet
from .vocabulary import (
    AreaExtent,
    Attendance,
    Audience,
    FocusKind,
    Format,
    FundingLongevity,
    Gender,
    Harm,
    JusticeRequirement,
    Relationship,
    RiskLevel,
    Scope,
    Status,
    Tier,
)

# --------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------


class SearchDocumentField(SearchVectorField):
    """The stored search document (a PostgreSQL ``tsvector``; NULL elsewhere), built by the database
    from directory/search.py's expression. Python never reads it back: searching happens in SQL, and a
    value held on the instance would only be copied into history and shown as a change.
    Migrations see the plain ``SearchVectorField``."""

    def from_db_value(self, value, expression, connection):
        return None

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.contrib.postgres.search.SearchVectorField", args, kwargs


class Service(models.Model):
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_(
            "Used in URLs. Where one programme is delivered in several places, add the place: 'drive-cardiff-and-vale'."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("programme"),
        help_text=_("The named programme this delivers, where it is one of several deliveries."),
    )
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence a practitioner reads first."))
    description = models.TextField(_("description"), blank=True)
    tier = models.CharField(
        _("tier"),
        max_length=32,
        choices=Tier.choices,
        help_text=_("The kind of service as a document gives it; where no document gives one, 'Tier not stated'."),
    )
    scope = models.CharField(
        _("scope"),
        max_length=16,
        choices=Scope.choices,
        default=Scope.LOCAL,
        help_text=_("'Elsewhere' entries are comparators for commissioners and never offered to practitioners."),
    )
    risk_levels = models.ManyToManyField(RiskLevel, blank=True, related_name="services", verbose_name=_("risk levels"))
    areas = models.ManyToManyField(Area, related_name="services", verbose_name=_("areas covered"))
    area_note = models.CharField(
        _("area note"), max_length=300, blank=True, help_text=_("e.g. 'Bridgend only', 'South and West of Cumbria'.")
    )
    area_extent = models.CharField(
        _("extent within the areas"),
        max_length=10,
        choices=AreaExtent.choices,
        default=AreaExtent.WHOLE,
        help_text=_(
            "'Somewhere in' where a document lists the service for a police force area, region or country without "
            "saying where in it: each council there is then shown 'somewhere in …; councils not stated'."
        ),
    )

    # How it runs
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    length = models.CharField(_("length"), max_length=200, blank=True, help_text=_("As the documents state it."))
    sessions = models.CharField(_("sessions"), max_length=300, blank=True, help_text=_("As the documents state it."))
    attendance = models.CharField(_("attendance"), max_length=12, choices=Attendance.choices, blank=True)

    # Eligibility (blank or unknown means the documents do not say)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices, blank=True)
    requires_children = models.BooleanField(
        _("children in the family required"),
        null=True,
        blank=True,
        help_text=_("Unknown where the documents do not say."),
    )
    requires_responsibility = models.BooleanField(
        _("must accept some responsibility"),
        null=True,
        blank=True,
        help_text=_("Unknown where the documents do not say."),
    )
    group_language = models.CharField(
        _("group language"), max_length=60, blank=True, help_text=_("Language the person must be able to take part in.")
    )
    excludes_substance_use = models.BooleanField(
        _("excludes current substance misuse"),
        null=True,
        blank=True,
        help_text=_("Unknown where the documents do not say."),
    )
    justice_requirement = models.CharField(
        _("conviction or caution"), max_length=24, choices=JusticeRequirement.choices, blank=True
    )
    eligibility = models.TextField(
        _("eligibility"), blank=True, help_text=_("Who the service is for, in the documents' words.")
    )
    exclusions = models.TextField(_("exclusions"), blank=True, help_text=_("Who the service is not for."))

    # Money and evidence
    funding_source = models.CharField(_("funding source"), max_length=300, blank=True)
    funding_longevity = models.CharField(
        _("funding longevity"), max_length=32, choices=FundingLongevity.choices, blank=True
    )
    funding_note = models.CharField(_("funding note"), max_length=300, blank=True)
    accreditation = models.TextField(_("accreditation"), blank=True)
    evaluation = models.TextField(_("evaluation evidence"), blank=True)

    # When. There is no stored status: what pages show is derived from the status history (each
    # source's dated status, ``StatusEvent``), the start and end dates and the last verification.
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("A date known only to the month or year is entered as its first day, with that precision."),
    )
    start_precision = models.CharField(
        _("start date known to"),
        max_length=10,
        choices=DATE_PRECISIONS,
        default=Precision.DAY,
        help_text=_("As precisely as the documents give it: 'January 2024' is a month, 'opened in 2018' a year."),
    )
    start_text = models.CharField(
        _("start as written"), max_length=120, blank=True, help_text=_("e.g. 'Launch date in Gwent is 20/11/23'.")
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("A date known only to the month or year is entered as its first day, with that precision."),
    )
    end_precision = models.CharField(
        _("end date known to"),
        max_length=10,
        choices=DATE_PRECISIONS,
        default=Precision.DAY,
        help_text=_("As precisely as the documents give it: 'November 2019' is a month, '2012' a year."),
    )
    end_text = models.CharField(
        _("end as written, or why no end date"),
        max_length=300,
        blank=True,
        help_text=_("Where a document says it ended but gives no end date, say what the documents say."),
    )
    last_verified = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked this entry against a source."),
    )
    unconfirmed_on = models.DateField(
        _("could not be confirmed on"),
        null=True,
        blank=True,
        help_text=_(
            "When an editor last checked and could not find out whether it still runs. Pages say so until newer "
            "evidence arrives; it does not count as confirmation."
        ),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
        help_text=_("The editor who last checked this entry."),
    )
    # Kept up to date by directory/search.py on every save of the service, its organisation or programme.
    search_document = SearchDocumentField(_("search document"), null=True, editable=False)

    history = HistoricalRecords(m2m_fields=[risk_levels, areas])
    objects = NaturalKeyManager.from_queryset(ServiceQuerySet)()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "slug"]
        # Lists are in this order: with it, a page of 20 is read in order and stops early
        # instead of sorting every running service (search at 10,000 services: 63 → 24 ms).
        indexes = [models.Index(fields=["name", "slug"], name="service_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="service_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            *at_precision("start"),
            *at_precision("end"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="service_age_range_ordered",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
            models.CheckConstraint(
                condition=Q(tier__in=Tier.values),
                name="service_tier_valid",
                violation_error_message=_("Choose a valid tier."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return service_url(self.slug)

    def clean(self):
        """Rules on one service's own fields that the database cannot state (see also Meta.constraints)."""
        if self.last_verified and self.last_verified > timezone.localdate():
            raise ValidationError({"last_verified": _("The date last verified cannot be in the future")})

    def needs_review(self, today):
        """Whether this service needs review on ``today``: the condition ``needing_review`` filters by."""
        return holds(needs_review_condition(today), self)

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["directory.organisation", "directory.programme", "regions.area", "directory.risklevel"]

    # ---- The timeline (see ServiceQuerySet.with_timeline): the only source of a status shown ----

    def _load_timeline(self):
        """The timeline annotations for today, fetched once where the queryset did not annotate them."""
        if not hasattr(self, "timeline_status"):
            from django.utils import timezone

            row = (
                Service.objects.with_timeline(timezone.localdate())
                .filter(pk=self.pk)
                .values("timeline_status", "timeline_evidence", "evidence_source", "timeline_date")
                .first()
            ) or {"timeline_status": "", "timeline_evidence": None, "evidence_source": None, "timeline_date": None}
            for name, value in row.items():
                setattr(self, name, value)

    @property
    def status_now(self):
        """The status on the timeline's date (today unless a page asked for another): '' where nothing is known."""
        self._load_timeline()
        return self.timeline_status or ""

    @property
    def is_operating(self):
        return self.status_now in Status.operating()

    @property
    def claim(self):
        """What the evidence says of this service on the timeline's date, with its age (see ``Claim``)."""
        self._load_timeline()
        return Claim.for_service(self)

    @property
    def extent_is_unstated(self):
        return self.area_extent == AreaExtent.SOMEWHERE

    @property
    def is_elsewhere(self):
        return self.scope == Scope.ELSEWHERE

    @property
    def tier_rank(self):
        return Tier.rank(self.tier)

    @property
    def is_funding_fragile(self):
        return self.funding_longevity in FundingLongevity.fragile()

    def eligibility_points(self):
        """The conditions the documents state, in plain words (``directory/eligibility``, read by the matcher too)."""
        from directory.eligibility import Eligibility

        return Eligibility.of(self).restrictions()

    @property
    def start_shown(self):
        """The start as precisely as it is known: "20 November 2023", "January 2024", "2018"."""
        return shown_with_precision(self.start_date, self.start_precision)

    @property
    def end_shown(self):
        return shown_with_precision(self.end_date, self.end_precision)

    def focus_rows(self, kind):
        return [row for row in self.focus.all() if row.kind == kind]

    def stated_audiences(self):
        """The audiences the documents say this service is for, in the matcher's order."""
        stated = {row.value for row in self.focus_rows(FocusKind.AUDIENCE) if row.applies}
        return [audience for audience in Audience if audience.value in stated]

    @property
    def primary_audience(self):
        """Where the matcher lists this service: the first stated audience, or '' where none is stated."""
        audiences = self.stated_audiences()
        return audiences[0].value if audiences else ""

    def harm_row(self, harm):
        """The stated yes/no row for ``harm``, or None where the documents do not say."""
        return next((row for row in self.focus_rows(FocusKind.HARM) if row.value == harm), None)

    def focus_statements(self, kind):
        """``[(label, row or None)]`` for every audience or harm: None where the documents do not say."""
        rows = {row.value: row for row in self.focus_rows(kind)}
        choices = Audience if kind == FocusKind.AUDIENCE else Harm
        return [(choice.label, rows.get(choice.value)) for choice in choices]

    def audience_statements(self):
        return self.focus_statements(FocusKind.AUDIENCE)

    def harm_statements(self):
        return self.focus_statements(FocusKind.HARM)


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_STAND_IN_SLUG = "service-slug-stand-in"


@functools.lru_cache(maxsize=32)
def _service_url_around(script_prefix, urlconf):
    """The service page's address with a stand-in slug, split around it (reversed once per prefix and URLconf)."""
    before, _stand_in, after = reverse(
        "directory:service-detail", kwargs={"slug": _STAND_IN_SLUG}, urlconf=urlconf
    ).partition(_STAND_IN_SLUG)
    return before, after


def service_url(slug):
    """``reverse("directory:service-detail", kwargs={"slug": slug})``, without resolving the URLconf each time:
    pages at national scale link thousands of services (the coverage page's stated gaps list ~7,000)."""
    if not _SLUG.fullmatch(slug or ""):
        return reverse("directory:service-detail", kwargs={"slug": slug})  # reverse's own error or quoting
    before, after = _service_url_around(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{before}{slug}{after}"
