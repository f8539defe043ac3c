"""Find the table inside a government sheet: header row(s), column meaning, and which rows are people."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from asxh_cli.errors import InputError
from asxh_cli.io.grid import Cell, SheetGrid
from asxh_cli.normalize.text import fold
from asxh_cli.rules import Rules

HEADER_SCAN_ROWS = 40
PROVENANCE = ("source_file", "source_sheet", "source_row")
SEX_FROM_LAYOUT = "sex_from_layout"
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,3}|[a-z]{1,2})\s*\)?$")
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_ROMAN_OR_LETTER = re.compile(r"^([ivxlc]+|[a-z])\s*[.)]\s|^[ivxlc]+$")


@dataclass(frozen=True)
class Column:
    """How one sheet column was understood."""

    index: int
    header: str
    field: str | None  # canonical field, or None when kept as an extra column
    sex: str | None = None  # "Nam"/"Nữ" for the birth-date-by-sex layout

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class SheetTable:
    """A sheet's people as a DataFrame of raw text, plus what was understood and skipped."""

    file: str
    sheet: str
    header_rows: tuple[int, ...]
    columns: list[Column]
    data: pd.DataFrame
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_rows: dict[str, list[int]] = field(default_factory=dict)
    encoding: str | None = None


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _filled_header(grid: SheetGrid, limit: int) -> list[list[str]]:
    """First `limit` rows as folded text, merged ranges filled with their top-left value."""
    width = max((len(r) for r in grid.rows[:limit]), default=0)
    view = [[fold(c) if c else "" for c in row] + [""] * (width - len(row)) for row in grid.rows[:limit]]
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= limit:
            continue
        value = view[r0][c0] if c0 < width else ""
        for r in range(r0, min(r1, limit - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                view[r][c] = value
    return view


def _raw_filled(grid: SheetGrid, limit: int) -> list[list[str]]:
    width = max((len(r) for r in grid.rows[:limit]), default=0)
    view = [[(c or "").strip() for c in row] + [""] * (width - len(row)) for row in grid.rows[:limit]]
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= limit or c0 >= width:
            continue
        for r in range(r0, min(r1, limit - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                view[r][c] = view[r0][c0]
    return view


def _field_of(label: str, rules: Rules, overrides: dict[str, str]) -> str | None:
    return overrides.get(label) or rules.column_aliases.get(label)


def _score_row(row: list[str], rules: Rules, overrides: dict[str, str]) -> int:
    found = {_field_of(c, rules, overrides) for c in row if c}
    found.discard(None)
    if not found & {"full_name", "national_id"}:
        return 0
    return len(found)


def _is_column_number_row(cells: list[Cell]) -> bool:
    values = [fold(c) for c in cells if c and c.strip()]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(v) for v in values)


def _resolve_columns(
    upper: list[str],
    lower: list[str] | None,
    raw_upper: list[str],
    raw_lower: list[str] | None,
    rules: Rules,
    overrides: dict[str, str],
) -> list[Column]:
    columns: list[Column] = []
    taken: set[str] = set()
    seen_upper: set[str] = set()
    for i, up in enumerate(upper):
        low = lower[i] if lower is not None else ""
        low = "" if low == up else low
        raw_low = raw_lower[i] if raw_lower is not None and low else ""
        header = " - ".join(x for x in (raw_upper[i], raw_low) if x)
        up_field = _field_of(up, rules, overrides)
        sex = rules.sex_subcolumns.get(low) if low else None
        chosen: str | None
        if up_field == "birth_date" and sex:
            columns.append(Column(i, header, "birth_date", sex))
            continue
        if low:
            chosen = _field_of(low, rules, overrides) or _field_of(f"{up} {low}", rules, overrides)
            if chosen is None and up_field and up not in seen_upper:
                chosen = up_field
        else:
            chosen = up_field
        if up:
            seen_upper.add(up)
        if chosen in taken:
            chosen = None
        if chosen:
            taken.add(chosen)
        if header or chosen:
            columns.append(Column(i, header or rules.field_labels.get(chosen or "", ""), chosen))
    return columns


def _find_header(grid: SheetGrid, rules: Rules, overrides: dict[str, str]) -> tuple[int, bool, list[list[str]]]:
    limit = min(HEADER_SCAN_ROWS, len(grid.rows))
    view = _filled_header(grid, limit + 1)
    scores = [_score_row(row, rules, overrides) for row in view[:limit]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i), default=0)
    if not scores or scores[best] == 0:
        raise InputError("sheet.no_header", file=grid.file.name, sheet=grid.sheet, rows=HEADER_SCAN_ROWS)
    two_level = False
    if best + 1 < len(view) and not _is_column_number_row(grid.rows[best + 1]):
        upper, lower = view[best], view[best + 1]
        name_cols = [i for i, c in enumerate(upper) if _field_of(c, rules, overrides) == "full_name"]
        sub_labels = [
            c
            for i, c in enumerate(lower)
            if c
            and c != upper[i]
            and (
                (c in rules.sex_subcolumns and _field_of(upper[i], rules, overrides) == "birth_date")
                or _field_of(c, rules, overrides)
            )
        ]
        name_free = all(not lower[i] or lower[i] == upper[i] for i in name_cols)
        looks_like_data = any(sum(ch.isdigit() for ch in (c or "")) >= 4 for c in grid.rows[best + 1])
        two_level = bool(sub_labels) and name_free and not looks_like_data
    return best, two_level, view


def _matches(text: str, markers: tuple[str, ...]) -> bool:
    return any(text == m or text.startswith(m + " ") for m in markers)


def _classify(cells: list[Cell], by_field: dict[str, list[int]], rules: Rules, in_footer: bool) -> str | None:
    """Why a row is not a person (blank/total/signature/heading/column_numbers), or None for a person."""
    filled = [(i, c.strip()) for i, c in enumerate(cells) if c and c.strip()]
    if not filled:
        return "blank"

    def digits(name: str) -> int:
        """Digits in the field's cell when the cell is mostly digits (an ID or a date, not a sentence)."""
        best = 0
        for i in by_field.get(name, []):
            text = (cells[i] or "").replace(" ", "") if i < len(cells) else ""
            count = sum(ch.isdigit() for ch in text)
            if text and count >= 0.6 * len(text):
                best = max(best, count)
        return best

    has_id = digits("national_id") >= 6
    identity = has_id or digits("birth_date") >= 2
    # Folding every cell of 100k rows is costly; only rows without an ID can be totals or signatures.
    folded = [fold(text) for _, text in filled] if not has_id else []
    if not identity and any(_matches(f, rules.row_markers["total"]) for f in folded[:4]):
        return "total"
    if not has_id and any(_matches(f, rules.row_markers["signature"]) or _DATE_LINE.search(f) for f in folded):
        return "signature"
    if in_footer and not identity:
        return "signature"
    if len(filled) == 1 and not identity:
        index, text = filled[0]
        name_cols = by_field.get("full_name", [])
        if text.replace(" ", "").isdigit():
            return None
        if (
            index not in name_cols
            or _ROMAN_OR_LETTER.match(folded[0])
            or _matches(folded[0], rules.row_markers["heading"])
        ):
            return "heading"
    if all(len(text) <= 5 for _, text in filled) and _is_column_number_row(cells):
        return "column_numbers"
    return None


def parse_sheet(grid: SheetGrid, rules: Rules, overrides: dict[str, str] | None = None) -> SheetTable:
    """Detect the header of `grid` and return its people rows with provenance."""
    overrides = overrides or {}
    if not any(any(c and c.strip() for c in row) for row in grid.rows):
        raise InputError("sheet.empty", file=grid.file.name, sheet=grid.sheet)
    header, two_level, view = _find_header(grid, rules, overrides)
    raw_view = _raw_filled(grid, min(len(grid.rows), HEADER_SCAN_ROWS + 1))
    lower = view[header + 1] if two_level else None
    raw_lower = raw_view[header + 1] if two_level else None
    columns = _resolve_columns(view[header], lower, raw_view[header], raw_lower, rules, overrides)
    first_data = header + (2 if two_level else 1)
    header_rows = tuple(range(header + 1, first_data + 1))

    by_field: dict[str, list[int]] = {}
    for col in columns:
        if col.field:
            by_field.setdefault(col.field, []).append(col.index)
    skipped: Counter[str] = Counter()
    skipped_rows: dict[str, list[int]] = {}
    kept: list[list[Cell]] = []
    kept_rows: list[int] = []
    in_footer = False
    for r in range(first_data, len(grid.rows)):
        cells = grid.rows[r]
        reason = _classify(cells, by_field, rules, in_footer)
        if reason == "signature":
            in_footer = True
        if reason:
            skipped[reason] += 1
            skipped_rows.setdefault(reason, []).append(r + 1)
            continue
        kept.append(cells)
        kept_rows.append(r + 1)

    labelled = {c.index for c in columns}
    width = max((len(row) for row in kept), default=0)
    for index in range(width):
        if index not in labelled and any(index < len(row) and row[index] not in (None, "") for row in kept):
            columns.append(Column(index, f"Cột {column_letter(index)}", None))
    columns.sort(key=lambda c: c.index)
    data = _frame(columns, kept, kept_rows, grid)
    return SheetTable(grid.file.name, grid.sheet, header_rows, columns, data, skipped, skipped_rows, grid.encoding)


def _frame(columns: list[Column], rows: list[list[Cell]], row_numbers: list[int], grid: SheetGrid) -> pd.DataFrame:
    def column_values(index: int) -> list[Cell]:
        return [row[index] if index < len(row) else None for row in rows]

    frame: dict[str, list[Cell]] = {}
    sex_split = [c for c in columns if c.sex]
    for col in columns:
        if col.sex:
            continue
        name = col.field or col.header
        if name in frame:  # two extra columns with the same header text
            name = f"{name} ({col.letter})"
        frame[name] = column_values(col.index)
    if sex_split:
        births: list[Cell] = []
        sexes: list[Cell] = []
        per_sex = [(c.sex, column_values(c.index)) for c in sex_split]
        for i in range(len(rows)):
            present = [(sex, values[i]) for sex, values in per_sex if values[i] not in (None, "")]
            births.append(" | ".join(v for _, v in present if v) or None)
            sexes.append(present[0][0] if len(present) == 1 else None)
        frame["birth_date"] = births
        frame[SEX_FROM_LAYOUT] = sexes
    frame["source_file"] = [grid.file.name] * len(rows)
    frame["source_sheet"] = [grid.sheet] * len(rows)
    frame["source_row"] = row_numbers
    data = pd.DataFrame(frame, dtype=object)
    data["source_row"] = data["source_row"].astype("int64")
    return data
