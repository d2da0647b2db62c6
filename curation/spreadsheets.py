"""Spreadsheet (CSV, XLSX) import and export for curators, with django-import-export.

Rows name related entries by slug or key, never by database number, so a spreadsheet reads like the
directory. Every problem is reported per row in plain words, and nothing is saved unless every row is
valid (IMPORT_EXPORT_USE_TRANSACTIONS).

Each row carries its entry's version: a row exported before someone else saved the entry is refused
with the admin form's "someone changed it since" message, never applied over their change. An import
costs the same few queries per row however long the file is: entries and the slugs rows name are
read once per file, and search text is rebuilt once, at the end, for every entry the file changed.
Text cells that a spreadsheet would run as a formula are exported with a leading apostrophe (and
read back without it).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, Q
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader

from .changes import rebuilds_batched
from .history import links_recorded_once
from .versions import VersionedModel, conflict_since

# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_TEXT_WIDGETS = (
    widgets.NumberWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
    widgets.BooleanWidget,
)


def neutralised(value):
    """A text cell as a spreadsheet shows it, never runs it: a leading apostrophe before a formula sign."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralised(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def quoted(values):
    return get_text_list([f"“{value}”" for value in values], _("and"))


class KnownKeys:
    """Related entries read once per file (``preload``) for the keys its rows name, not once per row."""

    known = None

    def preload(self, keys):
        keys = sorted({key for key in keys if key})
        self.known = {
            getattr(obj, self.field): obj for obj in self.model._default_manager.filter(**{f"{self.field}__in": keys})
        }

    def lookup(self, keys):
        if self.known is None:
            return {
                getattr(obj, self.field): obj
                for obj in self.model._default_manager.filter(**{f"{self.field}__in": list(keys)})
            }
        return {key: self.known[key] for key in keys if key in self.known}


class ByKeyWidget(KnownKeys, widgets.ForeignKeyWidget):
    """A related entry named by its slug or key; an unknown one is an error in plain words."""

    @staticmethod
    def keys_in(value):
        value = "" if value is None else str(value).strip()
        return [value] if value else []

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if not value:
            return None
        found = self.lookup([value])
        if value not in found:
            raise ValueError(
                _("No %(thing)s has the %(key)s “%(value)s”.")
                % {
                    "thing": self.model._meta.verbose_name,
                    "key": self.model._meta.get_field(self.field).verbose_name,
                    "value": value,
                }
            )
        return found[value]


class ByKeysWidget(KnownKeys, widgets.ManyToManyWidget):
    """Several related entries named by slug, separated by commas; unknown ones are errors."""

    def keys_in(self, value):
        return [name.strip() for name in str(value or "").split(self.separator) if name.strip()]

    def clean(self, value, row=None, **kwargs):
        names = self.keys_in(value)
        found = self.lookup(names)
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(
                _("No %(things)s have these %(key)s values: %(values)s.")
                % {
                    "things": self.model._meta.verbose_name_plural,
                    "key": self.model._meta.get_field(self.field).verbose_name,
                    "values": quoted(unknown),
                }
            )
        return [found[name] for name in dict.fromkeys(names)]


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number such as a year or a population; anything else is an error in plain words."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value() or abs(number) > 10**12:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class TextWidget(widgets.CharWidget):
    """Text, read back without the apostrophe the export put before a formula sign."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(unneutralised(value), row, **kwargs)


class ChangesDiff:
    """The preview of one row: each column as saved and, where the row changes it, what it becomes.

    Linear in the length of the cells (django-import-export's own diff compares characters, which can
    take a second per cell)."""

    def __init__(self, resource, instance, new):
        self.resource, self.new = resource, new
        self.left = [] if new else self.values(instance)
        self.right = []

    def values(self, instance):
        links = getattr(instance, "previewed_links", {})
        return [
            field.widget.separator.join(str(getattr(obj, field.widget.field)) for obj in links[field.attribute])
            if field.attribute in links
            else field.export(instance)
            for field in self.resource.get_import_fields()
        ]

    def compare_with(self, resource, instance):
        self.right = self.values(instance) if instance is not None else []

    def as_html(self):
        cells = []
        for index, after in enumerate(self.right):
            before = "" if self.new else self.left[index]
            before, after = "" if before is None else str(before), "" if after is None else str(after)
            if before == after:
                cells.append(escape(after))
            elif not before:
                cells.append(format_html("<ins>{}</ins>", after))
            else:
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", before, after))
        return [mark_safe(cell) for cell in cells]


class LockedInstanceLoader(CachedInstanceLoader):
    """The file's entries, read (and on PostgreSQL locked until the import ends) in one query."""

    def get_queryset(self):
        queryset = super().get_queryset()
        m2m = [
            field.attribute
            for field in self.resource.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in (self.dataset.headers or [])
        ]
        if m2m:
            queryset = queryset.prefetch_related(*m2m)
        if not connections[queryset.db].get_autocommit():
            queryset = queryset.select_for_update(of=("self",))
        return queryset


