"""The problem report: one row per problem, with where it is, what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from asxh_cli.io.xlsx import Sheet, write_workbook
from asxh_cli.messages import pick
from asxh_cli.problems import ERROR, REPAIR, WARNING, severity_label

_ORDER = {ERROR: 0, WARNING: 1, REPAIR: 2}


def problem_table(problems: pd.DataFrame, include_repairs: bool = True) -> pd.DataFrame:
    """Problems with Vietnamese headers, errors first, then by file, sheet and row."""
    rows = problems if include_repairs else problems[problems["severity"] != REPAIR]
    rows = rows.assign(_order=rows["severity"].map(_ORDER)).sort_values(
        ["_order", "source_file", "source_sheet", "source_row"], kind="stable"
    )
    return pd.DataFrame(
        {
            pick("Tệp", "File"): rows["source_file"],
            pick("Sheet", "Sheet"): rows["source_sheet"],
            pick("Dòng", "Row"): rows["source_row"],
            pick("Cột", "Column"): rows["column"],
            pick("Giá trị trong tệp", "Value as written"): rows["value"],
            pick("Mức độ", "Severity"): rows["severity"].map(severity_label),
            pick("Quy tắc", "Rule"): rows["code"],
            pick("Giải thích và cách sửa", "What is wrong and how to fix it"): rows["detail"],
        }
    )


def problem_counts(problems: pd.DataFrame) -> pd.DataFrame:
    """Counts per rule and severity, errors first."""
    if problems.empty:
        return pd.DataFrame(columns=["severity", "code", "count", "detail"])
    counts = problems.groupby(["severity", "code"], sort=False).agg(count=("code", "size"), detail=("detail", "first"))
    counts = counts.reset_index()
    counts["_order"] = counts["severity"].map(_ORDER)
    return counts.sort_values(["_order", "count"], ascending=[True, False]).drop(columns="_order")


def write_problem_report(problems: pd.DataFrame, path: Path) -> None:
    """The error workbook of `asxh validate --report`."""
    table = problem_table(problems)
    title = pick("DANH SÁCH LỖI VÀ CẢNH BÁO CỦA DANH SÁCH", "ERRORS AND WARNINGS IN THE LISTS")
    value_header = pick("Giá trị trong tệp", "Value as written")
    write_workbook(path, [Sheet(pick("Lỗi", "Problems"), table, title, text_columns=[value_header])])
