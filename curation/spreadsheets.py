"""Spreadsheet (CSV, XLSX) import and export for curators, with django-import-export.

Rows name related entries by slug or key, never by database number, so a spreadsheet reads like the
directory. Every problem is reported per row in plain words, and nothing is saved unless every row is
valid (IMPORT_EXPORT_USE_TRANSACTIONS).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from import_export import resources, widgets

from .history import links_recorded_once


def quoted(values):
    return get_text_list([f"“{value}”" for value in values], _("and"))


class ByKeyWidget(widgets.ForeignKeyWidget):
    """A related entry named by its slug or key; an unknown one is an error in plain words."""

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if not value:
            return None
        try:
            return self.model._default_manager.get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(thing)s has the %(key)s “%(value)s”.")
                % {
                    "thing": self.model._meta.verbose_name,
                    "key": self.model._meta.get_field(self.field).verbose_name,
                    "value": value,
                }
            ) from None


class ByKeysWidget(widgets.ManyToManyWidget):
    """Several related entries named by slug, separated by commas; unknown ones are errors."""

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in str(value or "").split(self.separator) if name.strip()]
        found = {
            getattr(obj, self.field): obj for obj in self.model._default_manager.filter(**{f"{self.field}__in": names})
        }
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


class DirectoryResource(resources.ModelResource):
    """Base for the directory's spreadsheets: explicit columns, rows matched by slug, unchanged rows skipped."""

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
        missing = [name for name in self.get_import_id_fields() if name not in headers]
        if missing:
            problems.append(
                _("The column %(columns)s is missing; each row needs it to say which entry it is.")
                % {"columns": quoted(missing)}
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

    def import_instance(self, instance, row, **kwargs):
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
        with links_recorded_once(instance):
            super().save_m2m(instance, row, **kwargs)

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.IntegerField):
            return WholeNumberWidget
        if isinstance(f, (models.CharField, models.TextField)):
            return widgets.CharWidget
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
