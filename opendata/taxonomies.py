"""The directory's dimensions as Open Referral taxonomies: one registry entry per dimension.

Each term has a stable id (a UUID derived from the dimension's and the term's
slugs, so it never changes between releases or databases) and names in
English and Welsh. Filtering by a term uses the search page's own filter for
that dimension (``directory.filters.ServiceFilter``), so the API and the search
page answer the same question the same way. Adding a dimension is one entry in
``DIMENSIONS``.
"""

import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import Attendance, Audience, FocusKind, Format, Harm, ReferralPathway, RiskLevel, Status, Tier

# The namespace of every id the directory publishes (uuid5 of the directory's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "perpetrator-services-directory/open-referral")


@functools.lru_cache(maxsize=4096)  # a term's or a service's id is asked for again and again in one list
def stable_id(*parts: str) -> str:
    """A UUID that depends only on ``parts``: the same on every machine, in every release.

    ``str(uuid.uuid5(NAMESPACE, "/".join(parts)))``, written out (a third of the time: the data package makes
    hundreds of thousands); tests/api/test_datapackage.py holds it to ``uuid.uuid5``.
    """
    digest = bytearray(hashlib.sha1(NAMESPACE.bytes + "/".join(parts).encode(), usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def in_language(text, language):
    """``text`` (a translatable string or a msgid) in ``language``."""
    with translation.override(language):
        return str(text) if isinstance(text, Promise) else gettext(text)


@dataclass(frozen=True)
class Term:
    dimension: "Dimension"
    value: str
    name: Any
    description: str = ""
    obj: Any = field(default=None, compare=False)

    @property
    def id(self):
        return stable_id(self.dimension.slug, self.value)

    @property
    def filter_value(self):
        """What the search page's filter for this dimension takes: a model instance or a choice value."""
        return self.obj if self.obj is not None else self.value


@dataclass(frozen=True)
class Dimension:
    """A dimension of the directory published as a taxonomy.

    ``filter_name`` names the search page's filter that answers "services with
    this term"; ``lookup`` is the service field (or relation path) that holds it.
    """

    slug: str
    name: Any
    description: Any
    lookup: str
    filter_name: str | None = None
    choices: type[TextChoices] | None = None
    model: Any = None
    service_objects: Any = None  # service -> the related rows (from prefetched data)
    any_filter: dict | None = None  # the lookup for "carries any term", where ``lookup`` alone cannot say

    @property
    def id(self):
        return stable_id(self.slug)

    def terms(self):
        if self.choices is not None:
            return [Term(self, value, label) for value, label in self.choices.choices]
        return [Term(self, obj.slug, obj.name, obj.description, obj) for obj in self.model.objects.all()]

    def terms_of(self, service):
        """The terms ``service`` carries; none where the documents do not say."""
        if self.choices is not None and self.service_objects is not None:
            return [Term(self, value, self.choices(value).label) for value in self.service_objects(service)]
        if self.choices is not None:
            value = getattr(service, self.lookup)
            return [Term(self, value, self.choices(value).label)] if value else []
        return [Term(self, obj.slug, obj.name, obj.description, obj) for obj in self.service_objects(service)]

    def filter(self, queryset, term, filterset):
        """Services carrying ``term``, through the search page's filter where it has one."""
        if self.filter_name:
            return filterset.filters[self.filter_name].filter(queryset, term.filter_value)
        return queryset.filter(**{self.lookup: term.value})

    def filter_any(self, queryset):
        """Services carrying any term of this taxonomy.

        Related rows are asked about in a subquery, not joined: a join repeats a service once per row, and
        removing the repeats (DISTINCT over every column) cost the list ~240 ms at 10,000 services.
        """
        if self.choices is not None and self.any_filter is None:
            return queryset.exclude(**{self.lookup: ""})
        carrying = self.any_filter if self.any_filter is not None else {f"{self.lookup}__isnull": False}
        return queryset.filter(pk__in=queryset.model.objects.filter(**carrying).values("pk"))


DIMENSIONS = [
    Dimension(
        slug="risk-level",
        name=_("Risk level"),
        description=_("The risk levels a service works with: standard, medium and high."),
        lookup="risk_levels",
        filter_name="risk",
        model=RiskLevel,
        service_objects=lambda service: service.risk_levels.all(),
    ),
    Dimension(
        slug="referral-route",
        name=_("Referral route"),
        description=_("How a person can be referred to a service, or refer themselves."),
        lookup="pathways__pathway",
        filter_name="route",
        model=ReferralPathway,
        service_objects=lambda service: [link.pathway for link in service.pathways.all()],
    ),
    Dimension(
        slug="tier",
        name=_("Kind of service"),
        description=_("The tier of provision, from prevention to high harm and criminal justice."),
        lookup="tier",
        filter_name="tier",
        choices=Tier,
    ),
    Dimension(
        slug="format",
        name=_("Format"),
        description=_("How the service is delivered: one-to-one, group, online and so on."),
        lookup="format",
        filter_name="format",
        choices=Format,
    ),
    Dimension(
        slug="attendance",
        name=_("Attendance"),
        description=_("Whether attending is voluntary or mandated."),
        lookup="attendance",
        filter_name="attendance",
        choices=Attendance,
    ),
    Dimension(
        slug="audience",
        name=_("Who it is for"),
        description=_(
            "Who the documents say a service is for. A service with no term here is one whose documents do not say."
        ),
        lookup="focus__value",
        filter_name="audience",
        choices=Audience,
        service_objects=lambda service: [value.value for value in service.stated_audiences()],
        any_filter={"focus__kind": FocusKind.AUDIENCE, "focus__applies": True},
    ),
    Dimension(
        slug="harm",
        name=_("Kind of harm"),
        description=_(
            "The kinds of harm the documents say a service works with. No term means the documents do not say;"
            " a filter by a term also returns services whose documents do not say, after those that do."
        ),
        lookup="focus__value",
        filter_name="harm",
        choices=Harm,
        service_objects=lambda service: [
            value for value in Harm.values if (row := service.harm_row(value)) is not None and row.applies
        ],
        any_filter={"focus__kind": FocusKind.HARM, "focus__applies": True},
    ),
    Dimension(
        slug="service-status",
        name=_("Service status"),
        description=_(
            "The directory's own status, which says more than Open Referral's: a pilot, or planned but not yet running."
            " It is the status today on the service's timeline (its documents' dated statements, start and end dates"
            " and editors' verifications)."
        ),
        lookup="timeline_status",
        choices=Status,
    ),
]

BY_ID = {dimension.id: dimension for dimension in DIMENSIONS}


def all_terms():
    return [term for dimension in DIMENSIONS for term in dimension.terms()]


def find_term(term_id):
    """The term with id ``term_id`` (a string or UUID), or ``None``."""
    term_id = str(term_id)
    return next((term for term in all_terms() if term.id == term_id), None)
