"""Raw cell grids from .xlsx/.xls/.csv files, every value kept as faithful text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import python_calamine

from asxh_cli.errors import InputError
from asxh_cli.messages import msg
from asxh_cli.normalize.legacy import decode_tcvn3, decode_vni
from asxh_cli.normalize.text import is_vietnamese_word

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TABLE_SUFFIXES = EXCEL_SUFFIXES | {".csv", ".txt"}
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # refuse workbooks that unpack past 1 GiB
MAX_COMPRESSION_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

Cell = str | None


class SheetGrid:
    """One sheet of text cells; `merged` holds 0-based (row0, col0, row1, col1) ranges.

    Built from `rows` (a list of cells per row) or from `cells` (a rectangular object array, None where empty) with
    `lengths` (each row's length once trailing empty cells are left out); each form is made from the other on first
    use. `columns` gives the sheet column of each column of `cells`: every column up to the widest row, or for a
    sparse sheet (a few cells far apart) only the columns holding a cell.
    """

    def __init__(
        self,
        file: Path,
        sheet: str,
        rows: list[list[Cell]] | None = None,
        merged: list[tuple[int, int, int, int]] | None = None,
        encoding: str | None = None,
        hidden: bool = False,
        hidden_rows: frozenset[int] = frozenset(),
        *,
        cells: np.ndarray | None = None,
        lengths: np.ndarray | None = None,
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.merged = list(merged or [])
        self.encoding = encoding
        self.hidden = hidden  # Excel hides this sheet
        self.hidden_rows = hidden_rows  # Excel row numbers hidden in the sheet (xlsx only)
        self._rows = rows if rows is not None or cells is not None else []
        self._cells = cells
        self._columns = None if cells is None else np.arange(cells.shape[1])
        self._lengths = lengths

    @property
    def rows(self) -> list[list[Cell]]:
        """The rows as lists (from `cells`: each without its trailing empty cells)."""
        if self._rows is None:
            self._rows = [self.row(r) for r in range(len(self.cells))]
        return self._rows

    def row(self, index: int) -> list[Cell]:
        """One row as a list (from `cells`: without its trailing empty cells)."""
        if self._rows is not None:
            return self._rows[index]
        return row_of(self.cells[index], self.columns, int(self.lengths[index]))

    @property
    def lengths(self) -> np.ndarray:
        """How many cells each row holds (trailing empty cells left out when built from `cells`)."""
        if self._lengths is None:
            self._lengths = np.fromiter(map(len, self.rows), dtype=np.int64, count=len(self.rows))
        return self._lengths

    @property
    def columns(self) -> np.ndarray:
        """The sheet column (0-based) of each column of `cells`."""
        if self._columns is None:
            self._fill_cells()
        return self._columns  # type: ignore[return-value]

    @property
    def cells(self) -> np.ndarray:
        """The rows as one object array, None where a row has no cell."""
        if self._cells is None:
            self._fill_cells()
        return self._cells  # type: ignore[return-value]

    def _fill_cells(self) -> None:
        rows, lengths = self.rows, self.lengths
        width = int(lengths.max(initial=0))
        present = int(lengths.sum())
        if len(rows) * width <= SPARSE_FACTOR * present + 1_000_000:
            cells = np.empty((len(rows), width), dtype=object)
            cells[:] = [row + [None] * (width - len(row)) for row in rows]
            self._cells, self._columns = cells, np.arange(width)
            return
        found = [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None]
        used = np.unique(np.array([c for _, c, _ in found], dtype=np.int64))
        cells = np.full((len(rows), len(used)), None, dtype=object)
        for r, c, v in found:
            cells[r, np.searchsorted(used, c)] = v
        self._cells, self._columns = cells, used


def row_of(values: np.ndarray, columns: np.ndarray, length: int) -> list[Cell]:
    """A row of `cells` back in sheet columns, `length` cells long."""
    if len(columns) and columns[-1] == len(columns) - 1:
        return values[:length].tolist()
    row: list[Cell] = [None] * length
    for value, column in zip(values.tolist(), columns.tolist(), strict=True):
        if column < length:
            row[column] = value
    return row


def cell_text(value: object) -> Cell:
    """A cell value as text exactly as it was stored: integral numbers without '.0', dates as ISO."""
    if type(value) is str:  # most cells: checked first
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def check_input_file(path: Path, suffixes: set[str]) -> None:
    """Fail with a clear message when `path` is missing, not a file, or of an unsupported type."""
    if not path.exists():
        raise InputError("file.missing", file=path)
    if not path.is_file():
        raise InputError("file.not_a_file", file=path)
    if path.suffix.lower() not in suffixes:
        raise InputError("file.unsupported", file=path, ext=path.suffix or "(không có)")


XLSX, XLS, TEXT, ENCRYPTED, HTML = "xlsx", "xls", "text", "encrypted", "html"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_KIND_SUFFIXES = {XLSX: {".xlsx", ".xlsm"}, XLS: {".xls"}, TEXT: {".csv", ".txt"}}


def content_kind(path: Path) -> str:
    """What the file is by its bytes, whatever its name: xlsx (zip), xls (OLE2), encrypted, html or text."""
    stat = path.stat()
    return _content_kind(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _content_kind(path: Path, _size: int, _mtime: int) -> str:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head:
        raise InputError("file.empty", file=path)
    if head.startswith(_ZIP_MAGIC):
        return XLSX
    if head.startswith(_OLE_MAGIC):  # an encrypted .xlsx is an OLE box holding an "EncryptedPackage" stream
        with path.open("rb") as handle:
            tail = b""
            while chunk := handle.read(4 * 1024 * 1024):
                if _ENCRYPTED_STREAM in tail + chunk:
                    return ENCRYPTED
                tail = chunk[-64:]
        return XLS
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        return HTML
    return TEXT


def format_notice(path: Path, kind: str) -> str | None:
    """A notice when the file's name and content disagree (e.g. an .xlsx saved under a .xls name)."""
    if path.suffix.lower() in _KIND_SUFFIXES.get(kind, set()):
        return None
    return msg("file.format_mismatch", file=path.name, ext=path.suffix or "(không có)", kind=kind)


def _guard_workbook(path: Path, kind: str) -> None:
    if kind == ENCRYPTED:
        raise InputError("file.encrypted", file=path)
    if kind == HTML:
        raise InputError("file.html", file=path)
    if kind not in (XLSX, XLS):
        raise InputError("file.corrupt", file=path, detail="không phải bảng tính Excel")
    if kind == XLS:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError("file.corrupt", file=path, detail=exc) from None
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 50 * 1024 * 1024 and unpacked / packed > MAX_COMPRESSION_RATIO):
        raise InputError(
            "file.too_large", file=path, size_mb=unpacked // (1024 * 1024), limit_mb=MAX_UNPACKED_BYTES // (1024 * 1024)
        )


