"""Editorial workflow: who edits for which organisation, changes waiting for review, problem reports."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Service

from .roles import scope_for


class EditorProfile(models.Model):
    """Ties a provider editor to the one organisation whose services they edit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_profile", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="editors",
        verbose_name=_("organisation"),
        help_text=_("A provider editor sees and proposes changes only to this organisation's services."),
    )

    class Meta:
        verbose_name = _("editor profile")
        verbose_name_plural = _("editor profiles")
        ordering = ["organisation", "user"]

    def __str__(self):
        return f"{self.user} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("admin:auth_user_change", args=[self.user_id])


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PendingChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ReviewState.PENDING)

    def visible_to(self, user):
        return scope_for(user).filter(self, "organisation")

    def for_queue(self):
        return self.select_related("service", "organisation", "submitted_by", "reviewed_by")


class PendingChange(models.Model):
    """A provider editor's change to a service, kept aside until a directory admin approves it.

    ``proposal`` holds what to apply (field values, many-to-many ids and the
    rows added, changed or deleted in the service's inlines); ``changes`` holds
    the same field by field, before and after, as the editor saw it.
    """

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pending_changes",
        verbose_name=_("service"),
        help_text=_("Empty where the change proposes a new service."),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pending_changes", verbose_name=_("organisation")
    )
    summary = models.CharField(_("summary"), max_length=300)
    proposal = models.JSONField(_("proposal"), encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("changes"), encoder=DjangoJSONEncoder)
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the change was rejected, for its editor."))

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        ordering = ["-submitted_at"]
        permissions = [("review_pendingchange", _("Can approve or reject pending changes"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(reason=""),
                name="pending_change_rejection_has_reason",
                violation_error_message=_("Give a reason for rejecting the change."),
            )
        ]

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse("editorial:review-detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == ReviewState.PENDING

    def rows(self):
        """The change field by field: ``[{"section", "label", "before", "after"}]`` in readable words."""
        rows = []
        for change in self.changes:
            label = change["field"]
            try:
                label = capfirst(apps.get_model(change["model"])._meta.get_field(change["field"]).verbose_name)
            except (LookupError, FieldDoesNotExist):
                pass
            rows.append({"section": change["object"], "label": label, **change})
        return rows


class ProblemTopic(models.TextChoices):
    OUT_OF_DATE = "out_of_date", _("The information is out of date")
    CLOSED = "closed", _("The service has closed")
    WRONG_CONTACT = "wrong_contact", _("A phone number, email or web address is wrong")
    OTHER = "other", _("Something else")


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done=False)

    def visible_to(self, user):
        return scope_for(user).filter(self, "service__organisation")


class ProblemReport(models.Model):
    """A member of the public's note that an entry is wrong. Nothing about the sender is kept."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="problem_reports", verbose_name=_("service")
    )
    topic = models.CharField(_("what is wrong"), max_length=20, choices=ProblemTopic.choices)
    details = models.TextField(_("details"), max_length=1200, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    done = models.BooleanField(_("done"), default=False, help_text=_("Tick when the entry has been checked."))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["done", "-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__in=ProblemTopic.values),
                name="problem_report_topic_valid",
                violation_error_message=_("Choose what is wrong with the entry."),
            )
        ]

    def __str__(self):
        return f"{self.service}: {self.get_topic_display()}"

    def get_absolute_url(self):
        return reverse("admin:editorial_problemreport_change", args=[self.pk])
