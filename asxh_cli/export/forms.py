"""Official-style list workbooks (Nghị định 30/2020 conventions): title block, bordered table, totals,
signature block and print set-up, written with xlsxwriter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from asxh_cli.export.template import Agency, FormColumn
from asxh_cli.io.writer import atomic_path
from asxh_cli.io.xlsx import FIXED_CREATED

TEXT_FIELDS = {
    "national_id",
    "account_number",
    "proxy_id",
    "phone",
    "register_id",
    "birth_date",
    "new_account",
    "new_proxy_id",
    "new_phone",
    "source_row",
}
MONEY_FIELDS = {"amount"}
A4 = 9


@dataclass
class FormSheet:
    """One sheet of an official list: its title lines, columns and rows (internal field names)."""

    name: str
    title: str
    subtitle: str
    columns: Sequence[FormColumn]
    rows: pd.DataFrame
    validations: dict[str, list[str]] | None = None  # field → allowed values (drop-down list)
    signatures: Sequence[str] = ()
    totals: bool = True


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "DS"


def date_line(place: str, day: dt.date) -> str:
    """'Vũng Tàu, ngày 05 tháng 02 năm 2026' (day and month zero-padded)."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def write_form(
    path: Path, agency: Agency, sheets: Sequence[FormSheet], font: str, signature_note: str, day: dt.date
) -> None:
    """Write one workbook of official lists; every sheet is printable on A4 landscape."""
    with atomic_path(path) as temp:
        book = xlsxwriter.Workbook(
            str(temp), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
        )
        book.set_properties({"created": FIXED_CREATED})
        base = {"font_name": font, "font_size": 12, "valign": "vcenter"}
        fmt = {
            "body_left": book.add_format({**base, "bold": False, "align": "center"}),
            "body_bold": book.add_format({**base, "bold": True, "align": "center"}),
            "motto": book.add_format({**base, "bold": True, "underline": True, "align": "center", "font_size": 13}),
            "title": book.add_format({**base, "bold": True, "align": "center", "font_size": 14, "text_wrap": True}),
            "subtitle": book.add_format({**base, "italic": True, "align": "center"}),
            "header": book.add_format({**base, "bold": True, "border": 1, "align": "center", "text_wrap": True}),
            "index": book.add_format({**base, "italic": True, "border": 1, "align": "center", "font_size": 10}),
            "cell": book.add_format({**base, "border": 1, "text_wrap": True}),
            "text": book.add_format({**base, "border": 1, "num_format": "@"}),
            "money": book.add_format({**base, "border": 1, "num_format": "#,##0"}),
            "number": book.add_format({**base, "border": 1, "align": "center"}),
            "total": book.add_format({**base, "bold": True, "border": 1}),
            "total_money": book.add_format({**base, "bold": True, "border": 1, "num_format": "#,##0"}),
            "date": book.add_format({**base, "italic": True, "align": "center"}),
            "sign": book.add_format({**base, "bold": True, "align": "center"}),
            "sign_note": book.add_format({**base, "italic": True, "align": "center", "font_size": 11}),
        }
        values: dict[str, list[str]] = {}
        for spec in sheets:
            values.update(spec.validations or {})
        lists = _list_ranges(values)
        for spec in sheets:
            _write_sheet(book.add_worksheet(sheet_title(spec.name)), spec, agency, fmt, signature_note, day, lists)
        if values:
            _write_lists(book, values)  # added last: the first sheet cannot be hidden
        book.close()


def _list_ranges(values: dict[str, list[str]]) -> dict[str, str]:
    """Where each drop-down list lives on the hidden 'DanhMuc' sheet (inline lists stop at 255 characters)."""
    ranges = {}
    for c, (field, options) in enumerate(sorted(values.items())):
        letter = xlsxwriter.utility.xl_col_to_name(c)
        ranges[field] = f"=DanhMuc!${letter}$2:${letter}${len(options) + 1}"
    return ranges


def _write_lists(book: xlsxwriter.Workbook, values: dict[str, list[str]]) -> None:
    sheet = book.add_worksheet("DanhMuc")
    sheet.hide()
    for c, (field, options) in enumerate(sorted(values.items())):
        sheet.write_string(0, c, field)
        for r, option in enumerate(options, start=1):
            sheet.write_string(r, c, option)


