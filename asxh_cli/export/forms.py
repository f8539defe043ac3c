"""Official documents as workbooks (Nghị định 30/2020 layout): heading with Quốc hiệu and agency, a bordered
table with subtotals and totals, the amount in words, signature blocks and A4 print set-up (xlsxwriter)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from asxh_cli.export.template import FormColumn, Heading, Signer
from asxh_cli.io.writer import atomic_path
from asxh_cli.io.xlsx import new_workbook

TEXT_FIELDS = {
    "national_id",
    "old_id",
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
MM = 1 / 25.4  # inches per millimetre
# Nghị định 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top": 22 * MM, "bottom": 21 * MM, "left": 31 * MM, "right": 16 * MM}
HEADER_ROW = 6  # 0-based: heading rows 0–4, column headers on row 7 and the column numbers on row 8 (Excel)
LIST_SHEET = "DanhMuc"

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")


def _three_digits(number: int, leading: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def number_words(number: int) -> str:
    """A whole number in Vietnamese words: 1_250_000 → 'một triệu hai trăm năm mươi nghìn'."""
    if number < 0:
        return "âm " + number_words(-number)
    if number == 0:
        return "không"
    groups = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        if groups[i] == 0:
            continue
        words += _three_digits(groups[i], leading=i == len(groups) - 1)
        unit = " ".join(filter(None, (_GROUPS[i % 3], *("tỷ",) * (i // 3))))
        if unit:
            words.append(unit)
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """'Một triệu hai trăm năm mươi nghìn đồng' (sentence case), as written under a total."""
    text = number_words(int(amount)) + " đồng"
    return text[0].upper() + text[1:]


@dataclass
class FormSheet:
    """One sheet of an official document: heading, title lines, a table of rows (internal field names)."""

    name: str
    heading: Heading
    title: str
    subtitle: str
    columns: Sequence[FormColumn]
    rows: pd.DataFrame
    validations: dict[str, list[str]] = field(default_factory=dict)  # field → allowed values (drop-down)
    lengths: dict[str, tuple[int, int]] = field(default_factory=dict)  # field → digits allowed (min, max)
    signers: Sequence[Signer] | None = None  # None: the heading's signers
    totals: bool = True
    group: str | None = None  # field whose values get a title row and a subtotal each
    pending: str | None = None  # field that marks people waiting for the survey: counted under the total
    printed: int | None = None  # only the first `printed` columns are in the print area
    font_size: float = 12
    row_height: float = 0  # minimum data-row height in points (0: from the text)
    fit_width: bool = True
    print_scale: int = 100  # when not fitted to the page width
    freeze_columns: int = 0
    page_break: int = 0  # a page break before this column (0: none)
    notes: Sequence[str] = ()  # lines printed under the totals


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "DS"


def sheet_titles(names: list[str]) -> list[str]:
    """Worksheet names Excel accepts for `names`, all different (ignoring case), none an apostrophe at either end,
    none the drop-down list sheet's; a name cut at 31 characters or taken already is numbered."""
    used = {LIST_SHEET.casefold(), "history"}
    titles = []
    for name in names:
        base = sheet_title(name).strip("'").strip() or "DS"
        title, number = base, 2
        while title.casefold() in used:
            suffix = f" ({number})"
            title, number = base[: 31 - len(suffix)].rstrip() + suffix, number + 1
        used.add(title.casefold())
        titles.append(title)
    return titles


