"""The Atom feed of changes: practices as they are published, changed, and as their status today changes.

Read from the practices' history (django-simple-history). Each saved version is compared with
the one before it in the database (a window function), so the feed costs two queries whatever
the size of the history; only versions saved while the practice was published, of practices
published now, and changing what the public sees, become entries. A curator's private note or a
review stamp never does.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F, Window
from django.db.models.functions import Lag
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pagecache.middleware import cache_public_page
from practices.models import Practice

ENTRIES = 50
# Versions read to find them: most saves change something public.
CANDIDATES = 200
# What a visitor sees of a practice, besides its status today (which gets entries of its own).
PUBLIC_FIELDS = [
    "title",
    "slug",
    "other_names",
    "department_id",
    "entry_kind",
    "report_order",
    "report_page",
    "year_started",
    "year_started_source_id",
    "year_started_note",
    "year_ended",
    "summary",
    "caveat",
    "contact_title",
    "current_page_url",
    "current_page_title",
]
# The status today is derived from the dated facts since the report (not kept in the history); a
# curator records each new check of those facts, which is what the feed announces.
STATUS_FIELDS = ["current_status_checked"]


@dataclass
class Change:
    kind: str  # "published", "status" or "updated"
    record: object
    url: str
    changed: list
    status_now: str = ""  # the practice's status today, as its page states it now

    @property
    def title(self):
        record = self.record
        if self.kind == "published":
            return _("New in the directory: %(title)s") % {"title": record.title}
        if self.kind == "status":
            return _("Status today of %(title)s checked: %(status)s") % {
                "title": record.title,
                "status": self.status_now,
            }
        return _("Updated: %(title)s") % {"title": record.title}

    @property
    def description(self):
        record = self.record
        parts = []
        if self.kind == "status" and record.current_status_checked:
            parts.append(_("Checked %(date)s.") % {"date": record.current_status_checked})
        elif self.kind == "updated":
            parts.append(_("Changed: %(fields)s.") % {"fields": ", ".join(self.changed)})
        parts.append(record.summary)
        return " ".join(escape(part) for part in parts if part)


def recent_changes(absolute, limit=ENTRIES):
    history = Practice.history.model
    order = [F("history_date").asc(), F("history_id").asc()]
    watched = ["status", *PUBLIC_FIELDS, *STATUS_FIELDS]
    previous = {f"before_{name}": Window(Lag(name), partition_by=[F("id")], order_by=order) for name in watched}
    published_now = Practice.objects.published()
    records = (
        history.objects.filter(id__in=published_now.values("pk"), history_type__in=["+", "~"])
        .annotate(**previous)
        .order_by("-history_date", "-history_id")[:CANDIDATES]
    )
    records = list(records)
    current = {
        practice.pk: practice
        for practice in published_now.filter(pk__in={record.id for record in records}).only(
            "slug", "current_status", "current_status_year", "current_status_name"
        )
    }
    labels = {field.attname: str(field.verbose_name) for field in Practice._meta.fields}
    changes = []
    for record in records:
        before = {name: getattr(record, f"before_{name}") for name in watched}
        practice = current[record.id]
        url = absolute(reverse("practices:detail", kwargs={"slug": practice.slug}))
        if record.status != Practice.Status.PUBLISHED:
            continue
        if before["status"] != Practice.Status.PUBLISHED:
            changes.append(Change("published", record, url, []))
        elif any(getattr(record, name) != before[name] for name in STATUS_FIELDS):
            changes.append(Change("status", record, url, [], str(practice.current_status_label)))
        else:
            changed = [labels[name] for name in PUBLIC_FIELDS if getattr(record, name) != before[name]]
            if changed:
                changes.append(Change("updated", record, url, changed))
        if len(changes) == limit:
            break
    return changes


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Immigrant Public-Safety Practices: changes")
    subtitle = gettext_lazy(
        "Practices as they are published or changed in the directory, and when a program's status today changes."
    )
    author_name = gettext_lazy("Immigrant Public-Safety Practices directory")

    def link(self):
        return reverse("practices:list")

    def feed_url(self):
        return reverse("opendata:feed")

    def get_object(self, request, *args, **kwargs):
        return request

    def items(self, request):
        return recent_changes(request.build_absolute_uri)

    def item_title(self, change):
        return change.title

    def item_description(self, change):
        return change.description

    def item_link(self, change):
        return change.url

    def item_guid(self, change):
        return f"{change.url}#change-{change.record.history_id}"

    def item_guid_is_permalink(self, change):
        return False

    def item_pubdate(self, change):
        return change.record.history_date

    def item_updateddate(self, change):
        return change.record.history_date


feed = cache_public_page(ChangesFeed())
