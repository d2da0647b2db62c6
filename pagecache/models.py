import datetime

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class ContentVersion(models.Model):
    """One row whose `version` changes, in the same transaction, with every write to public content.

    Database triggers (see triggers.py) set it, so every way of writing is covered: the admin,
    bulk updates, loaddata, a shell session. Pages are cached under the version they were
    rendered at, so a committed edit changes the key every worker process looks up next.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    # When the version last changed (the writing statement's clock, never going back): the
    # Last-Modified date of public pages. Empty until the first write after migrating.
    changed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="content_version_single_row")]

    def __str__(self):
        return str(self.version)


VERSION_QUERY = f"SELECT version, changed FROM {ContentVersion._meta.db_table} WHERE id = 1"


def current_version(using=DEFAULT_DB_ALIAS, with_changed=False):
    """The version of public content as committed now: one single-row read by primary key.

    Every cached page pays for this, so it is plain SQL (the ORM would cost more than the query).
    Django's own connection health check (CONN_HEALTH_CHECKS) runs before it on a reused connection.
    With ``with_changed``, (version, when it last changed as an aware datetime or None).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(VERSION_QUERY)
        row = cursor.fetchone()
    version, changed = row if row else (None, None)
    if not with_changed:
        return version
    if isinstance(changed, str):  # SQLite hands back the stored text
        changed = parse_datetime(changed)
    if changed is not None and timezone.is_naive(changed):
        changed = timezone.make_aware(changed, datetime.UTC)
    return version, changed
