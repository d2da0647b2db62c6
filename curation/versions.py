"""Versions that stop lost updates: a counter every save raises, and forms that refuse a stale save.

Nothing here imports the directory's models, so every content app can use it.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db import connections, models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A row whose every save counts up ``version``, so a form opened on an older version can be refused."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Counts saves. The admin refuses to save a form opened before someone else's newer save."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Counted in the database, so two saves can never produce the same number; Django reads the
            # new value back (RETURNING) before post_save, so the history entry holds it too.
            self.version = F("version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


# Bookkeeping fields that every save changes; a conflict message names what a person changed.
UNTRACKED_FIELDS = {"version", "created", "updated"}


def history_parts(model):
    """Reverse relations to the parts saved with an entry (a practice's facts...): models naming it in
    ``version_entry``. Their changes count as changes to the entry."""
    return [
        relation
        for relation in model._meta.related_objects
        if relation.one_to_many and getattr(relation.related_model, "version_entry", None) == relation.field.name
    ]


def current_version(model, pk):
    """The saved version of a row, locked until the surrounding transaction ends (on PostgreSQL), so that
    two posts cannot both pass the check; None if the row is gone."""
    rows = model._base_manager.filter(pk=pk)
    if not connections[rows.db].get_autocommit():
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


def person(user):
    if user is None:
        return str(_("someone outside the admin (a script or command)"))
    return user.get_full_name() or user.get_username()


@dataclass
class Conflict:
    """What other people saved on an entry since a curator opened it at ``seen_version``."""

    editors: list = field(default_factory=list)
    when: datetime.datetime | None = None
    fields: list = field(default_factory=list)  # [(label, value now saved)]
    parts: list = field(default_factory=list)  # labels of child rows that changed
    fields_known: bool = True

    def message(self, verbose_name, advice=None):
        when = formats.date_format(timezone.localtime(self.when), "DATETIME_FORMAT") if self.when else None
        lines = [
            _("%(who)s saved a change to this %(thing)s (%(when)s) after you opened it.")
            % {"who": get_text_list(self.editors, _("and")), "thing": verbose_name, "when": when}
            if when
            else _("Someone saved a change to this %(thing)s after you opened it.") % {"thing": verbose_name}
        ]
        changed = [label for label, _value in self.fields] + self.parts
        if changed:
            lines.append(_("They changed: %(fields)s.") % {"fields": get_text_list(changed, _("and"))})
            now = "; ".join(
                f"{label}: “{Truncator(value).chars(80)}”" for label, value in self.fields if value is not None
            )
            if now:
                lines.append(_("Saved now: %(values)s.") % {"values": now})
        elif not self.fields_known:
            lines.append(_("Its history does not say which fields changed; see the History page."))
        lines.append(
            advice
            or _(
                "Nothing of yours was saved: your edits are still in this form. Compare them with the saved "
                "version (open this page in another tab), then save again to keep yours over theirs."
            )
        )
        return " ".join(str(line) for line in lines)


def display(value):
    if value is None or value == "":
        return ""
    return str(value)


def conflict_since(instance, seen_version):
    """Who changed ``instance`` (or its child rows) after ``seen_version``, when, and which fields."""
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    newer = [record for record in records if seen_version is None or record.version > seen_version]
    baseline = next((r for r in reversed(records) if r.version == seen_version), None)
    conflict = Conflict()
    if not newer:
        conflict.fields_known = False
        return conflict
    # Parts are saved just after their entry (the admin saves a practice, then its facts), so the parts
    # changed by others are those saved from the first newer version of the entry on.
    since, latest = newer[0].history_date, newer[-1]
    conflict.when = latest.history_date
    conflict.editors = list(dict.fromkeys(person(record.history_user) for record in newer))
    if baseline is not None:
        delta = latest.diff_against(baseline, foreign_keys_are_objs=True)
        for change in delta.changes:
            if change.field in UNTRACKED_FIELDS:
                continue
            model_field = model._meta.get_field(change.field)
            value = change.new
            if model_field.choices:
                value = dict(model_field.flatchoices).get(value, value)
            conflict.fields.append((str(model_field.verbose_name), display(value)))
    else:
        conflict.fields_known = False
    for relation in history_parts(model):
        history = relation.related_model.history.filter(
            **{relation.field.attname: instance.pk, "history_date__gte": since}
        ).select_related("history_user")
        editors = [person(record.history_user) for record in history]
        if editors:
            conflict.parts.append(str(relation.related_model._meta.verbose_name_plural))
            conflict.editors = list(dict.fromkeys([*conflict.editors, *editors]))
    return conflict


def offer_version(form, field_name, version):
    """Re-display ``form`` carrying ``version``: saving it again then overwrites on purpose."""
    data = form.data.copy()
    data[form.add_prefix(field_name)] = version
    form.data = data


class VersionedModelForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened (optimistic locking).

    The form carries the version it was opened on in a hidden field. If the database holds another
    version when it is posted, the form shows who changed what and keeps the user's input; it now
    carries the new version, so saving again (after comparing) is a deliberate choice.
    """

    # A row of an inline formset is only checked when the user changed it; a main form always is,
    # because its inlines (facts...) are saved with it.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            self.fields["version"].required = False
            if not self.is_bound and hasattr(self.instance, "_history"):
                # A revert form starts from an old snapshot; it must guard against the version saved now.
                self.initial["version"] = current_version(type(self.instance), self.instance.pk)

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "version"]

    def clean(self):
        cleaned_data = super().clean()
        if "version" not in self.fields or self.instance._state.adding or self.instance.pk is None:
            return cleaned_data
        if not self.check_unchanged and not self.has_changed():
            return cleaned_data
        seen = cleaned_data.get("version")
        current = current_version(type(self.instance), self.instance.pk)
        if current is not None and seen != current:
            conflict = conflict_since(self.instance, seen)
            self.add_error(None, conflict.message(self.instance._meta.verbose_name))
            offer_version(self, "version", current)
        return cleaned_data


class VersionedInlineForm(VersionedModelForm):
    check_unchanged = False


class PartOfEntryForm(forms.ModelForm):
    """A part of an entry (a fact of a practice) edited on its own page, guarded by the entry's version.

    Saving the part counts as a change to the entry (the admin saves the entry too), so the entry's
    open forms are refused in turn.
    """

    entry_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def entry(self):
        field = self._meta.model._meta.get_field(self._meta.model.version_entry)
        return field.related_model, getattr(self.instance, field.attname)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance._state.adding:
            self.initial["entry_version"] = current_version(*self.entry())

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding or "entry_version" not in self.fields:
            return cleaned_data
        model, pk = self.entry()
        current = current_version(model, pk)
        seen = cleaned_data.get("entry_version")
        if current is not None and seen != current:
            entry = model._base_manager.get(pk=pk)
            conflict = conflict_since(entry, seen)
            self.add_error(None, conflict.message(model._meta.verbose_name))
            offer_version(self, "entry_version", current)
        return cleaned_data
