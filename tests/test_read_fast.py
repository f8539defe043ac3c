"""The fast list reader (issue 13) against the straightforward one it replaced, on awkward sheets built here.

Cell text is worked out per kind of value over a whole sheet, and rows are taken as people per column; both must
give exactly what `cell_text` per cell and `_Classifier.classify` per row, in order, give. Names and IDs are
synthetic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.errors import InputError
from asxh_cli.io.grid import SheetGrid, _scan_tags, _text_cells, cell_text, read_excel_grids, xlsx_extents
from asxh_cli.io.layout import (
    _above_header,
    _Classifier,
    _find_header,
    _Headers,
    _resolve_columns,
    _settle_by_content,
    _Sheet,
    _verdicts,
    parse_sheet,
)


def straight_rows(values: list[list[object]]) -> list[list[str | None]]:
    """`cell_text` of every cell, trailing empty cells and rows left out: the reader's text before issue 13."""
    rows = []
    for row in values:
        texts = [cell_text(v) for v in row]
        while texts and texts[-1] is None:
            texts.pop()
        rows.append(texts)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def verdicts_both_ways(grid: SheetGrid, rules) -> tuple[dict, dict]:
    """Each row's verdict (None for a person) from the per-column pass and from asking every row in turn."""
    headers = _Headers(rules.column_aliases, {})
    header, two_level, view = _find_header(grid, rules, headers)
    columns = _resolve_columns(view[header], view[header + 1] if two_level else None, rules, headers, [])
    first = header + (2 if two_level else 1)
    columns, _ = _settle_by_content(columns, grid, first)
    straight: dict[int, tuple[str, str] | None] = {}
    sheet = _Sheet.of(grid)
    sheet.merge_down(grid.merged, first, columns)
    classifier = _Classifier(columns, rules, headers)
    for r in range(len(sheet.cells)):
        if header <= r < first:
            continue
        straight[r] = classifier.classify(sheet.row(r)) if r >= first else _above_header(sheet.row(r))
    sheet = _Sheet.of(grid)
    sheet.merge_down(grid.merged, first, columns)
    found = _verdicts(sheet, first, header, _Classifier(columns, rules, headers))
    fast = {r: None if found.kept[r] else found.found[r] for r in straight}
    assert set(found.found) <= set(straight)
    return fast, straight


AWKWARD = [
    ["UBND XÃ LONG SƠN", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH CHI TRẢ TRỢ CẤP THÁNG 01/2026"],
    ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Địa chỉ", "Diện", "Ghi chú"],
    [None, None, "Nam", "Nữ", None, None, None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
    ["I", "XÃ LONG SƠN"],
    [1, "Nguyễn Văn Một", 18264, None, 79050000011.0, "Thôn 1", "Người cao tuổi", None],
    [2, "Trần Thị Hai", None, "03/04/1951", "079151000022", "Thôn 2", "Người khuyết tật", 12.5],
    [3.0, "  Lê   Văn Ba ", "1952", None, 7.9052e11, None, "NCT", True],
    [None, None, None, None, None, None, None, None],
    [4, "Trịnh Thị Bốn", None, dt.datetime(1953, 5, 6), "", "Thôn 4", "Người cao tuổi", None],
    [5, "Cao Văn Năm", dt.date(1954, 7, 8), None, "12345678901234567890", "Thôn 5", None, -0.0],
    ["II", "XÃ TÂN HẢI"],
    [6, "Tổng Văn Sáu", "1955", None, "0790 5500 0066", "Thôn 6", "Người cao tuổi", 1e20],
    [7, "Chu Thị Bảy", None, "1956", None, "Thôn 7", None, dt.time(8, 30)],
    [8, "Hồ Văn Tám", "05/1957", None, "7.9057E+11", "Thôn 8", "Người cao tuổi", None],
    [None, "Họ và tên", "Ngày sinh", None, "Số CCCD"],
    [9, "Đặng Thị Chín", None, "1958", 79158000099, "Thôn 9", "Người khuyết tật", None],
    [None, "Tổng cộng", None, None, None, None, None, 450000],
    [None, "Cộng: 9 người"],
    [None, None, None, None, "Long Sơn, ngày 05 tháng 01 năm 2026"],
    [None, "NGƯỜI LẬP BIỂU", None, None, "CHỦ TỊCH"],
    [None, "Nguyễn Thị Lập", None, None, "Trần Văn Chủ"],
    [10, "Phan Văn Mười", "1960", None, "079060000100", "Thôn 10", None, None],
]
HIDDEN_ROWS = (13, 20)


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    return build_awkward(tmp_path)


def build_awkward(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DS"
    for row in AWKWARD:
        sheet.append(row)
    for cell_range in ("A1:E1", "F1:H1", "C5:D5", "A5:A6", "B5:B6", "E5:E6", "F10:F11"):
        sheet.merge_cells(cell_range)
    for row in HIDDEN_ROWS:
        sheet.row_dimensions[row].hidden = True
    sheet["C9"].number_format = "dd/mm/yyyy"
    path = tmp_path / "awkward.xlsx"
    book.save(path)
    return path


def test_sheet_text_matches_cell_text_per_cell(awkward):
    values = python_calamine.CalamineWorkbook.from_path(str(awkward)).get_sheet_by_name("DS").to_python()
    grid = read_excel_grids(awkward)[0]
    assert grid.rows == straight_rows(values)
    assert grid.hidden_rows == frozenset(HIDDEN_ROWS)


def test_awkward_sheet_rows_classified_as_row_by_row(awkward, rules):
    grid = read_excel_grids(awkward)[0]
    fast, straight = verdicts_both_ways(grid, rules)
    assert fast == straight
    assert sum(v is None for v in fast.values()) >= 8  # the test is about people, not only skipped rows
    table = parse_sheet(grid, rules)
    assert [s.row for s in table.skipped_list if s.reason == "hidden"] == [13, 20]
    assert list(table.data.columns[-3:]) == ["source_file", "source_sheet", "source_row"]
    assert table.data.loc[table.data["source_row"] == 11, "address"].item() == "Thôn 2"  # merged down F10:F11


def test_awkward_sheet_frame_holds_each_kept_row_as_given(awkward, rules):
    grid = read_excel_grids(awkward)[0]
    table = parse_sheet(grid, rules)
    rows = {r: grid.rows[r - 1] for r in table.data["source_row"]}
    for col in table.columns:
        if col.sex or col.field == "address":  # birth by sex is joined; address was merged down
            continue
        name = col.field or col.header
        expected = [rows[r][col.index] if col.index < len(rows[r]) else None for r in table.data["source_row"]]
        assert table.data[name].tolist() == expected, name


_VALUES = st.one_of(
    st.none(),
    st.text(max_size=4),
    st.sampled_from(["", " ", "Nguyễn Văn A", "079050000011", "01/02/1960", "TỔNG CỘNG"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e17, max_value=1e17).map(round).map(float),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(),
    st.times(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_VALUES, min_size=0, max_size=6), max_size=8))
def test_text_of_any_values_matches_cell_text(values):
    width = max(map(len, values), default=0)
    calamine_like = [row + [""] * (width - len(row)) for row in values]
    cells, lengths = _text_cells(calamine_like)
    grid = SheetGrid(Path("x.xlsx"), "S", cells=cells, lengths=lengths)
    assert grid.rows == straight_rows(calamine_like)
    assert [type(c) for row in grid.rows for c in row] == [type(c) for row in straight_rows(calamine_like) for c in row]


_CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "Họ và tên",
            "Ngày sinh",
            "Số CCCD",
            "Giới tính",
            "Diện",
            "Nguyễn Văn A",
            "Trần Thị B",
            "Tổng cộng",
            "TC",
            "Cộng",
            "NGƯỜI LẬP BIỂU",
            "ngày 5 tháng 1 năm 2026",
            "Nam",
            "Nữ",
            "1950",
            "01/02/1960",
            "079050000011",
            "0790 5000 0011",
            "12",
            "(3)",
            "I",
            "XÃ LONG SƠN",
            "Người cao tuổi",
            " ",
            "",
        ]
    ),
    st.text(max_size=5),
)


