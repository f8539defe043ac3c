"""Tables written in bulk into xlsxwriter's sheets read back as xlsxwriter would have written them."""

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import python_calamine

from asxh_cli.io.xlsx import BulkWorkbook, Column


def column(cells: list, text_format, number_format) -> Column:
    """A bulk column from one value per row (None: blank)."""
    values = list(dict.fromkeys(c for c in cells if c is not None))
    codes = np.array([-1 if c is None else values.index(c) for c in cells])
    return Column(codes, values, text_format, number_format)


TEXTS = [
    "=1+1",
    "a & <b> > c",
    "_x0041_ literal",
    "bell\x07here",
    " leading space",
    "",
    "Nguyễn Văn Á",
    "line\nbreak",
]


def test_bulk_rows_read_back_exactly(tmp_path):
    path = tmp_path / "bulk.xlsx"
    bulk = BulkWorkbook(path)
    sheet = bulk.book.add_worksheet("Bảng")
    plain = bulk.book.add_format({"border": 1, "font_name": "Times New Roman"})
    money = bulk.book.add_format({"border": 1, "num_format": "#,##0"})
    fill = bulk.book.add_format({"border": 2, "bg_color": "#FFF2CC"})
    same = bulk.book.add_format({"border": 1, "num_format": "#,##0"})  # equal to `money`: shares its index
    sheet.write_string(0, 0, "Chữ", plain)
    n = len(TEXTS)
    numbers = [72.0, 1.5, None, 500000.0, None, None, None, 3.0]
    bulk.add_rows(
        sheet,
        1,
        [
            column(TEXTS, plain, money),
            column(numbers, plain, money),
            column([None] * n, fill, fill),
            column([1.0] * n, same, same),
        ],
        [15.0, 40.0] + [17.75] * (n - 2),
    )
    bulk.close()

    book = openpyxl.load_workbook(path)
    sheet = book["Bảng"]
    assert sheet.max_row == n + 1 and sheet.max_column == 4
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Bảng").to_python()
    assert [row[0] for row in grid[1:]] == TEXTS  # escapes (`&`, `_xHHHH_`, control characters) read back exactly
    texts = [sheet.cell(row=r, column=1) for r in range(2, n + 2)]
    assert all(c.data_type == "s" for c in texts if c.value)  # "=1+1" stays text, never a formula
    assert all(c.font.name == "Times New Roman" and c.border.left.style == "thin" for c in texts)
    values = [sheet.cell(row=r, column=2).value for r in range(2, n + 2)]
    assert values == [72, 1.5, None, 500000, None, None, None, 3]
    assert isinstance(values[0], int) and sheet.cell(row=5, column=2).number_format == "#,##0"
    blank = sheet.cell(row=4, column=2)
    assert blank.value is None and blank.border.left.style == "thin"  # blanks keep the column's format
    decision = sheet.cell(row=3, column=3)
    assert decision.value is None and decision.fill.fgColor.rgb == "FFFFF2CC" and decision.border.left.style == "medium"
    assert sheet.cell(row=2, column=4).number_format == "#,##0"
    assert sheet.row_dimensions[2].height is None  # the default height is not written
    assert sheet.row_dimensions[3].height == 39.75 and sheet.row_dimensions[4].height == 18  # whole pixels

    streamed = openpyxl.load_workbook(path, read_only=True)["Bảng"]
    assert len(list(streamed.iter_rows(values_only=True))) == n + 1  # the sheet's dimension covers the rows


def test_numbers_excel_cannot_hold_stay_text():
    from asxh_cli.export.match_report import _cells

    codes, values, _ = _cells(pd.Series(["500000", "inf", None, "1e999"], dtype=object), True)
    assert isinstance(values, list)
    cells = [None if c < 0 else values[c] for c in codes]
    assert cells == [500000.0, "inf", None, "1e999"]  # as given, never an INF cell that Excel must repair


class _Counting:
    """A deflate compressor that counts the bytes it is given."""

    def __init__(self, inner) -> None:
        self.inner, self.fed = inner, 0

    def compress(self, data: bytes) -> bytes:
        self.fed += len(data)
        return self.inner.compress(data)

    def flush(self, *mode: int) -> bytes:
        return self.inner.flush(*mode)


def test_bulk_parts_are_deflated_by_isal(tmp_path, monkeypatch):
    """The sheet with bulk rows and the shared strings go wholly through ISA-L's deflate, and read back."""
    from isal import isal_zlib

    import asxh_cli.io.xlsx as xlsx

    made: list[_Counting] = []
    real = isal_zlib.compressobj
    monkeypatch.setattr(xlsx.isal_zlib, "compressobj", lambda *args: made.append(_Counting(real(*args))) or made[-1])
    path = tmp_path / "bulk.xlsx"
    bulk = BulkWorkbook(path)
    sheet = bulk.book.add_worksheet("Bảng")
    plain = bulk.book.add_format({"border": 1})
    names = [f"Người {i}" for i in range(2000)]
    bulk.add_rows(sheet, 0, [column(names, plain, plain)], [15.0] * len(names))
    bulk.close()

    with zipfile.ZipFile(path) as written:
        sizes = {info.filename: info.file_size for info in written.infolist()}
    assert sorted(c.fed for c in made) == sorted([sizes["xl/sharedStrings.xml"], sizes["xl/worksheets/sheet1.xml"]])
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Bảng").to_python()
    assert [row[0] for row in grid] == names
