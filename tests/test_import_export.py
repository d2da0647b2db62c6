"""Curators export practices, departments and sources to CSV/XLSX and import them back, all or nothing."""

import csv
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from curation.history import links_as_of
from departments.models import Department
from departments.resources import DepartmentResource
from practices.models import Practice
from practices.resources import PracticeResource
from sources.models import Source
from sources.resources import SourceResource

from .admin_forms import admin_url

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = 0, 1
RESOURCES = [(Practice, PracticeResource), (Department, DepartmentResource), (Source, SourceResource)]


def export(client, model, file_format=CSV_FORMAT):
    page = client.get(admin_url(model, "export"))
    assert page.status_code == 200
    data = {"format": file_format, "resource": 0}
    fields = page.context["form"].fields
    data.update({name: "on" for name, field in fields.items() if getattr(field, "is_selectable_field", False)})
    response = client.post(admin_url(model, "export"), data)
    assert response.status_code == 200
    return response.content


def upload(client, model, content, file_format=CSV_FORMAT, name="directory.csv"):
    """The first step of an import: the dry run and its preview."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        admin_url(model, "import"),
        {"format": file_format, "resource": 0, "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(admin_url(model, "process_import"), data, follow=True)


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def to_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def snapshot():
    return {model._meta.label: sorted(model.objects.values_list("pk", "version", "updated")) for model, _ in RESOURCES}


def test_the_practice_export_is_readable_with_slugs_and_keys(curator_client):
    rows = rows_of(export(curator_client, Practice))
    assert len(rows) == 18
    storm_lake = next(row for row in rows if row["slug"] == "storm-lake-ia")
    assert storm_lake["department"] == "storm-lake-ia"
    assert storm_lake["status"] == "published"
    assert (storm_lake["current_status"], storm_lake["current_status_checked"]) == ("no-trace", "late 2026")
    assert "," in storm_lake["kinds"] or storm_lake["kinds"]
    assert all(not kind.isdigit() for kind in storm_lake["kinds"].split(","))
    # Each row carries the version it was exported at (an import refuses a stale row), never the database id.
    assert storm_lake["version"] == str(Practice.objects.get(slug="storm-lake-ia").version)
    assert "id" not in storm_lake


@pytest.mark.parametrize(("model", "resource"), RESOURCES, ids=lambda value: getattr(value, "__name__", ""))
@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT], ids=["csv", "xlsx"])
def test_an_export_imported_back_changes_nothing(curator_client, model, resource, file_format):
    content = export(curator_client, model, file_format)
    before = snapshot()
    name = "export.xlsx" if file_format == XLSX_FORMAT else "export.csv"
    preview = upload(curator_client, model, content, file_format, name)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == model.objects.count()
    assert sum(result.totals.values()) == result.totals["skip"]
    confirm(curator_client, model, preview)
    assert snapshot() == before


def test_the_dry_run_previews_a_change_without_making_it(curator_client):
    rows = rows_of(export(curator_client, Practice))
    rows[0]["summary"] = "A summary from the spreadsheet."
    preview = upload(curator_client, Practice, to_csv(rows))
    assert preview.status_code == 200
    assert preview.context["result"].totals["update"] == 1
    assert "confirm_form" in preview.context
    assert not Practice.objects.filter(summary="A summary from the spreadsheet.").exists()


def test_a_good_file_is_applied_with_history_for_each_changed_row(curator_client, curator):
    rows = rows_of(export(curator_client, Practice))
    by_slug = {row["slug"]: row for row in rows}
    by_slug["storm-lake-ia"]["summary"] = "Imported summary."
    by_slug["dallas-tx"]["status"] = "draft"
    new = dict(by_slug["lowell-ma"], slug="new-practice-ma", title="A new practice", report_order="", report_page="")
    new.update(entry_kind="good-practice", status="published")
    preview = upload(curator_client, Practice, to_csv([*rows, new]))
    assert preview.context["result"].totals["update"] == 2
    assert preview.context["result"].totals["new"] == 1
    response = confirm(curator_client, Practice, preview)
    assert "Import finished: 1 new, 2 updated" in response.text

    storm_lake = Practice.objects.get(slug="storm-lake-ia")
    assert storm_lake.summary == "Imported summary."
    assert storm_lake.history.first().history_user == curator
    assert Practice.objects.get(slug="dallas-tx").history.first().history_user == curator
    added = Practice.objects.get(slug="new-practice-ma")
    assert added.history.get().history_type == "+"
    assert set(added.kinds.all()) == set(Practice.objects.get(slug="lowell-ma").kinds.all())
    # One record for the new row, holding the kinds it was imported with.
    assert sorted(links_as_of(added.history.get())["kinds"]) == sorted(added.kinds.values_list("pk", flat=True))


def test_wrong_columns_are_reported_and_nothing_is_imported(curator_client):
    before = snapshot()
    rows = rows_of(export(curator_client, Practice))
    for row in rows:
        row["Summary "] = row.pop("summary") + " changed"
    preview = upload(curator_client, Practice, to_csv(rows))
    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    assert "This file has columns the import does not know: “Summary ”." in preview.text
    assert "Traceback" not in preview.text
    assert snapshot() == before


def test_a_file_without_the_slug_column_is_refused(curator_client):
    preview = upload(curator_client, Practice, "title,summary\nA title,A summary\n")
    assert "The column “slug” is missing" in preview.text
    assert "confirm_form" not in preview.context
    assert Practice.objects.count() == 18


def test_bad_rows_are_reported_per_row_in_plain_words_and_nothing_changes(curator_client):
    before = snapshot()
    rows = rows_of(export(curator_client, Practice))
    rows[0]["summary"] = "A good change that must not be applied alone."
    rows[1]["year_started"] = "1492"
    rows[2]["department"] = "atlantis-zz"
    rows[3]["year_ended"] = "soon"
    rows[4]["kinds"] = "language_access,mind_reading"
    preview = upload(curator_client, Practice, to_csv(rows))
    result = preview.context["result"]
    assert "confirm_form" not in preview.context
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(errors) == {2, 3, 4, 5}
    assert "Ensure this value is greater than or equal to 1900." in str(errors[2]["year_started"])
    assert "No department has the slug “atlantis-zz”." in str(errors[3]["department"])
    assert "“soon” is not a whole number." in str(errors[4]["year_ended"])
    assert "No practice kinds have these slug values: “mind_reading”." in str(errors[5]["kinds"])
    assert "Nothing was imported" in preview.text
    assert snapshot() == before


def test_an_import_is_all_or_nothing_even_without_the_preview():
    rows = PracticeResource().export(Practice.objects.all())
    dataset = tablib.Dataset(headers=rows.headers)
    for index, row in enumerate(rows.dict):
        row = dict(row)
        if index == 0:
            row["summary"] = "Applied only if every row is valid."
        if index == 5:
            row["report_page"] = "99"
        dataset.append([row[header] for header in rows.headers])
    result = PracticeResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    assert not Practice.objects.filter(summary="Applied only if every row is valid.").exists()


@pytest.mark.parametrize("model", [Practice, Department, Source], ids=lambda model: model.__name__)
def test_import_and_export_are_for_curators_only(client, django_user_model, model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(admin_url(model, "import")).status_code == 403
    assert client.get(admin_url(model, "export")).status_code == 403


def test_a_file_that_became_invalid_after_its_preview_imports_nothing(curator_client):
    rows = [row for row in rows_of(export(curator_client, Practice)) if row["slug"] != "indianapolis-model-2000-2007"]
    by_slug = {row["slug"]: row for row in rows}
    by_slug["storm-lake-ia"]["summary"] = "Changed in the spreadsheet."
    new = dict(by_slug["lowell-ma"], slug="new-practice-ma", title="A new practice", report_order="18")
    preview = upload(curator_client, Practice, to_csv([*rows, new]))
    assert "confirm_form" in preview.context
    # Meanwhile another curator gives place 18 in the report to the case study.
    Practice.objects.filter(slug="indianapolis-model-2000-2007").update(report_order=18)
    response = confirm(curator_client, Practice, preview)
    assert "Nothing was imported" in response.text
    assert not Practice.objects.filter(slug="new-practice-ma").exists()
    assert not Practice.objects.filter(summary="Changed in the spreadsheet.").exists()
