"""The match outputs built by whole columns and per distinct value give what the straightforward per-row code
gives, on awkward values: missing cells, long text, formula-like text, control characters, diacritics, numbers
Excel cannot hold, values that compare equal but print differently (1, 1.0, True; 0.0, -0.0)."""

from __future__ import annotations

import datetime as dt
import math
import sys

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.contract import Result, Status, fingerprint, parse_result, parse_status, row_fingerprints
from asxh_cli.export.columns import show_date, show_dates
from asxh_cli.export.match_report import SUMMARY_COLUMNS, _cells, _summary_class, cell_value, same_person
from asxh_cli.io.writer import _formula_like, _utf8, _vectorisable, _write_pandas, write_csv
from asxh_cli.io.xlsx import STRING_MAX, BulkWorkbook, Column, _height
from asxh_cli.values import exact_distinct, map_exact, text_array

AWKWARD = [
    None,
    float("nan"),
    "",
    " ",
    "=1+1",
    " +84 912",
    "\u00a0-5",
    "@SUM(A1)",
    'say "hi", then go',
    "a & <b> > c",
    "_x0041_ literal",
    "<r>rich?</r>",
    "bell\x07here",
    "line\nbreak\r\n",
    "tab\there",
    "Nguyễn Thị Ánh Tuyết",
    "Đặng Văn Ư",
    "x" * (STRING_MAX + 10),
    "Nguyễn Thị Ánh " * 3000,
    "inf",
    "1e999",
    "1,500,000",
    "0012345678901",
]
NUMBERS = [0.0, -0.0, 1.0, 1, True, False, 1e20, 2**53 + 1, -7, 1.5, float("inf"), 123456789012345678]
TEXT = st.text(alphabet=st.sampled_from(list("aễĐ =+-@,\"'\n\r\t\x00\x1f\x7f1_x0041\u00a0\u3000<&>")), max_size=12)
DATE_TEXT = st.text(alphabet=st.sampled_from(list("0123456789--/ a\n١²")), max_size=14)
DATES = [
    "1950-06-15",
    "1950-06",
    "1950",
    "06/1950",
    "1950-06-15-01",
    "١٩٥٠-06",
    "19²0-01",
    "-1950",
    "1950-",
    "x-1",
    "1950-3-5",
    "50-03-05",
    "1950-003",
]
SHORT = [a for a in AWKWARD if not isinstance(a, str) or len(a) < 100]
CELL = st.one_of(st.sampled_from(SHORT + NUMBERS), TEXT, st.integers(-10, 10), st.floats(width=32))


def _per_row(column: pd.Series, function) -> list:
    return [function(None if pd.isna(v) else v) for v in column.tolist()]


@settings(max_examples=80, deadline=None)
@given(st.lists(CELL, min_size=1, max_size=30))
def test_distinct_values_keep_apart_what_prints_differently(cells):
    column = pd.Series(cells, dtype=object)
    codes, uniques = exact_distinct(column)
    rebuilt = [None if c < 0 else uniques[c] for c in codes]
    for given_value, back in zip(column.tolist(), rebuilt, strict=True):
        if pd.isna(given_value):
            assert back is None
        else:
            assert type(back) is type(given_value) and repr(back) == repr(given_value)
    assert list(map_exact(column, repr)) == _per_row(column, repr)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(float("nan")), TEXT), max_size=20), st.booleans())
def test_text_array_is_what_pandas_infers(texts, with_number):
    values = np.array([*texts, *([7] if with_number else [])], dtype=object)
    inferred, fast = pd.Series(values), pd.Series(text_array(values))
    assert inferred.dtype == fast.dtype and inferred.equals(fast)


def test_distinct_of_typed_columns():
    floats = pd.Series([0.0, -0.0, float("nan"), 1.5, 0.0])
    codes, uniques = exact_distinct(floats)
    assert codes.tolist() == [0, 1, -1, 2, 0] and [repr(u) for u in uniques] == ["0.0", "-0.0", "1.5"]
    text = pd.Series(["b", None, "a", "b"], dtype="str")
    assert exact_distinct(text)[0].tolist() == [0, -1, 1, 0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=20))
def test_row_fingerprints_are_fingerprint_of_each_row(rows):
    data = pd.DataFrame(rows, columns=["full_name", "birth_date", "national_id"], dtype=object)
    assert row_fingerprints(data) == [fingerprint(*row) for row in rows]


