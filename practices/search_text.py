"""Keep what is derived from a practice in step with every write to what it is made of.

A practice's search text (``search_names``, ``search_facts``) is built from the practice, its
department, kinds, areas, communities, languages, facts and the recommendations it shows; its status
today and evidence level from its facts and the sources they cite (``Practice.DERIVED_FIELDS``).
Whatever changes one of them (the admin, a spreadsheet import, a history revert, a bulk delete,
``loaddata``, a shell) sends a signal that lands here (see curation/changes.py), and the practices
it touches are rebuilt in the same transaction, so search never answers with words a curator has changed.

Every signal ends in ``touch(model, pks)``. Inside ``batched()`` (bulk loads, and every spreadsheet
import through curation.changes.rebuilds_batched) the touches are collected and each practice is
rebuilt once, at the end.
"""

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from curation.changes import batch_rebuilds_with, bulk_changed
from departments.models import Department
from sources.models import Source

from .models import (
    Community,
    Fact,
    Language,
    Practice,
    PracticeCommunity,
    PracticeKind,
    PracticeLanguage,
    Recommendation,
    RecommendationExample,
    StrategyArea,
)

# Writes of these fields are the rebuild itself.
DERIVED_FIELDS = {*Practice.DERIVED_FIELDS, "search_vector"}

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
    RecommendationExample: "recommendation_links",
    Recommendation: "recommendation_links__recommendation",
    # The evidence level reads what kind of evidence each source of an outcome fact is.
    Source: ("facts__source", "facts__additional_sources"),
}
PARTS = (Fact, PracticeCommunity, PracticeLanguage, RecommendationExample)

# The only fields of these models that what is derived reads (build_search_text, evidence.py); a save
# that leaves them as they were rebuilds nothing. Models not listed here: any field may count.
READ_FIELDS = {
    Department: {"name", "city", "state"},
    PracticeKind: {"name"},
    StrategyArea: {"name"},
    Community: {"name"},
    Language: {"name"},
    Recommendation: {"title"},
    Source: {"evidence"},
}
# Bookkeeping no derived field reads, on any model: publishing, reviewing, versions, notes, timestamps.
NEVER_READ = DERIVED_FIELDS | {
    "status",
    "last_reviewed",
    "reviewed_by",
    "version",
    "curator_notes",
    "created",
    "updated",
}


def reads(model, fields):
    """Whether writing ``fields`` (None: any) of ``model`` can change what is derived from practices."""
    if fields is None:
        return True
    fields = set(fields) - NEVER_READ
    read = READ_FIELDS.get(model)
    return bool(fields if read is None else fields & read)


def practice_ids(model, pks, using):
    """The ids of the practices whose search text reads rows ``pks`` of ``model`` (None: any row)."""
    if model is Practice and pks is not None:
        return set(pks)
    paths = PATH_FROM_PRACTICE[model]
    rows = Q()
    for path in [paths] if isinstance(paths, str) else paths:
        rows |= Q(**{f"{path}__in": pks}) if pks is not None else Q(**{f"{path}__isnull": False})
    return set(Practice.objects.using(using).filter(rows).values_list("pk", flat=True))


def rebuild(ids, using):
    ids = sorted(ids - state.being_deleted)
    if ids:
        Practice.objects.using(using).filter(pk__in=ids).refresh_derived()


def pending():
    return defaultdict(lambda: defaultdict(set))  # {alias: {model: {pk}, or None for any row}}


class State(threading.local):
    def __init__(self):
        self.batch = None  # pending() while batched() runs
        self.loaded = pending()  # rows loaddata wrote, rebuilt when the load commits
        self.being_deleted = set()  # practices whose own parts' deletions need not rebuild them


state = State()


def record(changes, using, model, pks):
    models = changes[using]
    if pks is None or models.get(model, ()) is None:
        models[model] = None
    else:
        models[model].update(pks)


def rebuild_all(changes):
    for using, models in changes.items():
        ids = set()
        for model, pks in models.items():
            ids |= practice_ids(model, None if pks is None else sorted(pks), using)
        rebuild(ids, using)


@contextmanager
def batched():
    """Collect every change made inside the block and rebuild each touched practice once, at its end."""
    if state.batch is not None:
        yield
        return
    state.batch = pending()
    try:
        yield
    finally:
        changes, state.batch = state.batch, None
    rebuild_all(changes)


def touch(model, pks, using, raw=False):
    """Rows ``pks`` of ``model`` changed (None: any row): rebuild the practices that read them."""
    if state.batch is not None:
        record(state.batch, using, model, pks)
    elif raw:
        # loaddata writes rows before the rows they link to: rebuild once the load commits.
        record(state.loaded, using, model, pks)
        transaction.on_commit(flush_loaded, using=using)
    else:
        rebuild(practice_ids(model, pks, using), using)


def flush_loaded():
    changes, state.loaded = state.loaded, pending()
    rebuild_all(changes)


def before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """A full save of a model with few read fields (a source, a department): note whether they changed."""
    read = READ_FIELDS.get(sender)
    if raw or read is None or instance.pk is None or (update_fields is not None and not reads(sender, update_fields)):
        return
    saved = sender._base_manager.using(using).filter(pk=instance.pk).values(*read).first()
    instance._derived_inputs_unchanged = saved is not None and all(
        saved[name] == getattr(instance, name) for name in read
    )


def on_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    if not reads(sender, update_fields) or getattr(instance, "_derived_inputs_unchanged", False):
        return
    touch(sender, [instance.pk], using, raw=raw)


def before_delete(sender, instance, using=None, **kwargs):
    """Deleting a vocabulary entry or department unlinks practices without a signal of their own."""
    if sender is Practice:
        state.being_deleted.add(instance.pk)
    elif sender not in PARTS:
        instance._search_practice_ids = practice_ids(sender, [instance.pk], using)


def on_delete(sender, instance, using=None, **kwargs):
    if sender is Practice:
        state.being_deleted.discard(instance.pk)
    elif sender in PARTS:
        touch(Practice, [instance.practice_id], using)
    else:
        touch(Practice, getattr(instance, "_search_practice_ids", set()), using)


def on_links_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        touch(Practice, [instance.pk], using)
    elif action == "pre_clear":
        # Clearing from the kind's side: the practices are known only before the links go.
        instance._search_practice_ids = practice_ids(type(instance), [instance.pk], using)
    elif action == "post_clear":
        touch(Practice, getattr(instance, "_search_practice_ids", set()), using)
    elif action in ("post_add", "post_remove"):
        touch(Practice, pk_set or (), using)


def on_fact_sources_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    """A fact's further sources count for its practice's evidence level."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        touch(Practice, [instance.practice_id], using)
    elif pk_set:
        touch(Fact, pk_set, using)


def on_bulk_change(sender, pks, fields, using, **kwargs):
    if reads(sender, fields):
        touch(sender, pks, using)


def connect():
    batch_rebuilds_with(batched)
    for model in PATH_FROM_PRACTICE:
        uid = f"search_text.{model._meta.label_lower}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"{uid}.delete")
        bulk_changed.connect(on_bulk_change, sender=model, dispatch_uid=f"{uid}.bulk")
    for links in (Practice.kinds.through, Practice.areas.through):
        m2m_changed.connect(on_links_changed, sender=links, dispatch_uid=f"search_text.{links._meta.label_lower}")
    m2m_changed.connect(
        on_fact_sources_changed, sender=Fact.additional_sources.through, dispatch_uid="search_text.fact_sources"
    )