def _open_workbook(path: Path, kind: str) -> python_calamine.CalamineWorkbook:
    _guard_workbook(path, kind)
    try:
        if path.suffix.lower() in _KIND_SUFFIXES[kind]:
            return python_calamine.CalamineWorkbook.from_path(str(path))
        with path.open("rb") as handle:  # the name says otherwise: let calamine detect the format from the bytes
            return python_calamine.CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # calamine raises its own untyped errors for damaged files
        if kind == XLS and path.suffix.lower() in _KIND_SUFFIXES[XLSX]:  # an OLE box under an .xlsx name
            raise InputError("file.encrypted", file=path) from None
        raise InputError("file.corrupt", file=path, detail=type(exc).__name__) from None


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet's name and whether Excel hides it."""

    name: str
    hidden: bool


def _infos(workbook: python_calamine.CalamineWorkbook) -> list[SheetInfo]:
    """Every worksheet (charts and macro sheets left out), hidden ones flagged."""
    return [
        SheetInfo(meta.name, not str(meta.visible).endswith(".Visible"))
        for meta in workbook.sheets_metadata
        if str(meta.typ).endswith("WorkSheet")
    ]


# Extent of the cells an .xlsx sheet really holds, found by scanning its XML before any grid is built.
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})\d')
_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
MAX_CELLS = 40_000_000  # cells present in one sheet; more is refused
SPARSE_FACTOR = 4  # read row by row when the sheet's rectangle is this many times larger than its cells


