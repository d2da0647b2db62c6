"""Suggestions from visitors that a page is wrong, out of date or missing something."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CorrectionStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted and applied")
    DECLINED = "declined", _("Declined")


class CorrectionSuggestionQuerySet(models.QuerySet):
    def accepting_more(self):
        """Whether the form takes another suggestion: at most CORRECTIONS_PER_HOUR arrive in an hour.

        The form is public and anonymous; the cap keeps a flood (which the honeypot field does not
        stop) from burying real suggestions, whichever worker or address it comes from.
        """
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        return self.filter(created__gte=an_hour_ago).count() < settings.CORRECTIONS_PER_HOUR


class CorrectionSuggestion(models.Model):
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

    objects = CorrectionSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("correction suggestion")
        verbose_name_plural = _("correction suggestions")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CorrectionStatus.values), name="correction_status_valid"),
            models.CheckConstraint(condition=~Q(message=""), name="correction_message_not_empty"),
        ]

    def __str__(self):
        return self.message[:80]
