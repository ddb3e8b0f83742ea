"""The read-only Open Referral UK 3.0 API: public, no key, throttled, open to any origin."""

from django import forms
from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import AnonRateThrottle

from directory.models import Organisation
from directory.models.timeline import timeline_version
from directory.pagecache import shared_page
from directory.services import one_snapshot

from . import oruk, package, queries, schemas, taxonomies
from .filters import OpenReferralServiceFilter
from .pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, OpenReferralPagination


class OpenDataThrottle(AnonRateThrottle):
    """Requests per client address, counted in the default cache (rate: settings ``open_data``)."""

    scope = "open_data"


ERROR = {"type": "object", "description": "What was wrong with the request, field by field or as 'detail'."}
ERRORS = {400: ERROR, 404: ERROR, 429: ERROR}


def one(component):
    return {"$ref": f"#/components/schemas/{component}"}


class OpenReferralView(GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    pagination_class = OpenReferralPagination
    filter_backends = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def page(self, items, build):
        page = self.paginate_queryset(items)
        return self.get_paginated_response([build(item) for item in page])


class ShapeForm(forms.Form):
    """``full`` or ``minimal``: how much of each service a list gives."""

    CHOICES = [("true", "true"), ("false", "false")]
    full = forms.ChoiceField(
        required=False, choices=CHOICES, error_messages={"invalid_choice": _("Give full as true or false")}
    )
    minimal = forms.ChoiceField(
        required=False, choices=CHOICES, error_messages={"invalid_choice": _("Give minimal as true or false")}
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 10**9}, description="Page number (from 1)."),
    OpenApiParameter(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        description=f"Number of results in a page (1 to {MAX_PER_PAGE}, default {DEFAULT_PER_PAGE}).",
    ),
]
SHAPE_PARAMETERS = [
    OpenApiParameter("full", str, enum=["true", "false"], description="Fully nested services (wins over minimal)."),
    OpenApiParameter(
        "minimal",
        str,
        enum=["true", "false"],
        description="Just id, name, status with its evidence (status_evidence) and last_modified.",
    ),
]


class ApiInfo(OpenReferralView):
    @extend_schema(
        operation_id="getAPIMetaInformation",
        responses={
            200: {
                "type": "object",
                "required": ["version", "profile", "openapi_url"],
                "properties": {
                    "version": {"type": "string"},
                    "profile": {"type": "string", "format": "uri"},
                    "openapi_url": {"type": "string", "format": "uri"},
                },
            },
            429: ERROR,
        },
    )
    def get(self, request):
        return Response(
            {
                "version": oruk.HSDS_VERSION,
                "profile": oruk.PROFILE_URL,
                "openapi_url": reverse("opendata:openapi", request=request),
            }
        )


class ListSchema(AutoSchema):
    """Documents the FilterSet's parameters (drf-spectacular does so only for list views).

    The response is one page envelope (declared in ``extend_schema``), not an array.
    """

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class ServiceList(OpenReferralView):
    schema = ListSchema()
    filter_backends = [DjangoFilterBackend]
    filterset_class = OpenReferralServiceFilter

    def get_queryset(self):
        return queries.services()

    @extend_schema(
        operation_id="getPaginatedListOfServices",
        parameters=PAGE_PARAMETERS + SHAPE_PARAMETERS,
        responses={200: schemas.page_schema("OrukServiceListItem"), **ERRORS},
    )
    def get(self, request):
        shape = ShapeForm(request.query_params)
        if not shape.is_valid():
            raise ValidationError(shape.errors)
        full = shape.cleaned_data["full"] == "true"
        build = oruk.service_minimal if shape.cleaned_data["minimal"] == "true" else oruk.service_summary
        if full:
            build = oruk.service_full
        services = self.filter_queryset(queries.services(full=full))  # each filter gives a service once
        return self.page(services, lambda service: build(service, request))


class ServiceDetail(OpenReferralView):
    @extend_schema(
        operation_id="getFullyNestedServiceById", responses={200: one("OrukService"), 404: ERROR, 429: ERROR}
    )
    def get(self, request, id):
        pk = queries.pk_for_public_id(queries.services(), "service", id)
        if pk is None:
            raise NotFound(_("No service has this id."))
        service = queries.services(full=True).get(pk=pk)
        return Response(oruk.service_full(service, request))


class ServiceAtLocationList(OpenReferralView):
    """The directory records no addresses (see the Open data page), so there are no services at locations."""

    @extend_schema(
        operation_id="getPaginatedListOfServiceAtLocation",
        parameters=PAGE_PARAMETERS,
        responses={200: schemas.page_schema("OrukServiceAtLocationListItem"), **ERRORS},
    )
    def get(self, request):
        return self.page([], lambda item: item)


