"""Keep the text that search reads in step with every write to what it is made of.

A practice's search text (``search_names``, ``search_facts``) is built from the practice, its
department, kinds, areas, communities, languages and facts. Whatever changes one of them (the admin,
a spreadsheet import, a history revert, a bulk delete, ``loaddata``, a shell) sends a signal that
lands here (see curation/changes.py), and the practices it touches are rebuilt in the same
transaction, so search never answers with words a curator has changed.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from curation.changes import bulk_changed
from departments.models import Department

from .models import Community, Fact, Language, Practice, PracticeCommunity, PracticeKind, PracticeLanguage, StrategyArea

# Writes of these fields are the rebuild itself.
DERIVED_FIELDS = {"search_names", "search_facts", "search_vector"}


# How a practice reaches each model its search text reads.
PATH_FROM_PRACTICE = {
    Practice: "pk",
    Fact: "facts",
    PracticeCommunity: "community_links",
    PracticeLanguage: "language_links",
    Department: "department",
    PracticeKind: "kinds",
    StrategyArea: "areas",
    Community: "community_links__community",
    Language: "language_links__language",
}
PARTS = (Fact, PracticeCommunity, PracticeLanguage)


def practice_ids(model, pks, using):
    """The practices whose search text reads rows ``pks`` of ``model`` (None: any row)."""
    path = PATH_FROM_PRACTICE[model]
    rows = {f"{path}__in": pks} if pks is not None else {f"{path}__isnull": False}
    return Practice.objects.using(using).filter(**rows)


def refresh(ids, using):
    if not isinstance(ids, list):
        ids = list(ids.values_list("pk", flat=True).distinct())
    if ids:
        Practice.objects.using(using).filter(pk__in=ids).refresh_search_text()


# Rows that loaddata writes arrive before the rows they link to, so the practices they touch are
# rebuilt once the load commits, all together: {alias: {model: {pk}}}.
loaded = defaultdict(lambda: defaultdict(set))
# Practices being deleted right now: their own parts' deletions need not rebuild them.
being_deleted = set()


def rebuild_after_load(using):
    ids = set()
    for model, pks in loaded.pop(using, {}).items():
        ids.update(practice_ids(model, sorted(pks), using).values_list("pk", flat=True))
    refresh(sorted(ids), using)


def changed(model, pks, using, raw=False):
    if raw:
        loaded[using][model].update(pks)
        transaction.on_commit(lambda: rebuild_after_load(using), using=using)
    else:
        refresh(practice_ids(model, pks, using), using)


def on_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= DERIVED_FIELDS:
        return
    changed(sender, [instance.pk], using, raw=raw)


def before_delete(sender, instance, using=None, **kwargs):
    """Deleting a vocabulary entry or department unlinks practices without a signal of their own."""
    if sender is Practice:
        being_deleted.add(instance.pk)
    elif sender not in PARTS:
        instance._search_practice_ids = list(practice_ids(sender, [instance.pk], using).values_list("pk", flat=True))


def on_delete(sender, instance, using=None, **kwargs):
    if sender is Practice:
        being_deleted.discard(instance.pk)
    elif sender in PARTS:
        if instance.practice_id not in being_deleted:
            refresh([instance.practice_id], using)
    else:
        refresh([pk for pk in getattr(instance, "_search_practice_ids", []) if pk not in being_deleted], using)


def on_links_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        refresh([instance.pk], using)
    elif action == "pre_clear":
        # Clearing from the kind's side: the practices are known only before the links go.
        instance._search_practice_ids = list(
            practice_ids(type(instance), [instance.pk], using).values_list("pk", flat=True)
        )
    elif action == "post_clear":
        refresh(getattr(instance, "_search_practice_ids", []), using)
    else:
        refresh(sorted(pk_set or ()), using)


def on_bulk_change(sender, pks, fields, using, **kwargs):
    if fields is not None and fields <= DERIVED_FIELDS:
        return
    changed(sender, pks, using)


def connect():
    for model in PATH_FROM_PRACTICE:
        uid = f"search_text.{model._meta.label_lower}"
        post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"{uid}.delete")
        bulk_changed.connect(on_bulk_change, sender=model, dispatch_uid=f"{uid}.bulk")
    for links in (Practice.kinds.through, Practice.areas.through):
        m2m_changed.connect(on_links_changed, sender=links, dispatch_uid=f"search_text.{links._meta.label_lower}")
