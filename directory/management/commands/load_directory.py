"""(Re)load the whole directory from fixtures/. Running it twice changes nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from directory.models import Service

# Reference data first; then the services files, the one that defines the
# shared programmes (Drive, Clear, CARA, BBR) before the others; then rows that
# refer to services in other files (assessments, stated gaps, cross-references).
# Child rows (citations, contacts) find their service by natural key, so a
# service must be loaded before any file that cites it.
ORDER = [
    "areas",
    "documents",
    "risk_levels",
    "pathways",
    "services_ctm_and_policing",
    "services_*",
    "*",
    "review_*",
    "stated_*",
    "crossrefs_*",
]


def _rank(path):
    for index, pattern in enumerate(ORDER):
        if pattern != "*" and path.match(f"{pattern}.json"):
            return index
    return ORDER.index("*")


def fixture_files(directory=None):
    """Every fixture file, in the order they must load."""
    directory = Path(directory or settings.BASE_DIR / "fixtures")
    return sorted(directory.glob("*.json"), key=lambda p: (_rank(p), p.name))


class Command(BaseCommand):
    help = "Load every fixture in fixtures/ in dependency order, in one transaction; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database holds no service yet (a first deploy); otherwise change nothing.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Service.objects.exists():
            self.stdout.write(f"The directory already holds {Service.objects.count()} services; nothing loaded.")
            return
        files = fixture_files()
        with transaction.atomic():
            call_command("loaddata", *[str(p) for p in files], verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(files)} fixture files."))