class ServiceAtLocationDetail(OpenReferralView):
    @extend_schema(
        operation_id="getServiceAtLocationWithNestedDataById",
        responses={200: one("OrukServiceAtLocation"), 404: ERROR, 429: ERROR},
    )
    def get(self, request, id):
        raise NotFound(_("No service at a location has this id: the directory records no addresses."))


class OrganisationList(OpenReferralView):
    @extend_schema(
        operation_id="getPaginatedListOfOrganizations",
        parameters=PAGE_PARAMETERS,
        responses={200: schemas.page_schema("OrukOrganizationListItem"), **ERRORS},
    )
    def get(self, request):
        return self.page(queries.organisations(), oruk.organisation_summary)


class OrganisationDetail(OpenReferralView):
    @extend_schema(operation_id="getOrganizationById", responses={200: one("OrukOrganization"), 404: ERROR, 429: ERROR})
    def get(self, request, id):
        pk = queries.pk_for_public_id(queries.organisations(), "organisation", id)
        if pk is None:
            raise NotFound(_("No organisation has this id."))
        organisation = Organisation.objects.get(pk=pk)
        services = queries.services().filter(organisation=organisation)
        return Response(oruk.organisation_full(organisation, services, request))


class TaxonomyList(OpenReferralView):
    @extend_schema(
        operation_id="getPaginatedListOfTaxonomies",
        parameters=PAGE_PARAMETERS,
        responses={200: schemas.page_schema("OrukTaxonomy"), **ERRORS},
    )
    def get(self, request):
        return self.page(taxonomies.DIMENSIONS, oruk.taxonomy)


class TaxonomyDetail(OpenReferralView):
    @extend_schema(operation_id="getTaxonomyById", responses={200: one("OrukTaxonomy"), 404: ERROR, 429: ERROR})
    def get(self, request, id):
        dimension = taxonomies.BY_ID.get(str(id).lower())
        if dimension is None:
            raise NotFound(_("No taxonomy has this id."))
        return Response(oruk.taxonomy(dimension, dimension.terms()))


class TermFilterForm(forms.Form):
    taxonomy_id = forms.UUIDField(required=False, error_messages={"invalid": _("Give taxonomy_id as a UUID")})


class TaxonomyTermList(OpenReferralView):
    @extend_schema(
        operation_id="getPaginatedListOfTaxonomyTerms",
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("taxonomy_id", OpenApiTypes.UUID, description="Terms of this taxonomy only."),
        ],
        responses={200: schemas.page_schema("OrukTaxonomyTerm"), **ERRORS},
    )
    def get(self, request):
        form = TermFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        wanted = form.cleaned_data["taxonomy_id"]
        if wanted:
            dimension = taxonomies.BY_ID.get(str(wanted))
            terms = dimension.terms() if dimension else []
        else:
            terms = taxonomies.all_terms()
        return self.page(terms, oruk.taxonomy_term)


class TaxonomyTermDetail(OpenReferralView):
    @extend_schema(operation_id="getTaxonomyTermById", responses={200: one("OrukTaxonomyTerm"), 404: ERROR, 429: ERROR})
    def get(self, request, id):
        term = taxonomies.find_term(str(id).lower())
        if term is None:
            raise NotFound(_("No taxonomy term has this id."))
        return Response(oruk.taxonomy_term(term))


class DataPackage(OpenReferralView):
    @extend_schema(
        operation_id="getDataPackage",
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 429: ERROR},
        description="Every published service as the profile's tabular data package (datapackage.json and CSVs).",
    )
    # Streamed as it is written; once sent whole, kept in the shared cache until the directory changes (the data
    # version every edit bumps), so it is computed once per change, not once per download. It reads no parameter:
    # one kept package whatever the query string (``?x=1`` must not compute and keep another).
    @method_decorator(shared_page(by_query=False))
    def get(self, request):
        timeline_version(timezone.localdate())  # today's kept timeline filled first: the snapshot only reads
        response = StreamingHttpResponse(one_snapshot(package.zip_chunks()), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="datapackage.zip"'
        return response


class OpenApiDocument(SpectacularJSONAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


def open_data_page(request):
    """What the directory publishes, under which licence, and how to use the API."""
    example = (
        f"{reverse('opendata:service-list')}?area=cardiff&taxonomy_term_id={taxonomies.stable_id('risk-level', 'high')}"
    )
    return render(
        request,
        "opendata/open_data.html",
        {"dimensions": taxonomies.DIMENSIONS, "licence": settings.OPEN_DATA_LICENCE, "example_url": example},
    )
