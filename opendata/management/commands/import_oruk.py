"""manage.py import_oruk FILE_OR_URL: an Open Referral UK 3.0 service feed into the review queue."""

from django.core.management.base import BaseCommand, CommandError

from opendata.importer import FeedError, apply_plan, plan_import, read_feed


class Command(BaseCommand):
    help = (
        "Read an Open Referral UK 3.0 service list (a file or an http(s) address) and turn each new or changed "
        "service into a pending change for a directory admin to approve. Dry run unless --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A JSON file or http(s) address: one service, a list, or a page of them.")
        parser.add_argument("--apply", action="store_true", help="Save the pending changes (default: dry run).")
        parser.add_argument("--tier", help="The tier to give services whose feed does not carry our tier term.")

    def handle(self, source, apply, tier, **options):
        try:
            plan = plan_import(read_feed(source), default_tier=tier)
        except FeedError as error:
            raise CommandError(str(error)) from error
        for proposal in plan.proposals:
            verb = "change to" if proposal.service else "new service"
            self.stdout.write(f"{verb}: {proposal.label} ({len(proposal.changes)} changes)")
            for note in proposal.notes:
                self.stdout.write(f"  {note}")
        for organisation in plan.new_organisations:
            self.stdout.write(f"new organisation: {organisation.name}")
        for label in plan.unchanged:
            self.stdout.write(f"unchanged: {label}")
        if plan.errors:
            raise CommandError("Nothing was imported. Cannot map:\n" + "\n".join(plan.errors))
        if not apply:
            self.stdout.write(f"Dry run: {len(plan.proposals)} pending changes would be made. Run again with --apply.")
            return
        created = apply_plan(plan, source=source)
        self.stdout.write(self.style.SUCCESS(f"{len(created)} pending changes are waiting in the review queue."))
