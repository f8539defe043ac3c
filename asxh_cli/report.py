"""The weekly progress report (Wednesday) for the commune/ward police, as an official document: counts per
commune taken from the same list assignment `export` uses, the non-cash share, the change since last time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from asxh_cli.contract import Result, Status, parse_result, parse_status
from asxh_cli.export.forms import (
    HEADER_ROW,
    Styles,
    merge,
    page_setup,
    text_height,
    write_heading,
    write_signatures,
)
from asxh_cli.export.template import Heading, load_template
from asxh_cli.io.writer import atomic_path
from asxh_cli.io.xlsx import new_workbook
from asxh_cli.payout import EXCEPTION, assign_lists
from asxh_cli.rules import Rules

NON_CASH = ("TK_CHINH_CHU", "TK_UY_QUYEN", "VI_DIEN_TU")
COMMUNE, TOTAL, MATCHED, REVIEW, NOT_FOUND, DEAD, MOVED = (
    "Xã/Phường",
    "Tổng số",
    "Khớp",
    "Cần xác minh",
    "Không tìm thấy",
    "Đã chết",
    "Đã chuyển đi",
)
ON_LISTS, PENDING, EXCEPTIONS = "Trên danh sách chi trả", "Trong đó chờ khảo sát", "Ngoại lệ phải xử lý"
NON_CASH_COUNT, SHARE = "Không dùng tiền mặt", "Tỷ lệ không dùng tiền mặt (%)"
# The columns that fit a terminal; the workbook and --json have them all.
TERMINAL_COLUMNS = (COMMUNE, TOTAL, MATCHED, ON_LISTS, PENDING, EXCEPTIONS, NON_CASH_COUNT, SHARE)
WEDNESDAY = 2


@dataclass
class WeeklyReport:
    by_commune: pd.DataFrame
    detail: pd.DataFrame
    heading: Heading
    day: dt.date
    week: tuple[dt.date, dt.date]  # Thursday to the reporting Wednesday


def report_week(day: dt.date) -> tuple[dt.date, dt.date]:
    """The week a report made on `day` covers: Thursday to the Wednesday on or after `day`."""
    wednesday = day + dt.timedelta(days=(WEDNESDAY - day.weekday()) % 7)
    return wednesday - dt.timedelta(days=6), wednesday


def _counts(assigned: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per commune: results, register status, people on each list (as export writes them), the non-cash share."""
    results = assigned["result"].map(parse_result)
    status = assigned["register_status"].map(parse_status)
    pending = assigned.get("pending", pd.Series(None, index=assigned.index)).notna()
    on_list = assigned["list"] != EXCEPTION
    columns = {
        TOTAL: pd.Series(True, index=assigned.index),
        MATCHED: results == Result.MATCHED,
        REVIEW: results == Result.REVIEW,
        NOT_FOUND: results == Result.NOT_FOUND,
        DEAD: status == Status.DEAD,
        MOVED: status == Status.MOVED,
    }
    columns.update({m.short: assigned["list"] == m.code for m in rules.methods})
    columns.update(
        {
            ON_LISTS: on_list,
            PENDING: on_list & pending,
            EXCEPTIONS: ~on_list,
            NON_CASH_COUNT: assigned["list"].isin(NON_CASH),
        }
    )
    flags = pd.DataFrame(columns).astype(int)
    counts = flags.groupby(assigned["commune_label"].to_numpy(), sort=True).sum()
    counts[SHARE] = (100 * counts[NON_CASH_COUNT] / counts[ON_LISTS].clip(lower=1)).round(1)
    counts.index.name = COMMUNE
    return counts


def weekly_report(
    frame: pd.DataFrame, rules: Rules, previous: pd.DataFrame | None = None, day: dt.date | None = None
) -> WeeklyReport:
    """Counts per commune (and commune × category × list); with `previous`, the change since then."""
    assigned = assign_lists(frame, rules).frame
    assigned["commune_label"] = assigned["commune"].fillna("(chưa rõ)")
    by_commune = _counts(assigned, rules).reset_index()
    if previous is not None:
        before = weekly_report(previous, rules).by_commune.set_index(COMMUNE)
        for column in (TOTAL, MATCHED, NON_CASH_COUNT, SHARE):
            change = by_commune[column] - by_commune[COMMUNE].map(before[column]).fillna(0)
            by_commune[f"Thay đổi: {column}"] = change.round(1)
    names = {m.code: m.short for m in rules.methods} | {EXCEPTION: EXCEPTIONS}
    detail = (
        assigned.assign(
            list_label=assigned["list"].map(names),
            category_label=assigned["category"].fillna("(chưa rõ)"),
            money=pd.to_numeric(assigned["amount"], errors="coerce").fillna(0),
        )
        .groupby(["commune_label", "category_label", "list_label"])
        .agg(people=("list", "size"), money=("money", "sum"))
        .reset_index()
        .rename(
            columns={
                "commune_label": COMMUNE,
                "category_label": "Đối tượng",
                "list_label": "Danh sách",
                "people": "Số người",
                "money": "Số tiền (đồng/tháng)",
            }
        )
    )
    communes = assigned["commune"].dropna().unique()
    template = load_template(rules)
    day = day or dt.date.today()
    heading = template.heading(str(communes[0]) if len(communes) == 1 else None, template.report_signers)
    return WeeklyReport(by_commune, detail, heading, day, report_week(day))


