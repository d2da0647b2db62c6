"""Admin building blocks for curation: history with revert, the lost-update guard, spreadsheets, action messages."""

import copy
from contextlib import contextmanager

from django import forms as django_forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import forms
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from .changes import rebuilds_batched
from .history import links_as_of, links_recorded_once
from .imports import (
    ImportRefused,
    PreviewFileStorage,
    SafeCSV,
    SafeXLSX,
    check_upload_size,
    sign_upload_name,
    upload_name_from,
)
from .review import review_cutoff
from .versions import PartOfEntryForm, VersionedInlineForm, VersionedModel, VersionedModelForm


def names_of(objects, limit=5):
    """'A, B, C and 2 more' for an action's confirmation message."""
    names = [str(obj) for obj in objects]
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        rest = len(names) - limit
        shown += ngettext(" and %(count)d more", " and %(count)d more", rest) % {"count": rest}
    return shown


def guard_field(model):
    """The hidden field that carries the version a form was opened on, if the model is guarded."""
    if issubclass(model, VersionedModel):
        return "version"
    if getattr(model, "version_entry", None):
        return "entry_version"
    return None


def with_field_in_first_fieldset(fieldsets, name):
    if name in flatten_fieldsets(fieldsets):
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], name]}), *rest]


class CurationAdmin(SimpleHistoryAdmin):
    """Admin for every directory model: who changed what and when, revert, and no lost updates.

    A versioned model (practice, department, source, recommendation) is edited through a form that
    carries its version; a part of one edited on its own page (a fact) carries its entry's version,
    and saving it counts as a change to the entry.
    """

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if self.form is django_forms.ModelForm:
            if issubclass(model, VersionedModel):
                self.form = VersionedModelForm
            elif getattr(model, "version_entry", None):
                self.form = PartOfEntryForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        name = guard_field(self.model)
        if not name:
            return fieldsets
        if self.has_change_permission(request, obj):
            return with_field_in_first_fieldset(fieldsets, name)
        # A reader who cannot save has no version to carry.
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f != name]}) for title, options in fieldsets
        ]

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # As simple-history's own, but never select_related() without names (deprecated in Django 6.1),
        # which it does for models without foreign keys.
        foreign_keys = [field.name for field in history_manager.model.tracked_fields if field.many_to_one]
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user", *foreign_keys)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        # On the revert page ``obj`` is the chosen version, whose links (kinds, areas, sources) live
        # in its historical record: the form starts from them, not from the entry's current links.
        record = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        links = links_as_of(record) if record is not None else None
        if not links:
            return form_class

        class RevertForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, pks in links.items():
                    if name in self.fields:
                        self.initial[name] = pks

        return RevertForm

    @contextmanager
    def one_write(self):
        """One admin write (an entry with its inlines, a delete, a bulk action on the list, a revert) in one
        transaction, rebuilding what is derived from content once at its end, not after every row it saves."""
        with transaction.atomic(using=router.db_for_write(self.model)), rebuilds_batched():
            yield

    def changeform_view(self, request, *args, **kwargs):
        with self.one_write():
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with self.one_write():
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with self.one_write():
            return super().changelist_view(request, *args, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version of an entry: a form that reverts to it, for those who may change the entry.

        django-simple-history's own view only asks for the right to view, and saves what it is sent.
        Here a revert needs the right to change (and to add, for an entry deleted since); others see
        the version read-only. The revert form checks the version like the change form; the check locks
        the row until commit.
        """
        may_revert = self.may_revert(request, unquote(object_id))
        if request.method not in ("GET", "HEAD") and not may_revert:
            raise PermissionDenied
        model_admin = self
        if not may_revert:
            request.curation_read_only = True
            # Read-only fields have no inputs to fill in from others (this admin is shared by every request).
            model_admin = copy.copy(self)
            model_admin.prepopulated_fields = {}
        with self.one_write():
            return super(CurationAdmin, model_admin).history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request, object_id):
        entry = self.model._base_manager.filter(pk=object_id).first()
        if entry is None:
            return self.has_add_permission(request) and self.has_change_permission(request)
        return self.has_change_permission(request, entry)

    def revert_disabled(self, request, obj=None):
        return getattr(request, "curation_read_only", False) or super().revert_disabled(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not getattr(request, "curation_read_only", False):
            return readonly
        # Every field of the form, read-only (Django's change view does the same for readers).
        request.curation_read_only = False
        try:
            every = flatten_fieldsets(self.get_fieldsets(request, obj))
        finally:
            request.curation_read_only = True
        # The form's own extra fields ("mark as reviewed", the version it carries) go too.
        every += [name for name in self.form.declared_fields if name not in every]
        return [*readonly, *(name for name in every if name not in readonly)]

    def save_related(self, request, form, formsets, change):
        with links_recorded_once(form.instance):
            super().save_related(request, form, formsets, change)

    # A part's entry is saved first, as when the part is saved in the entry's own form: its history
    # then lists the entry's change before the part's.
    def save_model(self, request, obj, form, change):
        self.touch_entries(type(obj), [self.entry_of(obj, saved=True) if change else None, self.entry_of(obj)])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self.touch_entries(type(obj), [self.entry_of(obj)])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.touch_entries(queryset.model, [self.entry_of(obj) for obj in queryset])
        super().delete_queryset(request, queryset)

    def entry_of(self, obj, saved=False):
        """(model, pk) of the entry ``obj`` is a part of; with ``saved``, the entry it had in the database."""
        name = getattr(obj, "version_entry", None)
        if not name:
            return None
        field = obj._meta.get_field(name)
        if saved:
            pk = type(obj)._base_manager.filter(pk=obj.pk).values_list(field.attname, flat=True).first()
        else:
            pk = getattr(obj, field.attname)
        return (field.related_model, pk) if pk is not None else None

    def touch_entries(self, part_model, entries):
        """Save each entry once, so that its version and its history record the change to its part."""
        for model, pk in dict.fromkeys(entry for entry in entries if entry):
            entry = model._base_manager.filter(pk=pk).first()
            if entry is not None:
                entry._change_reason = str(_("Changed its %(parts)s") % {"parts": part_model._meta.verbose_name_plural})
                entry.save(update_fields=[name for name in ["updated"] if hasattr(entry, name)])


class VersionedInline:
    """An inline of versioned rows (a department's practices): each changed row is checked on its own."""

    form = VersionedInlineForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "version" not in fields and self.has_change_permission(request, obj):
            fields.append("version")
        return fields


class ImportForm(forms.ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_upload_size(upload)
        except ImportRefused as refusal:
            raise ValidationError(str(refusal)) from None
        return upload


class ConfirmImportForm(forms.ConfirmImportForm):
    """The confirmation: it names the preview's upload by a token signed for this curator and model."""

    def __init__(self, *args, user=None, model=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.model = user, model

    def clean_import_file_name(self):
        name = upload_name_from(self.cleaned_data["import_file_name"], self.user, self.model)
        if name is None or not PreviewFileStorage(name=name).exists():
            raise ValidationError(
                _("This preview has expired or was not made for you. Upload the file again to see a new one.")
            )
        return name


class SpreadsheetAdminMixin(ImportExportMixin):
    """CSV and XLSX export and import, with django-import-export's dry-run preview before anything is saved.

    Import and export need the right to change the entries (an export carries the versions an import
    checks); an upload is refused before it is read if it is too large or not a sane spreadsheet
    (curation/imports.py); the confirmation accepts only the file its preview stored, and every stored
    upload is removed once confirmed, cancelled, refused or abandoned.
    """

    import_formats = [SafeCSV, SafeXLSX]
    export_formats = [CSV, XLSX]
    import_template_name = "admin/curation/import.html"
    import_form_class = ImportForm
    confirm_form_class = ConfirmImportForm
    tmp_storage_class = PreviewFileStorage

    def has_import_permission(self, request):
        # An import adds and changes entries, so it needs both rights.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_change_permission(request)

    def get_import_context_data(self, **kwargs):
        limits = {"size": settings.IMPORT_MAX_UPLOAD_MB, "rows": settings.IMPORT_MAX_ROWS}
        return {**super().get_import_context_data(**kwargs), "import_limits": limits}

    def write_to_tmp_storage(self, import_file, input_format):
        PreviewFileStorage.remove_abandoned()
        encoding = None if input_format.is_binary() else self.from_encoding
        storage = PreviewFileStorage(read_mode=input_format.get_read_mode(), encoding=encoding)
        storage.save_chunks(import_file.chunks())
        return storage

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, ImportRefused):
            form.add_error("import_file", str(error))
        else:
            form.add_error(
                "import_file",
                _("This file could not be read as the format chosen. Choose CSV or XLSX as the file was saved."),
            )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A preview that cannot be confirmed (refused file, bad rows) needs its upload no more.
        context = getattr(response, "context_data", None) or {}
        stored = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if stored and "confirm_form" not in context:
            PreviewFileStorage(name=stored).remove()
        return response

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "user": request.user, "model": self.model}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial.get("import_file_name"):
            initial["import_file_name"] = sign_upload_name(initial["import_file_name"], request.user, self.model)
        return initial

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        name = confirm_form.cleaned_data["import_file_name"] if confirm_form.is_valid() else None
        try:
            if name and "cancel" in request.POST:
                messages.info(request, _("Import cancelled; nothing was imported."))
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return super().process_import(request, **kwargs)
        finally:
            if name:
                PreviewFileStorage(name=name).remove()

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: an invalid row rolls back every other row too.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The preview was clean but the directory changed before the confirmation.
            messages.error(
                request,
                _(
                    "Nothing was imported: the file no longer passes the checks it passed in the preview "
                    "(someone may have changed the directory meanwhile). Upload it again to see why."
                ),
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)


class NeedsReviewFilter(admin.SimpleListFilter):
    """Entries never reviewed, or not since REVIEW_MAX_AGE_DAYS; or those reviewed since."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("needed", _("Needs review (never, or before %(date)s)") % {"date": review_cutoff()}),
            ("done", _("Reviewed since %(date)s") % {"date": review_cutoff()}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needs_review()
        if self.value() == "done":
            return queryset.reviewed_recently()
        return queryset


class PublishingActions:
    """Publish, unpublish and mark-as-reviewed bulk actions for Publishable entries (curation/publishing.py).

    Each confirmation names what changed (``entry_label``) and how many needed no change.
    """

    actions = ["publish", "unpublish", "mark_reviewed"]

    def entry_label(self, entry):
        return str(entry)

    def report(self, request, changed, selected, done, already):
        parts = []
        if changed:
            items = model_ngettext(self.opts, len(changed))
            names = names_of(map(self.entry_label, changed))
            parts.append(done(len(changed)) % {"count": len(changed), "items": items, "names": names})
        if unchanged := selected - len(changed):
            parts.append(already(unchanged) % {"count": unchanged})
        self.message_user(request, " ".join(parts), messages.SUCCESS if changed else messages.WARNING)

    @admin.action(description=_("Publish the selected %(verbose_name_plural)s"), permissions=["change"])
    def publish(self, request, queryset):
        self.report(
            request,
            queryset.publish(),
            queryset.count(),
            lambda n: _("Published %(count)d %(items)s: %(names)s."),
            lambda n: ngettext("%(count)d was already published.", "%(count)d were already published.", n),
        )

    @admin.action(
        description=_("Unpublish the selected %(verbose_name_plural)s (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self.report(
            request,
            queryset.unpublish(),
            queryset.count(),
            lambda n: ngettext(
                "Unpublished %(count)d %(items)s (now a draft): %(names)s.",
                "Unpublished %(count)d %(items)s (now drafts): %(names)s.",
                n,
            ),
            lambda n: ngettext("%(count)d was already a draft.", "%(count)d were already drafts.", n),
        )

    @admin.action(
        description=_("Mark the selected %(verbose_name_plural)s as reviewed today by me"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        reviewed = queryset.mark_reviewed(request.user)
        self.report(
            request,
            reviewed,
            len(reviewed),
            lambda n: _("Marked %(count)d %(items)s as reviewed today by you: %(names)s."),
            lambda n: "",
        )
