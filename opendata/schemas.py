"""The official Open Referral UK 3.0 schemas, read from the repository's copy in sources/oruk-3.0."""

import functools
import json

from django.conf import settings

REFERENCE = settings.BASE_DIR / "sources" / "oruk-3.0"

# JSON Schema keywords an OpenAPI 3.0 schema object may carry; the compiled
# schemas add their own (datapackage metadata, "core", "constraints", examples).
OPENAPI_KEYWORDS = {
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "format",
    "description",
    "title",
    "minimum",
    "maximum",
    "additionalProperties",
    "allOf",
    "$ref",
}

COMPONENTS = {
    "OrukService": "schema/compiled/service.json",
    "OrukServiceListItem": "schema/compiled/service_list.json",
    "OrukOrganization": "schema/compiled/organization.json",
    "OrukOrganizationListItem": "schema/compiled/organization_list.json",
    "OrukServiceAtLocation": "schema/compiled/service_at_location.json",
    "OrukServiceAtLocationListItem": "schema/compiled/service_at_location_list.json",
    "OrukTaxonomy": "schema/taxonomy.json",
    "OrukTaxonomyTerm": "schema/taxonomy_term.json",
}


@functools.cache
def load(path):
    return json.loads((REFERENCE / path).read_text(encoding="utf-8"))


def _clean(node):
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("$ref") == "taxonomy_term.json":
        return {"$ref": "#/components/schemas/OrukTaxonomyTerm"}
    cleaned = {}
    for key, value in node.items():
        if key == "properties":
            cleaned[key] = {name: _clean(prop) for name, prop in value.items()}
        elif key in OPENAPI_KEYWORDS:
            cleaned[key] = _clean(value)
    return cleaned


def openapi_component(name):
    """The official schema ``name`` reduced to the keywords OpenAPI 3.0 knows."""
    return _clean(load(COMPONENTS[name]))


def page_schema(item_component):
    """The profile's page envelope around items of ``item_component``."""
    envelope = _clean(load("schema/openapi.json")["components"]["schemas"]["Page"])
    envelope["properties"]["contents"] = {
        "type": "array",
        "items": {"$ref": f"#/components/schemas/{item_component}"},
    }
    envelope["required"] = [*envelope["properties"]]
    return envelope


def filter_values():
    """The values the search page's choice-of-row filters accept (slugs), for the document's enums."""
    from directory.models import ReferralPathway, RiskLevel
    from regions.models import Area

    return {
        "risk": list(RiskLevel.objects.values_list("slug", flat=True)),
        "route": list(ReferralPathway.objects.values_list("slug", flat=True)),
        "area": list(Area.objects.values_list("slug", flat=True)),
    }


def example_ids():
    """A real id for each kind of row, so that clients (and schemathesis) can try the detail endpoints."""
    from directory.models import Service

    from . import oruk, taxonomies

    service = Service.objects.referable().select_related("organisation").order_by("slug").first()
    dimension = taxonomies.DIMENSIONS[0]
    examples = {"taxonomies": dimension.id, "taxonomy_terms": dimension.terms()[0].id if dimension.terms() else None}
    if service:
        examples |= {"services": oruk.service_id(service), "organizations": oruk.organisation_id(service.organisation)}
    return {kind: value for kind, value in examples.items() if value}


def add_components(result, generator, request, public):
    """drf-spectacular post-processing hook: the official schemas as components of our document,
    and the exact values and lengths the search page's filters accept."""
    from directory.filters import MAX_QUERY_LENGTH

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name in COMPONENTS:
        schemas[name] = openapi_component(name)
    values = filter_values()
    examples = example_ids()
    for path, item in result.get("paths", {}).items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["in"] == "path" and path.rsplit("/", 2)[-2] in examples:
                parameter["example"] = examples[path.rsplit("/", 2)[-2]]
                continue
            name, schema = parameter["name"], parameter["schema"]
            if name in values:
                schema["enum"] = values[name]
            elif name in ("q", "text", "search"):
                schema |= {"maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00]*$"}
    return result
