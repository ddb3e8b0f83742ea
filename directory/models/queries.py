"""The service QuerySet: the verbs pages, search, coverage and the API select services with."""

import datetime

from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q

from directory.search import SEARCH_FIELDS
from regions.models import AreaGraph

from .evidence import EVIDENCE_SOURCE_SEPARATOR
from .freshness import needs_review_condition
from .vocabulary import AreaExtent, FocusKind, Scope, Status


def one_of_or_none(rows, condition):
    """True where one of a service's ``rows`` (a queryset correlated to it by ``service_id``) meets ``condition``, or
    where it has none: the same as ``Exists(rows.filter(condition)) | ~Exists(rows)``, written as one scalar subquery.
    PostgreSQL plans that OR of two EXISTS as two hashed subplans, each reading every row of the table (chosen by
    the whole table's estimate even under a LIMIT: ~8 ms of a search page's 9 ms at 10,000 services); the scalar one
    is evaluated for each service read, so a page that stops at twenty reads twenty services' rows by index."""
    from django.db.models import Case, IntegerField, Max, Subquery, Value, When
    from django.db.models.functions import Coalesce
    from django.db.models.lookups import Exact

    met = rows.order_by().values("service_id").annotate(met=Max(Case(When(condition, then=1), default=0)))
    # "Not 0" rather than "1": PostgreSQL guesses an expression equals a value for 0.5% of rows (and would sort every
    # row rather than walk an index to show twenty), and that it differs from one for 99.5%.
    return ~Q(Exact(Coalesce(Subquery(met.values("met"), output_field=IntegerField()), Value(1)), 0))


def routes_with_pathway():
    """Prefetch a service's routes with each one's pathway joined in: one query, run whether or not any row has a
    route (as ``"pathways__pathway"`` the pathways were a second query, run only when some row had a route, so a
    page's query count depended on its rows). A new ``Prefetch`` each time: one holds its queryset's results."""
    return models.Prefetch("pathways", queryset=ServicePathway.objects.select_related("pathway"))


