"""The SQLite full-text index, as Django sees it (PostgreSQL searches the practice's own tsvector)."""

from django.db import models

from ..search import SQLITE_TABLE, FullTextDocument
from .practice import Practice


class PracticeSearchEntry(models.Model):
    """A practice's row in the FTS5 table (search.SQLITE_INDEX), which SQLite's triggers keep current.

    Read-only and unmanaged: migration practices 0009 makes the table on SQLite; on PostgreSQL it
    does not exist and nothing reads this model.
    """

    practice = models.OneToOneField(
        Practice,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    document = FullTextDocument(db_column=SQLITE_TABLE)
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = SQLITE_TABLE

    def __str__(self):
        return str(self.practice_id)
