"""A table's records as a CSV, JSON or XLSX download, written as they are read (constant memory)."""

import csv
import datetime
import json
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from curation.spreadsheets import neutralised

from .tables import LIST_SEPARATOR, iso, to_text
from .xlsx import Workbook

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


class Echo:
    """A file-like object that hands back what the csv writer writes, for streaming."""

    def write(self, value):
        return value


def about(table, page_url):
    """What every download says about itself: where it comes from, when, and under which licence."""
    return {
        "title": str(table.title),
        "description": str(table.description),
        "source": page_url,
        "retrieved": timezone.now().replace(microsecond=0).isoformat(),
        "license": LICENSE,
        "license_note": _(
            "The directory's own text and data are licensed CC BY 4.0: credit the Immigrant Public-Safety "
            "Practices directory and link to the page. The sources it cites keep their own terms."
        ),
        "lists": _("Fields holding several values are lists here; in CSV and XLSX they are joined by '%(sep)s'.")
        % {"sep": LIST_SEPARATOR},
    }


def attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_rows(table, records):
    writer = csv.writer(Echo())
    yield "\ufeff"  # tells spreadsheet software the file is UTF-8
    yield writer.writerow([column.name for column in table.columns])
    for record in records:
        yield writer.writerow([neutralised(to_text(value)) for value in record.values()])


def as_csv(table, records, filename, page_url):
    response = StreamingHttpResponse(csv_rows(table, records), content_type="text/csv; charset=utf-8")
    return attachment(response, f"{filename}.csv")


def json_chunks(table, records, page_url):
    header = about(table, page_url)
    header["fields"] = [
        {"name": column.name, "type": column.type, "description": str(column.description)} for column in table.columns
    ]
    opening = json.dumps(header, ensure_ascii=False, indent=1)
    yield opening[:-2] + ',\n "data": ['
    for number, record in enumerate(records):
        yield ("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False, default=json_value)
    yield "\n ]\n}\n"


def json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return iso(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def as_json(table, records, filename, page_url):
    response = StreamingHttpResponse(
        json_chunks(table, records, page_url), content_type="application/json; charset=utf-8"
    )
    return attachment(response, f"{filename}.json")


def as_xlsx(table, records, filename, page_url):
    """A workbook with the rows and a sheet describing them, spooled to disk past 1 MB (see xlsx.py)."""
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    workbook = Workbook(spool)
    rows = ([xlsx_value(value) for value in record.values()] for record in records)
    workbook.add_sheet(str(table.title), [column.name for column in table.columns], rows)
    details = about(table, page_url)
    described = [[label, str(details[label])] for label in ("title", "description", "source", "retrieved")]
    described += [[label, str(details[label])] for label in ("license_note", "lists")]
    described += [[], [_("field"), _("type"), _("description")]]
    described += [[column.name, column.type, str(column.description)] for column in table.columns]
    workbook.add_sheet(_("About these data"), [_("about"), ""], described)
    workbook.close()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def xlsx_value(value):
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)  # Excel has no time zones: the site's local time
    return value


FORMATS = {"csv": as_csv, "json": as_json, "xlsx": as_xlsx}
