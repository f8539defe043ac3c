"""Public readers: beneficiary spreadsheets and the population-register extract, to canonical frames."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from asxh_cli.errors import InputError
from asxh_cli.frames import paused_gc
from asxh_cli.io.grid import (
    ENCRYPTED,
    EXCEL_SUFFIXES,
    HTML,
    XLS,
    XLSX,
    SheetGrid,
    check_input_file,
    content_kind,
    decode_bytes,
    format_notice,
    read_grids,
)
from asxh_cli.io.layout import PROVENANCE, SKIP_REASONS, SheetTable, SkippedRow, parse_sheet
from asxh_cli.messages import msg, pick
from asxh_cli.normalize.text import fold
from asxh_cli.rules import CANONICAL_FIELDS, Rules

REGISTER_SUFFIXES = {".csv", ".txt", ".parquet"} | EXCEL_SUFFIXES
REGISTER_REQUIRED = ("national_id", "full_name", "birth_date")


@dataclass
class SkippedSheet:
    file: str
    sheet: str
    reason: str


@dataclass(frozen=True)
class HiddenSheet:
    """A sheet Excel hides: not read unless named with --sheet; `people` is how many person rows it holds."""

    file: str
    sheet: str
    people: int


@dataclass
class ReadResult:
    """People from one or many files, per-sheet reports of what was understood, and everything left out.

    `skipped_rows` lists every non-empty row under a header that was not read as a person (all sheets, in order);
    `hidden_sheets` the hidden sheets not read, with their person counts; `notices` plain messages for the user
    (a file whose name and content disagree, sheets skipped as examples or instructions).
    """

    data: pd.DataFrame
    tables: list[SheetTable]
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    hidden_sheets: list[HiddenSheet] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def skipped_frame(self) -> pd.DataFrame:
        """One row per skipped row (codes, not labels) for a `Dòng bỏ qua` sheet; `text` holds personal data."""
        columns = ["file", "sheet", "row", "reason", "detail", "looks_like_person", "text"]
        return pd.DataFrame([[getattr(s, c) for c in columns] for s in self.skipped_rows], columns=columns)

    @property
    def warnings(self) -> list[str]:
        """Messages the user must see: hidden sheets with people, skipped rows that look like people."""
        found = [
            msg("sheet.hidden_people", file=h.file, sheet=h.sheet, people=h.people)
            for h in self.hidden_sheets
            if h.people
        ]
        found += [
            msg("rows.skipped_person", file=s.file, sheet=s.sheet, row=s.row, reason=pick(*SKIP_REASONS[s.reason]))
            for s in self.skipped_rows
            if s.looks_like_person
        ]
        return found


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """`--map "Cột lạ=full_name"` values → {folded header: field}."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or not header.strip() or name.strip() not in CANONICAL_FIELDS:
            raise InputError("map.bad", value=pair, fields=", ".join(CANONICAL_FIELDS))
        overrides[fold(header)] = name.strip()
    return overrides


def _not_a_list(name: str, rules: Rules) -> bool:
    """Sheets named like examples, instructions or catalogues ("Ví dụ", "Hướng dẫn 2", "Mẫu", "Danh mục")."""
    folded = fold(name)
    return any(
        folded == marker or (" " in marker and folded.startswith(marker + " ")) for marker in rules.not_list_sheets
    )


@dataclass
class FileRead:
    """What one file gave: its tables and everything it left out."""

    tables: list[SheetTable] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)
    hidden: list[HiddenSheet] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_one(
    path: Path,
    rules: Rules,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
    encoding: str | None = None,
) -> FileRead:
    """Every visible sheet of one file that holds a list (or the one named, even hidden); the rest reported."""
    kind = content_kind(path) if path.is_file() else None
    grids: list[SheetGrid] = read_grids(path, sheet, encoding, include_hidden=True)
    result = FileRead()
    notice = format_notice(path, kind) if kind else None
    if notice:
        result.notices.append(notice)
    visible = [g for g in grids if not g.hidden or sheet is not None]
    for grid in grids:
        if grid.hidden and sheet is None:
            try:
                people = len(parse_sheet(grid, rules, overrides).data)
            except InputError:
                people = 0
            result.hidden.append(HiddenSheet(path.name, grid.sheet, people))
            continue
        if sheet is None and len(visible) > 1 and _not_a_list(grid.sheet, rules):
            reason = msg("sheet.not_a_list", sheet=grid.sheet)
            result.skipped.append(SkippedSheet(path.name, grid.sheet, reason))
            result.notices.append(f"{path.name}: {reason}")
            continue
        try:
            result.tables.append(parse_sheet(grid, rules, overrides))
        except InputError as exc:
            if sheet is not None or len(visible) == 1:
                raise
            result.skipped.append(SkippedSheet(path.name, grid.sheet, str(exc)))
    if not result.tables:
        raise InputError("sheet.no_people_sheets", file=path.name)
    return result


def read_file(
    path: Path,
    rules: Rules,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
    encoding: str | None = None,
) -> tuple[list[SheetTable], list[SkippedSheet]]:
    """Every sheet of one file that holds a list (or the one named); sheets without a list are reported."""
    found = read_one(path, rules, sheet, overrides, encoding)
    return found.tables, found.skipped