def date_line(place: str, day: dt.date) -> str:
    """'Vũng Tàu, ngày 05 tháng 02 năm 2026' (day and month zero-padded)."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def text_height(texts: Sequence[tuple[str, float]], size: float, minimum: float = 0) -> float:
    """Row height (points) that shows every (text, column width) pair wrapped: LibreOffice never grows rows."""
    per_char = 0.85 * size / 11  # a column width unit holds about 1.2 Times New Roman characters at 11 pt
    lines = 1
    for text, width in texts:
        room = max(1, int(width / per_char) - 1)
        lines = max(lines, sum(max(1, math.ceil(len(part) / room)) for part in str(text).split("\n")))
    return max(minimum, lines * size * 1.25 + 4)


def page_setup(
    sheet: Any, landscape: bool, repeat: tuple[int, int] | None, fit_width: bool, scale: int | None = None
) -> None:
    """A4, NĐ 30 margins, page number centred at the top, table header repeated on every page."""
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(**MARGINS)
    sheet.set_header('&C&"Times New Roman"&12&P', {"margin": 8 * MM})
    if repeat is not None:
        sheet.repeat_rows(*repeat)
    if fit_width:
        sheet.fit_to_pages(1, 0)
    elif scale:
        sheet.set_print_scale(scale)


class Styles:
    """Cell formats of one workbook, made on first use per (kind, font size)."""

    KINDS: ClassVar[dict[str, dict[str, object]]] = {
        "parent": {"align": "center"},
        "agency": {"bold": True, "align": "center"},
        "national": {"bold": True, "align": "center"},
        "motto": {"bold": True, "align": "center"},
        "rule": {"top": 1},
        "title": {"bold": True, "align": "center", "text_wrap": True},
        "subtitle": {"italic": True, "align": "center", "text_wrap": True},
        "header": {"bold": True, "border": 1, "align": "center", "text_wrap": True},
        "index": {"italic": True, "border": 1, "align": "center"},
        "cell": {"border": 1, "text_wrap": True},
        "text": {"border": 1, "num_format": "@", "text_wrap": True, "align": "center"},
        "money": {"border": 1, "num_format": "#,##0"},
        "number": {"border": 1, "align": "center"},
        "group": {"bold": True, "border": 1},
        "subtotal": {"bold": True, "italic": True, "border": 1},
        "subtotal_money": {"bold": True, "italic": True, "border": 1, "num_format": "#,##0"},
        "total": {"bold": True, "border": 1},
        "total_money": {"bold": True, "border": 1, "num_format": "#,##0"},
        "words": {"italic": True, "text_wrap": True},
        "date": {"italic": True, "align": "center"},
        "sign": {"bold": True, "align": "center", "text_wrap": True},
        "sign_note": {"italic": True, "align": "center"},
        "plain": {"text_wrap": True},
        "decision": {"border": 2, "bg_color": "#FFF2CC", "align": "center"},
    }

    def __init__(self, book: xlsxwriter.Workbook, font: str) -> None:
        self.book, self.font, self.made = book, font, {}

    def __call__(self, kind: str, size: float) -> Any:
        key = (kind, size)
        if key not in self.made:
            self.made[key] = self.book.add_format(
                {"font_name": self.font, "font_size": size, "valign": "vcenter", **self.KINDS[kind]}
            )
        return self.made[key]


def merge(sheet: Any, row: int, first: int, last: int, text: str, style: Any) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, style)
    else:
        sheet.write_string(row, first, text, style)


def write_heading(sheet: Any, heading: Heading, width: int, style: Styles, title: str, subtitle: str) -> None:
    """Agency (left) and Quốc hiệu (right) on rows 1–2 with a short rule under each, title and subtitle."""
    last = width - 1
    split = max(1, min(width - 1, round(width * 0.4)))
    merge(sheet, 0, 0, split - 1, heading.parent_body, style("parent", 12))
    merge(sheet, 0, split, last, heading.national_title, style("national", 12))
    merge(sheet, 1, 0, split - 1, heading.issuing_body, style("agency", 12))
    merge(sheet, 1, split, last, heading.motto, style("motto", 13))
    for first, end in ((0, split - 1), (split, last)):
        span = end - first + 1
        inner = (first + span // 3, end - span // 3) if span >= 3 else (first, end)
        for c in range(inner[0], inner[1] + 1):
            sheet.write_blank(2, c, None, style("rule", 12))
    sheet.set_row(2, 6)
    merge(sheet, 3, 0, last, title, style("title", 14))
    sheet.set_row(3, text_height([(title, 150)], 14, 20))
    merge(sheet, 4, 0, last, subtitle, style("subtitle", 13))


def write_signatures(
    sheet: Any, row: int, width: int, signers: Sequence[Signer], place: str, day: dt.date, style: Styles
) -> int:
    """Date line at the right, then one block per signer: title lines, note, room to sign, typed name."""
    slots = max(1, len(signers))
    last_first = (slots - 1) * width // slots
    merge(sheet, row, min(last_first, max(0, width - 3)), width - 1, date_line(place, day), style("date", 13))
    row += 1
    lines = max((len(s.lines) for s in signers), default=0)
    for i, signer in enumerate(signers):
        first = i * width // slots
        end = max(first, (i + 1) * width // slots - 1)
        for k in range(lines):
            text = signer.lines[k] if k < len(signer.lines) else ""
            merge(sheet, row + k, first, end, text, style("sign", 13))
        merge(sheet, row + lines, first, end, signer.note, style("sign_note", 12))
        merge(sheet, row + lines + 5, first, end, signer.name or "", style("sign", 13))
    for k in range(1, 5):
        sheet.set_row(row + lines + k, 18)  # about 25 mm to sign and stamp
    return row + lines + 5  # the typed-name row, the last one written


def _write_lists(book: xlsxwriter.Workbook, lists: dict[str, tuple[str, list[str]]]) -> dict[str, str]:
    """The hidden 'DanhMuc' sheet (Vietnamese headers) and where each drop-down list lives on it."""
    sheet = book.add_worksheet(LIST_SHEET)
    sheet.hide()
    ranges = {}
    for c, (key, (header, options)) in enumerate(sorted(lists.items())):
        letter = xl_col_to_name(c)
        sheet.write_string(0, c, header)
        sheet.set_column(c, c, max(12, len(header) + 2))
        for r, option in enumerate(options, start=1):
            sheet.write_string(r, c, option)
        ranges[key] = f"={LIST_SHEET}!${letter}$2:${letter}${len(options) + 1}"
    return ranges


def write_form(path: Path, sheets: Sequence[FormSheet], font: str, day: dt.date) -> None:
    """Write one workbook of official documents; every sheet prints on A4 with NĐ 30 margins."""
    with atomic_path(path) as temp:
        book = new_workbook(temp)
        style = Styles(book, font)
        lists: dict[str, tuple[str, list[str]]] = {}
        for spec in sheets:
            for column in spec.columns:
                if column.field in spec.validations:
                    lists[column.field] = (column.header, spec.validations[column.field])
        titles = sheet_titles([spec.name for spec in sheets])
        worksheets = [(book.add_worksheet(title), spec) for title, spec in zip(titles, sheets, strict=True)]
        ranges = _write_lists(book, lists) if lists else {}  # added last: the first sheet cannot be hidden
        for sheet, spec in worksheets:
            _write_sheet(sheet, spec, style, day, ranges)
        book.close()


def _cell(sheet: Any, row: int, c: int, column: FormColumn, value: object, number: int, spec: FormSheet, style: Styles):
    size = spec.font_size
    if column.field == "row_number":
        sheet.write_number(row, c, number, style("number", size))
    elif is_missing(value) or value == "":
        sheet.write_blank(row, c, None, style("text" if column.field in TEXT_FIELDS else "cell", size))
    elif column.field in MONEY_FIELDS:
        sheet.write_number(row, c, float(value), style("money", size))
    else:
        sheet.write_string(row, c, str(value), style("text" if column.field in TEXT_FIELDS else "cell", size))


def _dong(amount: int) -> str:
    """1250000 → '1.250.000' (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def _amount(rows: pd.DataFrame) -> int:
    values = pd.to_numeric(rows["amount"], errors="coerce") if "amount" in rows else pd.Series(dtype=float)
    return int(values.fillna(0).sum())


def _sum_row(sheet: Any, row: int, spec: FormSheet, label: str, rows: pd.DataFrame, kind: str, style: Styles) -> None:
    fields = [column.field for column in spec.columns]
    width = len(fields)
    label_end = max(0, (fields.index("amount") if "amount" in fields else width) - 1)
    size = spec.font_size
    merge(sheet, row, 0, label_end, label, style(kind, size))
    for c in range(label_end + 1, width):
        if fields[c] == "amount":
            sheet.write_number(row, c, _amount(rows), style(f"{kind}_money", size))
        else:
            sheet.write_blank(row, c, None, style(kind, size))
    sheet.set_row(row, text_height([(label, sum(col.width for col in spec.columns[: label_end + 1]))], size))


def _write_sheet(sheet: Any, spec: FormSheet, style: Styles, day: dt.date, ranges: dict[str, str]) -> None:
    columns = list(spec.columns)
    width = len(columns)
    printed = spec.printed or width
    page = spec.page_break or printed  # heading, notes and signatures stay on the first page across
    size = spec.font_size
    write_heading(sheet, spec.heading, page, style, spec.title, spec.subtitle)
    for c, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, c, column.header, style("header", size))
        sheet.write_string(HEADER_ROW + 1, c, f"({c + 1})", style("index", max(9, size - 2)))
        sheet.set_column(c, c, column.width)
    sheet.set_row(HEADER_ROW, text_height([(c.header, c.width) for c in columns], size, 30))
    row = HEADER_ROW + 1
    number = 0
    groups = (
        list(spec.rows.groupby(spec.rows[spec.group].fillna("(chưa rõ)"), sort=False))
        if spec.group
        else [(None, spec.rows)]
    )
    for label, part in groups:
        if label is not None:
            row += 1
            merge(sheet, row, 0, width - 1, str(label), style("group", size))
            sheet.set_row(row, text_height([], size))
        for values in part.to_dict("records"):
            row += 1
            number += 1
            texts = []
            for c, column in enumerate(columns):
                value = values.get(column.field)
                _cell(sheet, row, c, column, value, number, spec, style)
                if isinstance(value, str):
                    texts.append((value, column.width))
            sheet.set_row(row, text_height(texts, size, spec.row_height))
        if label is not None:
            row += 1
            _sum_row(sheet, row, spec, f"Cộng {label}: {len(part)} người", part, "subtotal", style)
    first_data, last_data = HEADER_ROW + 2, max(row, HEADER_ROW + 2)
    for c, column in enumerate(columns):
        if column.field in ranges:
            sheet.data_validation(
                first_data,
                c,
                last_data,
                c,
                {
                    "validate": "list",
                    "source": ranges[column.field],
                    "error_type": "warning",
                    "error_title": "Giá trị ngoài danh sách",
                    "error_message": "Chọn trong danh sách thả xuống hoặc ghi rõ.",
                },
            )
        if column.field in spec.lengths:
            low, high = spec.lengths[column.field]
            sheet.data_validation(
                first_data,
                c,
                last_data,
                c,
                {
                    "validate": "length",
                    "criteria": "between",
                    "minimum": low,
                    "maximum": high,
                    "error_type": "warning",
                    "error_title": "Sai số chữ số",
                    "error_message": f"{column.header}: cần {low}–{high} chữ số."
                    if low != high
                    else f"{column.header}: cần đủ {low} chữ số.",
                },
            )
    if spec.totals:
        row += 1
        _sum_row(sheet, row, spec, f"Tổng cộng: {len(spec.rows)} người", spec.rows, "total", style)
        notes = list(spec.notes)
        if "amount" in spec.rows:
            notes.insert(0, f"Số tiền bằng chữ: {amount_in_words(_amount(spec.rows))}.")
        if spec.pending and spec.pending in spec.rows:
            waiting_rows = spec.rows[spec.rows[spec.pending].notna()]
            if len(waiting_rows):
                held = _amount(waiting_rows) if "amount" in spec.rows else 0
                payable = _amount(spec.rows) - held if "amount" in spec.rows else 0
                notes.append(
                    f"Trong đó: {len(waiting_rows)} người chờ khảo sát bổ sung thông tin (xem cột Ghi chú), "
                    f"số tiền {_dong(held)} đồng CHƯA ĐƯỢC CHI cho đến khi bổ sung. Số được chi ngay: "
                    f"{len(spec.rows) - len(waiting_rows)} người, {_dong(payable)} đồng ({amount_in_words(payable)})."
                )
        for text in notes:
            row += 1
            merge(sheet, row, 0, page - 1, text, style("words", 13))
            sheet.set_row(row, text_height([(text, sum(c.width for c in columns[:page]))], 13))
    signers = spec.heading.signers if spec.signers is None else spec.signers
    if signers:
        row = write_signatures(sheet, row + 2, page, signers, spec.heading.place, day, style)
    page_setup(sheet, True, (HEADER_ROW, HEADER_ROW + 1), spec.fit_width, spec.print_scale)
    if spec.page_break:
        sheet.set_v_pagebreaks([spec.page_break])
        sheet.print_across()  # page 1 and page 2 of the same rows print one after the other
    sheet.print_area(0, 0, row, printed - 1)
    sheet.freeze_panes(HEADER_ROW + 2, spec.freeze_columns)
