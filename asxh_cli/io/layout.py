"""Find the table inside a government sheet: header row(s), column meaning, and which rows are people.

Rows are classified by their shape: a row with a name and any person data (birth date, ID, sex, category) is a
person whatever its other cells say; totals and signatures are recognised by the label where a label goes and the
absence of person data. Every row that is not a person is kept as a `SkippedRow` with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.errors import InputError
from asxh_cli.io.grid import Cell, SheetGrid, row_of
from asxh_cli.normalize.lookup import category_index
from asxh_cli.normalize.text import fold
from asxh_cli.rules import Rules

HEADER_SCAN_ROWS = 40
CONTENT_SAMPLE_ROWS = 200
PROVENANCE = ("source_file", "source_sheet", "source_row")
SEX_FROM_LAYOUT = "sex_from_layout"
# Fields whose value merged down over several rows belongs to each of them (never money, IDs or names).
MERGE_DOWN_FIELDS = {"address", "commune", "category", "payment_method", "bank", "status", "note", None}
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,3}|[a-z]{1,2})\s*\)?(\s*[=+x*-]\s*\(?\s*(\d{1,3}|[a-z]{1,2})\s*\)?)*$")
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_NUMBERING = re.compile(r"^\(?([ivxlc]+|[a-z]|\d{1,3})\s*[.):-]\s*|^([ivxlc]+)$", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_DATE = re.compile(
    r"^\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}([ T][\d:.]+)?|\d{1,2}\s*[/.\-]\s*\d{4}"
    r"|[\s/.\-_x0]*[/.\-]\s*\d{4}|(1[89]|20)\d\d|\d{5}(\.0+)?)\s*(\(.*\))?\s*$",
    re.IGNORECASE,
)
_ID = re.compile(r"^\s*(\d[\d\s.]{7,16}\d|\d+([.,]\d+)?[eE]\+?\d+)\s*$")
_NUMBER = re.compile(r"^[\s\d.,+\-()%]+$")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SEX_WORDS = {"nam", "nu"}


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


# Why a row is not a person: code → (Vietnamese, English) as people read it.
SKIP_REASONS = {
    "blank": ("dòng trống", "blank"),
    "total": ("dòng tổng cộng", "totals"),
    "signature": ("chữ ký / ngày tháng", "signature block"),
    "heading": ("tiêu đề / tiêu đề nhóm", "title or group heading"),
    "column_numbers": ("dòng đánh số cột", "column numbers"),
    "hidden": ("dòng bị ẩn trong Excel", "row hidden in Excel"),
}


@dataclass(frozen=True)
class SkippedRow:
    """A non-empty row under the header that was not read as a person, and why.

    `reason` is one of total / signature / heading / column_numbers / hidden; `detail` says more (e.g. numbers_only,
    sub_header, repeated_header, after_signature, marker text); `looks_like_person` is True when the row holds a
    name-like cell and a birth date or ID; `text` is the row's non-empty cells joined by " | " (personal data:
    write it to workbooks, never to the terminal).
    """

    file: str
    sheet: str
    row: int  # Excel row number (1-based)
    reason: str
    detail: str
    looks_like_person: bool
    text: str


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
    skipped_list: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # columns whose meaning was settled by content, and why


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_key(label: str) -> str:
    """Folded header text: CamelCase and snake_case split, bracketed units dropped, line breaks as spaces."""
    chars = [label[0]] if label else []
    for before, ch in pairwise(label):
        chars.append(" " + ch if before.islower() and ch.isupper() else ch)
    text = "".join(chars).replace("_", " ")
    return fold(_PARENS.sub(" ", text)) or fold(text)


class _Headers:
    """Header text → canonical field: exact alias, folded/run-together spelling, or a known head plus a qualifier."""

    def __init__(self, aliases: dict[str, str], overrides: dict[str, str]) -> None:
        self.exact = {**aliases, **overrides}
        compact: dict[str, str | None] = {}
        for alias, name in self.exact.items():
            key = alias.replace(" ", "")
            compact[key] = name if compact.get(key, name) == name else None
        self.compact = {k: v for k, v in compact.items() if v}
        # heads usable with a qualifier after them: several words, or one long word (not "xa", "tt", "dien")
        heads = [a for a in self.exact if " " in a or len(a) >= 6 or a in ("cccd", "cmnd", "cmt")]
        self.heads = sorted(heads, key=len, reverse=True)
        self._cache: dict[str, str | None] = {}

    def field_of(self, label: str) -> str | None:
        """The canonical field a header cell names, or None."""
        if not label or not label.strip():
            return None
        if label not in self._cache:
            self._cache[label] = self._find(label)
        return self._cache[label]

    def _find(self, label: str) -> str | None:
        folded = fold(label)
        if folded in self.exact:
            return self.exact[folded]
        key = header_key(label)
        if key in self.exact:
            return self.exact[key]
        if key.replace(" ", "") in self.compact:
            return self.compact[key.replace(" ", "")]
        for head in self.heads:
            if key.startswith(head + " "):
                return self.exact[head]
        return None


def _filled(grid: SheetGrid, start: int, stop: int) -> list[list[str]]:
    """Rows start..stop-1 as stripped text, merged ranges filled with their top-left value."""
    rows = [grid.row(r) for r in range(start, min(stop, len(grid.cells)))]
    width = max((len(r) for r in rows), default=0)
    view = [[(c or "").strip() for c in row] + [""] * (width - len(row)) for row in rows]
    for r0, c0, r1, c1 in grid.merged:
        if r0 < start or r0 >= start + len(view) or c0 >= width:
            continue
        value = view[r0 - start][c0]
        for r in range(r0 - start, min(r1 - start, len(view) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                view[r][c] = value
    return view


def _score_row(row: list[str], headers: _Headers) -> int:
    found = {headers.field_of(c) for c in row if c}
    found.discard(None)
    if not found & {"full_name", "national_id"}:
        return 0
    return len(found)


def _is_column_number_row(cells: list[Cell] | list[str]) -> bool:
    values = [fold(c) for c in cells if c and c.strip()]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(v) for v in values)


def _resolve_columns(
    upper: list[str], lower: list[str] | None, rules: Rules, headers: _Headers, notes: list[str]
) -> list[Column]:
    """Columns with their field; a second column naming a field already taken is kept as extra, with a note."""
    columns: list[Column] = []
    taken: set[str] = set()
    seen_upper: set[str] = set()
    for i, up in enumerate(upper):
        low = lower[i] if lower is not None else ""
        low = "" if low == up else low
        header = " - ".join(x for x in (up, low) if x)
        up_field = headers.field_of(up)
        sex = rules.sex_subcolumns.get(fold(low)) if low else None
        chosen: str | None
        if up_field == "birth_date" and sex:
            columns.append(Column(i, header, "birth_date", sex))
            continue
        if low:
            chosen = headers.field_of(low) or headers.field_of(f"{up} {low}")
            if chosen is None and up_field and up not in seen_upper:
                chosen = up_field
        else:
            chosen = up_field
        if up:
            seen_upper.add(up)
        if chosen in taken:
            notes.append(f"{column_letter(i)} '{header}': {chosen} (đã có cột khác, giữ làm cột thêm / already taken)")
            chosen = None
        if chosen:
            taken.add(chosen)
        if header or chosen:
            columns.append(Column(i, header or rules.field_labels.get(chosen or "", ""), chosen))
    return columns


def _find_header(grid: SheetGrid, rules: Rules, headers: _Headers) -> tuple[int, bool, list[list[str]]]:
    """(header row index, whether a second header row follows, filled view of the first rows)."""
    limit = min(HEADER_SCAN_ROWS, len(grid.cells))
    view = _filled(grid, 0, limit + 1)
    scores = [_score_row(row, headers) for row in view[:limit]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i), default=0)
    if not scores or scores[best] == 0:
        raise InputError("sheet.no_header", file=grid.file.name, sheet=grid.sheet, rows=HEADER_SCAN_ROWS)
    two_level = False
    if best + 1 < len(view) and not _is_column_number_row(view[best + 1]):
        upper, lower = view[best], view[best + 1]
        name_cols = [i for i, c in enumerate(upper) if headers.field_of(c) == "full_name"]
        sub_labels = [
            c
            for i, c in enumerate(lower)
            if c
            and c != upper[i]
            and (
                (fold(c) in rules.sex_subcolumns and headers.field_of(upper[i]) == "birth_date") or headers.field_of(c)
            )
        ]
        name_free = all(not lower[i] or lower[i] == upper[i] for i in name_cols)
        raw_next = grid.row(best + 1) if best + 1 < len(grid.cells) else []
        looks_like_data = any(sum(ch.isdigit() for ch in (c or "")) >= 4 for c in raw_next)
        two_level = bool(sub_labels) and name_free and not looks_like_data
    return best, two_level, view


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _settle_by_content(columns: list[Column], grid: SheetGrid, first: int) -> tuple[list[Column], list[str]]:
    """Use what the columns hold to settle doubt: 12-digit numbers are the personal ID, Nam/Nữ is the sex."""
    sample = [grid.row(r) for r in range(first, min(first + CONTENT_SAMPLE_ROWS, len(grid.cells)))]

    def share(index: int, test: object, least: int = 1) -> float:
        values = [(row[index] or "").strip() for row in sample if index < len(row) and row[index]]
        values = [v for v in values if v]
        return sum(1 for v in values if test(v)) / len(values) if len(values) >= least else 0.0  # type: ignore[operator]

    def twelve(v: str) -> bool:
        return len(_digits(v)) == 12 and bool(_ID.match(v))

    notes: list[str] = []
    by_field = {c.field: c for c in columns if c.field and not c.sex}
    national, old = by_field.get("national_id"), by_field.get("old_id")
    result = list(columns)
    if old is not None and share(old.index, twelve) >= 0.8:
        if national is None:
            result[result.index(old)] = Column(old.index, old.header, "national_id")
            notes.append(f"{old.letter}: national_id (12 chữ số / 12 digits)")
        elif share(national.index, twelve) < 0.5:
            result[result.index(old)] = Column(old.index, old.header, "national_id")
            result[result.index(national)] = Column(national.index, national.header, "old_id")
            notes.append(f"{old.letter}↔{national.letter}: national_id/old_id (12 chữ số / 12 digits)")
    if "sex" not in by_field:
        for i, col in enumerate(result):
            if col.field is None and share(col.index, lambda v: fold(v) in _SEX_WORDS, 3) >= 0.9:
                result[i] = Column(col.index, col.header, "sex")
                notes.append(f"{col.letter}: sex (Nam/Nữ)")
                break
    return result, notes


class _Sheet:
    """A working copy of a grid's cells (rows × the sheet columns it holds) that merged values are filled into."""

    def __init__(self, cells: np.ndarray, columns: np.ndarray, lengths: np.ndarray) -> None:
        self.cells = cells
        self.columns = columns
        self.lengths = lengths

    @classmethod
    def of(cls, grid: SheetGrid) -> _Sheet:
        return cls(grid.cells.copy(), grid.columns, grid.lengths.copy())

    def take(self, rows: np.ndarray) -> _Sheet:
        """Only the given rows (a copy)."""
        return _Sheet(self.cells[rows], self.columns, self.lengths[rows])

    def column(self, index: int, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Sheet column `index` of the given rows (a view where the sheet holds the column, else all None)."""
        at = int(np.searchsorted(self.columns, index))
        if at < len(self.columns) and self.columns[at] == index:
            return self.cells[rows, at]
        count = len(rows) if isinstance(rows, np.ndarray) else len(range(len(self.cells))[rows])
        return np.full(count, None, dtype=object)

    def row(self, index: int) -> list[Cell]:
        return row_of(self.cells[index], self.columns, int(self.lengths[index]))

    def merge_down(self, merged: list[tuple[int, int, int, int]], first: int, columns: list[Column]) -> None:
        """A value merged down over several data rows applies to each of those rows (context fields only)."""
        fields = {c.index: c.field for c in columns}
        height = len(self.cells)
        for r0, c0, r1, _c1 in merged:
            if r0 < first or r1 <= r0 or r0 >= height or fields.get(c0) not in MERGE_DOWN_FIELDS:
                continue
            value = self.column(c0)[r0]
            if value in (None, ""):
                continue
            below = self.column(c0, slice(r0 + 1, min(r1, height - 1) + 1))
            below[_empty(below)] = value
            lengths = self.lengths[r0 + 1 : min(r1, height - 1) + 1]
            np.maximum(lengths, c0 + 1, out=lengths)


def _empty(values: np.ndarray) -> np.ndarray:
    """Where an array of cells holds None or ""."""
    return np.equal(values, None) | np.equal(values, "")


def _stripped(values: np.ndarray) -> np.ndarray:
    """Each cell stripped of spaces, None where it is empty or only spaces (as `_Classifier._values` reads them)."""
    out = np.empty(len(values), dtype=object)
    out[:] = [v.strip() or None if v else None for v in values.tolist()]
    return out


def _holds(values: np.ndarray, test: Callable[[str], object], repeated: bool = True) -> np.ndarray:
    """Whether `test` holds for each value (False for None), asked once per distinct value when values repeat."""
    out = np.zeros(len(values), dtype=bool)
    present = np.flatnonzero(np.not_equal(values, None))
    if present.size and not repeated:  # IDs: nearly all distinct, finding the distinct ones costs more than it saves
        out[present] = np.fromiter(map(bool, map(test, values[present].tolist())), dtype=bool, count=present.size)
    elif present.size:
        codes, uniques = pd.factorize(values[present])
        verdicts = np.fromiter(map(bool, map(test, uniques.tolist())), dtype=bool, count=len(uniques))
        out[present] = verdicts[codes]
    return out


def _holds_id(values: np.ndarray, test: Callable[[str], object]) -> np.ndarray:
    """`_holds(_stripped(values), test, repeated=False)` for an ID test (`_is_id`, `_ID.match`): a cell of plain
    ASCII digits is an ID when 9 to 18 digits long (what both tests say of it), decided in Arrow for the whole
    column; the other cells go through `test`."""
    kinds = np.fromiter(map(type, values), dtype=object, count=len(values))
    if not ((kinds == str) | (kinds == type(None))).all():  # noqa: E721 (element-wise)
        return _holds(_stripped(values), test, repeated=False)
    strings = pa.array(values, type=pa.string())
    plain = pc.fill_null(pc.match_substring_regex(strings, r"^[0-9]+$"), False).to_numpy(zero_copy_only=False)
    length = pc.fill_null(pc.utf8_length(strings), 0).to_numpy(zero_copy_only=False)
    out = plain & (length >= 9) & (length <= 18)
    rest = np.flatnonzero(~plain)
    out[rest] = _holds(_stripped(values[rest]), test, repeated=False)
    return out


_GROUP_NUMBER = re.compile(r"^(?:[IVXLC]+|[A-Za-z])[.)]?$")  # I, II, A, b) in the STT column number a group


def _marker(text: str, markers: tuple[str, ...]) -> str | None:
    return next((m for m in markers if text == m or text.startswith(m + " ")), None)


def _is_id(value: str) -> bool:
    if value.isascii() and value.isdigit():  # most IDs: what the pattern and the count below say of plain digits
        return 9 <= len(value) <= 18
    return bool(_ID.match(value)) and len(value) - value.count(" ") - value.count(".") >= 8


def _is_named(name: str) -> bool:
    return bool(name) and bool(_LETTER.search(name)) and not _NUMBER.match(name)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 8 and not any(ch.isdigit() for ch in text) and len(_LETTER.findall(text)) >= 4


class _Classifier:
    """Decides, row by row, whether a row is a person and otherwise why not."""

    def __init__(self, columns: list[Column], rules: Rules, headers: _Headers) -> None:
        self.rules = rules
        self.headers = headers
        self.by_field: dict[str, list[int]] = {}
        for col in columns:
            if col.field:
                self.by_field.setdefault(col.field, []).append(col.index)
        self.ids = self.by_field.get("national_id", [])
        self.old_ids = self.by_field.get("old_id", [])
        self.births = self.by_field.get("birth_date", [])
        self.sexes = self.by_field.get("sex", [])
        self.categories_at = self.by_field.get("category", [])
        self.names = self.by_field.get("full_name", [])
        self.name_headers = {fold(c.header) for c in columns if c.field == "full_name"}
        self.total_initials = {m[:1] for m in rules.row_markers["total"]}
        self.after_signature = False
        self.categories = category_index(rules)
        self._sex_cache: dict[str, bool] = {}
        self._total_initial: dict[str, bool] = {}

    @staticmethod
    def _values(cells: list[Cell], indexes: list[int]) -> list[str]:
        found = []
        for i in indexes:
            if i < len(cells):
                value = cells[i]
                if value and (value := value.strip()):
                    found.append(value)
        return found

    def _cells(self, cells: list[Cell], name: str) -> list[str]:
        return self._values(cells, self.by_field.get(name, []))

    def _is_sex(self, value: str) -> bool:
        if value not in self._sex_cache:
            self._sex_cache[value] = fold(value) in _SEX_WORDS
        return self._sex_cache[value]

    def has_id(self, cells: list[Cell]) -> bool:
        """An ID-like value in an ID column (most person rows: decided without looking further)."""
        return any(_is_id(v) for v in self._values(cells, self.ids)) or any(
            _ID.match(v) for v in self._values(cells, self.old_ids)
        )

    def birth_or_other(self, cells: list[Cell]) -> tuple[bool, bool]:
        """(has birth date, has sex or category)."""
        birth = any(_DATE.match(v) for v in self._values(cells, self.births))
        other = any(self._is_sex(v) for v in self._values(cells, self.sexes)) or any(
            self.categories.find(v) for v in self._values(cells, self.categories_at)
        )
        return birth, other

    def _person_name(self, name: str) -> bool:
        """A name that makes its row a person when the row also has a birth date, sex or category (as `classify`)."""
        if not _is_named(name):
            return False
        if name[0] not in self._total_initial:
            self._total_initial[name[0]] = fold(name[0]) in self.total_initials
        if not self._total_initial[name[0]]:
            return True
        folded = fold(name)
        return folded not in self.name_headers and not (
            bool(folded) and _marker(folded, self.rules.row_markers["total"])
        )

    def people(self, sheet: _Sheet, first: int) -> np.ndarray:
        """Which rows from `first` on `classify` takes as people at once, whatever the rows before them: worked out
        per column and per distinct value. The other rows are left to `classify`, in order."""

        def holds(indexes: list[int], test: Callable[[str], object], rows: np.ndarray, ids: bool = False) -> np.ndarray:
            found = np.zeros(len(rows), dtype=bool)
            for index in indexes:
                cells = sheet.column(index, rows)
                found |= _holds_id(cells, test) if ids else _holds(_stripped(cells), test)
            return found

        everyone = np.arange(first, max(len(sheet.cells), first))
        people = holds(self.ids, _is_id, everyone, True) | holds(self.old_ids, _ID.match, everyone, True)
        rest = everyone[~people]  # only rows without an ID need their name and other data looked at
        rest = rest[
            holds(self.births, _DATE.match, rest)
            | holds(self.sexes, self._is_sex, rest)
            | holds(self.categories_at, self.categories.find, rest)
        ]
        name = np.full(len(rest), None, dtype=object)
        for index in self.names:
            missing = np.equal(name, None)
            name[missing] = _stripped(sheet.column(index, rest))[missing]
        people[rest[_holds(name, self._person_name)] - first] = True
        return people

    def classify(self, cells: list[Cell]) -> tuple[str, str] | None:
        """None for a person, else (reason, detail); ("blank", "") for an empty row."""
        if self.has_id(cells):
            self.after_signature = False
            return None
        birth, other = self.birth_or_other(cells)
        names = self._values(cells, self.names)
        name = names[0] if names else ""
        named = _is_named(name)
        if named and (birth or other) and fold(name[:1]) not in self.total_initials:
            self.after_signature = False
            return None
        filled = [c.strip() for c in cells if c and c.strip()]
        if not filled:
            return ("blank", "")
        folded_name = fold(name) if name else ""
        if named and folded_name in self.name_headers:
            return ("heading", "repeated_header")
        label_total = bool(folded_name) and _marker(folded_name, self.rules.row_markers["total"])
        if named and (birth or other) and not label_total:
            self.after_signature = False
            return None
        texts = [t for t in filled if not _NUMBER.match(t)]
        labels = [folded_name] if named else [fold(t) for t in texts[:2]]
        for label in labels:
            found = _marker(label, self.rules.row_markers["total"])
            if found:
                return ("total", found)
        for label in labels:
            found = _marker(label, self.rules.row_markers["signature"])
            if found or _DATE_LINE.search(label):
                self.after_signature = True
                return ("signature", found or "date_line")
        if self.after_signature and not birth:
            return ("signature", "after_signature")
        if named:
            if _marker(folded_name, self.rules.row_markers["heading"]) or _NUMBERING.match(name):
                return ("heading", "group")
            numbered = self._cells(cells, "row_no")
            if (numbered and _GROUP_NUMBER.match(numbered[0])) or (name.isupper() and self.categories.find(name)):
                return ("heading", "group")  # "I | NGƯỜI KHUYẾT TẬT": a group of the list, not a person
            return None  # a name with no other data is still a person; cleaning reports what is missing
        if not texts:
            return ("total", "numbers_only") if not _is_column_number_row(cells) else ("column_numbers", "")
        if _is_column_number_row(cells):
            return ("column_numbers", "")
        if sum(1 for t in texts if self.headers.field_of(t)) >= 2:
            return ("heading", "repeated_header")
        if len(texts) <= 2:
            return ("heading", "group")
        return ("heading", "sub_header")


def _above_header(cells: list[Cell]) -> tuple[str, str]:
    """Rows above the header: the title block (agency, motto, list title)."""
    return ("blank", "") if not any(c and c.strip() for c in cells) else ("heading", "title")


def _context_of(texts: list[str], rules: Rules) -> tuple[str, str] | None:
    """(field, value) a group heading gives to the rows under it, e.g. ("commune", "Xã Long Sơn")."""
    for text in texts:
        bare = _NUMBERING.sub("", text).strip(" .:-")
        if not _LETTER.search(bare):
            continue
        folded = fold(bare)
        for name, markers in rules.group_context.items():
            if _marker(folded, markers):
                return name, bare
        return None
    return None


def _looks_like_person(cells: list[Cell]) -> bool:
    texts = [c.strip() for c in cells if c and c.strip()]
    return any(_looks_like_name(t) for t in texts) and any(_DATE.match(t) or _ID.match(t) for t in texts)


def parse_sheet(grid: SheetGrid, rules: Rules, overrides: dict[str, str] | None = None) -> SheetTable:
    """Detect the header of `grid` and return its people rows with provenance and every skipped row."""
    headers = _Headers(rules.column_aliases, overrides or {})
    top = grid.cells[:HEADER_SCAN_ROWS]  # nearly always enough to see the sheet is not empty
    if not any(c and c.strip() for c in top[np.not_equal(top, None)]) and not any(
        c and c.strip() for c in grid.cells[np.not_equal(grid.cells, None)]
    ):
        raise InputError("sheet.empty", file=grid.file.name, sheet=grid.sheet)
    header, two_level, view = _find_header(grid, rules, headers)
    lower = view[header + 1] if two_level else None
    notes: list[str] = []
    columns = _resolve_columns(view[header], lower, rules, headers, notes)
    first_data = header + (2 if two_level else 1)
    header_rows = tuple(range(header + 1, first_data + 1))
    columns, settled = _settle_by_content(columns, grid, first_data)
    notes += settled
    sheet = _Sheet.of(grid)
    sheet.merge_down(grid.merged, first_data, columns)

    verdicts = _verdicts(sheet, first_data, header, _Classifier(columns, rules, headers))
    hidden = np.array(sorted(r - 1 for r in grid.hidden_rows if 0 < r <= len(sheet.cells)), dtype=np.int64)
    for r in hidden[np.isin(hidden, np.flatnonzero(verdicts.kept))].tolist():
        verdicts.kept[r] = False  # offices hide the rows of people taken off the list: never paid unseen
        verdicts.found[r] = ("hidden", "hidden_row")
    skipped: Counter[str] = Counter()
    skipped_rows: dict[str, list[int]] = {}
    skipped_list: list[SkippedRow] = []
    context: dict[str, str] = {}
    changes: list[tuple[int, dict[str, str]]] = []
    for r, (reason, detail) in sorted(verdicts.found.items()):
        skipped[reason] += 1
        skipped_rows.setdefault(reason, []).append(r + 1)
        if reason == "blank":
            continue
        row = sheet.row(r)
        texts = [c.strip() for c in row if c and c.strip()]
        if reason == "heading" and detail == "group":
            found = _context_of(texts, rules)
            if found:
                context = {**context, found[0]: found[1]}
                changes.append((r, context))
        skipped_list.append(
            SkippedRow(grid.file.name, grid.sheet, r + 1, reason, detail, _looks_like_person(row), " | ".join(texts))
        )

    kept_rows = np.flatnonzero(verdicts.kept)
    labelled = {c.index for c in columns}
    for index in sheet.columns.tolist():
        if index not in labelled and not _empty(sheet.column(index, kept_rows)).all():
            columns.append(Column(index, f"Cột {column_letter(index)}", None))
    columns.sort(key=lambda c: c.index)
    data = _frame(columns, sheet.take(kept_rows), kept_rows + 1, grid)
    _apply_context(data, changes, kept_rows)
    return SheetTable(
        grid.file.name,
        grid.sheet,
        header_rows,
        columns,
        data,
        skipped,
        skipped_rows,
        grid.encoding,
        skipped_list,
        notes,
    )


@dataclass
class _Verdicts:
    """Which rows are people (`kept`), and why each other row is not (row index → (reason, detail))."""

    kept: np.ndarray
    found: dict[int, tuple[str, str]]


def _verdicts(sheet: _Sheet, first_data: int, header: int, classifier: _Classifier) -> _Verdicts:
    """Every row's verdict: rows surely people found per column at once, the others asked of `classify` in order
    (a person row between two of them ends a signature block, as when every row is asked in turn)."""
    kept = np.zeros(len(sheet.cells), dtype=bool)
    found = {r: _above_header(sheet.row(r)) for r in range(min(header, len(sheet.cells)))}
    people = classifier.people(sheet, first_data)
    kept[first_data:] = people
    seen = np.cumsum(people)
    before = 0
    for r in (np.flatnonzero(~people) + first_data).tolist():
        if seen[r - first_data] != before:
            classifier.after_signature = False
            before = seen[r - first_data]
        verdict = classifier.classify(sheet.row(r))
        if verdict is None:
            kept[r] = True
        else:
            found[r] = verdict
    return _Verdicts(kept, found)


def _apply_context(data: pd.DataFrame, changes: list[tuple[int, dict[str, str]]], kept_rows: np.ndarray) -> None:
    """Fill a field from the group heading above each row where the row itself has no value for it.

    `changes` lists (row index, context from there on) at each group heading; `kept_rows` the row index of each
    row of `data`.
    """
    at = np.searchsorted(np.array([r for r, _ in changes], dtype=np.int64), kept_rows)
    names = {name for i in np.unique(at).tolist() if i for name in changes[i - 1][1]}
    for name in sorted(names):
        given = np.empty(len(changes) + 1, dtype=object)
        given[:] = [None] + [context.get(name) for _, context in changes]
        values = given[at]
        if name in data.columns:
            current = data[name].to_numpy(dtype=object)
            values = np.where(_empty(current), values, current)
        position = len([c for c in data.columns if c not in PROVENANCE])
        if name in data.columns:
            data[name] = pd.Series(values, index=data.index, dtype=object)
        else:
            data.insert(position, name, pd.Series(values, index=data.index, dtype=object))


def _frame(columns: list[Column], kept: _Sheet, row_numbers: np.ndarray, grid: SheetGrid) -> pd.DataFrame:
    """The kept rows as a frame: a column per sheet column, then provenance."""
    count = len(row_numbers)
    frame: dict[str, np.ndarray] = {}
    sex_split = [c for c in columns if c.sex]
    for col in columns:
        if col.sex:
            continue
        name = col.field or col.header
        if name in frame:  # two extra columns with the same header text
            name = f"{name} ({col.letter})"
        frame[name] = kept.column(col.index)
    if sex_split:
        births = np.full(count, None, dtype=object)
        sexes = np.full(count, None, dtype=object)
        given = np.zeros(count, dtype=np.int64)  # how many of the split columns a row fills
        for col in sex_split:
            values = kept.column(col.index)
            present = ~_empty(values)
            both = present & (given > 0)
            births[both] = births[both] + " | " + values[both]
            births[present & (given == 0)] = values[present & (given == 0)]
            sexes[present] = col.sex
            given += present
        sexes[given != 1] = None
        frame["birth_date"] = births
        frame[SEX_FROM_LAYOUT] = sexes
    frame["source_file"] = np.full(count, grid.file.name, dtype=object)
    frame["source_sheet"] = np.full(count, grid.sheet, dtype=object)
    data = pd.DataFrame(frame, dtype=object, copy=False)
    data["source_row"] = row_numbers.astype(np.int64)
    return data
