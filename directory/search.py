"""The one search document of a service, and keeping it up to date.

Both databases search the same fields (SEARCHED): the service's own words plus the names
of its organisation and programme, so "a service, a provider or a need" finds the same
services in development (SQLite) as in production (PostgreSQL).

On PostgreSQL the document is stored in ``Service.search_document`` (a ``tsvector`` with a
GIN index, migration 0007) and rebuilt by the database itself whenever a service, its
organisation or its programme is saved. ``QuerySet.update()`` sends no signals: after a bulk
update of those fields call ``refresh_search_documents()``.
"""

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save

# Field paths, in the order of their weight on PostgreSQL (A: the name, B: who runs it and
# the summary, C: the rest). SQLite's fallback searches the same paths with icontains.
SEARCHED = {
    "A": ["name"],
    "B": ["organisation__name", "programme__name", "summary"],
    "C": ["description", "eligibility", "area_note"],
}
SEARCH_FIELDS = [path for paths in SEARCHED.values() for path in paths]


def search_document():
    """The weighted tsvector expression for one row of Service (usable in UPDATE: related names by subquery)."""
    from django.contrib.postgres.search import SearchVector

    from .models import Organisation, Programme

    related = {
        "organisation__name": Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")[:1]),
        "programme__name": Subquery(Programme.objects.filter(pk=OuterRef("programme_id")).values("name")[:1]),
    }
    vector = None
    for weight, paths in SEARCHED.items():
        part = SearchVector(*[related.get(path, path) for path in paths], weight=weight, config="english")
        vector = part if vector is None else vector + part
    return vector


def refresh_search_documents(services):
    """Rebuild the stored document of these services (a QuerySet of Service). Nothing to do off PostgreSQL."""
    if connection.vendor == "postgresql":
        services.update(search_document=search_document())


def _service_saved(sender, instance, **kwargs):
    refresh_search_documents(sender.objects.filter(pk=instance.pk))


def _name_saved(sender, instance, **kwargs):
    from .models import Service

    refresh_search_documents(Service.objects.filter(**{sender._meta.model_name: instance}))


def connect_signals():
    from .models import Organisation, Programme, Service

    post_save.connect(_service_saved, sender=Service, dispatch_uid="service-search-document")
    post_save.connect(_name_saved, sender=Organisation, dispatch_uid="organisation-search-document")
    post_save.connect(_name_saved, sender=Programme, dispatch_uid="programme-search-document")