ID_TEXT = st.text(alphabet=st.sampled_from(list("0123456789 .-a\u3000١²\n")), max_size=14)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), TEXT),
            st.one_of(st.none(), st.sampled_from(DATES), DATE_TEXT),
            st.one_of(st.none(), st.just(""), ID_TEXT),
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["str", object]),
)
def test_row_fingerprints_of_text_columns_are_fingerprint_of_each_row(rows, dtype):
    data = pd.DataFrame(rows, columns=["full_name", "birth_date", "national_id"], dtype=dtype)
    assert row_fingerprints(data) == [fingerprint(*row) for row in rows]


def test_row_fingerprints_of_a_cleaned_table():
    data = pd.DataFrame(
        {
            "full_name": pd.Series(["Nguyễn Văn A", None, "NGUYỄN VĂN A", "Lê-Thị  B"], dtype="str"),
            "birth_date": ["1950-03-05", None, "05/03/1950", "1950"],
            "national_id": ["001950000001", None, "0019 5000 0001", 1950.0],
        }
    )
    expected = [fingerprint(*row) for row in data.itertuples(index=False)]
    assert row_fingerprints(data) == expected
    assert expected[0] == expected[2] != expected[1]


def _same_person_reference(data: pd.DataFrame, register_ids: pd.Series) -> list[str | None]:
    """The per-row version of `same_person` (before it was vectorised)."""
    labels = [
        f"{f}:{s}:{int(r)}"
        for f, s, r in zip(data["source_file"], data["source_sheet"], data["source_row"], strict=True)
    ]
    links: dict[int, set[int]] = {i: set() for i in range(len(data))}
    matched = pd.Series(register_ids.to_numpy(), index=range(len(data))).dropna()
    for positions in matched.groupby(matched).groups.values():
        for p in positions:
            links[p].update(q for q in positions if q != p)
    for i, others in enumerate(data["duplicate_positions"]):
        links[i].update(j for j in others if j != i)
    return [", ".join(labels[j] for j in sorted(links[i])) or None for i in range(len(data))]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_same_person_links_as_row_by_row(draw):
    n = draw.draw(st.integers(1, 25))
    ids = draw.draw(st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C"])), min_size=n, max_size=n))
    groups = draw.draw(st.lists(st.lists(st.integers(0, n - 1), max_size=3), min_size=n, max_size=n))
    data = pd.DataFrame(
        {
            "source_file": draw.draw(st.lists(st.sampled_from(["a.xlsx", "b:c.csv"]), min_size=n, max_size=n)),
            "source_sheet": ["Danh sách"] * n,
            "source_row": range(2, n + 2),
            "duplicate_positions": [sorted(set(g)) for g in groups],
        }
    )
    register_ids = pd.Series(ids, dtype=object)
    assert same_person(data, register_ids) == _same_person_reference(data, register_ids)


FRAME_COLUMNS = {
    "mixed": st.lists(CELL, min_size=6, max_size=6),
    "text": st.lists(st.one_of(st.none(), TEXT), min_size=6, max_size=6),
    "ints": st.lists(st.integers(-(2**62), 2**62), min_size=6, max_size=6),
    "floats": st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=6, max_size=6),
    "nullable": st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=6, max_size=6),
    "whole": st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=6, max_size=6),
    "flags": st.lists(st.booleans(), min_size=6, max_size=6),
}


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries(FRAME_COLUMNS))
def test_csv_by_columns_is_the_pandas_csv_byte_for_byte(tmp_path_factory, columns):
    folder = tmp_path_factory.mktemp("csv")
    frame = pd.DataFrame(
        {
            "mixed": pd.Series(columns["mixed"], dtype=object),
            "text": pd.Series(columns["text"], dtype="str"),
            "object text": pd.Series(columns["text"], dtype=object),
            "ints": np.array(columns["ints"], dtype=np.int64),
            "floats": np.array(columns["floats"], dtype=float),
            "float32": np.array([-1.1, 0.1, 3.3e38, 1e-40, 7, -0.0], dtype=np.float32),
            "Int64": pd.array(columns["nullable"], dtype="Int64"),
            "ints with None": pd.Series(columns["whole"], dtype=object),  # pandas writes them as floats
            "Float64": pd.array([None if v is None else v / 4 for v in columns["nullable"]], dtype="Float64"),
            "bool": np.array(columns["flags"]),
            "boolean": pd.array([None, *columns["flags"][1:]], dtype="boolean"),
            'a, "quoted" header': ["=x"] * 6,
        }
    )
    assert _vectorisable(frame)
    write_csv(frame, folder / "fast.csv")
    _write_pandas(frame, folder / "pandas.csv")
    assert (folder / "fast.csv").read_bytes() == (folder / "pandas.csv").read_bytes()


