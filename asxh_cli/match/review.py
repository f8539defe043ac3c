"""The review round trip: read the reviewer's `Quyết định` column back and apply it on the next run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from asxh_cli.contract import RowKey, key_label, row_fingerprints, row_key
from asxh_cli.errors import InputError
from asxh_cli.io.grid import read_excel_grids
from asxh_cli.match.engine import MATCHED, NOT_FOUND, MatchResult
from asxh_cli.messages import pick
from asxh_cli.normalize.text import fold
from asxh_cli.rules import Rules

DECISION_COLUMN = "Quyết định"
REVIEW_SHEET = "Cần xác minh"
KEY_COLUMNS = ("Tệp gốc", "Sheet gốc", "Dòng gốc")
CHECK_COLUMN = "Mã kiểm tra"
_NONE_WORDS = {"khong", "khong co", "khong phai", "k", "no", "none", "0", "khong tim thay"}


@dataclass(frozen=True)
class Decision:
    """A reviewer's choice for one row: a register ID, or None for 'none of them'; with the row's check code."""

    national_id: str | None
    row: int  # row in the reviewed workbook, for messages
    check_code: str | None = None


@dataclass
class ReviewRead:
    decisions: dict[RowKey, Decision]
    problems: list[str]


def read_decisions(path: Path) -> ReviewRead:
    """Decisions from a filled-in `Cần xác minh` sheet: a 12-digit ID, a candidate number (1–3) or 'Không'."""
    try:  # only the review sheet is read: a result workbook of 100k rows holds millions of other cells
        grids = [g for g in read_excel_grids(path, REVIEW_SHEET) if not g.hidden]
    except InputError as error:
        if error.key != "sheet.missing":
            raise
        grids = []
    if not grids:
        raise InputError("review.no_sheet", file=path.name, sheet=REVIEW_SHEET)
    rows = grids[0].rows
    header_at = next((i for i, row in enumerate(rows) if DECISION_COLUMN in [c for c in row if c]), None)
    if header_at is None:
        raise InputError("review.no_column", file=path.name, sheet=REVIEW_SHEET, column=DECISION_COLUMN)
    header = [(c or "").strip() for c in rows[header_at]]
    where = {name: header.index(name) for name in (*KEY_COLUMNS, CHECK_COLUMN, DECISION_COLUMN) if name in header}
    if any(name not in where for name in KEY_COLUMNS):
        raise InputError("review.no_column", file=path.name, sheet=REVIEW_SHEET, column=", ".join(KEY_COLUMNS))
    candidate_ids = [
        i for i, name in enumerate(header) if name.startswith("Ứng viên") and name.endswith("số định danh")
    ]
    decisions: dict[RowKey, Decision] = {}
    problems: list[str] = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = row + [None] * (len(header) - len(row))
        value = (cells[where[DECISION_COLUMN]] or "").strip()
        if not value:
            continue
        try:
            key = row_key(cells[where["Tệp gốc"]], cells[where["Sheet gốc"]], cells[where["Dòng gốc"]])
        except (TypeError, ValueError):
            problems.append(pick(f"dòng {offset}: thiếu Tệp gốc/Sheet gốc/Dòng gốc", f"row {offset}: missing key"))
            continue
        check = (cells[where[CHECK_COLUMN]] or "").strip() or None if CHECK_COLUMN in where else None
        digits = "".join(ch for ch in value if ch.isdigit())
        if fold(value) in _NONE_WORDS:
            decisions[key] = Decision(None, offset, check)
        elif len(digits) in (11, 12) and len(digits) >= len(value.replace(" ", "")) - 1:
            decisions[key] = Decision(digits.zfill(12), offset, check)
        elif value.isdigit() and 1 <= int(value) <= len(candidate_ids):
            chosen = cells[candidate_ids[int(value) - 1]]
            if chosen:
                decisions[key] = Decision(str(chosen).zfill(12), offset, check)
            else:
                problems.append(
                    pick(f"dòng {offset}: ứng viên {value} không có", f"row {offset}: no candidate {value}")
                )
        else:
            problems.append(
                pick(
                    f"dòng {offset}: không hiểu quyết định '{_masked(value)}' (ghi số định danh 12 số, số thứ tự ứng viên, hoặc 'Không')",
                    f"row {offset}: decision '{_masked(value)}' not understood (write a 12-digit ID, a candidate number, or 'Không')",
                )
            )
    return ReviewRead(decisions, problems)


def apply_decisions(
    result: MatchResult, data: pd.DataFrame, register: pd.DataFrame, review: ReviewRead, rules: Rules
) -> tuple[MatchResult, list[str]]:
    """Override decisions for reviewed rows, each only after two checks, else reported and not applied:
    the row still holds the person who was reviewed (check code), and a chosen register person agrees with
    the row on name and birth date like any candidate must."""
    decisions = result.decisions.copy()
    problems = list(review.problems)
    position_of = {id_: i for i, id_ in enumerate(register["national_id"])}
    codes = row_fingerprints(data)
    keys = [row_key(*k) for k in zip(data["source_file"], data["source_sheet"], data["source_row"], strict=True)]
    elsewhere = len(set(review.decisions) - set(keys))
    if elsewhere:
        problems.append(
            pick(
                f"{elsewhere} quyết định chỉ tới dòng không có trong lần chạy này (tệp khác, hoặc tệp đã đổi tên hay "
                "chuyển thư mục): không được áp dụng; hãy chạy với đúng các tệp đã rà soát",
                f"{elsewhere} decisions point to rows not in this run (another file, or a file renamed or moved): "
                "not applied; run with the files that were reviewed",
            )
        )
    for b, key in enumerate(keys):
        chosen = review.decisions.get(key)
        if chosen is None:
            continue
        where = pick(f"dòng {chosen.row} ({key_label(key)})", f"row {chosen.row} ({key_label(key)})")
        if chosen.check_code != codes[b]:
            problems.append(
                pick(
                    f"{where}: người ở dòng gốc này đã khác người được rà soát (mã kiểm tra không khớp); quyết định không được áp dụng, hãy rà soát lại",
                    f"{where}: the source row now holds someone else than the person reviewed (check code differs); decision not applied, review again",
                )
            )
            continue
        if chosen.national_id is None:
            decisions.loc[b, ["result", "r", "score"]] = [NOT_FOUND, np.nan, 0.0]
            decisions.loc[b, "reason"] = pick(
                "người rà soát xác nhận: không có trong CSDLQG", "reviewer confirmed: not in the register"
            )
            continue
        r = position_of.get(chosen.national_id)
        if r is None:
            problems.append(
                pick(
                    f"{where}: số định danh đã chọn không có trong CSDLQG",
                    f"{where}: the chosen ID is not in the register",
                )
            )
            continue
        refusal = _disagreement(data.iloc[b], register.iloc[r], rules)
        if refusal:
            problems.append(
                pick(
                    f"{where}: không áp dụng — người có số định danh đã chọn {refusal[0]}",
                    f"{where}: not applied — the person with the chosen ID {refusal[1]}",
                )
            )
            continue
        decisions.loc[b, ["result", "r", "score"]] = [MATCHED, r, decisions.at[b, "score"]]
        decisions.loc[b, "reason"] = pick("người rà soát đã xác nhận đúng người", "confirmed by the reviewer")
    return MatchResult(decisions, result.candidates), problems


def _masked(text: str) -> str:
    """A decision as typed, with every run of 6 or more digits masked (it may be someone's ID)."""
    return re.sub(r"\d{6,}", lambda m: m.group()[:3] + "*" * (len(m.group()) - 5) + m.group()[-2:], text)


def _disagreement(row: pd.Series, person: pd.Series, rules: Rules) -> tuple[str, str] | None:
    """Why a reviewer's chosen register person cannot be the person on the row (None when they agree)."""
    ours_name, theirs_name = row.get("name_key"), person.get("name_key")
    similarity = fuzz.token_sort_ratio(
        "" if pd.isna(ours_name) else str(ours_name), "" if pd.isna(theirs_name) else str(theirs_name)
    )
    if similarity < rules.matching.name_close_similarity:
        return (f"có họ tên khác (giống {similarity:.0f}%)", f"has another name ({similarity:.0f}% alike)")
    ours = (row.get("birth_year"), row.get("birth_month"), row.get("birth_day"))
    theirs = (person.get("birth_year"), person.get("birth_month"), person.get("birth_day"))
    if pd.isna(ours[0]) or pd.isna(theirs[0]):
        return None
    if int(ours[0]) != int(theirs[0]):
        return ("có năm sinh khác", "has another birth year")
    if any(pd.isna(v) for v in (*ours[1:], *theirs[1:])):
        return None  # a year-only date on either side agrees with any date of that year
    mine, other = (int(ours[1]), int(ours[2])), (int(theirs[1]), int(theirs[2]))
    if mine not in (other, other[::-1]):
        return ("có ngày sinh khác", "has another birth date")
    return None