def constraint_problems(instance, exclude, known):
    """What ``instance`` breaks among its model's constraints, as ``full_clean()`` would say, but with its
    check constraints evaluated in one query, and each only once per file for the same values (``known``:
    {(constraint name, values): passed}). Django asks one query per constraint, each rebuilding every
    field as an expression, which made a spreadsheet row cost a quarter of a second."""
    model, using = type(instance), router.db_for_write(type(instance), instance=instance)
    fields = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    problems, checks = [], []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            try:
                constraint.validate(model, instance, exclude=exclude, using=using)
            except ValidationError as error:
                problems.extend(error.error_list)
        elif not (exclude and constraint._expression_refs_exclude(model, constraint.condition, exclude)):
            names = sorted(Q(constraint.condition).referenced_base_fields & set(fields))
            values = tuple(repr(getattr(fields[name], "value", fields[name])) for name in names)
            checks.append((constraint, names, (constraint.name, values)))
    unknown = [(check, names, key) for check, names, key in checks if key not in known]
    if unknown:
        query = Query(None)
        for name in sorted({name for _check, names, _key in unknown for name in names}):
            query.add_annotation(fields[name], name, select=False)
        for number, (check, _names, _key) in enumerate(unknown):
            # A check passes when its condition is unknown (NULL), as in the database.
            query.add_annotation(Coalesce(check.condition, True, output_field=BooleanField()), f"check_{number}")
        try:
            with transaction.atomic(using=using):
                passed = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            passed = None  # as Django's own check does: the database still enforces it on save
        for (_check, _names, key), ok in zip(unknown, passed or [True] * len(unknown), strict=True):
            known[key] = bool(ok)
    for check, _names, key in checks:
        if not known[key]:
            problems.append(ValidationError(check.get_violation_error_message(), code=check.violation_error_code))
    return problems


