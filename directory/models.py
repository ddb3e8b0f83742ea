"""The directory: who provides what, for whom, where, since when, and on whose word."""

import datetime
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import Area, AreaGraph

from .search import SEARCH_FIELDS

MAX_QUOTE_WORDS = 25


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


class DocumentManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Document(models.Model):
    """One of the source documents every fact is traced to."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author or publisher"), max_length=300)
    published = models.DateField(
        _("date it speaks for"),
        null=True,
        blank=True,
        help_text=_(
            "The date the document speaks for. Where only a year or month is known, use its first day; "
            "leave blank where the document is undated."
        ),
    )
    date_text = models.CharField(
        _("date as written"),
        max_length=120,
        blank=True,
        help_text=_("The date as the document or its catalogue gives it, e.g. 'November 2020'."),
    )
    filename = models.CharField(
        _("file name"),
        max_length=120,
        blank=True,
        help_text=_("The text file in sources/documents this was transcribed from."),
    )

    history = HistoricalRecords()
    objects = DocumentManager()

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["published", "title"]

    def __str__(self):
        return f"{self.title} ({self.date_text})" if self.date_text else self.title

    def natural_key(self):
        return (self.slug,)


def shown_to_its_precision(date):
    """A date as precise as the directory's convention lets it claim.

    Where a document gives only a year or a month, the date is stored as its first day (as for
    ``Document.published``), so 1 January shows as the year and the 1st of a month as the month:
    "2016", not "1 January 2016".
    """
    if date is None:
        return ""
    if date.month == 1 and date.day == 1:
        return str(date.year)
    if date.day == 1:
        return date_format(date, "F Y")
    return date_format(date, "j F Y")


class Sourced(models.Model):
    """Document, section and verbatim quote: the provenance of one fact."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, verbose_name=_("document"))
    section = models.CharField(
        _("section"),
        max_length=200,
        help_text=_("Section, table or page, e.g. '4.4 High-harm services' or 'South Wales Police Area table'."),
    )
    quote = models.TextField(
        _("quote"),
        help_text=_("Copied word for word from the document, at most 25 words. Never paraphrase."),
    )

    class Meta:
        abstract = True

    @property
    def quote_word_count(self):
        return len(self.quote.split())


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


# --------------------------------------------------------------------------
# Providers and programmes
# --------------------------------------------------------------------------


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class OrganisationQuerySet(models.QuerySet):
    def with_services(self):
        """Organisations with at least one service in the directory: only these have a public page.

        An organisation an Open Referral import created for a proposed service stays out
        of sight until a directory admin approves that service.
        """
        return self.filter(services__isnull=False).distinct()


class OrganisationManager(SlugManager.from_queryset(OrganisationQuerySet)):
    pass


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.CharField(
        _("website"), max_length=200, blank=True, help_text=_("Exactly as the documents give it.")
    )

    history = HistoricalRecords()
    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation-detail", kwargs={"slug": self.slug})

    def clean(self):
        """The website is a web address (with or without its scheme), stored trimmed: admin, import and approval."""
        from .validators import validate_web_address

        self.website = (self.website or "").strip()
        if self.website:
            try:
                validate_web_address(self.website)
            except ValidationError as error:
                raise ValidationError({"website": error.messages}) from error

    def natural_key(self):
        return (self.slug,)


