from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twofactor import services


class Command(BaseCommand):
    help = (
        "Remove a staff user's authenticator app and recovery codes (for a lost phone). "
        "At their next sign-in they set up two-factor sign-in again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user called {username!r}.") from error
        if not services.reset(user):
            self.stdout.write(f"{username} had no two-factor sign-in set up.")
            return
        self.stdout.write(
            f"Removed {username}'s authenticator and recovery codes. They set them up again at their next sign-in."
        )
