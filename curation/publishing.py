"""Entries curators publish and review (practices, state-law entries): one definition of each rule.

A model that uses these has ``status`` (PublicationStatus), ``last_reviewed`` and ``reviewed_by``
fields and an ``updated`` timestamp; its queryset extends PublishingQuerySet.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .changes import ContentQuerySet
from .review import review_cutoff


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishingQuerySet(ContentQuerySet):
    def published(self):
        """What the public sees: the one definition every public page, count and export uses."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may see on the site: published entries, and drafts too for staff who curate them."""
        return self.all() if self.model.can_preview(user) else self.published()

    def needs_review(self, today=None):
        """Never reviewed, or last reviewed more than REVIEW_MAX_AGE_DAYS ago."""
        return self.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=review_cutoff(today)))

    def reviewed_recently(self, today=None):
        return self.filter(last_reviewed__gte=review_cutoff(today))

    def for_saving(self):
        return self.select_related(*self.model.publishing_select_related)

    def set_status(self, status):
        """Give the entries ``status``, one save each (so history records it); returns those that changed."""
        changed = []
        for entry in self.exclude(status=status).for_saving():
            entry.status = status
            entry.save(update_fields=["status", "updated"])
            changed.append(entry)
        return changed

    def publish(self):
        return self.set_status(PublicationStatus.PUBLISHED)

    def unpublish(self):
        return self.set_status(PublicationStatus.DRAFT)

    def mark_reviewed(self, by, today=None):
        """Stamp every entry as reviewed ``today`` by ``by``; returns them."""
        entries = list(self.for_saving())
        for entry in entries:
            entry.mark_reviewed(by, today)
            entry.save(update_fields=["last_reviewed", "reviewed_by", "updated"])
        return entries


class Publishable:
    """What a published, reviewed entry knows of itself (mixed into the model class)."""

    Status = PublicationStatus
    # Related rows the admin's confirmation names (e.g. a practice's department), read with the entries.
    publishing_select_related = ()

    @classmethod
    def can_preview(cls, user):
        """Staff who may view these entries in the admin also see drafts on the site."""
        opts = cls._meta
        return bool(
            user
            and user.is_active
            and user.is_staff
            and (
                user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
                or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
            )
        )

    def mark_reviewed(self, by, today=None):
        """Record a review today by ``by``; the caller saves."""
        self.last_reviewed = today or timezone.localdate()
        self.reviewed_by = by

    @property
    def review_due(self):
        return self.last_reviewed is None or self.last_reviewed < review_cutoff()

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED
