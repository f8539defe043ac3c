"""Raw cell grids from .xlsx/.xls/.csv files, every value kept as faithful text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from asxh_cli.errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TABLE_SUFFIXES = EXCEL_SUFFIXES | {".csv", ".txt"}
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # refuse workbooks that unpack past 1 GiB
MAX_COMPRESSION_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

Cell = str | None


@dataclass
class SheetGrid:
    """One sheet as rows of text cells; `merged` holds 0-based (row0, col0, row1, col1) ranges."""

    file: Path
    sheet: str
    rows: list[list[Cell]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    encoding: str | None = None


def cell_text(value: object) -> Cell:
    """A cell value as text exactly as it was stored: integral numbers without '.0', dates as ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
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


def _guard_workbook(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if not head:
        raise InputError("file.empty", file=path)
    if head.startswith(_OLE_MAGIC) and suffix != ".xls":
        raise InputError("file.encrypted", file=path)
    if suffix == ".xls":
        if not head.startswith(_OLE_MAGIC):
            raise InputError("file.corrupt", file=path, detail="không phải định dạng .xls")
        return
    if not head.startswith(_ZIP_MAGIC):
        raise InputError("file.corrupt", file=path, detail="không phải tệp nén .xlsx")
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


def sheet_names(path: Path) -> list[str]:
    """Names of the visible worksheets of an Excel workbook."""
    _guard_workbook(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own untyped errors for damaged files
        raise InputError("file.corrupt", file=path, detail=type(exc).__name__) from None
    return [
        meta.name
        for meta in workbook.sheets_metadata
        if str(meta.typ).endswith("WorkSheet") and str(meta.visible).endswith("Visible")
    ]


def read_excel_grids(path: Path, sheet: str | None = None) -> list[SheetGrid]:
    """All visible worksheets of an Excel file (or the one named) as text grids."""
    check_input_file(path, EXCEL_SUFFIXES)
    names = sheet_names(path)
    if sheet is not None and sheet not in names:
        raise InputError("sheet.missing", file=path, sheet=sheet, available=", ".join(names))
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    grids = []
    for name in [sheet] if sheet is not None else names:
        try:
            data = workbook.get_sheet_by_name(name)
            rows = [[cell_text(v) for v in row] for row in data.to_python(skip_empty_area=False)]
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
        except Exception as exc:  # damaged sheet XML
            raise InputError("file.corrupt", file=path, detail=f"sheet '{name}': {type(exc).__name__}") from None
        grids.append(SheetGrid(path, name, rows, merged))
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
    # Windows-1258 writes Vietnamese tones as combining marks; their presence after a letter decides it.
    cp1258 = decoded.get("cp1258")
    if cp1258 is not None and _has_combining_tones(cp1258):
        return cp1258, "cp1258"
    name = "cp1252" if "cp1252" in decoded else "cp1258"
    return decoded[name], name


def _has_combining_tones(text: str) -> bool:
    tones = sum(text.count(ch) for ch in "\u0300\u0301\u0303\u0309\u0323")
    return tones >= 2 or any(ch in text for ch in "ăĂơƠưƯđĐ")


def read_csv_grid(path: Path, encoding: str | None = None) -> SheetGrid:
    """A CSV file as one text grid (delimiter sniffed among , ; tab |)."""
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
    rows = [[cell or None for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return SheetGrid(path, path.stem, rows, [], used)


def read_grids(path: Path, sheet: str | None = None, encoding: str | None = None) -> list[SheetGrid]:
    """Text grids of any supported beneficiary file."""
    check_input_file(path, TABLE_SUFFIXES)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_grids(path, sheet)
    return [read_csv_grid(path, encoding)]
