"""Delete login records (django-axes) older than DJANGO_LOGIN_RECORD_DAYS; run it daily."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Delete editors' login records (address, browser, attempted usernames) older than "
        "DJANGO_LOGIN_RECORD_DAYS days. Records a current lockout needs are always kept."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        cutoff = now - datetime.timedelta(days=settings.LOGIN_RECORD_DAYS)
        # Never shorter than the lockout itself: an attempt still locking an account stays.
        cutoff = min(cutoff, now - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME))
        counts = {
            model._meta.verbose_name_plural: model.objects.filter(attempt_time__lt=cutoff).delete()[0]
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        }
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Deleted login records older than {cutoff:%Y-%m-%d %H:%M} UTC: {summary}.")
