"""Suggestions from visitors that a page is wrong, out of date or missing something."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.versions import VersionedModel

# What visitors typed stays out of the history: deleting a suggestion deletes it everywhere.
VISITOR_FIELDS = ["page", "message", "evidence_url", "email", "client_key"]


class CorrectionStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted and applied")
    DECLINED = "declined", _("Declined")


class CorrectionSuggestionQuerySet(models.QuerySet):
    def last_hour(self):
        return self.filter(created__gte=timezone.now() - datetime.timedelta(hours=1))

    def accepting_more(self, client_key=None):
        """Whether the form takes another suggestion: at most CORRECTIONS_PER_HOUR arrive in an hour from
        everyone together, and at most CORRECTIONS_PER_CLIENT from one client.

        The form is public and anonymous; the caps keep a flood (which the honeypot field does not stop)
        from burying real suggestions, and one client from using up everyone's hour. The count is in
        the database, so it holds across workers and servers.
        """
        recent = self.last_hour()
        if client_key is not None and recent.filter(client_key=client_key).count() >= settings.CORRECTIONS_PER_CLIENT:
            return False
        return recent.count() < settings.CORRECTIONS_PER_HOUR

    def forget_old_clients(self):
        """Clear the client keys older than the hour the limit looks at: nothing about who sent a suggestion
        is kept longer than the limit needs it."""
        return self.exclude(client_key="").exclude(pk__in=self.last_hour().values("pk")).update(client_key="")


class CorrectionSuggestion(VersionedModel):
    """A visitor's suggestion that a page is wrong, out of date or missing something."""

    Status = CorrectionStatus

    page = models.CharField(
        _("page"), max_length=300, blank=True, help_text=_("The address of the page the suggestion is about.")
    )
    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("practice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="correction_suggestions",
    )
    message = models.TextField(_("what should change"), max_length=5000)
    evidence_url = models.URLField(_("where you read it (optional)"), max_length=500, blank=True)
    email = models.EmailField(
        _("your e-mail (optional)"), blank=True, help_text=_("Only to ask you about this suggestion.")
    )
    status = models.CharField(_("status"), max_length=20, choices=CorrectionStatus, default=CorrectionStatus.NEW)
    curator_notes = models.TextField(_("notes for curators"), blank=True)
    created = models.DateTimeField(_("received"), db_default=Now(), editable=False)
    # A keyed hash of the sender's network (config.clients.client_key), kept for an hour, for the per-client
    # limit; never the address itself.
    client_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = CorrectionSuggestionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=VISITOR_FIELDS)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("correction suggestion")
        verbose_name_plural = _("correction suggestions")
        indexes = [models.Index(fields=["client_key", "created"], name="correction_client_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CorrectionStatus.values), name="correction_status_valid"),
            models.CheckConstraint(condition=~Q(message=""), name="correction_message_not_empty"),
        ]

    def __str__(self):
        return self.message[:80]
