"""A minimal, streaming XLSX (Office Open XML spreadsheet) writer for the list downloads.

openpyxl and XlsxWriter spend 10 to 50 microseconds a cell: a workbook of 20,000 practices (640,000
cells) would outlast a request's time limit. This writes each row as SpreadsheetML text straight
into the zip archive, a few microseconds a cell, in constant memory. Text is stored inline
(``inlineStr``), so a cell starting with "=" stays text, never a formula; dates are Excel dates.
"""

import datetime
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Cell styles (styles.xml below): 0 plain, 1 date, 2 date and time, 3 bold (headers).
DATE, DATETIME, BOLD = 1, 2, 3
STYLES = f"""{XML}<styleSheet xmlns="{MAIN}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def text_cell(value, style=0):
    text = escape(NOT_XML.sub("", value))
    styled = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'


def cell(value):
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, datetime.datetime):
        days = (value.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
        return f'<c s="{DATETIME}"><v>{days:.6f}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c s="{DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    return text_cell(str(value))


class Workbook:
    """Sheets written one after the other, each from an iterable of rows, into ``file``."""

    def __init__(self, file):
        self.zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED)
        self.names = []

    def add_sheet(self, name, header, rows):
        number = len(self.names) + 1
        self.names.append(re.sub(r"[\[\]:*?/\\]", " ", name)[:31])
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
            buffer = [
                f'{XML}<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                "<sheetData><row>" + "".join(text_cell(str(title), BOLD) for title in header) + "</row>"
            ]
            for row in rows:
                buffer.append("<row>" + "".join(map(cell, row)) + "</row>")
                if len(buffer) >= 500:
                    part.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append("</sheetData></worksheet>")
            part.write("".join(buffer).encode("utf-8"))

    def close(self):
        sheets = range(1, len(self.names) + 1)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for number in sheets
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{XML}<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{XML}<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"/>'
                for number, name in zip(sheets, self.names, strict=True)
            )
            + "</sheets></workbook>",
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
            + "".join(
                f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
                f'Target="worksheets/sheet{number}.xml"/>'
                for number in sheets
            )
            + f'<Relationship Id="rId{len(self.names) + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.close()