@dataclass(frozen=True)
class Extent:
    """Rows, columns and cells really present in a sheet, and its merged ranges (0-based)."""

    rows: int
    columns: int
    cells: int
    merged: tuple[tuple[int, int, int, int], ...]
    hidden_rows: frozenset[int] = frozenset()  # Excel row numbers (1-based) the sheet hides


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML, from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    members: dict[str, str] = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


_HIDDEN_ROW = re.compile(rb'<row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')


def _scan_tags(data: bytes) -> tuple[int, int, int]:
    """How many `<row ` or `<row>`, how many `<c ` or `<c>` (as bytes.count), and the largest N of a `<row r="N"`
    (1 to 7 ASCII digits, then the quote; 0 if none): each '<' looked at once, the bytes after it only where they
    may make a tag."""
    view = np.frombuffer(data + b"\0" * 16, dtype=np.uint8)
    at = np.flatnonzero(view[: len(data)] == ord("<"))
    after_c = view[at[view[at + 1] == ord("c")] + 2]
    cells = int(np.count_nonzero((after_c == ord(" ")) | (after_c == ord(">"))))
    row_at = at[view[at + 1] == ord("r")]
    row_at = row_at[(view[row_at + 2] == ord("o")) & (view[row_at + 3] == ord("w"))]
    after_row = view[row_at + 4]
    rows = int(np.count_nonzero((after_row == ord(" ")) | (after_row == ord(">"))))
    ref = row_at[after_row == ord(" ")]
    ref = ref[(view[ref + 5] == ord("r")) & (view[ref + 6] == ord("=")) & (view[ref + 7] == ord('"'))]
    digits = view[ref[:, None] + 8 + np.arange(8)].astype(np.int64) - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    length = np.argmin(is_digit, axis=1)  # the first byte that is not a digit (0 when all 8 are)
    closed = digits[np.arange(len(ref)), length] == ord('"') - ord("0")
    digits, length = digits[closed & (length > 0)], length[closed & (length > 0)]
    place = length[:, None] - 1 - np.arange(8)  # each digit's power of ten; negative past the number
    numbers = (np.where(place >= 0, digits, 0) * 10 ** np.maximum(place, 0)).sum(axis=1)
    return rows, cells, int(numbers.max(initial=0))


def xlsx_extents(path: Path, sheets: Collection[str] | None = None) -> dict[str, Extent]:
    """Real extent of every sheet of an .xlsx, or of the `sheets` named (streamed; memory does not grow with the
    sheet)."""
    extents: dict[str, Extent] = {}
    with zipfile.ZipFile(path) as archive:
        for name, member in _sheet_members(archive).items():
            if sheets is not None and name not in sheets:
                continue
            try:
                handle = archive.open(member)
            except KeyError:
                continue
            rows = cells = max_row = 0
            columns: set[bytes] = set()
            merged: list[tuple[int, int, int, int]] = []
            tail = b""
            hidden: set[int] = set()
            with handle:
                while chunk := handle.read(4 * 1024 * 1024):
                    data = tail + chunk
                    cut = data.rfind(b"<")
                    data, tail = data[:cut], data[cut:]
                    found_rows, found_cells, last_row = _scan_tags(data)
                    rows, cells, max_row = rows + found_rows, cells + found_cells, max(max_row, last_row)
                    columns.update(_WIDE_REF.findall(data))
                    if b'hidden="' in data:
                        hidden.update(int(r) for r in _HIDDEN_ROW.findall(data))
                    for c0, r0, c1, r1 in _MERGE_REF.findall(data) if b"<mergeCell " in data else ():
                        first = (int(r0) - 1, _column_number(c0) - 1)
                        merged.append((*first, int(r1 or r0) - 1, _column_number(c1 or c0) - 1))
            width = max((_column_number(c) for c in columns), default=26 if cells else 0)
            extents[name] = Extent(max(rows, max_row), width, cells, tuple(merged), frozenset(hidden))
    return extents


