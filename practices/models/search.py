"""The SQLite full-text index, as Django sees it (PostgreSQL searches the practice's own tsvector), and the
synonyms every search reads."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.fields import lines
from curation.versions import VersionedModel

from ..search import SQLITE_TABLE, FullTextDocument, words_of
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


class SynonymQuerySet(models.QuerySet):
    def forms(self):
        """Every group as the list of its wordings, the main one first: one query."""
        rows = self.order_by("term").values_list("term", "alternatives")
        return [[term, *lines(alternatives)] for term, alternatives in rows]


class SearchSynonym(VersionedModel):
    """Words a staffer may type for what the directory says otherwise: a search for any one finds them all.

    Read at search time, so an edit here changes what the next search finds; nothing stored is rebuilt.
    """

    term = models.CharField(
        _("main wording"),
        max_length=100,
        unique=True,
        help_text=_("The wording the directory uses most, such as “U visa”."),
    )
    alternatives = models.TextField(
        _("other wordings"),
        help_text=_(
            "One per line: synonyms, abbreviations, other spellings (u-visa, I-918). A search for any wording "
            "of the group, or for the main one, finds practices that use any of them. Case, hyphens and "
            "apostrophes do not matter."
        ),
    )
    note = models.CharField(
        _("note for editors"),
        max_length=300,
        blank=True,
        help_text=_("Optional: why these words belong together. Never shown publicly."),
    )

    objects = SynonymQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms and abbreviations")

    def __str__(self):
        return self.term

    @property
    def other_wordings(self):
        return lines(self.alternatives)

    def clean(self):
        super().clean()
        errors = {}
        if not readable(self.term):
            errors["term"] = _("Give a wording of at least two letters or digits.")
        unreadable = [line for line in self.other_wordings if not readable(line)]
        if not self.other_wordings:
            errors["alternatives"] = _("Give at least one other wording, one per line.")
        elif unreadable:
            errors["alternatives"] = _(
                "Search cannot read these: %(wordings)s. Each wording needs a word of at least two letters or digits."
            ) % {"wordings": ", ".join(f"“{line}”" for line in unreadable)}
        if errors:
            raise ValidationError(errors)


def readable(wording):
    """A wording search can match: at least one word, and not one single letter (which would start every
    word beginning with it)."""
    words = words_of(wording)
    return bool(words) and sum(map(len, words)) >= 2