class ServiceQuerySet(models.QuerySet):
    def referable(self):
        """Services a practitioner here could use: not comparators elsewhere in the UK."""
        return self.exclude(scope=Scope.ELSEWHERE)

    def current(self, today=None):
        """Services running on ``today`` by their timeline (see ``operating_on``)."""
        return self.operating_on(today or datetime.date.today())

    def needing_review(self, today):
        """Services never verified, or last verified too long before ``today`` (``needs_review_condition``)."""
        return self.filter(needs_review_condition(today))

    def verified_recently(self, today):
        """The others: verified within the review period before ``today``."""
        return self.exclude(needs_review_condition(today))

    def with_timeline(self, date):
        """Annotate each service with its place on the timeline on ``date``: ``computed_timeline``'s annotations,
        read from the rows kept for the data version and date (``directory.models.timeline``; written on first
        use, one statement for every service). Where the date is not kept, computed here as before."""
        if self._annotated_for(date):
            return self  # annotated for this date already (a filter chose by it)
        version = timeline_version(date)
        if version is None:
            return self.computed_timeline(date)
        return self._read_timeline(version, date)

    def _annotated_for(self, date):
        already = self.query.annotations.get("timeline_date")
        return already is not None and getattr(already, "value", None) == date

    def _read_timeline(self, version, date):
        """The kept row for (``version``, ``date``) joined to each service (one row per service: the join cannot
        repeat a service), its columns as ``computed_timeline``'s annotations. One join, not a subquery per column
        and row: reading every service's timeline (the home page's cold counts) 262 -> ~50 ms at 10,000 services."""
        from django.db.models import DateField, F, FilteredRelation, Value

        day = FilteredRelation("timeline_days", condition=Q(timeline_days__version=version, timeline_days__date=date))
        return self.alias(timeline_kept=day).annotate(
            timeline_status=F("timeline_kept__status"),
            timeline_evidence=F("timeline_kept__evidence"),
            evidence_source=F("timeline_kept__evidence_source"),
            timeline_earliest=F("timeline_kept__earliest"),
            timeline_unconfirmed=F("timeline_kept__unconfirmed"),
            timeline_date=Value(date, output_field=DateField()),
        )

    def computed_timeline(self, date):
        """Annotate each service with what its dated evidence says on ``date``: the one timeline's rule.

        A service's evidence is its status events (what each document says, on the
        document's date or the date it gives), its start and end dates, and an
        editor's verification. The latest point at or before ``date`` decides:

        - ``timeline_status``: a ``Status`` value, or ``""`` where nothing is known by then.
          An end date at or before ``date`` means decommissioned (unless a later document
          says otherwise); a start date after ``date`` means not yet running; a start date
          counts as the service starting only where some document says it ran. Before a service's
          earliest dated evidence nothing is known (``""``), even where a later end date is known: an
          end says the service stopped, not since when it ran. An undated document's status holds on
          every date (it cannot be placed).
        - ``timeline_evidence``: the newest evidence at or before ``date`` (a document's status,
          an end date or an editor's verification; 1 January of year 1 where there is none).
          A start date is not evidence that the service ran: documents give launch dates ahead.
        - ``timeline_earliest``: the service's earliest dated status event, whatever the date ("date|precision";
          ``None`` with none), so a claim before it can say since when something is known.
        - ``evidence_source``: what ``Claim`` needs of the status event that decides (its precision, the
          editor's role where an editor stated it, its date, and the document's short name).

        A partial date (a month or a year, ``Precision.partial()``) stands for the first day of its period, and
        the change counts from that day: a service that ended some time in November 2019 is not running on any
        day of November 2019 (never claimed running on a day it may have stopped), and one that opened some time
        in 2018 counts from 1 January 2018, as a start date known to the year does
        (stored as 1 January, ``directory.models.dates``).
        On a day inside such a period the claim says it is not known whether it had opened yet, as a warning
        (``Claim``), so no page shows it as plainly running.

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
        first_dated = events.filter(date__isnull=False).order_by("date", "pk")
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
            # No dated evidence by the date (an end date later, start unknown, says nothing of before the
            # earliest evidence): not known, never counted as running. Only an undated document can speak for it.
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
            evidence_source=Subquery(dated.values(source=self._evidence_source())[:1], output_field=CharField()),
            timeline_earliest=Subquery(first_dated.values(earliest=self._earliest())[:1], output_field=CharField()),
            timeline_unconfirmed=Case(
                When(Q(unconfirmed_on__lte=date) & Q(unconfirmed_on__gt=evidence), then=F("unconfirmed_on")),
                default=None,
                output_field=DateField(),
            ),
            timeline_date=Value(date, output_field=DateField()),
        )

    @staticmethod
    def _evidence_source():
        """What ``Claim`` needs of the deciding status event, in one column: precision, editor role, date and
        status and the document's short name (its title where it has none), joined by ``EVIDENCE_SOURCE_SEPARATOR``."""
        from django.db.models import CharField, Value
        from django.db.models.functions import Cast, Coalesce, Concat, NullIf

        separator = Value(EVIDENCE_SOURCE_SEPARATOR)
        return Concat(
            "precision",
            separator,
            "editor_role",
            separator,
            Coalesce(Cast("date", CharField()), Value("")),
            separator,
            "status",
            separator,
            Coalesce(NullIf("document__short_name", Value("")), "document__title", Value("")),
            output_field=CharField(),
        )

    @staticmethod
    def _earliest():
        """A status event's date and precision in one column, joined by ``EVIDENCE_SOURCE_SEPARATOR``."""
        from django.db.models import CharField, Value
        from django.db.models.functions import Cast, Concat

        return Concat(
            Cast("date", CharField()), Value(EVIDENCE_SOURCE_SEPARATOR), "precision", output_field=CharField()
        )

    def operating_on(self, date):
        """Services running on ``date``: active or pilot on their timeline (see ``with_timeline``)."""
        return self.with_timeline(date).filter(timeline_status__in=Status.operating())

    def computed_operating_on(self, date):
        """``operating_on`` computed by the rule itself (``computed_timeline``), not read from the kept rows: for a
        query compiled once and run on other dates (``commissioning.coverage_index``)."""
        return self.computed_timeline(date).filter(timeline_status__in=Status.operating())

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
        return self.annotate(risk_stated=stated).filter(one_of_or_none(through, Q(risklevel_id=level.pk)))

    def for_audience(self, audience, *, or_not_stated=False):
        """Services the documents say are for ``audience``.

        With ``or_not_stated``, also services for which no document states any
        audience: "not stated" is never read as "not for them".
        """
        focus = ServiceFocus.objects.filter(service_id=OuterRef("pk"), kind=FocusKind.AUDIENCE)
        if or_not_stated:
            return self.filter(one_of_or_none(focus.filter(applies=True), Q(value=audience)))
        return self.filter(Exists(focus.filter(value=audience, applies=True)))

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
            # One EXISTS over both sets (the same services as ``tl_in_whole or covers_part``): the database can start
            # from the area's few services, where an OR of two left it checking every running service in turn.
            .filter(Exists(through.objects.filter(service_id=OuterRef("pk"), area_id__in=[*whole, *part])))
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
        """A card's data. Each route's pathway joined in: as a second prefetch it was read only when some row had a
        route, so a page's queries depended on its rows (a coverage cell of prevention services ran one fewer)."""
        return self.select_related("organisation").prefetch_related("risk_levels", routes_with_pathway())

    def for_list_page(self):
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels", "areas", routes_with_pathway(), "focus__document"
        )

    def for_search_page(self):
        """The search page's rows. What a page of them shows is read for those rows only: the reasons' focus rows
        and areas (``services.explain_results``), and a card's risk levels and routes where its HTML is not in
        the cache (``cards.service_cards``)."""
        return self.select_related("organisation")

    def for_matcher(self):
        """The list page's data plus contacts and each row's document, for the matcher's reasons.

        Routes with their pathway and focus rows with their document each in one query (joined, not a
        second prefetch over every row). The matcher itself reads the service rows with this select_related and
        these rows with ``read_matcher_rows``, for the services it judges in full only."""
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels",
            "areas",
            routes_with_pathway(),
            models.Prefetch("focus", queryset=ServiceFocus.objects.select_related("document")),
            "contacts",
        )

    def for_detail_page(self):
        """The service page's data: each kind of evidence in one query, its document or target joined in.

        A fixed number of queries whatever the service holds (one more with standards assessments, for their items).
        """
        documented = ("citations", Citation), ("status_events", StatusEvent), ("focus", ServiceFocus)
        return self.select_related("organisation", "programme").prefetch_related(
            "risk_levels",
            "areas",
            "contacts",
            routes_with_pathway(),
            *(models.Prefetch(name, queryset=model.objects.select_related("document")) for name, model in documented),
            "availability_notes",
            models.Prefetch(
                "disagreements",
                queryset=Disagreement.objects.select_related("earlier__document", "later__document"),
            ),
            # By kind, then the linked service's name (the model's order leaves ties to the database).
            models.Prefetch(
                "links_out",
                queryset=ServiceLink.objects.select_related("to_service").order_by("kind", "to_service__name"),
            ),
            models.Prefetch(
                "links_in",
                queryset=ServiceLink.objects.select_related("from_service").order_by("kind", "from_service__name"),
            ),
            "requirements",
            "assessments__items",
        )

    def for_area_page(self):
        """What an area page's cards show: the home page's data, the areas (for "somewhere in …"), each route's
        pathway joined in."""
        return self.select_related("organisation").prefetch_related(
            "risk_levels",
            "areas",
            routes_with_pathway(),
        )

    def for_export(self):
        return self.select_related("organisation").prefetch_related(
            "risk_levels", "areas", routes_with_pathway(), "contacts", "citations__document"
        )


