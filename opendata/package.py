"""The directory as an Open Referral tabular data package: datapackage.json and one CSV per table.

The tables and their columns are the profile's own (sources/oruk-3.0/datapackage.json),
filled from the same dicts the API returns, so the two never disagree. One extra
table, ``citations.csv``, carries every quote an entry rests on.
"""

import csv
import io
import json
import time
import zipfile

from django.conf import settings

from . import oruk, queries, schemas, taxonomies

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


def _organisations():
    """Each organisation once, where its first service comes in the services' order."""
    seen = set()
    for service in queries.in_order(queries.referable("organisation").only("organisation")):
        if service.organisation_id not in seen:
            seen.add(service.organisation_id)
            yield oruk.organisation_summary(service.organisation)


def _phones(service):
    return [phone for contact in oruk.contacts(service) for phone in contact.get("phones", [])]


def _citations(service):
    sid = oruk.service_id(service)
    return [{"service_id": sid, **citation} for citation in oruk.citations(service)]


# Each table drawn from the services: the services it reads (only the columns its rows use: reading any other
# would cost a query per service, which tests/api/test_datapackage.py would see), what it reads beside each
# service (``queries.in_order``), and its rows for one service.
PER_SERVICE = {
    "service": (
        lambda: queries.referable("organisation", "programme", full=True),
        ("contacts", "availability_notes"),
        lambda service: [oruk.service_summary(service, evidence=False)],  # (no column for the evidence)
    ),
    "attribute": (
        lambda: queries.referable(full=True),
        ("risk_levels", "pathways__pathway", "focus"),
        lambda service: [attribute for attribute, _term in oruk.attribute_links(service)],
    ),
    "phone": (lambda: queries.referable().only("slug"), ("contacts",), _phones),
    "contact": (lambda: queries.referable().only("slug"), ("contacts",), oruk.contacts),
    "funding": (
        lambda: queries.referable().only("slug", "funding_source", "funding_longevity", "funding_note"),
        (),
        oruk.funding,
    ),
    "service_area": (
        lambda: queries.referable().only("slug", "area_extent", "area_note"),
        ("areas",),
        oruk.service_areas,
    ),
    "citation": (lambda: queries.referable().only("slug"), ("citations__document",), _citations),
}


def rows(table):
    """The rows of ``table`` as dicts (the API's own shapes), produced as the services are read.

    A table of the services' rows takes one pass over them, in the same order as the API lists them,
    reading what the table needs and nothing else: a fixed number of queries (``queries.in_order``) and
    a chunk of services held at a time, whatever the size of the directory.
    """
    if table == "organization":
        return _organisations()
    if table == "taxonomy":
        return (oruk.taxonomy(dimension) for dimension in taxonomies.DIMENSIONS)
    if table == "taxonomy_term":
        return (oruk.taxonomy_term(term) for term in taxonomies.all_terms())
    services, lookups, of = PER_SERVICE[table]
    return (row for service in queries.in_order(services(), *lookups) for row in of(service))


CSV_CHUNK = 64 * 1024  # characters of CSV passed to the compressor at a time


def csv_text(fields, items):
    """``items`` as CSV text (a header, then a row each; ``None`` as an empty cell), in chunks of ``CSV_CHUNK``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({key: ("" if value is None else value) for key, value in item.items()})
        if out.tell() >= CSV_CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


class _Sink:
    """Where the zip is written: it cannot seek, so each entry carries its sizes after its data (a data descriptor),
    and what is written is taken out as it comes."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def _entry(name):
    """A file in the zip as ``ZipFile.writestr`` makes one: compressed, dated now, readable by its owner."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def zip_chunks():
    """The data package as a zip file, in chunks of about ``CSV_CHUNK`` bytes as it is written.

    Nothing holds a whole table: each CSV file is compressed into the zip row by row as its rows are read
    (``rows``), and what the zip has written is passed on after each chunk.
    """
    package = descriptor()
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(_entry("datapackage.json"), "w") as entry:
            entry.write(json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8"))
        for resource in package["resources"]:
            fields = [field["name"] for field in resource["schema"]["fields"]]
            with archive.open(_entry(resource["path"]), "w") as entry:
                for text in csv_text(fields, rows(resource["name"])):
                    entry.write(text.encode("utf-8"))
                    if sink.size >= CSV_CHUNK:
                        yield sink.drain()
    yield sink.drain()  # the rest, and the zip's directory of files (written as it closes)