def _table(
    sheet: object, table: pd.DataFrame, style: Styles, first_row: int, widths: dict[str, float], money: set[str]
) -> int:
    """Header, column numbers, rows and a total row; returns the total row."""
    size = 12
    for c, column in enumerate(table.columns):
        sheet.write_string(first_row, c, str(column), style("header", 10))
        sheet.write_string(first_row + 1, c, f"({c + 1})", style("index", 9))
        sheet.set_column(c, c, widths.get(str(column), 10))
    sheet.set_row(first_row, text_height([(str(c), widths.get(str(c), 10)) for c in table.columns], 10, 30))
    row = first_row + 1
    for values in table.itertuples(index=False):
        row += 1
        for c, value in enumerate(values):
            name = str(table.columns[c])
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row, c, float(value), style("money" if name in money else "number", size))
            else:
                sheet.write_string(row, c, str(value), style("cell", size))
    row += 1
    merge(sheet, row, 0, 0, "Tổng cộng", style("total", size))
    for c, column in enumerate(table.columns[1:], start=1):
        name = str(column)
        if name == SHARE:
            on_lists = table[ON_LISTS].sum() if ON_LISTS in table else 0
            value = round(100 * table[NON_CASH_COUNT].sum() / max(1, on_lists), 1)
            sheet.write_number(row, c, value, style("total", size))
        elif pd.api.types.is_numeric_dtype(table[column]) and not name.startswith("Thay đổi: Tỷ"):
            kind = "total_money" if name in money else "total"
            sheet.write_number(row, c, float(table[column].sum()), style(kind, size))
        else:
            sheet.write_blank(row, c, None, style("total", size))
    return row


def _chart_sheet(
    book: xlsxwriter.Workbook,
    style: Styles,
    table: pd.DataFrame,
    title: str,
    subtitle: str,
    end: dt.date,
    font: str,
) -> None:
    """The non-cash share per commune as a bar chart, on a sheet of its own that prints as one A4 page."""
    sheet = book.add_worksheet("Biểu đồ")
    sheet.set_column(0, 9, 12)
    merge(sheet, 0, 0, 9, title, style("title", 13))
    merge(sheet, 1, 0, 9, subtitle, style("subtitle", 12))
    share_col = list(table.columns).index(SHARE)
    rows = [HEADER_ROW + 2, HEADER_ROW + 1 + len(table)]
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": SHARE,
            "categories": ["Tổng hợp", rows[0], 0, rows[1], 0],
            "values": ["Tổng hợp", rows[0], share_col, rows[1], share_col],
            "data_labels": {"value": True, "font": {"name": font}},
        }
    )
    chart.set_title(
        {
            "name": f"Tỷ lệ người nhận không dùng tiền mặt theo xã/phường, tuần đến {end:%d/%m/%Y}",
            "name_font": {"name": font, "size": 13},
        }
    )
    chart.set_x_axis({"min": 0, "max": 100, "name": "%", "num_font": {"name": font}})
    chart.set_y_axis({"num_font": {"name": font}, "reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 860, "height": max(300, min(520, 120 + 40 * len(table)))})
    sheet.insert_chart(3, 0, chart)
    page_setup(sheet, True, None, False)
    sheet.fit_to_pages(1, 1)
    sheet.print_area(0, 0, 30, 9)


def write_report(report: WeeklyReport, path: Path, title: str) -> None:
    """Workbook: the official report per commune with totals and signatures, the non-cash chart on a page of
    its own, and the detail by category and list."""
    start, end = report.week
    subtitle = f"Tuần từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y} (báo cáo thứ Tư {end:%d/%m/%Y})"
    template_font = "Times New Roman"
    with atomic_path(path) as temp:
        book = new_workbook(temp)
        style = Styles(book, template_font)
        table = report.by_commune
        sheet = book.add_worksheet("Tổng hợp")
        commune_width = max(14, *(len(str(c)) + 3 for c in table[COMMUNE])) if len(table) else 14
        widths = {str(c): 6.5 for c in table.columns} | {COMMUNE: commune_width}
        write_heading(sheet, report.heading, len(table.columns), style, title, subtitle)
        total_row = _table(sheet, table, style, HEADER_ROW, widths, set())
        row = write_signatures(
            sheet, total_row + 2, len(table.columns), report.heading.signers, report.heading.place, report.day, style
        )
        page_setup(sheet, True, (HEADER_ROW, HEADER_ROW + 1), True)
        sheet.print_area(0, 0, row, len(table.columns) - 1)
        sheet.freeze_panes(HEADER_ROW + 2, 1)
        if len(table):
            _chart_sheet(book, style, table, title, subtitle, end, template_font)

        detail = book.add_worksheet("Chi tiết")
        columns = list(report.detail.columns)
        merge(detail, 0, 0, len(columns) - 1, f"{title} — CHI TIẾT THEO ĐỐI TƯỢNG VÀ DANH SÁCH", style("title", 13))
        detail.set_row(0, text_height([(title, 90)], 13, 20))
        merge(detail, 1, 0, len(columns) - 1, subtitle, style("subtitle", 12))
        detail_widths = {
            COMMUNE: commune_width,
            "Đối tượng": 30,
            "Danh sách": 30,
            "Số người": 10,
            "Số tiền (đồng/tháng)": 16,
        }
        _table(detail, report.detail, style, 3, detail_widths, {"Số tiền (đồng/tháng)"})
        page_setup(detail, False, (3, 4), True)
        detail.freeze_panes(5, 0)
        book.close()
