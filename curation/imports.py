"""Reading curators' spreadsheet uploads so that no file can sink a worker.

Every limit is checked before the costly step it protects: the upload's size before it is read, an
XLSX file's unpacked size and its parts before they are parsed, the sheet's declared size before its
rows are read, and the rows and columns while they are read. Each refusal is an ``ImportRefused``
whose message the import form shows as it is.

Uploads wait for their confirmation in a folder of their own, under random names the preview made
(``PreviewFileStorage``); the confirmation step accepts only a name the preview signed for the same
curator and model (``sign_upload_name``, ``upload_name_from``).
"""

import csv
import io
import re
import secrets
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import TempFolderStorage
from tablib import Dataset

MB = 1024 * 1024
# An XLSX file is a zip of a few dozen XML parts; thousands mean it is something else.
MAX_XLSX_PARTS = 1000
# XLSX parts never declare a document type; one that does could define entities that expand on parsing.
DOCUMENT_TYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
READ_CHUNK = 64 * 1024
# How long a preview's file waits for its confirmation.
PREVIEW_MAX_AGE = 60 * 60


class ImportRefused(ValueError):
    """A file the import will not read, with the reason in plain words."""


def max_rows():
    return settings.IMPORT_MAX_ROWS


def check_upload_size(upload):
    limit = settings.IMPORT_MAX_UPLOAD_MB * MB
    if upload.size > limit:
        raise ImportRefused(
            _("This file is %(size)s; the import takes files up to %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )


def too_many_rows():
    return ImportRefused(
        _("The file has more than %(limit)d rows; the import takes at most %(limit)d at a time. Split it.")
        % {"limit": max_rows()}
    )


def table(headers, rows):
    """A tablib Dataset from a header and rows, after the checks every format shares."""
    headers = ["" if header is None else str(header) for header in headers]
    while headers and headers[-1].strip() == "":
        headers.pop()
    if not headers:
        raise ImportRefused(_("The first row of the file must name the columns; this one is empty."))
    if len(headers) > settings.IMPORT_MAX_COLUMNS:
        raise ImportRefused(
            _("The file has %(count)d columns; the import knows far fewer. Export the entries to see the columns.")
            % {"count": len(headers)}
        )
    dataset = Dataset(headers=headers)
    width = len(headers)
    for number, row in enumerate(rows, start=2):
        if number > 2 * max_rows() + 100:
            # Blank lines are skipped, but not without end: a sheet can place one cell a million rows down.
            raise too_many_rows()
        row = list(row)
        if all(value is None or value == "" for value in row):
            continue  # blank lines, often left at the end of a sheet
        if any(value not in (None, "") for value in row[width:]):
            raise ImportRefused(_("Row %(row)d has values to the right of the last named column.") % {"row": number})
        if len(dataset) >= max_rows():
            raise too_many_rows()
        dataset.append((row + [None] * width)[:width])
    return dataset


class SafeCSV(CSV):
    """CSV, read row by row with Python's csv module, within the row and column limits.

    Read from its stored file as bytes and decoded here, so a file in another encoding gets a clear
    answer instead of failing inside django-import-export."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError:
                raise ImportRefused(
                    _("This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
                ) from None
        reader = csv.reader(io.StringIO(in_stream.removeprefix("\ufeff")))
        try:
            headers = next(reader, None)
            if headers is None:
                raise ImportRefused(_("The file is empty."))
            return table(headers, reader)
        except csv.Error as error:
            raise ImportRefused(
                _("Line %(line)d of the file is not valid CSV (%(problem)s).")
                % {"line": reader.line_num, "problem": error}
            ) from None


class SafeXLSX(XLSX):
    """XLSX, checked as a zip before openpyxl parses it, and read without trusting its declared size."""

    def create_dataset(self, in_stream):
        import openpyxl

        check_xlsx_parts(in_stream)
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
            raise ImportRefused(_("This file could not be read as an XLSX spreadsheet.")) from None
        try:
            sheet = book.active
            declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
            if declared_rows > max_rows() + 1 or declared_columns > settings.IMPORT_MAX_COLUMNS:
                raise ImportRefused(
                    _(
                        "The sheet says it is %(rows)d rows by %(columns)d columns; the import takes at most "
                        "%(limit)d rows and %(max_columns)d columns. Copy the cells you mean into a new sheet."
                    )
                    % {
                        "rows": declared_rows,
                        "columns": declared_columns,
                        "limit": max_rows(),
                        "max_columns": settings.IMPORT_MAX_COLUMNS,
                    }
                )
            # Read the cells there are, not the rectangle the sheet claims to be.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            headers = next(rows, None)
            if headers is None:
                raise ImportRefused(_("The file is empty."))
            return table(headers, limited_width(rows))
        finally:
            book.close()


def limited_width(rows):
    for row in rows:
        if len(row) > settings.IMPORT_MAX_COLUMNS * 2:
            raise ImportRefused(_("A row of the sheet is far wider than the columns the import knows."))
        yield row


def check_xlsx_parts(data):
    """Refuse a zip that is not a plausible XLSX file before anything parses it: too many parts, more
    unpacked bytes than IMPORT_MAX_UNPACKED_MB (counted as they unpack, not as the zip claims), or a part
    that declares a document type."""
    limit = settings.IMPORT_MAX_UNPACKED_MB * MB
    too_big = ImportRefused(
        _("This file unpacks to more than %(limit)s; the import takes spreadsheets up to that size.")
        % {"limit": filesizeformat(limit)}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(_("This file is not an XLSX spreadsheet (choose the format that matches it).")) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            raise ImportRefused(_("This file has too many parts to be an XLSX spreadsheet."))
        if sum(part.file_size for part in parts) > limit:
            raise too_big
        unpacked = 0
        for part in parts:
            tail = b""
            try:
                with archive.open(part) as stream:
                    while chunk := stream.read(READ_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise too_big
                        if DOCUMENT_TYPE.search(tail + chunk):
                            raise ImportRefused(_("This file contains a part that XLSX spreadsheets never have."))
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError):
                raise ImportRefused(_("This file is damaged or compressed in a way XLSX files are not.")) from None


def upload_folder():
    folder = Path(settings.IMPORT_TMP_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")


class PreviewFileStorage(TempFolderStorage):
    """An upload kept from its preview to its confirmation, under a random name in IMPORT_TMP_DIR."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not UPLOAD_NAME.fullmatch(self.name):
            raise ValueError("Not a name this storage made.")

    def get_full_path(self):
        return str(upload_folder() / self.name)

    def save_chunks(self, chunks):
        """Write the upload as it arrives, chunk by chunk."""
        self.name = secrets.token_hex(16)
        with open(self.get_full_path(), "xb") as file:
            for chunk in chunks:
                file.write(chunk)

    def save(self, data):
        self.save_chunks([data if isinstance(data, bytes) else data.encode(self.encoding or "utf-8")])

    def exists(self):
        return Path(self.get_full_path()).is_file()

    def remove(self):
        if self.name:
            Path(self.get_full_path()).unlink(missing_ok=True)

    @staticmethod
    def remove_abandoned(now=None):
        """Remove the files of previews never confirmed nor cancelled, once they are too old to confirm."""
        cutoff = (now or time.time()) - PREVIEW_MAX_AGE
        for path in upload_folder().iterdir():
            if UPLOAD_NAME.fullmatch(path.name) and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


def upload_salt(user, model):
    return f"curation.imports:{model._meta.label_lower}:{user.pk}"


def sign_upload_name(name, user, model):
    return signing.dumps(name, salt=upload_salt(user, model), compress=False)


def upload_name_from(token, user, model):
    """The file name a preview signed for this curator and model, or None if the token is anything else."""
    try:
        name = signing.loads(token, salt=upload_salt(user, model), max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return name if isinstance(name, str) and UPLOAD_NAME.fullmatch(name) else None
