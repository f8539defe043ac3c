"""Formatted, formula-safe workbooks written with xlsxwriter (atomic: temp file, then rename)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from asxh_cli.io.writer import atomic_path

FONT = "Times New Roman"
FIXED_CREATED = dt.datetime(2026, 1, 1)
MAX_WIDTH = 60


@dataclass
class Sheet:
    """One worksheet: a title line (optional) over a table; `text_columns` are written as text cells."""

    name: str
    table: pd.DataFrame
    title: str | None = None
    text_columns: Sequence[str] = ()
    money_columns: Sequence[str] = ()


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def new_workbook(path: Path | io.BytesIO) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook the way every output is made: strings stay strings (never formulas or links),
    built in memory (no temporary files with personal data in the system temp folder), fixed creation date."""
    book = xlsxwriter.Workbook(
        path if isinstance(path, io.BytesIO) else str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
    book.set_properties({"created": FIXED_CREATED})
    return book


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write `sheets` to `path`; strings are always written as strings (never formulas)."""
    with atomic_path(path) as temp:
        book = new_workbook(temp)
        base = {"font_name": FONT, "font_size": 11}
        header = book.add_format(
            {
                **base,
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "bg_color": "#DDEBF7",
            }
        )
        title = book.add_format({**base, "bold": True, "font_size": 13})
        plain = book.add_format({**base, "border": 1})
        text = book.add_format({**base, "border": 1, "num_format": "@"})
        money = book.add_format({**base, "border": 1, "num_format": "#,##0"})
        for spec in sheets:
            sheet = book.add_worksheet(spec.name[:31])
            row = 0
            if spec.title:
                sheet.write_string(row, 0, spec.title, title)
                row += 2
            columns = [str(c) for c in spec.table.columns]
            widths = [min(MAX_WIDTH, max(8, len(c) + 2)) for c in columns]
            for c, name in enumerate(columns):
                sheet.write_string(row, c, name, header)
            header_row = row
            for values in spec.table.itertuples(index=False, name=None):
                row += 1
                for c, value in enumerate(values):
                    name = columns[c]
                    if _is_missing(value):
                        sheet.write_blank(row, c, None, text if name in spec.text_columns else plain)
                    elif name in spec.money_columns and isinstance(value, int | float):
                        sheet.write_number(row, c, value, money)
                    elif isinstance(value, bool):
                        sheet.write_boolean(row, c, value, plain)
                    elif isinstance(value, int | float) and name not in spec.text_columns:
                        sheet.write_number(row, c, value, plain)
                    else:
                        value = str(value)
                        sheet.write_string(row, c, value, text if name in spec.text_columns else plain)
                        widths[c] = min(MAX_WIDTH, max(widths[c], len(value) + 2))
            for c, width in enumerate(widths):
                sheet.set_column(c, c, width)
            sheet.freeze_panes(header_row + 1, 0)
            if len(spec.table):
                sheet.autofilter(header_row, 0, row, max(0, len(columns) - 1))
        book.close()


@dataclass
class Column:
    """One column of a table written in bulk: per cell a number or a text; neither is a blank that keeps the
    column's format (borders, fill)."""

    numbers: Sequence[float | None]
    texts: Sequence[str | None]
    text_format: Format
    number_format: Format


@dataclass
class _Rows:
    first: int  # 0-based sheet row of the table's first row
    columns: list[Column]
    strings: list[list[int | None]]  # per column, each text's index in the shared string table
    styles: list[tuple[int, int]]  # per column, the cell format indices of its texts and blanks, of its numbers
    heights: Sequence[float]


STRING_MAX = 32767  # characters Excel keeps in one cell
DEFAULT_PIXELS = 20  # Excel's default row height (15 points), written as no height
CHUNK = 4096  # rows assembled at a time (bounds memory)
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+[0-9]+)[^"]*"/>')


def _column_cells(rows: _Rows, c: int, letter: str, start: int, stop: int) -> list[str]:
    """The `<c>` elements of column `c` for table rows `start`..`stop` (text as shared strings, as xlsxwriter)."""
    column = rows.columns[c]
    text_style, number_style = rows.styles[c]
    first = rows.first + 1  # 1-based sheet row of table row 0
    return [
        f'<c r="{letter}{row}" s="{number_style}"><v>{number:.16G}</v></c>'
        if number is not None
        else f'<c r="{letter}{row}" s="{text_style}"/>'
        if string is None
        else f'<c r="{letter}{row}" s="{text_style}" t="s"><v>{string}</v></c>'
        for row, number, string in zip(
            range(first + start, first + stop), column.numbers[start:stop], rows.strings[c][start:stop], strict=True
        )
    ]


def _height(points: float) -> str:
    """A row's height attributes as xlsxwriter's `set_row` writes them: whole pixels, none at the default."""
    pixels = int(points * 4 / 3 + 0.5)
    return "" if pixels == DEFAULT_PIXELS else f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def _row_xml(rows: _Rows) -> Iterator[str]:
    """The table's `<row>` elements, a chunk of rows at a time."""
    letters = [xl_col_to_name(c) for c in range(len(rows.columns))]
    count = len(rows.heights)
    for start in range(0, count, CHUNK):
        stop = min(count, start + CHUNK)
        cells = [_column_cells(rows, c, letter, start, stop) for c, letter in enumerate(letters)]
        yield "".join(
            f'<row r="{rows.first + i + 1}"{_height(height)}>{"".join(row)}</row>'
            for i, height, row in zip(
                range(start, stop), rows.heights[start:stop], zip(*cells, strict=True), strict=True
            )
        )


class BulkWorkbook:
    """A workbook made by xlsxwriter (see `new_workbook`) whose large tables are written in bulk: xlsxwriter lays
    out every sheet (formats, header, widths, print set-up, validation), and the rows given to `add_rows` go
    straight into the sheet's XML when the file is written (texts in xlsxwriter's shared string table, so always
    strings, never formulas), without xlsxwriter's per-cell work. Built in memory; only the finished file reaches
    `path`. Relies on xlsxwriter's format indices and string table (pinned below version 4)."""

    def __init__(self, path: Path) -> None:
        self.path, self.buffer = path, io.BytesIO()
        self.book = new_workbook(self.buffer)
        self.tables: dict[str, _Rows] = {}

    def add_rows(self, sheet: Worksheet, first: int, columns: list[Column], heights: Sequence[float]) -> None:
        """The table rows of `sheet` from 0-based row `first` on (below everything written through xlsxwriter),
        one height per row."""
        shared = self.book.str_table._get_shared_string_index
        strings = []
        # registers the formats used only here; a format equal to an earlier one gets that one's index
        styles = [(column.text_format._get_xf_index(), column.number_format._get_xf_index()) for column in columns]
        for column in columns:
            codes, texts = pd.factorize(pd.Series(column.texts, dtype=object))  # each distinct text once
            indices = [shared(t[:STRING_MAX]) for t in texts]
            strings.append([None if code < 0 else indices[code] for code in codes.tolist()])
        self.tables[f"xl/worksheets/sheet{sheet.index + 1}.xml"] = _Rows(first, columns, strings, styles, heights)

    def close(self) -> None:
        """Write the file: xlsxwriter's parts, each bulk table inserted into its sheet."""
        self.book.close()
        with (
            zipfile.ZipFile(self.buffer) as source,
            zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                data = source.read(info)
                rows = self.tables.get(info.filename)
                if rows is None or not rows.heights:
                    target.writestr(info, data)
                    continue
                xml = data.decode("utf-8").replace("<sheetData/>", "<sheetData></sheetData>")
                last = f"{xl_col_to_name(max(0, len(rows.columns) - 1))}{rows.first + len(rows.heights)}"
                xml = _DIMENSION.sub(lambda m, end=last: f'<dimension ref="{m.group(1)}:{end}"/>', xml, count=1)
                head, tail = xml.split("</sheetData>", 1)
                with target.open(info, "w", force_zip64=True) as part:
                    part.write(head.encode("utf-8"))
                    for chunk in _row_xml(rows):
                        part.write(chunk.encode("utf-8"))
                    part.write(("</sheetData>" + tail).encode("utf-8"))
