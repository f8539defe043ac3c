"""The weekly progress report for the commune/ward police: counts, non-cash share, change since last time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from asxh_cli.contract import Result, Status
from asxh_cli.io.writer import atomic_path
from asxh_cli.io.xlsx import FIXED_CREATED
from asxh_cli.payout import assign_lists
from asxh_cli.rules import Rules

NON_CASH = {"TK_CHINH_CHU", "TK_UY_QUYEN", "VI_DIEN_TU"}
COMMUNE, TOTAL, MATCHED, REVIEW, NOT_FOUND, DEAD = (
    "Xã/Phường",
    "Tổng số",
    "Khớp",
    "Cần xác minh",
    "Không tìm thấy",
    "Đã chết",
)
NON_CASH_COUNT, SHARE = "Không dùng tiền mặt", "Tỷ lệ không dùng tiền mặt (%)"


@dataclass
class WeeklyReport:
    by_commune: pd.DataFrame
    detail: pd.DataFrame


def _communes(frame: pd.DataFrame) -> pd.Series:
    return frame["commune"].fillna("(chưa rõ)")


def weekly_report(frame: pd.DataFrame, rules: Rules, previous: pd.DataFrame | None = None) -> WeeklyReport:
    """Counts per commune (and commune × category × method); with `previous`, the change since then."""
    assigned = assign_lists(frame, rules).frame
    assigned["commune_label"] = _communes(assigned)
    method_names = {m.code: m.short for m in rules.methods}
    living = assigned["register_status"] != Status.DEAD
    assigned["non_cash"] = assigned["method_code"].isin(NON_CASH) & living
    grouped = assigned.groupby("commune_label", sort=True)
    by_commune = pd.DataFrame(
        {
            TOTAL: grouped.size(),
            MATCHED: grouped["result"].apply(lambda s: int((s == Result.MATCHED).sum())),
            REVIEW: grouped["result"].apply(lambda s: int((s == Result.REVIEW).sum())),
            NOT_FOUND: grouped["result"].apply(lambda s: int((s == Result.NOT_FOUND).sum())),
            DEAD: grouped["register_status"].apply(lambda s: int((s == Status.DEAD).sum())),
            NON_CASH_COUNT: grouped["non_cash"].sum().astype(int),
        }
    )
    living_count = grouped.apply(lambda g: int((g["register_status"] != Status.DEAD).sum()), include_groups=False)
    by_commune[SHARE] = (100 * by_commune[NON_CASH_COUNT] / living_count.clip(lower=1)).round(1)
    by_commune.index.name = COMMUNE
    by_commune = by_commune.reset_index()
    if previous is not None:
        before = weekly_report(previous, rules).by_commune.set_index(COMMUNE)
        for column in (TOTAL, MATCHED, NON_CASH_COUNT, SHARE):
            change = by_commune[column] - by_commune[COMMUNE].map(before[column]).fillna(0)
            by_commune[f"Thay đổi: {column}"] = change.round(1)
    detail = (
        assigned.assign(
            method=assigned["method_code"].map(method_names).fillna("(chưa rõ)"),
            category_label=assigned["category"].fillna("(chưa rõ)"),
        )
        .groupby(["commune_label", "category_label", "method"])
        .size()
        .rename("Số người")
        .reset_index()
        .rename(columns={"commune_label": COMMUNE, "category_label": "Đối tượng", "method": "Phương thức nhận"})
    )
    return WeeklyReport(by_commune, detail)


def write_report(report: WeeklyReport, path: Path, title: str) -> None:
    """Workbook with the per-commune table, a native bar chart of the non-cash share, and the detail table."""
    with atomic_path(path) as temp:
        book = xlsxwriter.Workbook(str(temp), {"strings_to_formulas": False, "in_memory": True})
        book.set_properties({"created": FIXED_CREATED})
        bold = book.add_format({"font_name": "Times New Roman", "bold": True, "border": 1, "text_wrap": True})
        cell = book.add_format({"font_name": "Times New Roman", "border": 1})
        heading = book.add_format({"font_name": "Times New Roman", "bold": True, "font_size": 14})
        for name, table in (("Tổng hợp", report.by_commune), ("Chi tiết", report.detail)):
            sheet = book.add_worksheet(name)
            sheet.write_string(0, 0, title, heading)
            for c, column in enumerate(table.columns):
                sheet.write_string(2, c, str(column), bold)
                sheet.set_column(c, c, max(12, min(40, len(str(column)) + 2)))
            for r, values in enumerate(table.itertuples(index=False), start=3):
                for c, value in enumerate(values):
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        sheet.write_number(r, c, float(value), cell)
                    else:
                        sheet.write_string(r, c, str(value), cell)
            if name == "Tổng hợp" and len(table):
                share_col = list(table.columns).index(SHARE)
                chart = book.add_chart({"type": "bar"})
                chart.add_series(
                    {
                        "name": SHARE,
                        "categories": [name, 3, 0, 2 + len(table), 0],
                        "values": [name, 3, share_col, 2 + len(table), share_col],
                        "data_labels": {"value": True},
                    }
                )
                chart.set_title({"name": "Tỷ lệ người nhận không dùng tiền mặt theo xã/phường"})
                chart.set_x_axis({"min": 0, "max": 100, "name": "%"})
                chart.set_legend({"none": True})
                sheet.insert_chart(5 + len(table), 0, chart, {"x_scale": 1.5, "y_scale": 1.2})
        book.close()
