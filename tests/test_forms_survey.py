"""Phụ lục 1 as printed for the field team: readable size, field columns only, sorted, one row per person,
validations; and still readable by `survey read`."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from asxh_cli.contract import fingerprint
from asxh_cli.export.template import load_template
from asxh_cli.survey import ANSWERS, KEYS, list_check_codes, make_surveys, read_surveys

COLUMNS = [
    "full_name",
    "birth_date",
    "national_id",
    "address",
    "commune",
    "category",
    "amount",
    "payment_method",
    "account_number",
    "register_status",
    "same_as",
    "source_file",
    "source_sheet",
    "source_row",
    "fingerprint",
]


def frame() -> pd.DataFrame:
    rows = [
        ("Trần Văn Bình", "Tổ 10", None, 2),
        ("Lê Thị An", "Tổ 2", None, 3),
        ("Nguyễn Văn An", "Tổ 10", None, 4),
        ("Phạm Thị Cúc", "Tổ 2", "ds.csv:ds:6", 5),
        ("Phạm Thị Cúc", "Tổ 2", "ds.csv:ds:5", 6),  # the same person again: surveyed once
        ("Đỗ Văn Dũng", "Tổ 2", None, 7),
    ]
    data = [
        {
            "full_name": name,
            "birth_date": "01/01/1950",
            "national_id": f"07915000{row:04d}",
            "address": address,
            "commune": "Xã Long Sơn",
            "category": "Người cao tuổi",
            "amount": "500000",
            "payment_method": "Tiền mặt",
            "account_number": None,
            "register_status": "Đã chết" if name == "Đỗ Văn Dũng" else "Còn sống",
            "same_as": same,
            "source_file": "ds.csv",
            "source_sheet": "ds",
            "source_row": row,
            "fingerprint": fingerprint(name, "01/01/1950", f"07915000{row:04d}"),
        }
        for name, address, same, row in rows
    ]
    return pd.DataFrame(data, columns=COLUMNS).astype(object)


@pytest.fixture
def survey(rules, tmp_path):
    [written] = make_surveys(frame(), rules, load_template(rules), tmp_path, False, False, dt.date(2026, 2, 5))
    return written.path


def test_sorted_by_hamlet_then_given_name_one_row_per_person(survey):
    sheet = openpyxl.load_workbook(survey)["Xã Long Sơn"]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[6])
    body = [row for row in values[8:] if isinstance(row[0], int)]
    names = [row[header.index("Họ và tên")] for row in body]
    assert names == ["Lê Thị An", "Phạm Thị Cúc", "Nguyễn Văn An", "Trần Văn Bình"]
    assert [row[header.index("Thôn/Tổ")] for row in body] == ["Tổ 2", "Tổ 2", "Tổ 10", "Tổ 10"]
    assert values[1][0] == "UBND XÃ LONG SƠN"


def test_readable_when_printed(survey):
    sheet = openpyxl.load_workbook(survey)["Xã Long Sơn"]
    scale = sheet.page_setup.scale
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    body_rows = [r for r in range(9, sheet.max_row + 1) if isinstance(sheet.cell(row=r, column=1).value, int)]
    assert body_rows
    for r in body_rows:
        assert sheet.cell(row=r, column=2).font.sz * scale / 100 >= 9
        assert sheet.row_dimensions[r].height * scale / 100 / 72 * 25.4 >= 8  # mm as printed
    header = [c.value for c in sheet[7]]
    printed = openpyxl.utils.column_index_from_string(sheet.print_area.split("$")[-2])
    inside = header[:printed]
    assert "Phương thức chọn" in inside and "Chữ ký người được khảo sát" in inside
    for technical in ("Tệp gốc", "Sheet gốc", "Dòng gốc", "Mức trợ cấp (đồng/tháng)"):
        assert header.index(technical) >= printed
    breaks = [b.id for b in sheet.col_breaks.brk]
    assert len(breaks) == 1 and header[breaks[0]] == "STT"  # page 2 starts with STT and name again
    assert header[breaks[0] + 1] == "Họ và tên"


def test_drop_downs_and_length_checks(survey):
    book = openpyxl.load_workbook(survey)
    sheet = book["Xã Long Sơn"]
    header = [c.value for c in sheet[7]]
    lists = book["DanhMuc"]
    assert lists.sheet_state == "hidden"
    list_headers = [c.value for c in lists[1]]
    assert set(list_headers) == {
        "Phương thức chọn",
        "Ngân hàng",
        "Quan hệ với đối tượng",
        "Lý do không nhận qua tài khoản",
    }
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_column[header[cell_range.min_col - 1]] = validation
    for name in list_headers:
        assert by_column[name].type == "list" and "DanhMuc" in by_column[name].formula1
    expected = {"Số định danh người được ủy quyền": ("12", "12"), "Số điện thoại": ("10", "10")}
    for name, (low, high) in expected.items():
        validation = by_column[name]
        assert validation.type == "textLength" and (validation.formula1, validation.formula2) == (low, high)
    assert by_column["Số tài khoản"].type == "textLength"


def test_survey_read_still_reads_the_form(survey, rules):
    book = openpyxl.load_workbook(survey)
    sheet = book["Xã Long Sơn"]
    header = [c.value for c in sheet[7]]
    for name in [*ANSWERS.values(), *KEYS.values()]:
        assert name in header
    r = next(r for r in range(9, sheet.max_row + 1) if isinstance(sheet.cell(row=r, column=1).value, int))
    sheet.cell(row=r, column=header.index("Phương thức chọn") + 1, value="Tiền mặt / Bưu điện")
    sheet.cell(row=r, column=header.index("Lý do không nhận qua tài khoản") + 1, value="Già yếu")
    book.save(survey)
    answers = read_surveys([survey], rules, list_check_codes(frame()))
    assert answers.problems.empty
    [(key, answer)] = answers.answers.items()
    assert key == ("ds.csv", "ds", 3) and answer["cash_reason"] == "Già yếu"