def test_csv_of_long_and_awkward_text(tmp_path):
    frame = pd.DataFrame({"a": pd.Series(AWKWARD, dtype=object), "b": pd.Series(AWKWARD, dtype="str")})
    frame = pd.concat([frame] * 3, ignore_index=True)
    write_csv(frame, tmp_path / "fast.csv")
    _write_pandas(frame, tmp_path / "pandas.csv")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_every_leading_space_python_knows_is_looked_at():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    texts = pa.array([f"{s}=1" for s in spaces] + ["Ủy ban", "Đặng", "abc", ""], type=pa.string())
    flagged = _formula_like(*_utf8(texts))
    assert flagged[: len(spaces)].all() and not flagged[len(spaces) :].any()


COLUMN_CASES = [
    (pd.Series(AWKWARD + NUMBERS, dtype=object), False),
    (pd.Series(AWKWARD + NUMBERS, dtype=object), True),
    (pd.Series([s for s in AWKWARD if isinstance(s, str)] + [None], dtype="str"), False),
    (pd.Series([s for s in AWKWARD if isinstance(s, str)] + [None], dtype="str"), True),
    (pd.Series([1.5, -0.0, float("nan"), float("inf"), 1e300, 3.0]), False),
    (pd.Series([5, None, 7], dtype="Int64"), True),
    (pd.Series([1, 2, 3]), False),
]


def test_cells_per_distinct_value_are_the_cells_per_row():
    for column, number_column in COLUMN_CASES:
        codes, values, widths = _cells(column, number_column)
        values = values.to_pylist() if isinstance(values, pa.Array) else values
        kind = column.dtype.kind
        expected = [None if pd.isna(v) else cell_value(v, kind, number_column) for v in column.tolist()]
        got = [None if c < 0 else values[c] for c in codes]
        assert [repr(v) for v in got] == [repr(v) for v in expected]
        originals = [v for v in column.tolist() if not pd.isna(v)]
        longest = max(
            (
                len(v) if isinstance(v, str) else len(str(o))
                for v, o in zip(expected, column.tolist(), strict=True)
                if v is not None
            ),
            default=0,
        )
        assert max(widths, default=0) == longest and len(originals) == int((codes >= 0).sum())


