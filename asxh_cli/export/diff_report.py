"""`bien_dong.xlsx`: what changed between two payouts, one printable sheet per kind of change (xlsxwriter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from asxh_cli.contract import Result, Status
from asxh_cli.diff import COUNT_LABELS, INFO_FIELDS, PAYMENT_FIELDS, Counts, DiffResult, Via
from asxh_cli.export.columns import CLEAN_HEADERS
from asxh_cli.export.forms import Styles, amount_in_words, is_missing, merge, page_setup, text_height
from asxh_cli.io.writer import atomic_path
from asxh_cli.io.xlsx import FONT, new_workbook
from asxh_cli.normalize.values import parse_amount

XLSX_NAME = "bien_dong.xlsx"
SIZE = 11
HEADER_ROW = 3
DIFF_SHEETS = (
    "Tổng hợp",
    "Mới",
    "Thôi hưởng",
    "Đã chết",
    "Chuyển đi",
    "Thay đổi thông tin",
    "Thay đổi chi trả",
    "Kết quả đối sánh thay đổi",
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: float
    kind: str = "cell"  # cell, text (IDs, dates: kept as text), money, number


ROW = Column("row_key", "Dòng gốc kỳ này (Tệp:Sheet:Dòng)", 24)
PREV_ROW = Column("prev_key", "Dòng gốc kỳ trước", 24)
NAME = Column("full_name", "Họ và tên", 22)
BORN = Column("birth_date", "Ngày sinh", 11, "text")
ID = Column("national_id", "Số định danh cá nhân", 14, "text")
REGISTER_ID = Column("register_id", "Số định danh CSDLQG", 14, "text")
COMMUNE = Column("commune", "Xã/Phường", 16)
CATEGORY = Column("category", "Đối tượng", 18)
AMOUNT = Column("amount", "Mức trợ cấp (đồng/tháng)", 12, "money")
NOTE = Column("note", "Ghi chú", 30)
VIA = Column("via", "Theo dõi bằng", 14)
ON_LIST = Column("on_list", "Còn trong danh sách kỳ này", 10)
CHANGE = [
    Column("field", "Thông tin", 16),
    Column("old", "Kỳ trước", 22, "text"),
    Column("new", "Kỳ này", 22, "text"),
]
PERSON = [NAME, BORN, ID, REGISTER_ID, COMMUNE]


@dataclass
class ReportSheet:
    name: str
    title: str
    columns: Sequence[Column]
    rows: pd.DataFrame
    total: str | None = None  # a closing line under the table


def write_diff_workbook(diff: DiffResult, path: Path, previous_name: str, current_name: str) -> None:
    """Write the diff as one workbook: `Tổng hợp` first, then a sheet per kind of change, A4 landscape."""
    subtitle = f"Kỳ trước: {previous_name} · Kỳ này: {current_name}"
    with atomic_path(path) as temp:
        book = new_workbook(temp)
        style = Styles(book, FONT)
        _write_summary(book.add_worksheet(DIFF_SHEETS[0]), diff.counts, style, subtitle)
        for spec in report_sheets(diff):
            _write_table(book.add_worksheet(spec.name), spec, style, subtitle)
        book.close()


def report_sheets(diff: DiffResult) -> list[ReportSheet]:
    """The change sheets as tables with internal field names, labels applied."""
    cur, prev = diff.current, diff.previous
    new = cur.iloc[diff.new["cur"].to_numpy()]
    left = prev.iloc[diff.left["prev"].to_numpy()].assign(reason=diff.left["reason"].to_numpy())
    died, moved = diff.died, diff.moved
    recover = int(pd.to_numeric(died["to_recover"], errors="coerce").fillna(0).sum())
    return [
        ReportSheet(
            DIFF_SHEETS[1],
            "NGƯỜI MỚI CÓ TRONG DANH SÁCH KỲ NÀY",
            [ROW, *PERSON, CATEGORY, AMOUNT, Column("payment_method", "Hình thức nhận", 14), *_result_columns("")],
            _labelled(new),
        ),
        ReportSheet(
            DIFF_SHEETS[2],
            "NGƯỜI THÔI HƯỞNG / KHÔNG CÒN TRONG DANH SÁCH",
            [Column("row_key", "Dòng gốc kỳ trước", 24), *PERSON, CATEGORY, AMOUNT, Column("reason", "Lý do", 30)],
            _labelled(left),
        ),
        ReportSheet(
            DIFF_SHEETS[3],
            "NGƯỜI ĐÃ CHẾT (KỲ TRƯỚC CÒN SỐNG HOẶC CHƯA RÕ)",
            [
                ON_LIST,
                Column("row_key", "Dòng gốc", 24),
                *PERSON,
                AMOUNT,
                Column("death_date", "Ngày mất", 11, "text"),
                Column("death_source", "Nguồn ngày mất", 10),
                Column("last_paid", "Đã chi đến tháng", 10, "text"),
                Column("months_after", "Số tháng đã chi sau khi mất", 10, "number"),
                Column("to_recover", "Số tiền phải thu hồi (đồng)", 13, "money"),
                NOTE,
            ],
            _labelled(died),
            f"Tổng số tiền phải thu hồi: {recover:,} đồng".replace(",", ".") + f" ({amount_in_words(recover)}).",
        ),
        ReportSheet(
            DIFF_SHEETS[4],
            "NGƯỜI ĐÃ CHUYỂN ĐI (DỪNG CHI, CHUYỂN HỒ SƠ)",
            [ON_LIST, Column("row_key", "Dòng gốc", 24), *PERSON, Column("new_place", "Nơi ở mới (CSDLQG)", 24), NOTE],
            _labelled(moved),
        ),
        ReportSheet(DIFF_SHEETS[5], "THAY ĐỔI THÔNG TIN CÁ NHÂN", _change_columns(), _changes(diff, "info")),
        ReportSheet(
            DIFF_SHEETS[6],
            "THAY ĐỔI HÌNH THỨC, NGÂN HÀNG, TÀI KHOẢN, MỨC CHI TRẢ",
            [*_change_columns()[:-1], Column("check", "Cần kiểm tra", 9), NOTE],
            _changes(diff, "payment"),
        ),
        ReportSheet(
            DIFF_SHEETS[7],
            "KẾT QUẢ ĐỐI SÁNH HOẶC TÌNH TRẠNG CSDLQG THAY ĐỔI",
            [ROW, PREV_ROW, VIA, *PERSON, *_result_columns("old_", " kỳ trước"), *_result_columns("new_", " kỳ này")],
            _labelled(diff.results),
        ),
    ]


def summary_lines(counts: Counts) -> list[tuple[str, int]]:
    """(label, count) of the summary sheet, in order."""
    values = counts.as_dict()
    return [(vi, values[name]) for name, (vi, _en) in COUNT_LABELS.items()]


def accounting_lines(counts: Counts) -> list[str]:
    """The two balance checks written out, each with its verdict."""
    c = counts

    def verdict(ok: bool) -> str:
        return "khớp" if ok else "KHÔNG KHỚP"

    return [
        f"Kỳ trước = không đổi + có thay đổi + thôi hưởng: {c.previous} = {c.unchanged} + {c.changed} + {c.left} "
        f"({verdict(c.previous == c.unchanged + c.changed + c.left)})",
        f"Kỳ này = không đổi + có thay đổi + mới: {c.current} = {c.unchanged} + {c.changed} + {c.new} "
        f"({verdict(c.current == c.unchanged + c.changed + c.new)})",
    ]


def _result_columns(prefix: str, suffix: str = "") -> list[Column]:
    return [
        Column(f"{prefix}result", f"Kết quả{suffix}", 12),
        Column(f"{prefix}register_status", f"Tình trạng CSDLQG{suffix}", 12),
    ]


def _change_columns() -> list[Column]:
    return [ROW, PREV_ROW, VIA, NAME, BORN, REGISTER_ID, *CHANGE, NOTE]


def _changes(diff: DiffResult, group: str) -> pd.DataFrame:
    rows = diff.changes[diff.changes["group"] == group]
    cur = diff.current.iloc[rows["cur"].to_numpy()].reset_index(drop=True)
    out = cur[["row_key", "full_name", "birth_date", "register_id"]].copy()
    out["prev_key"] = diff.previous["row_key"].to_numpy(dtype=object)[rows["prev"]]
    via = pd.Series(diff.pairs["via"].to_numpy(), index=diff.pairs["prev"].to_numpy())
    out["via"] = via.reindex(rows["prev"].to_numpy()).to_numpy(dtype=object)
    labels = {f: CLEAN_HEADERS[f][0] for f in (*INFO_FIELDS, *PAYMENT_FIELDS)}
    out["field"] = [labels[f] for f in rows["field"]]
    for name in ("old", "new", "note", "check"):
        out[name] = rows[name].to_numpy(dtype=object)
    return _labelled(out)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes and flags as people read them."""
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        if column.endswith("result"):
            out[column] = [None if is_missing(v) or not v else Result(v).label_vi for v in out[column]]
        elif column.endswith("register_status"):
            out[column] = [None if is_missing(v) or not v else Status(v).label_vi for v in out[column]]
        elif column == "via":
            out[column] = [None if is_missing(v) else Via(v).label_vi for v in out[column]]
        elif column in ("on_list", "check"):
            out[column] = ["Có" if v else "Không" if column == "on_list" else None for v in out[column]]
    return out


