"""Validators for the official Open Referral UK 3.0 schemas, read from the repository's copy."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REFERENCE = Path(__file__).resolve().parents[2] / "sources" / "oruk-3.0"
PROFILE_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _load(relative):
    return json.loads((REFERENCE / "schema" / relative).read_text(encoding="utf-8"))


def _registry():
    """Every schema file under the profile's own URL and its bare name, so their $refs resolve locally."""
    resources = []
    for path in (REFERENCE / "schema").rglob("*.json"):
        relative = path.relative_to(REFERENCE / "schema").as_posix()
        resource = Resource.from_contents(_load(relative), default_specification=DRAFT202012)
        resources += [(PROFILE_BASE + relative, resource), (relative, resource)]
    return Registry().with_resources(resources)


class Profile:
    def __init__(self):
        self.registry = _registry()
        self.openapi = _load("openapi.json")

    def validator(self, schema):
        return Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())

    def check(self, schema_file, instance):
        """Validate ``instance`` against a compiled schema file, e.g. ``compiled/service.json``."""
        errors = sorted(self.validator({"$ref": schema_file}).iter_errors(instance), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]

    def check_openapi(self, path, instance):
        """Validate against the profile's OpenAPI description of ``GET path``'s 200 response."""
        schema = self.openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = json.loads(json.dumps(schema).replace('"#/components/', '"openapi.json#/components/'))
        errors = sorted(self.validator(schema).iter_errors(instance), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]

    def check_page(self, instance, item_schema):
        self.check("openapi.json#/components/schemas/Page", instance)
        assert set(instance) == {
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        }
        for item in instance["contents"]:
            self.check(item_schema, item)


@pytest.fixture(scope="session")
def profile():
    return Profile()


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with an empty throttle count."""
    from django.core.cache import cache

    cache.clear()
