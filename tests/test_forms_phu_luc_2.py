"""Phụ lục 2 and the exceptions workbook, from a hand-built assignment, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from asxh_cli.export.forms import MARGINS
from asxh_cli.export.phu_luc_2 import export_payout
from asxh_cli.export.template import load_template
from asxh_cli.payout import EXCEPTION, Assignment

DAY = dt.date(2026, 2, 5)
COLUMNS = [
    "full_name",
    "birth_date",
    "sex",
    "national_id",
    "old_id",
    "commune",
    "address",
    "category",
    "amount",
    "payment_method",
    "account_number",
    "bank",
    "proxy_name",
    "proxy_id",
    "proxy_relation",
    "phone",
    "cash_reason",
    "note",
    "source_file",
    "source_sheet",
    "source_row",
    "result",
    "register_status",
    "register_id",
    "register_name",
    "register_birth_date",
    "register_sex",
    "list",
    "method_code",
    "exception_reason",
    "pending",
]


def person(n: int, commune: str, listed: str, **values: object) -> dict[str, object]:
    row = dict.fromkeys(COLUMNS)
    row.update(
        full_name=f"Người Số {n}",
        birth_date="01/02/1950",
        sex="Nam",
        national_id=f"0791500{n:05d}",
        commune=commune,
        address="Thôn 1",
        category="Người cao tuổi",
        amount=500_000,
        source_file="ds.xlsx",
        source_sheet="DS",
        source_row=n + 1,
        result="Khớp",
        register_status="Còn sống",
        register_id=f"0791500{n:05d}",
        register_name=f"Người Số {n}",
        register_birth_date="1950-02-01",
        register_sex="Nam",
        list=listed,
        method_code=None if listed == EXCEPTION else listed,
        account_number="0123456789",
        bank="Agribank",
    )
    row.update(values)
    return row


@pytest.fixture
def assignment() -> Assignment:
    rows = [
        person(1, "Xã Long Sơn", "TK_CHINH_CHU", register_name="Trần Phương Ngân", full_name="Tran Phuong Ngan"),
        person(2, "Xã Long Sơn", "TK_CHINH_CHU", national_id=None, old_id="370060143"),
        person(3, "Phường Vũng Tàu", "TK_CHINH_CHU", register_birth_date="1950-01-02", amount=1_250_000),
        person(4, "Phường Vũng Tàu", "TIEN_MAT", pending="Chờ khảo sát: thiếu lý do nhận tiền mặt"),
        person(5, "Phường Vũng Tàu", "TK_UY_QUYEN", pending="Chờ khảo sát: thiếu số tài khoản"),
        person(
            6,
            "Xã Long Sơn",
            EXCEPTION,
            result="Không tìm thấy",
            register_id=None,
            national_id="40000000000",
            exception_reason="Kết quả đối sánh: Không tìm thấy",
            source_row=77,
        ),
        person(7, "Phường Vũng Tàu", EXCEPTION, register_status="Đã chết", exception_reason="CSDLQG: Đã chết"),
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS).astype(object)
    return Assignment(frame, frame["list"].value_counts())


def rows_of(path: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[tuple]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return sheet, list(sheet.iter_rows(values_only=True))


def people(values: list[tuple]) -> list[tuple]:
    """Body rows: those whose STT is a number."""
    return [row for row in values[8:] if isinstance(row[0], int)]


def test_every_person_on_exactly_one_list(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", False, DAY)
    assert {w.list_code for w in written} == {"TK_CHINH_CHU", "TIEN_MAT", "TK_UY_QUYEN", EXCEPTION}
    seen: list[str] = []
    for item in written:
        _, values = rows_of(item.path)
        header = list(values[6])
        body = people(values)
        assert len(body) == item.people
        seen += [row[header.index("Số định danh cá nhân")] for row in body]
    assert sorted(seen) == sorted(
        [f"0791500{n:05d}" for n in (1, 2, 3, 4, 5, 7)] + ["40000000000"]
    )  # each person once, the not-found one with the list's own ID


def test_combined_list_groups_by_commune_with_subtotals(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", False, DAY)
    own = next(w for w in written if w.list_code == "TK_CHINH_CHU")
    _, values = rows_of(own.path)
    assert values[0][0] == "UBND TP. HỒ CHÍ MINH" and values[1][0] == "SỞ Y TẾ"
    header = list(values[6])
    assert header[:2] == ["STT", "Xã/Phường"]
    labels = [row[0] for row in values[8:] if isinstance(row[0], str)]
    assert labels[:4] == [
        "Phường Vũng Tàu",
        "Cộng Phường Vũng Tàu: 1 người",
        "Xã Long Sơn",
        "Cộng Xã Long Sơn: 2 người",
    ]
    amount = header.index("Mức trợ cấp (đồng/tháng)")
    subtotals = [row[amount] for row in values[8:] if str(row[0]).startswith("Cộng ")]
    total = next(row for row in values if str(row[0]).startswith("Tổng cộng"))
    assert subtotals == [1_250_000, 1_000_000] and total[0] == "Tổng cộng: 3 người" and total[amount] == 2_250_000
    words = next(row[0] for row in values if str(row[0]).startswith("Số tiền bằng chữ"))
    assert words == "Số tiền bằng chữ: Hai triệu hai trăm năm mươi nghìn đồng."
    assert any(v == "TP. Hồ Chí Minh, ngày 05 tháng 02 năm 2026" for row in values for v in row)


def test_one_file_per_commune_names_its_own_agency(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", True, DAY)
    for item in written:
        _, values = rows_of(item.path)
        name = item.commune.split(" ", 1)[1]  # "Xã Long Sơn" → "Long Sơn", "Phường Vũng Tàu" → "Vũng Tàu"
        assert values[1][0] == f"UBND {item.commune.upper()}"
        assert values[0][0] == "UBND TP. HỒ CHÍ MINH"
        assert item.commune in values[4][0]
        texts = [str(v) for row in values for v in row if v]
        assert f"{name}, ngày 05 tháng 02 năm 2026" in texts
        for title in (
            "NGƯỜI LẬP BIỂU",
            "KẾ TOÁN",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            f"CÔNG AN {item.commune.upper()}",
        ):
            assert title in texts, title
        assert "Xã/Phường" not in values[6] or item.list_code == EXCEPTION


def test_register_identity_printed_and_list_value_in_note(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", True, DAY)
    long_son = next(w for w in written if w.list_code == "TK_CHINH_CHU" and w.commune == "Xã Long Sơn")
    vung_tau = next(w for w in written if w.list_code == "TK_CHINH_CHU" and w.commune == "Phường Vũng Tàu")
    assert long_son.corrected == 2 and vung_tau.corrected == 1
    _, values = rows_of(long_son.path)
    header = list(values[6])
    body = {row[header.index("Số định danh cá nhân")]: row for row in people(values)}
    first = body["079150000001"]
    assert first[header.index("Họ và tên")] == "Trần Phương Ngân"
    assert "Danh sách ghi: họ tên Tran Phuong Ngan" in first[header.index("Ghi chú")]
    second = body["079150000002"]  # the list had only the old CMND
    assert "số định danh 370060143" in second[header.index("Ghi chú")]
    _, values = rows_of(vung_tau.path)
    [row] = people(values)
    assert row[header.index("Ngày sinh")] == "02/01/1950"
    assert "ngày sinh 01/02/1950" in row[header.index("Ghi chú")]


def test_pending_people_stay_on_their_list_marked_and_counted(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", False, DAY)
    cash = next(w for w in written if w.list_code == "TIEN_MAT")
    assert cash.pending == 1
    _, values = rows_of(cash.path)
    header = list(values[6])
    [row] = people(values)
    assert row[header.index("Ghi chú")] == "Chờ khảo sát: thiếu lý do nhận tiền mặt"
    texts = [str(v) for r in values for v in r if v]
    [waiting] = [t for t in texts if t.startswith("Trong đó: 1 người chờ khảo sát")]
    amount = f"{int(row[header.index('Mức trợ cấp (đồng/tháng)')]):,}".replace(",", ".")
    assert f"số tiền {amount} đồng CHƯA ĐƯỢC CHI" in waiting and "Số được chi ngay: 0 người, 0 đồng" in waiting


def test_exceptions_name_commune_source_and_reason(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", False, DAY)
    exceptions = next(w for w in written if w.list_code == EXCEPTION)
    sheet, values = rows_of(exceptions.path)
    header = list(values[6])
    for column in ("Xã/Phường", "Tệp gốc", "Sheet gốc", "Dòng gốc", "Lý do phải xử lý"):
        assert column in header
    body = {row[header.index("Dòng gốc")]: row for row in people(values)}
    row = body["77"]
    assert row[header.index("Xã/Phường")] == "Xã Long Sơn" and row[header.index("Tệp gốc")] == "ds.xlsx"
    assert row[header.index("Lý do phải xử lý")] == "Kết quả đối sánh: Không tìm thấy"
    r = next(i for i, v in enumerate(values, start=1) if v[header.index("Dòng gốc")] == "77")
    id_cell = sheet.cell(row=r, column=header.index("Số định danh cá nhân") + 1)
    assert id_cell.value == "40000000000" and id_cell.number_format == "@"  # never 0,4E+10
    assert all(sheet.row_dimensions[i].height for i in range(9, r + 1))  # explicit heights for wrapped text


def test_nd30_page_setup_fonts_and_print_area(assignment, rules, tmp_path):
    written = export_payout(assignment, rules, load_template(rules), tmp_path, "Tết 2026", False, DAY)
    for item in written:
        sheet, values = rows_of(item.path)
        margins = sheet.page_margins
        assert 20 <= margins.top * 25.4 <= 25 and 20 <= margins.bottom * 25.4 <= 25
        assert 30 <= margins.left * 25.4 <= 35 and 15 <= margins.right * 25.4 <= 20
        assert margins.left == pytest.approx(MARGINS["left"])
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$7:$8"
        assert sheet.freeze_panes == "A9"
        last_column = openpyxl.utils.get_column_letter(len(values[6]))
        assert sheet.print_area == f"'{sheet.title}'!$A$1:${last_column}${sheet.max_row}"
        fonts = {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None}
        assert fonts == {"Times New Roman"}
        assert sheet["A2"].font.b and not sheet["A1"].font.b  # agency bold, parent body not
        rule = [sheet.cell(row=3, column=c).border.top.style for c in range(1, sheet.max_column + 1)]
        assert "thin" in rule  # the rule under the agency name and the motto
        assert "&P" in sheet.oddHeader.center.text