# What ``ServiceQuerySet.for_matcher`` prefetches, as ``read_matcher_rows`` reads it.
MATCHER_ROWS = ("risk_levels", "areas", "pathways", "focus", "contacts")


def read_matcher_rows(services):
    """Read for services already in hand what ``for_matcher`` prefetches: the same rows in the same order, each
    ``service.risk_levels.all()``, ``.areas.all()``, ``.pathways.all()`` (each link's ``pathway`` set),
    ``.focus.all()`` (each row's ``document`` set) and ``.contacts.all()`` read from them with no query.

    ``prefetch_related_objects`` makes a manager and a filtered queryset for every service and lookup (~30 µs
    each: ~20 ms for the matcher's ~120 services) and an instance for every joined row; here the links are read
    as ids, and the rows they share (risk levels, areas, pathways, documents) are read once each and shared. The
    lists are kept where Django's prefetch keeps them (``_prefetched_objects_cache``, as ``prefetch_one_level``
    does), so whatever later asks for a prefetch of these (the cards' ``card_reads()``) finds them read.
    tests/directory/test_matcher_rows.py compares the result with ``for_matcher``'s.
    """
    from regions.models import Area

    from .contacts import Contact
    from .documents import Document
    from .routes import ReferralPathway
    from .vocabulary import RiskLevel

    ids = [service.pk for service in services]
    if not ids:
        return
    found = {name: {pk: [] for pk in ids} for name in MATCHER_ROWS}

    def shared(name, model, links, ordered=None):
        """Each service's targets of ``links`` (``(service_id, target_id)``), in the target model's order."""
        links = list(links)
        owners = {}
        for service_id, target_id in links:
            owners.setdefault(target_id, []).append(service_id)
        targets = ordered if ordered is not None else model.objects.filter(pk__in=owners)
        for target in targets:
            for service_id in owners.get(target.pk, ()):
                found[name][service_id].append(target)

    shared(
        "risk_levels",
        RiskLevel,
        Service.risk_levels.through.objects.filter(service_id__in=ids).values_list("service_id", "risklevel_id"),
        ordered=RiskLevel.objects.all(),  # a handful of rows: read whole
    )
    shared("areas", Area, Service.areas.through.objects.filter(service_id__in=ids).values_list("service_id", "area_id"))

    def each_services(model):
        """``model``'s rows of these services, each service's in the model's order (first by "service"). Sorted by
        the service's id, not its name: the model's order joins every row to its service to sort by name (~2 ms
        a query at 10,000 services, against ~0.3), and each service's rows are taken apart here anyway."""
        return model.objects.filter(service_id__in=ids).order_by("service_id", *model._meta.ordering[1:])

    pathways = {pathway.pk: pathway for pathway in ReferralPathway.objects.all()}  # a handful of rows: read whole
    for link in each_services(ServicePathway):
        link.pathway = pathways[link.pathway_id]
        found["pathways"][link.service_id].append(link)
    rows = list(each_services(ServiceFocus))
    documents = Document.objects.in_bulk({row.document_id for row in rows})
    for row in rows:
        row.document = documents[row.document_id]
        found["focus"][row.service_id].append(row)
    for contact in each_services(Contact):
        found["contacts"][contact.service_id].append(contact)
    models_of = {"risk_levels": RiskLevel, "areas": Area, "pathways": ServicePathway, "focus": ServiceFocus}
    for service in services:
        cache = service.__dict__.setdefault("_prefetched_objects_cache", {})
        for name in MATCHER_ROWS:
            rows = ReadRows(models_of.get(name, Contact))
            rows._result_cache, rows._prefetch_done, rows.read_for = found[name][service.pk], True, (service, name)
            cache[name] = rows


class ReadRows(models.QuerySet):
    """One service's rows of one relation as ``read_matcher_rows`` read them: read from what was read, as a
    prefetched queryset is; a queryset made from them (``filter``, ``order_by`` …) asks the database for that
    service's rows, as one made from a prefetched queryset does, not for every row of the table."""

    def _chain(self):
        service, name = self.read_for
        cache = service._prefetched_objects_cache
        rows = cache.pop(name)  # the related manager's own queryset, as if nothing were read
        try:
            return getattr(service, name).get_queryset()._chain()
        finally:
            cache[name] = rows


# Used only inside methods, imported last: these modules import this one.
from .citations import Citation, ServiceFocus  # noqa: E402
from .links import Disagreement, ServiceLink  # noqa: E402
from .routes import ServicePathway  # noqa: E402
from .service import Service  # noqa: E402
from .status import StatusEvent  # noqa: E402
from .timeline import timeline_version  # noqa: E402