def _heading(sheet: Any, width: int, title: str, subtitle: str, style: Styles) -> None:
    merge(sheet, 0, 0, width - 1, title, style("title", 14))
    merge(sheet, 1, 0, width - 1, subtitle, style("subtitle", 12))


def _write_summary(sheet: Any, counts: Counts, style: Styles, subtitle: str) -> None:
    _heading(sheet, 2, "BIẾN ĐỘNG DANH SÁCH CHI TRẢ GIỮA HAI KỲ", subtitle, style)
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 1, 16)
    sheet.write_string(HEADER_ROW, 0, "Nội dung", style("header", SIZE))
    sheet.write_string(HEADER_ROW, 1, "Số lượng", style("header", SIZE))
    row = HEADER_ROW
    for label, value in summary_lines(counts):
        row += 1
        sheet.write_string(row, 0, label, style("cell", SIZE))
        sheet.write_number(row, 1, value, style("money", SIZE))
    row += 1
    for line in accounting_lines(counts):
        row += 1
        merge(sheet, row, 0, 1, line, style("words", SIZE))
        sheet.set_row(row, text_height([(line, 76)], SIZE))
    page_setup(sheet, False, None, True)
    sheet.print_area(0, 0, row, 1)


def _write_table(sheet: Any, spec: ReportSheet, style: Styles, subtitle: str) -> None:
    columns = list(spec.columns)
    width = len(columns)
    _heading(sheet, width, spec.title, f"{subtitle} · {len(spec.rows)} người", style)
    for c, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, c, column.header, style("header", SIZE))
        sheet.set_column(c, c, column.width)
    sheet.set_row(HEADER_ROW, text_height([(c.header, c.width) for c in columns], SIZE, 30))
    row = HEADER_ROW
    for values in spec.rows.to_dict("records"):
        row += 1
        texts = []
        for c, column in enumerate(columns):
            value = values.get(column.field)
            _cell(sheet, row, c, column, value, style)
            if isinstance(value, str):
                texts.append((value, column.width))
        sheet.set_row(row, text_height(texts, SIZE))
    if not len(spec.rows):
        row += 1
        merge(sheet, row, 0, width - 1, "Không có trường hợp nào.", style("cell", SIZE))
    else:
        sheet.autofilter(HEADER_ROW, 0, row, width - 1)
    if spec.total and len(spec.rows):
        row += 1
        merge(sheet, row, 0, width - 1, spec.total, style("words", SIZE))
        sheet.set_row(row, text_height([(spec.total, sum(c.width for c in columns))], SIZE))
    page_setup(sheet, True, (HEADER_ROW, HEADER_ROW), True)
    sheet.print_area(0, 0, row, width - 1)
    sheet.freeze_panes(HEADER_ROW + 1, 0)


def _cell(sheet: Any, row: int, c: int, column: Column, value: object, style: Styles) -> None:
    kind = "text" if column.kind == "text" else "cell"
    if is_missing(value) or value == "":
        sheet.write_blank(row, c, None, style(kind, SIZE))
    elif column.kind in ("money", "number") and (number := parse_amount(str(value)).value) is not None:
        sheet.write_number(row, c, number, style(column.kind, SIZE))
    else:
        sheet.write_string(row, c, str(value), style(kind, SIZE))
