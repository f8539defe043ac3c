"""ket_qua_doi_sanh.xlsx for people: print set-up, numbers as numbers, frozen names, the Quyết định drop-down
right after the person's columns, candidates' address and status, non-overlapping summary counts."""

from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import pandas as pd

from asxh_cli.export.match_report import summary_table, write_result_workbook
from asxh_cli.match.review import read_decisions

PEOPLE = [
    # name, result, status, amount
    ("Người A", "Khớp", "Còn sống", "500000"),
    ("Người B", "Khớp", "Đã chết", "500000"),
    ("Người C", "Khớp", "Đã chuyển đi", "300000"),
    ("Người D", "Cần xác minh", None, "300000"),
    ("Người E", "Không tìm thấy", None, "1250000"),
]


def table() -> pd.DataFrame:
    rows = [
        {
            "Họ và tên": name,
            "Ngày sinh": "01/01/1950",
            "Giới tính": "Nam",
            "Số định danh cá nhân": None,
            "Nơi thường trú": "Thôn 1",
            "Xã/Phường": "Xã Long Sơn",
            "Đối tượng": "Người cao tuổi",
            "Mức trợ cấp (đồng/tháng)": amount,
            "Tệp gốc": "ds.csv",
            "Sheet gốc": "ds",
            "Dòng gốc": i + 2,
            "Kết quả": result,
            "Số định danh CSDLQG": "079150000001" if result == "Khớp" else None,
            "Điểm": 100 if result == "Khớp" else 70,
            "Lý do": "họ tên trùng khớp",
            "Tình trạng CSDLQG": status,
            "Trùng với": None,
            "Mã kiểm tra": f"CODE{i}",
        }
        for i, (name, result, status, amount) in enumerate(PEOPLE)
    ]
    return pd.DataFrame(rows)


def register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "national_id": ["079150000011", "079150000022"],
            "full_name": ["Người D", "Người D"],
            "birth_date": ["1950-01-01", "1950-03-01"],
            "sex": ["Nam", "Nam"],
            "status": ["Còn sống", "Đã chết"],
            "address": ["Thôn 1", "Tổ 3"],
            "commune": ["Xã Long Sơn", "Phường Vũng Tàu"],
        }
    )


def result() -> SimpleNamespace:
    candidates = pd.DataFrame({"b": [3, 3], "rank": [0, 1], "r": [0, 1], "score": [72.0, 70.0]})
    return SimpleNamespace(candidates=candidates)


def test_summary_counts_do_not_overlap():
    summary = summary_table(table())
    total = summary.iloc[-1]
    assert total["Tệp gốc"] == "Tổng cộng"
    assert (total["Khớp - còn sống"], total["Khớp - đã chết"], total["Khớp - đã chuyển đi"]) == (1, 1, 1)
    assert (total["Cần xác minh"], total["Không tìm thấy"], total["Tổng số"]) == (1, 1, 5)
    parts = [c for c in summary.columns if c not in ("Tệp gốc", "Đối tượng", "Tổng số")]
    assert (summary[parts].sum(axis=1) == summary["Tổng số"]).all()


def test_result_workbook_for_people(tmp_path):
    path = tmp_path / "ket_qua_doi_sanh.xlsx"
    write_result_workbook(table(), table(), result(), register(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Khớp", "Cần xác minh", "Không tìm thấy", "Đã chết", "Trùng lặp"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows and "&P" in sheet.oddHeader.center.text
        assert sheet.print_area
    matched = book["Khớp"]
    header = [c.value for c in matched[1]]
    amount = matched.cell(row=2, column=header.index("Mức trợ cấp (đồng/tháng)") + 1)
    assert amount.value == 500000 and amount.number_format == "#,##0"
    assert isinstance(matched.cell(row=2, column=header.index("Điểm") + 1).value, int)
    assert matched.freeze_panes == "B2"  # header row and the name column

    review = book["Cần xác minh"]
    header = [c.value for c in review[1]]
    person = ["Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Nơi thường trú", "Xã/Phường"]
    assert header[: len(person)] == person
    assert header[header.index("Đối tượng") + 1] == "Quyết định"
    decision = header.index("Quyết định") + 1
    [validation] = review.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"1,2,3,Không"'
    assert str(validation.sqref) == f"{openpyxl.utils.get_column_letter(decision)}2"
    row = dict(zip(header, next(review.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["Ứng viên 1 - nơi thường trú"] == "Thôn 1, Xã Long Sơn"
    assert row["Ứng viên 2 - nơi thường trú"] == "Tổ 3, Phường Vũng Tàu"
    assert row["Ứng viên 2 - tình trạng"] == "Đã chết"
    assert row["Ứng viên 2 - ngày sinh"] == "01/03/1950"

    review.cell(row=2, column=decision, value="2")
    book.save(path)
    read = read_decisions(path)
    assert not read.problems
    assert [d.national_id for d in read.decisions.values()] == ["079150000022"]


def test_long_reasons_make_their_rows_taller(tmp_path):
    people = table()
    people.loc[people["Họ và tên"] == "Người E", "Lý do"] = "không có ai cùng họ tên và năm sinh; " * 6
    path = tmp_path / "kq.xlsx"
    write_result_workbook(people, people, result(), register(), path)
    sheet = openpyxl.load_workbook(path)["Không tìm thấy"]
    short = openpyxl.load_workbook(path)["Khớp"].row_dimensions[2].height
    assert sheet.row_dimensions[2].height >= 3 * short