def _stream_rows(path: Path, sheet: str) -> list[list[Cell]]:
    """A sparse sheet read row by row (openpyxl streaming): memory grows with the cells present, not the area."""
    import openpyxl  # here: only sparse sheets need it, and it costs start-up time

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = book[sheet]
        worksheet.reset_dimensions()
        rows: list[list[Cell]] = []
        for values in worksheet.iter_rows(values_only=True):
            row = [cell_text(v) for v in values]
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        return rows
    finally:
        book.close()


def _text_cells(values: list[list[object]]) -> tuple[np.ndarray, np.ndarray]:
    """Calamine's values as `cell_text` would give them (None for empty), and each row's trimmed length.

    Worked out per kind of value over the whole sheet at once: numbers with numpy, dates and the rest once per
    distinct value; trailing empty rows are left out, and columns empty in every row.
    """
    sizes = set(map(len, values))
    width = max(sizes, default=0)
    if not sizes <= {width}:
        values = [row + [""] * (width - len(row)) for row in values]
    flat = np.fromiter(chain.from_iterable(values), dtype=object, count=len(values) * width)
    is_str, is_float, empty = (np.zeros((len(values), width), dtype=bool) for _ in range(3))
    for column, cells in enumerate(flat.reshape(len(values), width).T):
        if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # a column of text alone: the usual one
            is_str[:, column] = True
            continue
        kinds = np.fromiter(map(type, cells), dtype=object, count=len(cells))
        is_str[:, column], is_float[:, column] = np.equal(kinds, str), np.equal(kinds, float)
        empty[:, column] = np.equal(kinds, type(None))
    is_str, is_float, empty = is_str.reshape(-1), is_float.reshape(-1), empty.reshape(-1)
    blank = np.flatnonzero(flat == "")  # only a str equals ""
    empty[blank] = True
    flat[blank] = None
    floats = np.flatnonzero(is_float)
    if floats.size:
        numbers = flat[floats].astype(np.float64)
        whole = np.isfinite(numbers) & (np.floor(numbers) == numbers) & (np.abs(numbers) < 1e16)
        flat[floats[whole]] = _objects(map(str, numbers[whole].astype(np.int64).tolist()))
        flat[floats[~whole]] = _objects(map(repr, numbers[~whole].tolist()))
    others = np.flatnonzero(~(is_str | is_float | empty))
    if others.size:  # never None: `cell_text` gives None only for None and ""
        flat[others] = _objects(map(lru_cache(maxsize=None, typed=True)(cell_text), flat[others].tolist()))
    cells = flat.reshape(len(values), width)
    filled = ~empty.reshape(cells.shape)
    lengths = (
        np.where(filled.any(axis=1), width - filled[:, ::-1].argmax(axis=1), 0) if width else np.zeros(len(cells), int)
    )
    present = np.flatnonzero(lengths)
    height = int(present[-1]) + 1 if present.size else 0
    return cells[:height, : int(lengths.max(initial=0))], lengths[:height]


def _objects(values: Iterable[object]) -> np.ndarray:
    found = list(values)
    array = np.empty(len(found), dtype=object)
    array[:] = found
    return array


def read_excel_grids(path: Path, sheet: str | None = None, include_hidden: bool = False) -> list[SheetGrid]:
    """Worksheets of an Excel file as text grids: the one named, else every visible one (and hidden ones if asked)."""
    check_input_file(path, EXCEL_SUFFIXES | {".csv", ".txt"})
    kind = content_kind(path)
    workbook = _open_workbook(path, kind)
    infos = _infos(workbook)
    if sheet is not None and sheet not in [i.name for i in infos]:
        visible = [i.name for i in infos if not i.hidden]
        raise InputError("sheet.missing", file=path, sheet=sheet, available=", ".join(visible))
    chosen = [i for i in infos if (i.name == sheet if sheet is not None else include_hidden or not i.hidden)]
    extents = xlsx_extents(path, {i.name for i in chosen}) if kind == XLSX else {}
    grids = []
    for info in chosen:
        extent = extents.get(info.name)
        try:
            if extent is not None and extent.cells > MAX_CELLS:
                raise InputError("sheet.too_large", file=path, sheet=info.name, cells=extent.cells, limit=MAX_CELLS)
            unknown = kind == XLSX and extent is None  # sheet XML not found by name: never build a dense grid blind
            if unknown or (
                extent is not None and extent.rows * extent.columns > SPARSE_FACTOR * extent.cells + 1_000_000
            ):
                rows, merged = _stream_rows(path, info.name), list(extent.merged) if extent else []
                cells = lengths = None
            else:
                data = workbook.get_sheet_by_name(info.name)
                cells, lengths = _text_cells(data.to_python(skip_empty_area=False))
                merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
        except InputError:
            raise
        except Exception as exc:  # damaged sheet XML
            raise InputError("file.corrupt", file=path, detail=f"sheet '{info.name}': {type(exc).__name__}") from None
        hidden_rows = extent.hidden_rows if extent is not None else frozenset()
        grids.append(
            SheetGrid(
                path,
                info.name,
                None if cells is not None else rows,
                merged,
                hidden=info.hidden,
                hidden_rows=hidden_rows,
                cells=cells,
                lengths=lengths,
            )
        )
    return grids


