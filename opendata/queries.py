"""Page-shaped QuerySets for the API: everything a page prints, fetched in a fixed number of queries."""

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from directory.models import Organisation, Service
from directory.models.queries import routes_with_pathway

from .taxonomies import stable_id


def last_modified():
    """When the entry was last saved by an editor (from its history); none for entries never edited."""
    history = Service.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return Subquery(history.values("history_date")[:1])


def services(full=False):
    """Services a practitioner here can refer to (comparators elsewhere in the UK are left out)."""
    queryset = (
        Service.objects.referable()
        .select_related("organisation", "programme")
        .prefetch_related("contacts", "availability_notes")
        .annotate(last_modified=last_modified())
        .with_timeline(timezone.localdate())
    )
    if full:
        queryset = queryset.prefetch_related(
            "risk_levels", "areas", routes_with_pathway(), "citations__document", "focus"
        )
    return queryset.order_by("name", "slug")


# Services in a total order (name, then slug, then id), which their related rows are read in too (``in_order``).
ORDER = ("name", "slug", "pk")
STREAM_CHUNK = 500  # rows fetched from a cursor at a time


def referable(*related, full=False):
    """``services()`` without its prefetches, for ``in_order`` (which reads the related rows its own way), with the
    rows ``related`` read beside each; ``full`` adds each service's timeline and when it was last edited."""
    queryset = Service.objects.referable()
    if related:  # (with no names select_related would follow every foreign key)
        queryset = queryset.select_related(*related)
    if full:
        queryset = queryset.annotate(last_modified=last_modified()).with_timeline(timezone.localdate())
    return queryset


class _Related:
    """One relation's rows in the services' order, handed out one service at a time (a merge, not a lookup)."""

    # Each relation is read in its model's own order within a service (as a prefetch reads it), then by id: rows
    # that tie (two quotes from the same section of a document) come in the order they were entered, the same on
    # every run, where a prefetch leaves them in whatever order the database's sort happens to give.

    def __init__(self, model, lookup, ids):
        name, *nested = lookup.split("__", 1)
        field = model._meta.get_field(name)
        if field.many_to_many:  # the linked rows, each with the service it is linked to (as a prefetch reads them)
            self.model = field.related_model
            link = field.related_query_name()
            rows = self.model._default_manager.annotate(
                **{f"_service_{term}": F(f"{link}__{term}") for term in ORDER}
            ).filter(_service_pk__in=ids)
            order = [f"_service_{term}" for term in ORDER]
            ordering = [*self.model._meta.ordering, "pk"]
            self.key = "_service_pk"
        else:  # one-to-many: the related model's own rows (``nested`` names what each row's own select reads)
            source = field.field.name
            self.model = field.related_model
            ordering = [term for term in self.model._meta.ordering if term not in (source, f"{source}_id")] + ["pk"]
            rows = self.model._default_manager.filter(**{f"{source}__in": ids})
            if nested:
                rows = rows.select_related(*nested)
            order = [f"{source}__{term}" for term in ORDER]
            self.key = f"{source}_id"
        self.name = name
        self.rows = rows.order_by(*order, *ordering).iterator(chunk_size=STREAM_CHUNK)
        self.head = next(self.rows, None)

    def take(self, pk):
        """The rows of the service ``pk`` as a fetched QuerySet (what ``prefetch_related`` leaves behind)."""
        found = []
        while self.head is not None and getattr(self.head, self.key) == pk:
            found.append(self.head)
            self.head = next(self.rows, None)
        fetched = QuerySet(self.model)
        fetched._result_cache, fetched._prefetch_done = found, True
        return fetched


def in_order(services, *lookups):
    """Each of ``services`` (ordered by ``ORDER``) with the relations ``lookups`` read as if prefetched.

    ``prefetch_related`` with ``iterator(chunk_size=…)`` runs its queries again for every chunk, so their number
    would grow with the directory; holding every service to prefetch at once costs memory instead. Here the
    services and each relation (``"contacts"``, ``"areas"``, ``"citations__document"``) are read through
    cursors in the same order and merged as they stream, as ``directory.services.export_rows`` does: one query
    for the services and one per relation whatever their number, and only a chunk of each held at a time.
    """
    services = services.order_by(*ORDER)
    ids = services.order_by().values("pk")
    related = [_Related(services.model, lookup, ids) for lookup in lookups]
    for service in services.iterator(chunk_size=STREAM_CHUNK):
        service._prefetched_objects_cache = {relation.name: relation.take(service.pk) for relation in related}
        yield service


def organisations():
    """Organisations providing at least one service a practitioner here can refer to."""
    return Organisation.objects.filter(services__in=Service.objects.referable()).distinct().order_by("name", "slug")


def pk_for_public_id(queryset, kind, public_id):
    """The primary key of the row in ``queryset`` whose published id is ``public_id``, or ``None``.

    Published ids are derived from slugs (see ``taxonomies.stable_id``), so one
    query for the slugs answers it; the directory holds hundreds of rows, not millions.
    """
    wanted = str(public_id).lower()
    return next((pk for pk, slug in queryset.values_list("pk", "slug") if stable_id(kind, slug) == wanted), None)
