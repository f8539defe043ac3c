"""The review round trip: read the reviewer's `Quyết định` column back and apply it on the next run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from asxh_cli.errors import InputError
from asxh_cli.io.grid import read_excel_grids
from asxh_cli.match.engine import MATCHED, NOT_FOUND, REVIEW, MatchResult
from asxh_cli.messages import pick
from asxh_cli.normalize.text import fold

DECISION_COLUMN = "Quyết định"
REVIEW_SHEET = "Cần xác minh"
KEY_COLUMNS = ("Tệp gốc", "Sheet gốc", "Dòng gốc")
_NONE_WORDS = {"khong", "khong co", "khong phai", "k", "no", "none", "0", "khong tim thay"}


@dataclass(frozen=True)
class Decision:
    """A reviewer's choice for one row: a register ID, or None for 'none of them'."""

    national_id: str | None
    row: int  # row in the reviewed workbook, for messages


@dataclass
class ReviewRead:
    decisions: dict[tuple[str, str, int], Decision]
    problems: list[str]


def read_decisions(path: Path) -> ReviewRead:
    """Decisions from a filled-in `Cần xác minh` sheet: a 12-digit ID, a candidate number (1–3) or 'Không'."""
    grids = [g for g in read_excel_grids(path) if g.sheet == REVIEW_SHEET]
    if not grids:
        raise InputError("review.no_sheet", file=path.name, sheet=REVIEW_SHEET)
    rows = grids[0].rows
    header_at = next((i for i, row in enumerate(rows) if DECISION_COLUMN in [c for c in row if c]), None)
    if header_at is None:
        raise InputError("review.no_column", file=path.name, sheet=REVIEW_SHEET, column=DECISION_COLUMN)
    header = [c or "" for c in rows[header_at]]
    where = {name: header.index(name) for name in (*KEY_COLUMNS, DECISION_COLUMN) if name in header}
    if len(where) < len(KEY_COLUMNS) + 1:
        raise InputError("review.no_column", file=path.name, sheet=REVIEW_SHEET, column=", ".join(KEY_COLUMNS))
    candidate_ids = [
        i for i, name in enumerate(header) if name.startswith("Ứng viên") and name.endswith("số định danh")
    ]
    decisions: dict[tuple[str, str, int], Decision] = {}
    problems: list[str] = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = row + [None] * (len(header) - len(row))
        value = (cells[where[DECISION_COLUMN]] or "").strip()
        if not value:
            continue
        try:
            key = (str(cells[where["Tệp gốc"]]), str(cells[where["Sheet gốc"]]), int(str(cells[where["Dòng gốc"]])))
        except ValueError:
            problems.append(pick(f"dòng {offset}: thiếu Tệp gốc/Sheet gốc/Dòng gốc", f"row {offset}: missing key"))
            continue
        digits = "".join(ch for ch in value if ch.isdigit())
        if fold(value) in _NONE_WORDS:
            decisions[key] = Decision(None, offset)
        elif len(digits) in (11, 12) and len(digits) >= len(value.replace(" ", "")) - 1:
            decisions[key] = Decision(digits.zfill(12), offset)
        elif value.isdigit() and 1 <= int(value) <= len(candidate_ids):
            chosen = cells[candidate_ids[int(value) - 1]]
            if chosen:
                decisions[key] = Decision(str(chosen).zfill(12), offset)
            else:
                problems.append(
                    pick(f"dòng {offset}: ứng viên {value} không có", f"row {offset}: no candidate {value}")
                )
        else:
            problems.append(
                pick(
                    f"dòng {offset}: không hiểu quyết định '{value}' (ghi số định danh 12 số, số thứ tự ứng viên, hoặc 'Không')",
                    f"row {offset}: decision '{value}' not understood (write a 12-digit ID, a candidate number, or 'Không')",
                )
            )
    return ReviewRead(decisions, problems)


def apply_decisions(
    result: MatchResult, data: pd.DataFrame, register_ids: pd.Series, review: ReviewRead
) -> tuple[MatchResult, list[str]]:
    """Override decisions for reviewed rows; a chosen ID that is not in the register is reported, not applied."""
    decisions = result.decisions.copy()
    problems = list(review.problems)
    position_of = {id_: i for i, id_ in enumerate(register_ids)}
    keys = zip(data["source_file"], data["source_sheet"], data["source_row"], strict=True)
    for b, key in enumerate(keys):
        chosen = review.decisions.get((str(key[0]), str(key[1]), int(key[2])))
        if chosen is None:
            continue
        if chosen.national_id is None:
            decisions.loc[b, ["result", "r", "score"]] = [NOT_FOUND, np.nan, 0.0]
            decisions.loc[b, "reason"] = pick(
                "người rà soát xác nhận: không có trong CSDLQG", "reviewer confirmed: not in the register"
            )
        elif chosen.national_id in position_of:
            decisions.loc[b, ["result", "r", "score"]] = [MATCHED, position_of[chosen.national_id], 100.0]
            decisions.loc[b, "reason"] = pick("người rà soát đã xác nhận đúng người", "confirmed by the reviewer")
        else:
            decisions.loc[b, "result"] = REVIEW
            problems.append(
                pick(
                    f"dòng {chosen.row}: số định danh đã chọn không có trong CSDLQG",
                    f"row {chosen.row}: the chosen ID is not in the register",
                )
            )
    return MatchResult(decisions, result.candidates), problems
