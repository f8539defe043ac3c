"""Formatted, formula-safe workbooks written with xlsxwriter (atomic: temp file, then rename)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from isal import isal_zlib
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from asxh_cli.io.writer import atomic_path, string_bytes

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


def new_workbook(path: Path | io.BytesIO) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook the way every output is made: strings stay strings (never formulas or links),
    built in memory (no temporary files with personal data in the system temp folder), fixed creation date."""
    book = xlsxwriter.Workbook(
        path if isinstance(path, io.BytesIO) else str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
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


@dataclass
class Column:
    """One column of a table written in bulk: per row a code into `values` (-1: a blank that keeps the column's
    format, borders and fill); each value a number (float) or a text (str)."""

    codes: np.ndarray
    values: pa.Array | Sequence[float | str]  # pyarrow: texts only
    text_format: Format
    number_format: Format


@dataclass
class _Rows:
    first: int  # 0-based sheet row of the table's first row
    columns: list[Column]
    heights: Sequence[float]


STRING_MAX = 32767  # characters Excel keeps in one cell
DEFAULT_PIXELS = 20  # Excel's default row height (15 points), written as no height
CHUNK = 16384  # rows assembled at a time (bounds memory)
ZIP_LEVEL = 1  # zlib level of every part: the XML is mostly markup, level 1 is 4x faster than 6, 1.4x larger
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+[0-9]+)[^"]*"/>')
_SST_COUNTS = re.compile(r'<sst ([^>]*)count="[0-9]+" uniqueCount="[0-9]+"')
_CONTROL = re.compile(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f]")


def _height(points: float) -> str:
    """A row's height attributes as xlsxwriter's `set_row` writes them: whole pixels, none at the default."""
    pixels = int(points * 4 / 3 + 0.5)
    return "" if pixels == DEFAULT_PIXELS else f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def _number_texts(numbers: np.ndarray) -> pa.Array:
    """`f"{number:.16G}"` of each number, whole numbers below 10**15 by pyarrow."""
    whole = (np.abs(numbers) < 1e15) & (numbers == np.round(numbers)) & ~((numbers == 0) & np.signbit(numbers))
    texts = pa.array(np.where(whole, numbers, 0).astype(np.int64)).cast(pa.string())
    if whole.all():
        return texts
    other = pa.array([f"{n:.16G}" for n in numbers[~whole]], type=pa.string())
    return pc.replace_with_mask(texts, pa.array(~whole), other)


def _escaped(texts: pa.Array) -> pa.Array:
    """Texts as xlsxwriter writes them in the shared string table: control characters (and text that looks
    like their escape) as `_xHHHH_`, `&`, `<`, `>` as entities, `xml:space` kept where a space leads or trails."""
    controls = pc.match_substring_regex(texts, _CONTROL.pattern)
    if pc.any(controls).as_py():
        found = texts.filter(controls).to_pylist()
        escape = XMLwriter._escape_control_characters
        texts = pc.replace_with_mask(texts, controls, pa.array([escape(t) for t in found], type=pa.string()))
    for sign, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if pc.any(pc.match_substring(texts, sign)).as_py():
            texts = pc.replace_substring(texts, sign, entity)
    ends = pc.or_(_spaces(pc.utf8_slice_codeunits(texts, 0, 1)), _spaces(pc.utf8_slice_codeunits(texts, -1)))
    attributes = pc.if_else(ends, ' xml:space="preserve"', "")
    return pc.binary_join_element_wise("<si><t", attributes, ">", texts, "</t></si>", "")


def _spaces(characters: pa.Array) -> pa.Array:
    """Per one-character text, `str.isspace` (as Python's `\\s`), decided once per distinct character."""
    encoded = characters.dictionary_encode()
    distinct = [c.isspace() for c in encoded.dictionary.to_pylist()]
    return pa.array(distinct, type=pa.bool_()).take(encoded.indices)


class BulkWorkbook:
    """A workbook made by xlsxwriter (see `new_workbook`) whose large tables are written in bulk: xlsxwriter lays
    out every sheet (formats, header, widths, print set-up, validation), and the rows given to `add_rows` go
    straight into the sheet's XML when the file is written, built a whole column at a time (texts in the shared
    string table, so always strings, never formulas). Built in memory; only the finished file reaches `path`.
    Relies on xlsxwriter's format indices and string table (pinned below version 4)."""

    def __init__(self, path: Path) -> None:
        self.path, self.buffer = path, io.BytesIO()
        self.book = new_workbook(self.buffer)
        self.tables: dict[str, _Rows] = {}

    def add_rows(self, sheet: Worksheet, first: int, columns: list[Column], heights: Sequence[float]) -> None:
        """The table rows of `sheet` from 0-based row `first` on (below everything written through xlsxwriter),
        one height per row."""
        for column in columns:  # registers the formats used only here
            column.text_format._get_xf_index()
            column.number_format._get_xf_index()
        self.tables[f"xl/worksheets/sheet{sheet.index + 1}.xml"] = _Rows(first, columns, heights)

    def close(self) -> None:
        """Write the file: xlsxwriter's parts, each bulk table inserted into its sheet, the bulk texts appended
        to the shared string table."""
        strings = _SharedStrings(self.book.str_table, [c for rows in self.tables.values() for c in rows.columns])
        self.book.close()
        with (
            zipfile.ZipFile(self.buffer) as source,
            zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as target,
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            for info in source.infolist():
                data = source.read(info)
                rows = self.tables.get(info.filename)
                if info.filename == "xl/sharedStrings.xml":
                    with _new_part(target, info.filename, pool) as write:
                        strings.write(data, write)
                elif rows is None or len(rows.heights) == 0:
                    target.writestr(info, data, compresslevel=ZIP_LEVEL)
                else:
                    with _new_part(target, info.filename, pool) as write:
                        _write_sheet(data, rows, strings, write)


@contextlib.contextmanager
def _new_part(target: zipfile.ZipFile, name: str, pool: ThreadPoolExecutor) -> Iterator[Callable[[bytes], object]]:
    """A `write` into a new member `name` of `target`, compressed in `pool` (see `_behind`) by ISA-L's deflate
    rather than zlib's: the same level and size, 3-4x faster (95 MB of sheet XML at level 1: 0.34 -> 0.09 s).

    zipfile has no public way to choose a member's compressor, so the member's is replaced before the first
    write; were a later Python to rename that attribute, zlib would compress the member as before."""
    with target.open(name, "w", force_zip64=True) as part, _behind(pool, part) as write:
        part._compressor = isal_zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)  # type: ignore[attr-defined]
        yield write


@contextlib.contextmanager
def _behind(pool: ThreadPoolExecutor, part: IO[bytes]) -> Iterator[Callable[[bytes], object]]:
    """A `write` to `part` done in `pool`'s thread, one chunk in flight: the next chunk is built while the last
    is compressed (zlib lets go of the GIL); every write has finished when the block ends."""
    pending: list[Future[object]] = []

    def write(data: bytes) -> None:
        while pending:
            pending.pop().result()
        pending.append(pool.submit(part.write, data))

    try:
        yield write
    finally:
        while pending:
            pending.pop().result()


class _SharedStrings:
    """The bulk tables' texts in the shared string table, after xlsxwriter's own (a text xlsxwriter has keeps
    its index): every distinct text gets its index once, then every table cell refers to it."""

    def __init__(self, table: SharedStringTable, columns: list[Column]) -> None:
        distinct_values = list({id(c.values): c.values for c in columns}.values())  # sheets share columns
        texts = [_texts(values) for values in distinct_values]
        encoded = pc.dictionary_encode(pa.concat_arrays(texts) if texts else pa.array([], type=pa.string()))
        dictionary = encoded.dictionary
        if len(dictionary) and table.unique_count == 0:  # xlsxwriter writes the part only when it has a string
            table._get_shared_string_index(dictionary[0].as_py())
        own = list(table.string_table)
        known = pc.index_in(dictionary, value_set=pa.array(own, type=pa.string())).to_numpy(zero_copy_only=False)
        new = np.isnan(known)
        own_index = np.array([table.string_table[t] for t in own], dtype=np.int64)
        self.base, self.new = table.unique_count, dictionary.filter(pa.array(new))
        index = np.where(new, table.unique_count + np.cumsum(new) - 1, 0)
        index[~new] = own_index[known[~new].astype(np.int64)]
        positions = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        self.index: dict[int, np.ndarray] = {}  # id(values) → per value: its string index, or -1 (a number)
        self.tails: dict[tuple[int, int, int], pa.Array] = {}  # see `_cell_tails`
        start = 0
        for values, part in zip(distinct_values, texts, strict=True):
            found = positions[start : start + len(part)]
            self.index[id(values)] = np.where(found >= 0, index[np.maximum(found, 0)], -1)
            start += len(part)
        self.cells = table.count + sum(
            int(np.count_nonzero(self.index[id(c.values)][c.codes[c.codes >= 0]] >= 0)) for c in columns
        )

    def write(self, data: bytes, write: Callable[[bytes], object]) -> None:
        """xlsxwriter's part with the bulk texts appended and the counts set."""
        xml = data.decode("utf-8")
        unique = self.base + len(self.new)
        xml = _SST_COUNTS.sub(lambda m: f'<sst {m.group(1)}count="{self.cells}" uniqueCount="{unique}"', xml, 1)
        head, tail = xml.rsplit("</sst>", 1)
        write(head.encode("utf-8"))
        for start in range(0, len(self.new), CHUNK * 8):
            write(string_bytes(_escaped(self.new.slice(start, CHUNK * 8))))
        write(("</sst>" + tail).encode("utf-8"))


def _texts(values: pa.Array | Sequence[float | str]) -> pa.Array:
    """A column's values as texts (missing where a number), cut to what a cell holds."""
    if not isinstance(values, pa.Array):
        values = pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())
    long = pc.fill_null(pc.greater(pc.utf8_length(values), STRING_MAX), False)
    if pc.any(long).as_py():
        cut = [t[:STRING_MAX] for t in values.filter(long).to_pylist()]
        values = pc.replace_with_mask(values, long, pa.array(cut, type=pa.string()))
    return values


