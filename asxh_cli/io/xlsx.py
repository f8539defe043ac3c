"""Formatted, formula-safe workbooks written with xlsxwriter (atomic: temp file, then rename)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

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


def new_workbook(path: Path) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook the way every output is made: strings stay strings (never formulas or links),
    built in memory (no temporary files with personal data in the system temp folder), fixed creation date."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
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
