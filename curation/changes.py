"""One announcement for "content changed", whatever wrote it.

Django sends ``post_save``, ``post_delete`` and ``m2m_changed`` for saves, deletes (one by one or in bulk
through a queryset) and link changes made anywhere: the admin, a spreadsheet import, a history revert,
``loaddata``, a shell. Bulk writes through a queryset (``update``, ``bulk_create``, ``bulk_update``) send
none of them, so content models use ``ContentQuerySet``, whose bulk writes send ``bulk_changed``.
Apps that keep something derived from content (practices' search text) listen to these and nothing else.

The page cache does not rely on this: database triggers (pagecache/triggers.py) see every write,
raw SQL included.
"""

from contextlib import ExitStack, contextmanager

from django.db import models
from django.dispatch import Signal

# sender: the model; pks: the primary keys written; fields: the fields written (None: all); using: the alias.
bulk_changed = Signal()


class ContentQuerySet(models.QuerySet):
    """A queryset whose bulk writes announce what they changed, as single saves do through post_save."""

    def update(self, **kwargs):
        pks = list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        if pks:
            bulk_changed.send(sender=self.model, pks=pks, fields=set(kwargs), using=self.db)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        pks = [obj.pk for obj in created if obj.pk is not None]
        # Some databases cannot return the new keys; then every row of the model may have changed.
        bulk_changed.send(sender=self.model, pks=pks if len(pks) == len(created) else None, fields=None, using=self.db)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if objs:
            bulk_changed.send(sender=self.model, pks=[obj.pk for obj in objs], fields=set(fields), using=self.db)
        return rows


# Context managers that batch what they keep derived from content (practices' search text), registered
# by the apps that keep it: a lower app cannot import them.
_batchers = []


def batch_rebuilds_with(batcher):
    """Register ``batcher()``, a context manager inside which its app rebuilds once, at the end."""
    if batcher not in _batchers:
        _batchers.append(batcher)


@contextmanager
def rebuilds_batched():
    """Inside, whatever is derived from content is rebuilt once, at the end, for every row written,
    instead of after each write: a spreadsheet import of many rows costs one rebuild. The rebuild runs
    when the block ends without an error, so inside the transaction around it."""
    with ExitStack() as stack:
        for batcher in _batchers:
            stack.enter_context(batcher())
        yield