def _per_cell_workbook(path, cells: list[list], heights: list[float]) -> None:
    """The reference: the same table written cell by cell through xlsxwriter."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Bảng")
    text = book.add_format({"border": 1, "font_name": "Times New Roman", "num_format": "@"})
    number = book.add_format({"border": 1, "num_format": "#,##0"})
    sheet.write_string(0, 0, "Tiêu đề", text)
    for r, (row, height) in enumerate(zip(cells, heights, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, c, None, text)
            elif isinstance(value, str):
                sheet.write_string(r, c, value, text)
            else:
                sheet.write_number(r, c, value, number)
        sheet.set_row(r, height)
    book.close()


def _bulk_workbook(path, columns: list[pd.Series], heights: list[float]) -> list[list]:
    bulk = BulkWorkbook(path)
    sheet = bulk.book.add_worksheet("Bảng")
    text = bulk.book.add_format({"border": 1, "font_name": "Times New Roman", "num_format": "@"})
    number = bulk.book.add_format({"border": 1, "num_format": "#,##0"})
    sheet.write_string(0, 0, "Tiêu đề", text)
    written = []
    for c, (column, number_column) in enumerate(columns):
        codes, values, _ = _cells(column, number_column)
        shown = values.to_pylist() if isinstance(values, pa.Array) else values
        written.append([None if k < 0 else shown[k] for k in codes])
        columns[c] = Column(codes, values, text, number)
    bulk.add_rows(sheet, 1, columns, np.array(heights))
    bulk.close()
    return [list(row) for row in zip(*written, strict=True)]


def _read(path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["Bảng"]
    cells = [
        (c.coordinate, c.value, c.data_type, c.number_format, c.font.name, c.border.left.style)
        for row in sheet.iter_rows()
        for c in row
    ]
    heights = {r: d.height for r, d in sheet.row_dimensions.items() if d.height is not None}
    return [*cells, sheet.dimensions, tuple(sorted(heights.items()))]


def test_bulk_workbook_reads_back_as_the_per_cell_one(tmp_path):
    n = len(AWKWARD) + len(NUMBERS)
    columns = [
        (pd.Series(AWKWARD + NUMBERS, dtype=object), False),
        (pd.Series(AWKWARD + NUMBERS, dtype=object), True),
        (pd.Series([1.5, -0.0, float("nan"), 2.0] * (n // 4) + [7.0] * (n % 4)), False),
        (pd.Series([None] * n, dtype=object), False),
        (pd.Series(np.arange(n, dtype=np.int64) * 10**15 - 7), True),
        (pd.Series([s for s in AWKWARD if isinstance(s, str)] * 2, dtype="str")[:n].reset_index(drop=True), False),
    ]
    heights = [15.0, 40.0, 17.75, 100.0] * (n // 4) + [15.0] * (n % 4)
    cells = _bulk_workbook(tmp_path / "bulk.xlsx", columns, heights)
    _per_cell_workbook(tmp_path / "cells.xlsx", cells, heights)
    bulk, reference = _read(tmp_path / "bulk.xlsx"), _read(tmp_path / "cells.xlsx")
    rich = [i for i, cell in enumerate(bulk[:-2]) if cell[1] == "<r>rich?</r>"]
    assert rich and all(bulk[i][2] == "s" for i in rich)  # xlsxwriter writes this text as XML; the bulk rows keep it
    for i in rich:
        bulk[i] = reference[i] = None
    assert bulk == reference


def test_row_heights_in_whole_pixels():
    assert _height(15) == "" and _height(40) == ' ht="39.75" customHeight="1"'
    assert math.isclose(float(_height(17.75).split('"')[1]), 18)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(float("nan")), st.sampled_from(DATES), DATE_TEXT), max_size=12))
def test_show_dates_by_pyarrow_is_show_date_of_each_cell(cells):
    for column in (pd.Series(cells, dtype=object), pd.Series(cells, dtype="str")):
        expected = pd.Series(text_array(np.array([v if pd.isna(v) else show_date(v) for v in column], dtype=object)))
        shown = show_dates(column)
        assert shown.dtype == expected.dtype and shown.equals(expected)
    mixed = pd.Series([*cells, 7, dt.date(1950, 6, 15)], dtype=object)
    assert show_dates(mixed).tolist() == [v if pd.isna(v) else show_date(v) for v in mixed]


RESULT_TEXT = st.sampled_from([None, "Khớp", "Cần xác minh", "Không tìm thấy", "matched", "review", "x", " Khớp "])
STATUS_TEXT = st.sampled_from([None, "Còn sống", "Đã chết", "Đã chuyển đi", "Không rõ", "dead", "moved", "abc", ""])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(RESULT_TEXT, STATUS_TEXT), min_size=1, max_size=20))
def test_summary_class_per_distinct_value_is_the_class_of_each_row(rows):
    def reference(result: object, status: object) -> str:
        if parse_result(result) == Result.MATCHED:
            order = [Status.ALIVE, Status.DEAD, Status.MOVED]
            parsed = parse_status(status)
            return SUMMARY_COLUMNS[order.index(parsed) if parsed in order else 3]
        return SUMMARY_COLUMNS[4 if parse_result(result) == Result.REVIEW else 5]

    table = pd.DataFrame(rows, columns=["Kết quả", "Tình trạng CSDLQG"], dtype="str")
    assert _summary_class(table).tolist() == [reference(r, s) for r, s in rows]


def test_text_array_with_missing_values_pyarrow_does_not_know():
    for missing in (np.float32("nan"), pd.NA, None):
        values = np.array(["a", missing, "b"], dtype=object)
        inferred, fast = pd.Series(values), pd.Series(text_array(values))
        assert inferred.dtype == fast.dtype and inferred.equals(fast)