def _merge(sheet: object, row: int, first: int, last: int, text: str, style: object) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, style)
    else:
        sheet.write_string(row, first, text, style)


def _write_sheet(
    sheet: object,
    spec: FormSheet,
    agency: Agency,
    fmt: dict[str, object],
    signature_note: str,
    day: dt.date,
    lists: dict[str, str],
) -> None:
    width = len(spec.columns)
    last = width - 1
    split = max(1, width // 2 - 1)
    _merge(sheet, 0, 0, split - 1, agency.parent_body, fmt["body_left"])
    _merge(sheet, 0, split, last, agency.national_title, fmt["body_bold"])
    _merge(sheet, 1, 0, split - 1, agency.issuing_body, fmt["body_bold"])
    _merge(sheet, 1, split, last, agency.motto, fmt["motto"])
    _merge(sheet, 3, 0, last, spec.title, fmt["title"])
    sheet.set_row(3, 36)
    _merge(sheet, 4, 0, last, spec.subtitle, fmt["subtitle"])
    header_row = 6
    for c, column in enumerate(spec.columns):
        sheet.write_string(header_row, c, column.header, fmt["header"])
        sheet.write_string(header_row + 1, c, f"({c + 1})", fmt["index"])
        sheet.set_column(c, c, column.width)
    sheet.set_row(header_row, 45)
    row = header_row + 1
    for number, values in enumerate(spec.rows.to_dict("records"), start=1):
        row += 1
        for c, column in enumerate(spec.columns):
            value = number if column.field == "row_number" else values.get(column.field)
            if _is_missing(value) or value == "":
                sheet.write_blank(row, c, None, fmt["text"] if column.field in TEXT_FIELDS else fmt["cell"])
            elif column.field in MONEY_FIELDS:
                sheet.write_number(row, c, float(value), fmt["money"])
            elif column.field == "row_number":
                sheet.write_number(row, c, number, fmt["number"])
            else:
                sheet.write_string(row, c, str(value), fmt["text"] if column.field in TEXT_FIELDS else fmt["cell"])
    first_data, last_data = header_row + 2, row
    for field, source in lists.items():
        if field in (spec.validations or {}):
            c = next(i for i, column in enumerate(spec.columns) if column.field == field)
            sheet.data_validation(
                first_data,
                c,
                max(last_data, first_data + 200),
                c,
                {
                    "validate": "list",
                    "source": source,
                    "error_type": "warning",
                    "error_message": "Chọn trong danh sách hoặc ghi rõ.",
                },
            )
    if spec.totals:
        row += 1
        fields = [column.field for column in spec.columns]
        label_end = max(0, (fields.index("amount") if "amount" in fields else width) - 1)
        _merge(sheet, row, 0, label_end, f"Tổng cộng: {len(spec.rows)} người", fmt["total"])
        for c in range(label_end + 1, width):
            if spec.columns[c].field == "amount":
                amounts = pd.to_numeric(spec.rows.get("amount", pd.Series(dtype=float)), errors="coerce")
                sheet.write_number(row, c, float(amounts.sum()), fmt["total_money"])
            else:
                sheet.write_blank(row, c, None, fmt["total"])
    if spec.signatures:
        row += 2
        _merge(sheet, row, max(0, width - 4), last, date_line(agency.place, day), fmt["date"])
        row += 1
        slots = len(spec.signatures)
        for i, title in enumerate(spec.signatures):
            first = i * width // slots
            end = (i + 1) * width // slots - 1
            _merge(sheet, row, first, max(first, end), title.upper(), fmt["sign"])
            _merge(sheet, row + 1, first, max(first, end), signature_note, fmt["sign_note"])
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.set_margins(left=0.6, right=0.4, top=0.75, bottom=0.6)
    sheet.repeat_rows(header_row, header_row + 1)
    sheet.fit_to_pages(1, 0)
    sheet.set_header("&C&P")
    sheet.freeze_panes(header_row + 2, 0)