class DirectoryResource(resources.ModelResource):
    """Base for the directory's spreadsheets: explicit columns, rows matched by slug, unchanged rows skipped."""

    # The version each row was exported at; checked on import, never imported.
    version = Field(attribute="version", column_name="version", readonly=True, widget=widgets.IntegerWidget())

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not issubclass(self._meta.model, VersionedModel):
            del self.fields["version"]
        self.known_checks = {}

    @classmethod
    def get_diff_class(cls):
        return ChangesDiff

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        # Search text and the like are rebuilt once, for every entry the file changed, inside its transaction.
        with rebuilds_batched():
            return super().import_data_inner(
                dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
            )

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return value if isinstance(field.widget, NOT_TEXT_WIDGETS) else neutralised(value)

    # Columns named by the model's field names: stable across translations, and what the import reads.
    def before_import(self, dataset, **kwargs):
        headers = list(dataset.headers or [])
        known = [field.column_name for field in self.get_export_fields()]
        problems = []
        unknown = [header for header in headers if header not in known]
        if unknown:
            problems.append(
                _("This file has columns the import does not know: %(columns)s.") % {"columns": quoted(unknown)}
            )
        required = [*self.get_import_id_fields(), *(["version"] if "version" in self.fields else [])]
        for name in required:
            if name not in headers:
                problems.append(
                    _("The column “%(column)s” is missing; each row needs it to say which entry it is.")
                    % {"column": name}
                    if name != "version"
                    else _(
                        "The column “version” is missing; each row needs the version it was exported at, so that "
                        "it never undoes a newer change. Start from a fresh export."
                    )
                )
        duplicated = sorted({header for header in headers if headers.count(header) > 1})
        if duplicated:
            problems.append(_("These columns appear twice: %(columns)s.") % {"columns": quoted(duplicated)})
        if problems:
            problems.append(
                _("Nothing was imported. The columns are: %(columns)s (you may leave out the ones you do not change).")
                % {"columns": ", ".join(known)}
            )
            raise ValueError(" ".join(problems))
        self.preload_keys(dataset)

    def preload_keys(self, dataset):
        for field in self.get_import_fields():
            if isinstance(field.widget, KnownKeys) and field.column_name in dataset.headers:
                column = dataset[field.column_name]
                field.widget.preload(key for value in column for key in field.widget.keys_in(value))

    def before_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            # The preview is rolled back: it records no history.
            instance.skip_history_when_saving = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's own errors, the model's validation (as the admin form runs it) and the version check."""
        errors = dict(import_validation_errors or {})
        if isinstance(instance, VersionedModel) and instance.pk is not None:
            problem = self.stale_row_problem(instance)
            if problem:
                errors[NON_FIELD_ERRORS] = [ValidationError(problem, code="stale")]
        exclude = set(errors)
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        problems = constraint_problems(instance, exclude | set(errors), self.known_checks)
        if problems:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(problems)
        if errors:
            raise ValidationError(errors)

    def stale_row_problem(self, instance):
        """Why this row may not change its entry, if the entry was saved after the row was exported."""
        seen = getattr(instance, "_row_version", None)
        seen = "" if seen is None else str(seen).strip()
        try:
            seen = int(Decimal(seen))
        except (InvalidOperation, ValueError):
            return _(
                "This row has no version (“%(value)s”), but the entry exists: copy the version column "
                "unchanged from an export, so the import can tell whether someone changed the entry since."
            ) % {"value": seen}
        # The loader read the entry in this transaction (locked on PostgreSQL): its version is the saved one.
        saved = instance._import_original_version
        if seen == saved:
            return None
        conflict = conflict_since(instance, seen)
        return conflict.message(
            instance._meta.verbose_name,
            advice=_("Nothing was imported. Export the entries again and make your changes in the new file."),
        )

    def import_instance(self, instance, row, **kwargs):
        if isinstance(instance, VersionedModel):
            instance._row_version = row.get("version")
            instance._import_original_version = instance.version
        # django-import-export reads many-to-many columns (kinds...) only after saving the row; read them
        # here as well, so an unknown slug is reported with the row's other problems, not as a crash.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            # The preview checked the links with the row (import_instance) and rolls back: it shows them
            # without writing them.
            instance.previewed_links = {
                field.attribute: field.clean(row)
                for field in self.get_import_fields()
                if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
            }
            return
        with links_recorded_once(instance):
            super().save_m2m(instance, row, **kwargs)

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.IntegerField):
            return WholeNumberWidget
        if isinstance(f, (models.CharField, models.TextField)):
            return TextWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, (models.CharField, models.TextField)) and not django_field.null:
            # An empty spreadsheet cell (None in XLSX) is an empty text, as the directory stores it.
            kwargs.update(coerce_to_string=True, allow_blank=True)
        return kwargs

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        instance_loader_class = LockedInstanceLoader
