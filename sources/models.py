from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curation.changes import ContentQuerySet
from curation.fields import slug_constraint, slug_format, web_url, web_url_constraint
from curation.versions import VersionedModel


class SourceQuerySet(ContentQuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)

    def report_and_nlc_page(self):
        """The NLC report and NLC's own page listing it (either may be missing), in one query."""
        found = {source.key: source for source in self.filter(key__in=[Source.NLC_REPORT_KEY, Source.NLC_PAGE_KEY])}
        return found.get(Source.NLC_REPORT_KEY), found.get(Source.NLC_PAGE_KEY)


class SourceKind(models.TextChoices):
    REPORT = "report", _("Report")
    AGENCY = "agency", _("Agency page or document")
    GOVERNMENT = "government", _("Government publication")
    NEWS = "news", _("News")
    MAGAZINE = "magazine", _("Magazine")
    ACADEMIC = "academic", _("Academic")
    NONPROFIT = "nonprofit", _("Nonprofit")


class EvidenceKind(models.TextChoices):
    """What a source is as evidence of a program's results (practices/evidence.py ranks them)."""

    REPORT = "report", _("Agency or press report")
    EVALUATION = "evaluation", _("Independent evaluation or study")
    AWARD = "award", _("Award or selection as a model")


# Document-sharing sites show up as "copy at example.org" rather than as the publisher.
COPY_URL_HELP = _(
    "If the only address found is a copy on a document-sharing site (docslib, doczz, yumpu...), put it "
    "here and keep 'web address' for the original publisher's page, if known."
)


class Source(VersionedModel):
    """A publication, web page or document that a fact in the directory cites.

    The NLC report itself is a Source (key ``nlc-2011``); a practice records the page
    it is profiled on separately.
    """

    Kind = SourceKind

    Evidence = EvidenceKind

    NLC_REPORT_KEY = "nlc-2011"
    # NLC's own page on its immigrant-integration reports, where the report is listed.
    NLC_PAGE_KEY = "nlc-publications-page"

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
        help_text=_(
            "The original publisher's address, starting with http:// or https://. Leave empty for print-only "
            "sources, or when only a copy is known (see below)."
        ),
    )
    copy_url = models.URLField(_("copy at"), max_length=500, blank=True, validators=[web_url], help_text=COPY_URL_HELP)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind,
        blank=True,
        help_text=_("Leave empty if the kind of source has not been classified."),
    )
    evidence = models.CharField(
        _("as evidence of results"),
        max_length=20,
        choices=EvidenceKind,
        default=EvidenceKind.REPORT,
        help_text=_(
            "When a practice's outcomes cite this source, what it is: an independent evaluation or study (people "
            "outside the program studied what it did), an award or selection as a model (it judges the program "
            "without reporting results), or otherwise an agency or press report. The practice's evidence level "
            "follows from it."
        ),
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
            web_url_constraint("copy_url", "source_copy_url_web"),
            models.CheckConstraint(condition=Q(evidence__in=EvidenceKind.values), name="source_evidence_valid"),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.date})" if self.publisher and self.date else self.title

    def natural_key(self):
        return (self.key,)

    @property
    def copy_host(self):
        """The document-sharing site holding the copy, as a reader names it ('docslib.org')."""
        host = urlsplit(self.copy_url).hostname or ""
        return host.removeprefix("www.")

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
