"""Find the table inside a government sheet: header row(s), column meaning, and which rows are people.

Rows are classified by their shape: a row with a name and any person data (birth date, ID, sex, category) is a
person whatever its other cells say; totals and signatures are recognised by the label where a label goes and the
absence of person data. Every row that is not a person is kept as a `SkippedRow` with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import pandas as pd

from asxh_cli.errors import InputError
from asxh_cli.io.grid import Cell, SheetGrid
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
    rows = grid.rows[start:stop]
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
    limit = min(HEADER_SCAN_ROWS, len(grid.rows))
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
        raw_next = grid.rows[best + 1] if best + 1 < len(grid.rows) else []
        looks_like_data = any(sum(ch.isdigit() for ch in (c or "")) >= 4 for c in raw_next)
        two_level = bool(sub_labels) and name_free and not looks_like_data
    return best, two_level, view


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _settle_by_content(columns: list[Column], grid: SheetGrid, first: int) -> tuple[list[Column], list[str]]:
    """Use what the columns hold to settle doubt: 12-digit numbers are the personal ID, Nam/Nữ is the sex."""
    sample = grid.rows[first : first + CONTENT_SAMPLE_ROWS]

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


def _merge_down(grid: SheetGrid, first: int, columns: list[Column]) -> None:
    """A value merged down over several data rows applies to each of those rows (context fields only)."""
    fields = {c.index: c.field for c in columns}
    for r0, c0, r1, _c1 in grid.merged:
        if r0 < first or r1 <= r0 or r0 >= len(grid.rows) or fields.get(c0) not in MERGE_DOWN_FIELDS:
            continue
        top = grid.rows[r0]
        value = top[c0] if c0 < len(top) else None
        if value in (None, ""):
            continue
        for r in range(r0 + 1, min(r1, len(grid.rows) - 1) + 1):
            row = grid.rows[r]
            if len(row) <= c0:
                row.extend([None] * (c0 + 1 - len(row)))
            if row[c0] in (None, ""):
                row[c0] = value


_GROUP_NUMBER = re.compile(r"^(?:[IVXLC]+|[A-Za-z])[.)]?$")  # I, II, A, b) in the STT column number a group


def _marker(text: str, markers: tuple[str, ...]) -> str | None:
    return next((m for m in markers if text == m or text.startswith(m + " ")), None)


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
        return any(
            _ID.match(v) and len(v) - v.count(" ") - v.count(".") >= 8 for v in self._values(cells, self.ids)
        ) or any(_ID.match(v) for v in self._values(cells, self.old_ids))

    def birth_or_other(self, cells: list[Cell]) -> tuple[bool, bool]:
        """(has birth date, has sex or category)."""
        birth = any(_DATE.match(v) for v in self._values(cells, self.births))
        other = any(self._is_sex(v) for v in self._values(cells, self.sexes)) or any(
            self.categories.find(v) for v in self._values(cells, self.categories_at)
        )
        return birth, other

    def classify(self, cells: list[Cell]) -> tuple[str, str] | None:
        """None for a person, else (reason, detail); ("blank", "") for an empty row."""
        if self.has_id(cells):
            self.after_signature = False
            return None
        birth, other = self.birth_or_other(cells)
        names = self._values(cells, self.names)
        name = names[0] if names else ""
        named = bool(name) and bool(_LETTER.search(name)) and not _NUMBER.match(name)
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
    if not any(any(c and c.strip() for c in row) for row in grid.rows):
        raise InputError("sheet.empty", file=grid.file.name, sheet=grid.sheet)
    header, two_level, view = _find_header(grid, rules, headers)
    lower = view[header + 1] if two_level else None
    notes: list[str] = []
    columns = _resolve_columns(view[header], lower, rules, headers, notes)
    first_data = header + (2 if two_level else 1)
    header_rows = tuple(range(header + 1, first_data + 1))
    columns, settled = _settle_by_content(columns, grid, first_data)
    notes += settled
    _merge_down(grid, first_data, columns)

    classifier = _Classifier(columns, rules, headers)
    skipped: Counter[str] = Counter()
    skipped_rows: dict[str, list[int]] = {}
    skipped_list: list[SkippedRow] = []
    kept: list[list[Cell]] = []
    kept_rows: list[int] = []
    context: dict[str, str] = {}
    kept_context: list[dict[str, str]] = []
    for r in range(len(grid.rows)):
        if header <= r < first_data:
            continue
        cells = grid.rows[r]
        verdict = classifier.classify(cells) if r >= first_data else _above_header(cells)
        if verdict is None and r + 1 in grid.hidden_rows:
            verdict = ("hidden", "hidden_row")  # offices hide the rows of people taken off the list: never paid unseen
        if verdict is None:
            kept.append(cells)
            kept_rows.append(r + 1)
            kept_context.append(context)
            continue
        reason, detail = verdict
        skipped[reason] += 1
        skipped_rows.setdefault(reason, []).append(r + 1)
        if reason == "blank":
            continue
        texts = [c.strip() for c in cells if c and c.strip()]
        if reason == "heading" and detail == "group":
            found = _context_of(texts, rules)
            if found:
                context = {**context, found[0]: found[1]}
        skipped_list.append(
            SkippedRow(grid.file.name, grid.sheet, r + 1, reason, detail, _looks_like_person(cells), " | ".join(texts))
        )

    labelled = {c.index for c in columns}
    width = max((len(row) for row in kept), default=0)
    for index in range(width):
        if index not in labelled and any(index < len(row) and row[index] not in (None, "") for row in kept):
            columns.append(Column(index, f"Cột {column_letter(index)}", None))
    columns.sort(key=lambda c: c.index)
    data = _frame(columns, kept, kept_rows, grid)
    _apply_context(data, kept_context)
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


def _apply_context(data: pd.DataFrame, contexts: list[dict[str, str]]) -> None:
    """Fill a field from the group heading above each row where the row itself has no value for it."""
    names = {name for context in contexts for name in context}
    for name in sorted(names):
        values = [context.get(name) for context in contexts]
        if name in data.columns:
            current = data[name].tolist()
            values = [c if c not in (None, "") else v for c, v in zip(current, values, strict=True)]
        position = len([c for c in data.columns if c not in PROVENANCE])
        if name in data.columns:
            data[name] = pd.Series(values, index=data.index, dtype=object)
        else:
            data.insert(position, name, pd.Series(values, index=data.index, dtype=object))


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