_SINGLE_BYTE = ("cp1258", "cp1252")


def decode_bytes(path: Path, raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file: the given encoding, a BOM, UTF-8, UTF-16, then Windows-1258 or -1252."""
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            raise InputError("file.encoding", file=path) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = raw[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        for name in ("utf-16-le", "utf-16-be"):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                continue
    decoded = {}
    for name in _SINGLE_BYTE:
        try:
            decoded[name] = raw.decode(name)
        except UnicodeDecodeError:
            continue
    if not decoded:
        raise InputError("file.encoding", file=path)
    if len(decoded) == 1:
        name = next(iter(decoded))
        return decoded[name], name
    # Prefer the reading that yields valid Vietnamese syllables; Windows-1252 bytes may hold TCVN3/VNI text.
    score_1258 = _syllable_score(unicodedata.normalize("NFC", decoded["cp1258"]))
    text_1252 = decoded["cp1252"]
    score_1252 = max(_syllable_score(text_1252), *(_syllable_score(d(text_1252)) for d in (decode_tcvn3, decode_vni)))
    if score_1258 > score_1252 or (score_1258 == score_1252 and _has_combining_tones(decoded["cp1258"])):
        return decoded["cp1258"], "cp1258"
    return text_1252, "cp1252"


_LETTERS = re.compile(r"[^\W\d_]+")


def _syllable_score(text: str) -> int:
    """Words with a non-ASCII letter that are valid Vietnamese syllables, minus those that are not."""
    score = 0
    for word in _LETTERS.findall(text[:200_000]):
        if not word.isascii():
            score += 1 if is_vietnamese_word(word) else -1
    return score


def _has_combining_tones(text: str) -> bool:
    tones = sum(text.count(ch) for ch in "\u0300\u0301\u0303\u0309\u0323")
    return tones >= 2 or any(ch in text for ch in "ăĂơƠưƯđĐ")


def read_csv_grid(path: Path, encoding: str | None = None) -> SheetGrid:
    """A CSV file as one text grid (delimiter sniffed among , ; tab |); a broken quote is an error naming its line."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file.empty", file=path)
    text, used = decode_bytes(path, raw, encoding)
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Cell]] = []
    line = 1
    try:
        for row in reader:
            # a quoted cell may hold a line break, but one that swallowed delimiters and lines is a broken quote
            if reader.line_num > line and any(delimiter in cell and "\n" in cell for cell in row):
                raise InputError("csv.broken_quote", file=path, line=line)
            rows.append([cell or None for cell in row])
            line = reader.line_num + 1
    except csv.Error:
        raise InputError("csv.broken_quote", file=path, line=line) from None
    return SheetGrid(path, path.stem, rows, [], used)


def read_grids(
    path: Path, sheet: str | None = None, encoding: str | None = None, include_hidden: bool = False
) -> list[SheetGrid]:
    """Text grids of any supported beneficiary file; the format is decided by the content, not the name."""
    check_input_file(path, TABLE_SUFFIXES)
    if content_kind(path) == TEXT:
        return [read_csv_grid(path, encoding)]
    return read_excel_grids(path, sheet, include_hidden)