def _write_sheet(data: bytes, rows: _Rows, strings: _SharedStrings, write: Callable[[bytes], object]) -> None:
    """xlsxwriter's sheet with the bulk table's rows inside `<sheetData>`, and its dimension widened."""
    xml = data.decode("utf-8").replace("<sheetData/>", "<sheetData></sheetData>")
    last = f"{xl_col_to_name(max(0, len(rows.columns) - 1))}{rows.first + len(rows.heights)}"
    xml = _DIMENSION.sub(lambda m, end=last: f'<dimension ref="{m.group(1)}:{end}"/>', xml, count=1)
    head, tail = xml.split("</sheetData>", 1)
    write(head.encode("utf-8"))
    for chunk in _row_xml(rows, strings):
        write(chunk)
    write(("</sheetData>" + tail).encode("utf-8"))


def _cell_tails(column: Column, strings: _SharedStrings, after: str) -> pa.Array:
    """Per value of `column` and then for a blank, what follows a cell's reference: style, type, value, and then
    `after` (the start of the next cell or row)."""
    text_style, number_style = column.text_format._get_xf_index(), column.number_format._get_xf_index()
    key = (id(column.values), text_style, number_style, after)
    if key in strings.tails:  # sheets showing rows of one table share its columns
        return strings.tails[key]
    index = strings.index[id(column.values)]
    blank = pa.array([f'" s="{text_style}"/>'], type=pa.string())
    texts = pc.binary_join_element_wise(
        f'" s="{text_style}" t="s"><v>', pa.array(index).cast(pa.string()), "</v></c>", ""
    )
    if isinstance(column.values, pa.Array):
        tails = pa.concat_arrays([texts, blank])
    else:
        numbers = np.array([0.0 if i >= 0 else v for v, i in zip(column.values, index, strict=True)], dtype=float)
        shown = pc.binary_join_element_wise(f'" s="{number_style}"><v>', _number_texts(numbers), "</v></c>", "")
        tails = pa.concat_arrays([pc.if_else(pa.array(index >= 0), texts, shown), blank])
    strings.tails[key] = pc.binary_join_element_wise(tails, after, "")
    return strings.tails[key]


