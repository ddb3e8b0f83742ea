"""The directory as an Open Referral tabular data package: datapackage.json and one CSV per table.

The tables and their columns are the profile's own (sources/oruk-3.0/datapackage.json),
filled from the same dicts the API returns, so the two never disagree. One extra
table, ``citations.csv``, carries every quote an entry rests on.
"""

import csv
import io
import json
import zipfile

from django.conf import settings

from . import oruk, schemas, taxonomies

# The profile's tables the directory fills; the rest (locations, addresses, schedules...) it does not hold.
TABLES = [
    "organization",
    "service",
    "service_area",
    "contact",
    "phone",
    "funding",
    "attribute",
    "taxonomy",
    "taxonomy_term",
]

CITATION_RESOURCE = {
    "name": "citation",
    "path": "citations.csv",
    "title": "Citations",
    "description": (
        "Extension: each quote a service entry rests on, copied word for word from the document, "
        "with its section and date."
    ),
    "profile": "tabular-data-resource",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "schema": {
        "fields": [
            {"name": "service_id", "type": "string", "format": "uuid"},
            {"name": "document_id", "type": "string"},
            {"name": "document", "type": "string"},
            {"name": "document_date", "type": "date"},
            {"name": "document_date_text", "type": "string"},
            {"name": "section", "type": "string"},
            {"name": "quote", "type": "string"},
            {"name": "supports", "type": "string"},
        ],
        "foreignKeys": [{"fields": "service_id", "reference": {"resource": "service", "fields": "id"}}],
    },
}


def descriptor():
    """The profile's datapackage.json cut to the tables the directory fills, under the directory's licence."""
    profile = schemas.load("datapackage.json")
    resources = [resource for resource in profile["resources"] if resource["name"] in TABLES]
    return {
        **{key: value for key, value in profile.items() if key not in ("resources", "license")},
        "name": "perpetrator-services-directory",
        "title": "Perpetrator services directory (Open Referral UK 3.0)",
        "licenses": [settings.OPEN_DATA_LICENCE],
        "resources": [*resources, CITATION_RESOURCE],
    }


def rows(services):
    """``{table name: [row dicts]}`` for ``services`` (fetched with ``queries.services(full=True)``)."""
    tables = {name: [] for name in [*TABLES, "citation"]}
    organisations = {}
    for service in services:
        data = oruk.service_full(service)
        organisations[data["organization_id"]] = data["organization"]
        tables["service"].append(data)
        tables["service_area"] += data["service_areas"]
        for contact in data["contacts"]:
            tables["contact"].append(contact)
            tables["phone"] += contact.get("phones", [])
        tables["funding"] += data["funding"]
        tables["attribute"] += data["attributes"]
        tables["citation"] += [{"service_id": data["id"], **citation} for citation in data["citations"]]
    tables["organization"] = list(organisations.values())
    tables["taxonomy"] = [oruk.taxonomy(dimension) for dimension in taxonomies.DIMENSIONS]
    tables["taxonomy_term"] = [oruk.taxonomy_term(term) for term in taxonomies.all_terms()]
    return tables


def write_csv(fields, items):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({key: ("" if value is None else value) for key, value in item.items()})
    return out.getvalue()


def build_zip(services):
    """The data package as the bytes of a zip file."""
    package = descriptor()
    tables = rows(services)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
        for resource in package["resources"]:
            fields = [field["name"] for field in resource["schema"]["fields"]]
            archive.writestr(resource["path"], write_csv(fields, tables[resource["name"]]))
    return buffer.getvalue()