@st.composite
def _grids(draw):
    rows = draw(st.lists(st.lists(_CELLS, max_size=6), max_size=14))
    header = draw(st.integers(0, 3))
    if len(rows) > header:
        rows[header] = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Giới tính", "Diện"]
    merged = draw(
        st.lists(
            st.tuples(*(st.integers(0, 14) for _ in range(2)), st.integers(0, 5), st.integers(0, 5)).map(
                lambda t: (min(t[0], t[1]), min(t[2], t[3]), max(t[0], t[1]), max(t[2], t[3]))
            ),
            max_size=3,
        )
    )
    hidden = draw(st.frozensets(st.integers(1, 15), max_size=3))
    return SheetGrid(Path("fuzz.xlsx"), "S", rows, merged, hidden_rows=hidden)


@settings(max_examples=400, deadline=None)
@given(_grids())
def test_any_small_grid_rows_classified_as_row_by_row(rules, grid):
    try:
        fast, straight = verdicts_both_ways(grid, rules)
    except InputError:
        return
    assert fast == straight


def test_sparse_grid_keeps_only_the_columns_it_holds():
    rows: list[list[str | None]] = [["Họ và tên", "Số CCCD"], ["Nguyễn Văn A", "079050000011"]] + [[]] * 300
    rows.append([None] * 16383 + ["x"])
    grid = SheetGrid(Path("far.xlsx"), "S", rows)
    assert grid.columns.tolist() == [0, 1, 16383]
    assert grid.cells.shape == (len(rows), 3)
    assert grid.row(1) == rows[1] and grid.row(5) == [] and grid.row(len(rows) - 1) == rows[-1]
    assert np.array_equal(grid.lengths, [len(r) for r in rows])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([b"<", b"row", b"c", b" ", b">", b"<c", b"<row", b"r", b"ow", b"x", b"\0"]), max_size=40)
)
def test_tag_counts_match_bytes_count(parts):
    data = b"".join(parts)
    rows = data.count(b"<row ") + data.count(b"<row>")
    assert _scan_tags(data)[:2] == (rows, data.count(b"<c ") + data.count(b"<c>"))


def test_extents_of_the_named_sheets_only(tmp_path):
    """A review sheet is read from a result workbook whose people sheet has 100k rows: only the sheet asked for
    is scanned, with the extent a scan of every sheet gives it."""
    book = openpyxl.Workbook()
    big = book.active
    big.title = "Danh sách"
    for i in range(2000):
        big.append([f"Người {i}", f"0790{i:08d}", i])
    small = book.create_sheet("Cần xác minh")
    small.append(["Tệp gốc", "Sheet gốc", "Dòng gốc", "Quyết định"])
    small.append(["a.xlsx", "S", 5, "Không"])
    small.merge_cells("A4:B5")
    path = tmp_path / "ket_qua.xlsx"
    book.save(path)
    every = xlsx_extents(path)
    assert set(every) == {"Danh sách", "Cần xác minh"} and every["Danh sách"].rows == 2000
    assert xlsx_extents(path, {"Cần xác minh"}) == {"Cần xác minh": every["Cần xác minh"]}
    assert every["Cần xác minh"].merged == ((3, 0, 4, 1),)
    assert [g.sheet for g in read_excel_grids(path, "Cần xác minh")] == ["Cần xác minh"]
