"""The Curator role: a group that may edit the directory's content but not manage people."""

from django.contrib.auth.models import Group, Permission
from simple_history.models import HistoricalChanges

CURATOR_GROUP = "Curator"
CURATED_APPS = ("sources", "departments", "statelaw", "practices", "corrections")
# Parts edited inside an entry's form: a curator may remove a wrong fact or link (history keeps a copy).
# Deleting whole entries (practices, departments, sources...) stays with administrators; unpublish instead.
DELETABLE_PARTS = {
    "fact",
    "practicecommunity",
    "practicelanguage",
    "recommendationexample",
    # A department's written policies.
    "writtenpolicy",
    # A state's laws, rulings, other measures and bills.
    "law",
    "courtruling",
    "othermeasure",
    "bill",
}


def curator_permissions(using="default"):
    permissions = Permission.objects.db_manager(using).filter(content_type__app_label__in=CURATED_APPS)
    chosen = []
    for permission in permissions.select_related("content_type"):
        model = permission.content_type.model_class()
        if model is None or issubclass(model, HistoricalChanges):
            continue
        action = permission.codename.split("_", 1)[0]
        if action in {"add", "change", "view"} or (action == "delete" and model._meta.model_name in DELETABLE_PARTS):
            chosen.append(permission)
    return chosen


def ensure_curator_group(using="default"):
    """Create the Curator group, or bring its permissions up to date. Safe to run any number of times."""
    group, _created = Group.objects.db_manager(using).get_or_create(name=CURATOR_GROUP)
    group.permissions.set(curator_permissions(using))
    return group


def sync_curator_group(sender, using="default", **kwargs):
    """post_migrate, sent once per app: keep the group's permissions in step with each curated app's models."""
    if sender.label in CURATED_APPS:
        ensure_curator_group(using)
