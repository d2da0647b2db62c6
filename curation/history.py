"""The links (plain many-to-many fields) that each version of an entry records with it.

django-simple-history copies a practice's kinds and areas, a fact's other sources and a
recommendation's sources into every historical record it makes through the ORM. Records made in
bulk (the seed's first record of each entry) get them here, and the revert form reads them back.
"""

from contextlib import contextmanager
from functools import cache


@cache
def history_model(model):
    """``model``'s table of historical records (or None). Read once: each ``model.history`` builds a new
    manager class, which costs milliseconds, and saves ask for it several times each."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def link_fields(model):
    """The many-to-many fields whose links each historical record of ``model`` keeps."""
    return list(getattr(history_model(model), "_history_m2m_fields", []))


@cache
def link_history_model(model, field):
    """The table of links as they were, one row per link per historical record."""
    return getattr(history_model(model), field.name).model


def record_current_links(model, records):
    """Store with each historical record its entry's links as they are now."""
    records = {record.id: record for record in records}
    for field in link_fields(model):
        through = field.remote_field.through
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        link_rows = through.objects.filter(**{f"{own}__in": list(records)}).values_list("id", own, other)
        link_history_model(model, field).objects.bulk_create(
            [
                link_history_model(model, field)(
                    history=records[entry], id=pk, **{f"{own}_id": entry, f"{other}_id": linked}
                )
                for pk, entry, linked in link_rows
            ],
            batch_size=1000,
        )


def links_as_of(record):
    """{field name: [linked pks]} as the historical ``record`` kept them, or None if it kept none.

    Records made before links were recorded keep none; for them the current links stand.
    """
    model = record.instance_type
    links = {}
    for field in link_fields(model):
        other = field.m2m_reverse_field_name()
        links[field.name] = list(
            link_history_model(model, field).objects.filter(history=record).values_list(f"{other}_id", flat=True)
        )
    return links if any(links.values()) else None


@contextmanager
def links_recorded_once(instance):
    """Set ``instance``'s links without a history record per change, then store the final links
    with its latest record, the one its save just made: one record per save, links included."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    model = type(instance)
    fields = link_fields(model) if history_model(model) else []
    records = history_model(model)._default_manager if fields else None
    record = records.filter(id=instance.pk).order_by("-history_id").first() if fields else None
    if record is not None:
        for field in fields:
            link_history_model(model, field).objects.filter(history=record).delete()
        record_current_links(model, [record])