class Programme(models.Model):
    """A named model of intervention (Drive, CARA, Clear) that may be delivered in several places."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    accreditation = models.TextField(_("accreditation"), blank=True)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


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


EVIDENCE_FLOOR = datetime.date(1, 1, 1)


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    DOCUMENT = "document", _("By the date of the document")
    UNDATED = "undated", _("Undated document")


def months_between(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


class Claim:
    """A status as the evidence gives it on a date, always with the evidence's age.

    ``text`` is what a page prints ("Reported running — 17 November 2023 (…)"); ``warning`` is
    True where the claim is old or uncertain (pages style it as a warning, with the word
    "Warning" for screen readers, not colour alone); ``running`` is whether the timeline
    counts the service as running on the date.
    """

    def __init__(self, *, status, evidence, document, date, start_date, verified, unconfirmed=None):
        self.status = status
        self.unconfirmed = unconfirmed
        self.evidence = evidence if evidence and evidence != EVIDENCE_FLOOR else None
        self.document = document or ""
        self.date = date
        self.start_date = start_date
        self.verified = bool(verified and self.evidence and verified == self.evidence)
        self.running = status in Status.operating()
        self.stale = bool(
            self.date and (self.evidence is None or months_between(self.evidence, self.date) >= stale_months())
        )
        self.text, self.warning = self._words()

    @classmethod
    def for_service(cls, service):
        verified = service.last_verified
        date = service.timeline_date
        return cls(
            status=service.timeline_status or "",
            evidence=service.timeline_evidence,
            document=service.evidence_document,
            date=date,
            start_date=service.start_date,
            verified=verified if verified and date and verified <= date else None,
            unconfirmed=getattr(service, "timeline_unconfirmed", None),
        )

    @property
    def source(self):
        if self.verified:
            return gettext("checked by an editor")
        return self.document

    @property
    def when(self):
        return shown_to_its_precision(self.evidence)

    def _reported(self, words):
        if self.source:
            return gettext("%(words)s — %(date)s (%(source)s)") % {
                "words": words,
                "date": self.when,
                "source": self.source,
            }
        return gettext("%(words)s — %(date)s") % {"words": words, "date": self.when}

    def _words(self):
        status = self.status
        if status == "":
            if self.start_date and self.date and self.start_date > self.date:
                return gettext("Not started by then (start: %(start)s)") % {
                    "start": shown_to_its_precision(self.start_date)
                }, True
            return gettext("Nothing known for this date"), True
        if self.evidence is None:
            if status in Status.operating():
                return gettext("Reported as %(status)s in an undated document — not known when") % {
                    "status": Status(status).label.lower()
                }, True
            return gettext("%(status)s, says an undated document") % {"status": Status(status).label}, True
        if status in Status.operating() and self.unconfirmed:
            return gettext("Not known whether it still runs: an editor could not confirm it on %(date)s") % {
                "date": date_format(self.unconfirmed, "j F Y")
            }, True
        if status == Status.PILOT and self.stale:
            when = self.when if len(self.when) == 4 else date_format(self.evidence, "F Y")
            return gettext("Pilot reported in %(date)s — outcome not known") % {"date": when}, True
        if status in Status.operating() and self.stale:
            return gettext("Not confirmed since %(date)s") % {"date": date_format(self.evidence, "F Y")}, True
        if status == Status.ACTIVE:
            return self._reported(gettext("Reported running")), False
        if status == Status.PILOT:
            return self._reported(gettext("Reported running as a pilot")), False
        if status == Status.PLANNED:
            if self.start_date and self.date and self.start_date <= self.date and self.start_date > self.evidence:
                return gettext("Planned for %(start)s — not known whether it started") % {
                    "start": shown_to_its_precision(self.start_date)
                }, True
            if self.start_date and self.date and self.start_date > self.date:
                return self._reported(
                    gettext("Planned to start %(start)s") % {"start": shown_to_its_precision(self.start_date)}
                ), False
            return self._reported(gettext("Reported as planned")), self.stale
        if status == Status.DECOMMISSIONED:
            return self._reported(gettext("Reported ended")), False
        return self._reported(gettext("Reported never established")), False

    @property
    def tag_class(self):
        if self.warning:
            return "app-tag--warning"
        return {
            Status.PILOT: "govuk-tag--turquoise",
            Status.ACTIVE: "govuk-tag--green",
            Status.PLANNED: "govuk-tag--blue",
        }.get(self.status, "govuk-tag--grey")

    def __str__(self):
        return self.text


def stale_months():
    return getattr(settings, "EVIDENCE_STALE_MONTHS", 24)


def evidence_horizon():
    """The newest date any source document speaks for (``None`` with no dated documents)."""
    return Document.objects.exclude(published=None).aggregate(newest=models.Max("published"))["newest"]


class ServiceQuerySet(models.QuerySet):
    def referable(self):
        """Services a practitioner here could use: not comparators elsewhere in the UK."""
        return self.exclude(scope=Scope.ELSEWHERE)

    def current(self, today=None):
        """Services running on ``today`` by their timeline (see ``operating_on``)."""
        return self.operating_on(today or datetime.date.today())

    def with_timeline(self, date):
        """Annotate each service with what its dated evidence says on ``date``: the one timeline.

        A service's evidence is its status events (what each document says, on the
        document's date or the date it gives), its start and end dates, and an
        editor's verification. The latest point at or before ``date`` decides:

        - ``timeline_status``: a ``Status`` value, or ``""`` where nothing is known by then.
          An end date at or before ``date`` means decommissioned (unless a later document
          says otherwise); a start date after ``date`` means not yet running; a start date
          counts as the service starting only where some document says it ran. A service
          known to have ended whose start is unknown counts as running until its end.
          An undated document's status holds on every date (it cannot be placed).
        - ``timeline_evidence``: the newest evidence at or before ``date`` (a document's status,
          an end date or an editor's verification; 1 January of year 1 where there is none).
          A start date is not evidence that the service ran: documents give launch dates ahead.
        - ``evidence_document``: the title of the newest document giving a status by then.

        Everything is computed in the database, so any page runs a fixed number of queries.
        """
        from django.db.models import Case, CharField, DateField, F, Subquery, Value, When
        from django.db.models.functions import Coalesce, Greatest
        from django.db.models.lookups import GreaterThan, IsNull, LessThanOrEqual

        already = self.query.annotations.get("timeline_date")
        if already is not None and getattr(already, "value", None) == date:
            return self  # annotated for this date already (a filter chose by it)

        ended = [Status.DECOMMISSIONED, Status.NEVER_ESTABLISHED]
        ran = [Status.PILOT, Status.ACTIVE, Status.DECOMMISSIONED]
        events = StatusEvent.objects.filter(service_id=OuterRef("pk"))
        dated = (
            events.filter(date__lte=date)
            .annotate(same_day_rank=Case(When(status__in=ended, then=Value(0)), default=Value(1)))
            .order_by("-date", "same_day_rank", "-pk")
        )
        undated = events.filter(date__isnull=True).order_by("-pk")
        event_date = Subquery(dated.values("date")[:1], output_field=DateField())
        undated_status = Subquery(undated.values("status")[:1], output_field=CharField())
        floor = Value(datetime.date(1, 1, 1), output_field=DateField())
        on = Value(date, output_field=DateField())

        def ran_and_first(pk):
            """Whether any document says the service ran, and its first running status (a pilot or active)."""
            mine = StatusEvent.objects.filter(service_id=pk)
            first = mine.filter(status__in=Status.operating(), date__isnull=False).order_by("date", "pk")
            return (
                Exists(mine.filter(status__in=ran)),
                Coalesce(Subquery(first.values("status")[:1]), Value(Status.ACTIVE), output_field=CharField()),
            )

        def upto(name):
            return Case(When(**{f"{name}__lte": date}, then=F(name)), default=floor, output_field=DateField())

        # Where a document gives a status by the date, its latest event decides, read against the start and
        # end dates. Computed inside one correlated subquery so the database looks the event up once.
        start, end = OuterRef("start_date"), OuterRef("end_date")
        did_run, start_status = ran_and_first(OuterRef(OuterRef("pk")))
        decided = dated.annotate(
            decided=Case(
                # Ended on or before the date, unless a document after the end says otherwise.
                When(LessThanOrEqual(end, on) & Q(date__lte=end), then=Value(Status.DECOMMISSIONED)),
                # Not yet started: what the documents said so far, as a plan.
                When(GreaterThan(start, on), then=Value(Status.PLANNED)),
                # A document after the start (or with no start known) decides.
                When(IsNull(start, True) | Q(date__gt=start) | (Q(date=start) & Q(status__in=ended)), then=F("status")),
                # The start date, where some document says the service ran.
                When(did_run, then=start_status),
                # A planned launch date that has passed with nothing later: still only a plan.
                default=F("status"),
                output_field=CharField(),
            )
        ).values("decided")[:1]
        ran_here, start_here = ran_and_first(OuterRef("pk"))
        nothing_by_then = Case(
            When(end_date__lte=date, then=Value(Status.DECOMMISSIONED)),
            When(start_date__gt=date, then=Value("")),
            When(Q(start_date__lte=date) & ran_here, then=start_here),
            # Known to have ended later, start unknown: running until its end.
            When(Q(start_date__isnull=True) & Q(end_date__gte=date), then=Value(Status.ACTIVE)),
            default=Coalesce(undated_status, Value("")),
            output_field=CharField(),
        )
        status = Coalesce(Subquery(decided, output_field=CharField()), nothing_by_then, output_field=CharField())
        queryset = self
        evidence = Greatest(
            Coalesce(event_date, floor),
            upto("end_date"),
            upto("last_verified"),
            output_field=DateField(),
        )
        return queryset.annotate(
            timeline_status=status,
            timeline_evidence=evidence,
            evidence_document=Subquery(dated.values("document__title")[:1], output_field=CharField()),
            timeline_unconfirmed=Case(
                When(Q(unconfirmed_on__lte=date) & Q(unconfirmed_on__gt=evidence), then=F("unconfirmed_on")),
                default=None,
                output_field=DateField(),
            ),
            timeline_date=Value(date, output_field=DateField()),
        )

    def operating_on(self, date):
        """Services running on ``date``: active or pilot on their timeline (see ``with_timeline``)."""
        return self.with_timeline(date).filter(timeline_status__in=Status.operating())

    def not_operating_on(self, date):
        return self.with_timeline(date).exclude(timeline_status__in=Status.operating())

    def for_risk_level(self, level, *, or_not_stated=False):
        """Services the documents say take ``level``.

        With ``or_not_stated``, also services whose documents give no risk level at all
        ("not stated" is never read as "no"); each service is annotated with
        ``risk_stated`` (True where a document gives ``level``) so pages can group them.
        """
        if not or_not_stated:
            return self.filter(risk_levels=level)
        through = Service.risk_levels.through.objects.filter(service_id=OuterRef("pk"))
        stated = Exists(through.filter(risklevel_id=level.pk))
        return self.annotate(risk_stated=stated).filter(Q(risk_stated=True) | ~Exists(through))

    def for_audience(self, audience, *, or_not_stated=False):
        """Services the documents say are for ``audience``.

        With ``or_not_stated``, also services for which no document states any
        audience: "not stated" is never read as "not for them".
        """
        focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"), kind=FocusKind.AUDIENCE)
        condition = Exists(focus.filter(value=audience, applies=True))
        if or_not_stated:
            condition |= ~Exists(focus.filter(applies=True))
        return self.filter(condition)

    def audience_not_stated(self):
        """Services for which no document states who they are for."""
        focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"), kind=FocusKind.AUDIENCE, applies=True)
        return self.filter(~Exists(focus))

    def addressing(self, harm):
        """Services that work with ``harm`` or whose documents do not say: all but a stated "no".

        Each service is annotated with ``harm_stated``: True where a document
        says it works with ``harm``, so pages can put those first.
        """
        focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"), kind=FocusKind.HARM, value=harm)
        return self.annotate(harm_stated=Exists(focus.filter(applies=True))).filter(
            ~Exists(focus.filter(applies=False))
        )

    def covering(self, area, graph=None):
        """Services that work in ``area``, wholly or in part.

        A service covers the whole of ``area`` when it covers the area itself or
        an area containing it (a South Wales Police service covers Cardiff); it
        covers part of it when its areas only overlap (a Bridgend-only service is
        in the South Wales Police area). A service whose documents list it for a
        larger area without saying where in it (``area_extent`` "somewhere") is
        not said to cover a council it does not name: it is annotated
        ``extent_unstated``. Each service is annotated with ``covers_whole`` so
        pages can say which. See ``AreaGraph.coverage_sets``.
        """
        graph = graph or AreaGraph.load()
        whole, part = graph.coverage_sets(area.pk)
        through = Service.areas.through
        named = Exists(through.objects.filter(service_id=OuterRef("pk"), area_id=area.pk))
        in_whole = Exists(through.objects.filter(service_id=OuterRef("pk"), area_id__in=whole))
        covers_part = Exists(through.objects.filter(service_id=OuterRef("pk"), area_id__in=part))
        somewhere = Q(area_extent=AreaExtent.SOMEWHERE)
        return (
            self.annotate(tl_in_whole=in_whole, tl_named=named, covers_part=covers_part)
            .annotate(
                # Listed for a larger area without saying where in it: somewhere in there, councils not stated.
                extent_unstated=models.ExpressionWrapper(
                    somewhere & Q(tl_in_whole=True) & Q(tl_named=False), output_field=models.BooleanField()
                ),
                covers_whole=models.ExpressionWrapper(
                    (~somewhere & Q(tl_in_whole=True)) | Q(tl_named=True), output_field=models.BooleanField()
                ),
            )
            .filter(Q(tl_in_whole=True) | Q(covers_part=True))
        )

    def search(self, text):
        """Services matching the words in ``text``, best first.

        Both branches search the same fields (``directory.search.SEARCHED``:
        the service's words and its organisation's and programme's names).
        On PostgreSQL this is full-text search over the stored document
        (English stemming, web-search syntax, ranked, GIN index). Other
        databases get a plain fallback: every word must appear in one of the
        searched fields.
        """
        text = (text or "").strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            query = SearchQuery(text, search_type="websearch", config="english")
            return (
                self.filter(search_document=query)
                .annotate(search_rank=SearchRank(F("search_document"), query))
                .order_by("-search_rank", "name")
            )
        condition = Q()
        for word in text.split()[:12]:
            word_matches = Q()
            for field in SEARCH_FIELDS:
                word_matches |= Q(**{f"{field}__icontains": word})
            condition &= word_matches
        return self.filter(condition)

    def for_home_page(self):
        return self.select_related("organisation").prefetch_related("risk_levels", "pathways__pathway")

    def for_list_page(self):
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels", "areas", "pathways__pathway", "focus__document"
        )

    def for_matcher(self):
        """The list page's data plus contacts and each row's document, for the matcher's reasons."""
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels", "areas", "pathways__pathway", "focus__document", "contacts"
        )

    def for_detail_page(self):
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels",
            "areas",
            "contacts",
            "pathways__pathway",
            "citations__document",
            "status_events__document",
            "availability_notes__document",
            models.Prefetch(
                "disagreements",
                queryset=Disagreement.objects.select_related("earlier__document", "later__document"),
            ),
            "links_out__to_service",
            "links_in__from_service",
            "requirements",
            "assessments__items",
            "focus__document",
        )

    def for_export(self):
        return self.select_related("organisation").prefetch_related(
            "risk_levels", "areas", "pathways__pathway", "contacts", "citations__document"
        )


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


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

    # When
    status = models.CharField(
        _("status as entered"),
        max_length=20,
        choices=Status.choices,
        help_text=_(
            "Kept for imports and exports only: no page shows it. What pages show is derived from the status "
            "history below (each document's dated status), the start and end dates and the last verification."
        ),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_text = models.CharField(
        _("start as written"), max_length=120, blank=True, help_text=_("e.g. 'Launch date in Gwent is 20/11/23'.")
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_text = models.CharField(
        _("end as written, or why no end date"),
        max_length=300,
        blank=True,
        help_text=_("Required for a decommissioned service with no end date: say what the documents say."),
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
    objects = ServiceManager()

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
            models.CheckConstraint(
                condition=~Q(status="decommissioned") | Q(end_date__isnull=False) | ~Q(end_text=""),
                name="service_decommissioned_has_end",
                violation_error_message=_(
                    "A decommissioned service needs an end date, or a note saying why there is none."
                ),
            ),
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
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="service_status_valid",
                violation_error_message=_("Choose a valid status."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:service-detail", kwargs={"slug": self.slug})

    def clean(self):
        """Rules on one service's own fields that the database cannot state (see also Meta.constraints)."""
        if self.last_verified and self.last_verified > timezone.localdate():
            raise ValidationError({"last_verified": _("The date last verified cannot be in the future")})

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
                .values("timeline_status", "timeline_evidence", "evidence_document", "timeline_date")
                .first()
            ) or {"timeline_status": "", "timeline_evidence": None, "evidence_document": None, "timeline_date": None}
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

    @property
    def status_tag_class(self):
        return Status(self.status).tag_class

    def eligibility_points(self):
        """The conditions the documents state, in plain words (``directory/eligibility``, read by the matcher too)."""
        from .eligibility import Eligibility

        return Eligibility.of(self).restrictions()

    @property
    def start_shown(self):
        return shown_to_its_precision(self.start_date)

    @property
    def end_shown(self):
        return shown_to_its_precision(self.end_date)

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


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WEBSITE = "website", _("Website")
    ADDRESS = "address", _("Address")


class ContactManager(models.Manager):
    def get_by_natural_key(self, service_slug, kind, value):
        return self.get(service__slug=service_slug, kind=kind, value=value)


class Contact(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("service"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=300, help_text=_("Exactly as the document gives it."))
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. 'Referrals', 'Cardiff office'."))

    history = HistoricalRecords()
    objects = ContactManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["service", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "value"],
                name="contact_unique_per_service",
                violation_error_message=_("This service already has that contact."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        """Each kind of contact in its format (UK phone number, email address, web address), stored trimmed."""
        from .validators import CONTACT_FORMATS

        self.value = (self.value or "").strip()
        validator = CONTACT_FORMATS.get(self.kind)
        if self.value and validator:
            try:
                validator(self.value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from error

    def natural_key(self):
        return (self.service.slug, self.kind, self.value)

    natural_key.dependencies = ["directory.service"]

    @property
    def href(self):
        if self.kind == ContactKind.EMAIL:
            return f"mailto:{self.value}"
        if self.kind == ContactKind.PHONE:
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        if self.kind == ContactKind.WEBSITE:
            return self.value if "://" in self.value else f"https://{self.value}"
        return ""


class CitationManager(models.Manager):
    def get_by_natural_key(self, service_slug, document_slug, quote):
        return self.get(service__slug=service_slug, document__slug=document_slug, quote=quote)


LAST_CITATION_MESSAGE = _("Keep at least one citation: every service must cite a source")


class Citation(Sourced):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="citations", verbose_name=_("service"))
    supports = models.CharField(
        _("supports"),
        max_length=200,
        blank=True,
        help_text=_("Which facts this quote supports, e.g. 'risk levels, referral route'."),
    )

    history = HistoricalRecords()
    objects = CitationManager()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["service", "document__published", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "document", "quote"],
                name="citation_unique_per_service",
                violation_error_message=_("This service already cites that quote."),
            )
        ]

    def __str__(self):
        return f"{self.document.slug} {self.section}: “{self.quote}”"

    def delete(self, *args, **kwargs):
        """Every service keeps at least one citation, whichever path removes one (admin, approval, undo).

        Deleting the service itself removes its citations without coming here.
        """
        if not Citation.objects.filter(service_id=self.service_id).exclude(pk=self.pk).exists():
            raise ValidationError(LAST_CITATION_MESSAGE, code="last_citation")
        return super().delete(*args, **kwargs)

    def natural_key(self):
        return (self.service.slug, self.document.slug, self.quote)

    natural_key.dependencies = ["directory.service", "directory.document"]


class ServiceFocusManager(models.Manager):
    def get_by_natural_key(self, service_slug, kind, value):
        return self.get(service__slug=service_slug, kind=kind, value=value)


class ServiceFocus(Sourced):
    """One cited statement of who a service is for, or of a harm it does or does not address.

    A missing row means the documents do not say: "not stated" is never "no".
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="focus", verbose_name=_("service"))
    kind = models.CharField(_("kind"), max_length=10, choices=FocusKind.choices)
    value = models.CharField(
        _("value"),
        max_length=20,
        choices=[*Audience.choices, *Harm.choices],
        help_text=_("An audience for 'who it is for', a harm for 'harm addressed'."),
    )
    applies = models.BooleanField(
        _("the document says yes"),
        help_text=_("Ticked: the quote says the service is for this. Unticked: the quote says it is not."),
    )

    history = HistoricalRecords()
    objects = ServiceFocusManager()

    class Meta:
        verbose_name = _("who it is for, harm addressed")
        verbose_name_plural = _("who it is for, harms addressed")
        ordering = ["service", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "value"],
                name="service_focus_unique",
                violation_error_message=_("This service already has a statement for that."),
            ),
            models.CheckConstraint(
                condition=Q(kind="audience", value__in=Audience.values) | Q(kind="harm", value__in=Harm.values),
                name="service_focus_value_matches_kind",
                violation_error_message=_("Choose an audience for 'who it is for' and a harm for 'harm addressed'."),
            ),
        ]

    def __str__(self):
        answer = gettext("yes") if self.applies else gettext("no")
        return f"{self.service}: {self.get_value_display()} ({answer})"

    def natural_key(self):
        return (self.service.slug, self.kind, self.value)

    natural_key.dependencies = ["directory.service", "directory.document"]


class StatusEventManager(models.Manager):
    def get_by_natural_key(self, service_slug, status, document_slug):
        return self.get(service__slug=service_slug, status=status, document__slug=document_slug)


class StatusEvent(Sourced):
    """What one document says of a service's status, and when: the service's history."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="status_events", verbose_name=_("service")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_(
            "When this status held or began, as near as the document allows (a month or year as its first day). "
            "Blank only where the document is undated."
        ),
    )
    precision = models.CharField(
        _("precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DOCUMENT,
        help_text=_("How precisely the date is known: a day, a month, a year, or only the document's own date."),
    )
    date_text = models.CharField(_("date as written"), max_length=120, blank=True)

    history = HistoricalRecords()
    objects = StatusEventManager()

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status history")
        ordering = ["service", models.F("date").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(precision="undated"),
                name="status_event_dated_unless_undated",
                violation_error_message=_("Give a date, or choose 'Undated document' as its precision."),
            ),
            models.UniqueConstraint(
                fields=["service", "status", "document"],
                name="status_event_unique",
                violation_error_message=_("That document already gives this status for this service."),
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.get_status_display()} ({self.date_text or self.date})"

    def natural_key(self):
        return (self.service.slug, self.status, self.document.slug)

    natural_key.dependencies = ["directory.service", "directory.document"]


class Availability(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITING_LIST = "waiting_list", _("Waiting list")
    PAUSED = "paused", _("Referrals paused")


class AvailabilityNoteManager(models.Manager):
    def get_by_natural_key(self, service_slug, said_on):
        return self.get(service__slug=service_slug, said_on=said_on)


class AvailabilityNote(Sourced):
    """Whether a service was taking referrals, as said on a date."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="availability_notes", verbose_name=_("service")
    )
    state = models.CharField(_("state"), max_length=16, choices=Availability.choices)
    wait = models.CharField(_("stated wait"), max_length=200, blank=True)
    said_on = models.DateField(_("said on"))

    history = HistoricalRecords()
    objects = AvailabilityNoteManager()

    class Meta:
        verbose_name = _("referral availability")
        verbose_name_plural = _("referral availability")
        ordering = ["service", "-said_on"]
        constraints = [models.UniqueConstraint(fields=["service", "said_on"], name="availability_unique_per_day")]

    def __str__(self):
        return f"{self.service}: {self.get_state_display()} ({self.said_on})"

    def natural_key(self):
        return (self.service.slug, self.said_on.isoformat())

    natural_key.dependencies = ["directory.service", "directory.document"]


class DisagreementManager(models.Manager):
    def get_by_natural_key(self, service_slug, topic):
        return self.get(service__slug=service_slug, topic=topic)


class Disagreement(models.Model):
    """Two documents that say different things about one service: both kept, each with its date.

    The service page shows both statements ("The 2020 review says …; the 17 November 2023 letter says …")
    instead of silently picking one.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="disagreements", verbose_name=_("service")
    )
    topic = models.CharField(
        _("topic"), max_length=120, help_text=_("What they disagree about, e.g. 'Referral route'.")
    )
    earlier = models.ForeignKey(
        Citation, on_delete=models.CASCADE, related_name="+", verbose_name=_("earlier statement")
    )
    later = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="+", verbose_name=_("later statement"))
    note = models.TextField(
        _("editor's note"), blank=True, help_text=_("How the directory reads the two, and what it shows as current.")
    )

    history = HistoricalRecords()
    objects = DisagreementManager()

    class Meta:
        verbose_name = _("disagreement between documents")
        verbose_name_plural = _("disagreements between documents")
        ordering = ["service", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["service", "topic"], name="disagreement_unique_topic"),
            models.CheckConstraint(
                condition=~Q(earlier=models.F("later")),
                name="disagreement_two_statements",
                violation_error_message=_("A disagreement needs two different statements."),
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.topic}"

    def natural_key(self):
        return (self.service.slug, self.topic)

    natural_key.dependencies = ["directory.service", "directory.citation"]


class LinkKind(models.TextChoices):
    PARTNER_SUPPORT = "partner_support", _("Partner support alongside")
    STEP_UP = "step_up", _("Step up to")
    STEP_DOWN = "step_down", _("Step down to")
    REFERS_TO = "refers_to", _("Refers on to")
    WORKS_WITH = "works_with", _("Works closely with")
    REPLACED_BY = "replaced_by", _("Replaced by")


class ServiceLinkManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_service__slug=from_slug, to_service__slug=to_slug, kind=kind)