def refuse_repeated(paths: Sequence[Path]) -> None:
    """The same file given twice (under any spelling of its path) would pay everyone on it twice."""
    seen: dict[Path, Path] = {}
    for path in map(Path, paths):
        real = path.resolve()
        if real in seen:
            raise InputError("file.twice", file=path, other=seen[real])
        seen[real] = path


def read_beneficiaries(
    paths: Sequence[Path],
    rules: Rules,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
    encoding: str | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> ReadResult:
    """Read beneficiary files into one frame of raw text with provenance, in file, sheet and row order."""
    result = ReadResult(pd.DataFrame(), [])
    refuse_repeated(paths)
    for path in paths:
        if on_file is not None:
            on_file(Path(path))
        with paused_gc():  # a sheet's cells are many small objects, all kept: a collection would find nothing
            found = read_one(Path(path), rules, sheet, overrides, encoding)
        for table in found.tables:  # a row's key names the input path as given: two a.xlsx in two folders stay apart
            table.file = str(path)
            table.data["source_file"] = pd.Series(table.file, index=table.data.index, dtype=object)  # as every cell
            table.skipped_list = [replace(row, file=table.file) for row in table.skipped_list]
        result.tables.extend(found.tables)
        result.skipped_sheets.extend(found.skipped)
        result.hidden_sheets.extend(found.hidden)
        result.notices.extend(found.notices)
    for table in result.tables:
        result.skipped_rows.extend(table.skipped_list)
    frames = [t.data for t in result.tables]
    data = pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame(columns=list(PROVENANCE))
    ordered = [c for c in CANONICAL_FIELDS if c in data.columns]
    rest = [c for c in data.columns if c not in ordered and c not in PROVENANCE]
    data = data[ordered + rest + list(PROVENANCE)]
    # a column some sheets lack is NaN on their rows after concat: None, as every empty cell
    gaps = [
        c for c in data.columns if c != "source_row" and (data[c].dtype != object or any(c not in f for f in frames))
    ]
    if gaps:
        data[gaps] = data[gaps].astype(object).where(data[gaps].notna(), None)
    result.data = data
    return result


def _register_csv(path: Path, rules: Rules, encoding: str | None) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    if not head.strip():
        raise InputError("file.empty", file=path.name)
    if len(head) == 256 * 1024 and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # never cut a multi-byte letter in two
    text, used = decode_bytes(path, head, encoding)
    lines = text.splitlines()[:40]
    header_at = 0
    for i, line in enumerate(lines):
        cells = [fold(c) for c in line.replace(";", ",").replace("\t", ",").split(",")]
        if sum(1 for c in cells if rules.column_aliases.get(c) in REGISTER_REQUIRED) >= 2:
            header_at = i
            break
    delimiter = max(",;\t|", key=lambda d: lines[header_at].count(d)) if lines else ","
    options = {"skiprows": header_at, "dtype": str, "sep": delimiter, "keep_default_na": False}
    names = next(csv.reader([lines[header_at]], delimiter=delimiter)) if lines else []
    utf8 = used.startswith("utf-8") or used == "ascii"
    try:
        if utf8 and names and len(set(names)) == len(names):
            return _utf8_csv(path, header_at, delimiter, names)
        if utf8:  # repeated header names: pandas tells them apart
            return pd.read_csv(path, encoding="utf-8-sig", engine="pyarrow", **options)
        return pd.read_csv(io.StringIO(path.read_bytes().decode(used)), **options)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        detail = ": ".join(str(exc).splitlines()[0].split(": ")[:2])[:200]  # pyarrow appends the row's values
        raise InputError("file.corrupt", file=path.name, detail=detail) from None


def _utf8_csv(path: Path, header_at: int, delimiter: str, names: list[str]) -> pd.DataFrame:
    """A UTF-8 register CSV read by Arrow's parallel reader, every column as text ("" where empty): pandas'
    own Arrow engine infers types first and converts them back to text, 2.5x slower on 10M rows."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(skip_rows=header_at + 1, column_names=names),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )
    return table.to_pandas()


def read_register(path: Path, rules: Rules, encoding: str | None = None) -> pd.DataFrame:
    """The register extract as a frame with canonical column names (text) and a `source_row`."""
    path = Path(path)
    check_input_file(path, REGISTER_SUFFIXES)
    with path.open("rb") as handle:
        parquet = handle.read(4) == b"PAR1"
    kind = None if parquet else content_kind(path)
    if kind in (XLSX, XLS, ENCRYPTED, HTML):
        tables, _ = read_file(path, rules, encoding=encoding)
        frame = pd.concat([t.data for t in tables], ignore_index=True)
    else:
        if parquet:
            try:
                frame = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises several unrelated types for damaged files
                raise InputError("file.corrupt", file=path.name, detail=type(exc).__name__) from None
            frame = frame.astype(str).where(frame.notna(), "")
        else:
            frame = _register_csv(path, rules, encoding)
        renames: dict[str, str] = {}
        for column in frame.columns:
            canonical = rules.column_aliases.get(fold(str(column)))
            if canonical and canonical not in renames.values():
                renames[column] = canonical
        frame = frame.rename(columns=renames)
        frame["source_row"] = range(2, len(frame) + 2)
    missing = [c for c in REGISTER_REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            "register.no_columns", file=path.name, missing=", ".join(missing), found=", ".join(map(str, frame.columns))
        )
    return frame
