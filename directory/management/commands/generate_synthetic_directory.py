"""Fill a database named for it with a synthetic directory (see directory/synthetic/)."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from directory.models import Document, Service
from directory.synthetic import generate


def real_document_slugs():
    """The slugs of the real source documents (fixtures/documents.json)."""
    from django.conf import settings

    rows = json.loads((Path(settings.BASE_DIR) / "fixtures" / "documents.json").read_text())
    return [row["fields"]["slug"] for row in rows if row.get("model") == "directory.document"]


def refuse_reason(database_name):
    """Why this database must not receive synthetic data, or ``None`` when it may."""
    if "synth" not in str(database_name).lower():
        return f"the database name {database_name!r} does not contain 'synth'; make one for synthetic data"
    if Document.objects.filter(slug__in=real_document_slugs()).exists():
        return "this database holds the real directory (its source documents are loaded)"
    if Service.objects.exists():
        return "this database already holds services; generate into an empty, migrated database"
    return None


class Command(BaseCommand):
    help = (
        "Generate a synthetic directory (areas, services and their evidence) for benchmarks. "
        "Runs only on a migrated, empty database whose name contains 'synth'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=800, help="How many services (default 800).")
        parser.add_argument("--areas", type=int, default=100, help="How many areas in all (default 100).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")

    def handle(self, *args, services, areas, seed, **options):
        reason = refuse_reason(connection.settings_dict["NAME"])
        if reason:
            raise CommandError(f"Refusing to generate: {reason}.")
        if services < 1:
            raise CommandError("--services must be at least 1.")
        started = time.monotonic()
        try:
            counts = generate(services, areas, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics for the new rows, as autovacuum would later
        summary = ", ".join(f"{key} {value}" for key, value in counts.items())
        self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s: {summary}.")