class ServiceLink(models.Model):
    from_service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("from service")
    )
    to_service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("to service")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ServiceLinkManager()

    class Meta:
        verbose_name = _("link between services")
        verbose_name_plural = _("links between services")
        ordering = ["from_service", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["from_service", "to_service", "kind"], name="service_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_service=models.F("to_service")),
                name="service_link_not_self",
                violation_error_message=_("A service cannot link to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.from_service} → {self.get_kind_display()} → {self.to_service}"

    def natural_key(self):
        return (self.from_service.slug, self.to_service.slug, self.kind)

    natural_key.dependencies = ["directory.service"]


# --------------------------------------------------------------------------
# Knowledge beside the services
# --------------------------------------------------------------------------


class GlossaryTerm(Sourced):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    term = models.CharField(_("term"), max_length=60, help_text=_("The abbreviation or term, e.g. 'MARAC'."))
    meaning = models.TextField(_("meaning"), help_text=_("What it stands for, as the glossary gives it, in full."))
    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_(
            "Our own note, shown beside the definition: where the source's definition is wrong, say so and what is "
            "right, with its source where there is one."
        ),
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("directory:glossary") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def link_title(self):
        """Where the source's definition is wrong, the editor's note's first sentence (shown where it is linked)."""
        return self.editor_note.split(". ")[0].rstrip(".") + "." if self.editor_note else ""

    @property
    def abbreviations(self):
        """The upper-case abbreviations this entry explains ("HMP / HMPPS" gives both), for linking."""
        return [word for word in re.findall(r"[A-Z][A-Za-z0-9+-]*[A-Z0-9+]", self.term) if word.isupper()]


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


# --------------------------------------------------------------------------
# Data version (for caches)
# --------------------------------------------------------------------------


class DataVersion(models.Model):
    """One row whose number goes up with every edit to the directory (see ``directory/pagecache.py``).

    It is bumped in the same transaction as the edit, so a cached page keyed by it is never
    older than the data a reader could see: a page is recomputed once per change.
    """

    version = models.PositiveBigIntegerField(_("version"), default=1)
    # A fresh random token with every bump: a bump in a transaction that rolls back never
    # comes back as the key of later data (the counter alone would repeat).
    token = models.CharField(_("token"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.version)
