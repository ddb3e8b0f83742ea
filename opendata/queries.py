"""Page-shaped QuerySets for the API: everything a page prints, fetched in a fixed number of queries."""

from django.db.models import OuterRef, Subquery
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