ROW_START = '<row r="'
NEXT_ROW = "</row>" + ROW_START


def _row_xml(rows: _Rows, strings: _SharedStrings) -> Iterator[bytes | memoryview]:
    """The table's `<row>` elements as UTF-8, a chunk of rows at a time. A row is its number, then its height
    and the start of its first cell, then for each cell the row number again and the cell's style and value
    with the start of what follows: all pieces of one array, the chunk's rows made by one `take` of them."""
    count = len(rows.heights)
    if count == 0:
        return
    letters = [xl_col_to_name(c) for c in range(len(rows.columns))]
    starts = [f'<c r="{letter}' for letter in letters]
    heights, distinct_heights = pd.factorize(np.asarray(rows.heights, dtype=float))
    pieces = [
        pa.array(np.arange(rows.first + 1, rows.first + count + 1)).cast(pa.string()),
        pa.array([f'"{_height(h)}>{(starts or [NEXT_ROW])[0]}' for h in distinct_heights], type=pa.string()),
        *(
            _cell_tails(column, strings, after)
            for column, after in zip(rows.columns, [*starts[1:], NEXT_ROW], strict=True)
        ),
    ]
    bases = np.cumsum([0, *(len(p) for p in pieces)])
    pool = pa.concat_arrays(pieces)
    yield ROW_START.encode("utf-8")
    for start in range(0, count, CHUNK):
        stop = min(count, start + CHUNK)
        index = np.empty((stop - start, 2 + 2 * len(rows.columns)), dtype=np.int64)
        index[:, 0::2] = np.arange(start, stop)[:, None]
        index[:, 1] = bases[1] + heights[start:stop]
        for c, column in enumerate(rows.columns):
            codes = column.codes[start:stop]
            index[:, 3 + 2 * c] = bases[2 + c] + np.where(codes < 0, bases[3 + c] - bases[2 + c] - 1, codes)
        taken = pool.take(pa.array(index.ravel()))
        offsets = np.frombuffer(taken.buffers()[1], dtype=np.int32)[taken.offset : taken.offset + len(taken) + 1]
        end = int(offsets[-1]) - (len(ROW_START) if stop == count else 0)  # the last row starts no next one
        yield memoryview(taken.buffers()[2])[int(offsets[0]) : end]
