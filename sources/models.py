from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.fields import slug_constraint, slug_format, web_url, web_url_constraint
from curation.versions import VersionedModel


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class SourceKind(models.TextChoices):
    REPORT = "report", _("Report")
    AGENCY = "agency", _("Agency page or document")
    GOVERNMENT = "government", _("Government publication")
    NEWS = "news", _("News")
    MAGAZINE = "magazine", _("Magazine")
    ACADEMIC = "academic", _("Academic")
    NONPROFIT = "nonprofit", _("Nonprofit")


class Source(VersionedModel):
    """A publication, web page or document that a fact in the directory cites.

    The NLC report itself is a Source (key ``nlc-2011``); a practice records the page
    it is profiled on separately.
    """

    Kind = SourceKind

    NLC_REPORT_KEY = "nlc-2011"

    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        validators=[slug_format],
        help_text=_(
            "A short, permanent identifier such as 'vera-2009': lowercase letters and numbers, with hyphens "
            "between words. Spreadsheets use it to name the source, so do not change it."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    author = models.CharField(
        _("author"), max_length=300, blank=True, help_text=_("Leave empty if the source names no author.")
    )
    date = models.CharField(
        _("date"),
        max_length=100,
        blank=True,
        help_text=_(
            "As precise as the source allows: '2009-02-25', '2009-02' or '2009'. "
            "A short note is fine ('undated; after February 2009'). Leave empty if unknown."
        ),
    )
    url = models.URLField(
        _("web address"),
        max_length=500,
        blank=True,
        validators=[web_url],
        help_text=_("The full address, starting with http:// or https://. Leave empty for print-only sources."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind,
        blank=True,
        help_text=_("Leave empty if the kind of source has not been classified."),
    )
    curator_notes = models.TextField(
        _("notes for curators"), blank=True, help_text=_("Private. Never shown on the public site.")
    )
    created = models.DateTimeField(_("created"), db_default=Now(), editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["", *SourceKind.values]),
                name="source_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_empty"),
            slug_constraint("key", "source_key_format"),
            web_url_constraint("url", "source_url_web"),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.date})" if self.publisher and self.date else self.title

    def natural_key(self):
        return (self.key,)

    @property
    def author_names(self):
        """'A; B; C' as 'A, B and C'."""
        names = [name.strip() for name in self.author.split(";") if name.strip()]
        return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else self.author


class ReportTopic(models.TextChoices):
    FOREWORD = "foreword", _("Foreword")
    INTRODUCTION = "introduction", _("Introduction")
    BARRIER = "barrier", _("Barrier between immigrants and police")
    PROGRAM = "program", _("NLC's immigrant integration program")
    SERIES = "series", _("Report series")
    PUBLICATION = "publication", _("Related publication")


class ReportNote(VersionedModel):
    """A cited point about the NLC report itself: its framing, the barriers it names, its series.

    Most of the report's body text could not be read, so each note says whether it was
    read in the report or comes from another source about it.
    """

    Topic = ReportTopic

    topic = models.CharField(_("topic"), max_length=20, choices=Topic)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("In our own words."))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="report_notes")
    read_in_report = models.BooleanField(
        _("read in the report itself"),
        default=False,
        help_text=_("Tick only if this was read in the report's own text, not in a summary of it."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position"]
        verbose_name = _("note on the report")
        verbose_name_plural = _("notes on the report")
        constraints = [
            models.CheckConstraint(condition=Q(topic__in=ReportTopic.values), name="report_note_topic_valid"),
            models.CheckConstraint(condition=~Q(text="") | ~Q(heading=""), name="report_note_not_empty"),
        ]

    def __str__(self):
        return (self.heading or self.text)[:80]
