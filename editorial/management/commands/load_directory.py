"""(Re)load the whole directory from fixtures/. Running it twice changes nothing; it never undoes an editor's change.

See editorial/loading.py: rows an editor changed since they were loaded are
left alone and listed with their differences; what the load changes is
recorded in the history.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from directory.models import Service
from editorial.loading import load_fixtures

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
    help = (
        "Load every fixture in fixtures/ in dependency order, in one transaction; idempotent. "
        "Rows changed by an editor since they were loaded are left alone and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="Load the fixtures in this folder instead of fixtures/.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database holds no service yet (a first deploy); otherwise change nothing.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Service.objects.exists():
            self.stdout.write(f"The directory already holds {Service.objects.count()} services; nothing loaded.")
            return
        report = load_fixtures(fixture_files(options["directory"]))
        if options["verbosity"] == 0:
            return
        if report.updated:
            self.stdout.write(f"Updated from the fixtures (recorded in the history): {len(report.updated)}")
            for row in report.updated:
                self.stdout.write("\n".join(row.lines()))
        if report.left_alone:
            self.stdout.write(
                self.style.WARNING(
                    f"Left alone, changed by an editor since they were loaded (the edits stand): "
                    f"{len(report.left_alone)}"
                )
            )
            for row in report.left_alone:
                self.stdout.write("\n".join(row.lines()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.files} fixture files: {report.added} rows added, {len(report.updated)} updated, "
                f"{report.unchanged} unchanged, {len(report.left_alone)} left alone."
            )
        )
