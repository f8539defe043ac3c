"""Payment safety on hand-made inputs: nobody lost, nobody paid twice, nobody ineligible paid.

Every input here is built by the test (openpyxl workbooks, CSV text), never by asxh_cli/sample.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.errors import InputError
from asxh_cli.payout import EXCEPTION, assign_lists, load_list, read_result_list
from asxh_cli.pipeline import ReadOptions, run_export, run_match

runner = CliRunner()
DAY = dt.date(2026, 1, 5)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đối tượng", "Mức trợ cấp", "Hình thức nhận",
          "Số tài khoản", "Ngân hàng"]  # fmt: skip
REGISTER_HEADER = "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Tình trạng,Ngày mất\n"


def person(name: str, born: str, sex: str, id_: str, amount: str = "500000", category: str = "Người khuyết tật nặng"):
    """A list row: paid into the person's own account."""
    account = "10" + "".join(ch for ch in f"{id_}{name}" if ch.isdigit())[-9:].rjust(9, "7")  # one per person
    return [name, born, sex, id_, category, amount, "Chuyển khoản", account, "Vietcombank"]


def workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI"])
        sheet.append(HEADER)
        for i, row in enumerate(rows, start=1):
            sheet.append([i, *row])
        if title in hidden:
            sheet.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def register(path: Path, rows: list[tuple[str, str, str, str, str, str]], header: str = REGISTER_HEADER) -> Path:
    path.write_text(header + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


ALIVE = [
    ("079050000101", "Lê Hồng Nhàn", "12/03/1950", "Nữ", "Còn sống", ""),
    ("079048000102", "Trần Văn Bảy", "01/07/1948", "Nam", "Còn sống", ""),
    ("079152000103", "Phạm Thị Hoa", "20/11/1952", "Nữ", "Còn sống", ""),
    ("079045000104", "Đỗ Văn Tám", "05/05/1945", "Nam", "Còn sống", ""),
]


def match(tmp_path: Path, files: list[Path], reg: Path, decisions: Path | None = None, out: str = "kq"):
    outdir = tmp_path / out
    args = ["match", *map(str, files), "-r", str(reg), "-o", str(outdir), "--json"]
    if decisions:
        args += ["--decisions", str(decisions)]
    result = runner.invoke(app, args)
    return result, outdir / "ket_qua_doi_sanh.csv"


def payment_rows(csv: Path) -> pd.DataFrame:
    """The rows that would be paid, with the register ID of the person paid."""
    assigned = assign_lists(load_list(csv), _rules(), DAY).frame
    return assigned[assigned["list"] != EXCEPTION]


def _rules():
    from asxh_cli.rules import load_rules

    return load_rules()


def test_same_person_on_two_commune_sheets_is_paid_once(tmp_path):
    lists = workbook(
        tmp_path / "btxh.xlsx",
        {
            "Xã An Hòa": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101", "500000")],
            "Xã Bình Minh": [
                person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102"),
                person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101", "750000"),
            ],
        },
    )
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # The duplicate label names file, sheet and row: never a row pointing at itself.
    first = table[(table["Sheet gốc"] == "Xã An Hòa")].iloc[0]
    assert first["Trùng với"] == f"{lists}:Xã Bình Minh:4"
    paid = payment_rows(csv)
    assert paid["register_id"].value_counts().max() == 1
    nhan = paid[paid["register_id"] == "079050000101"]
    assert list(nhan["amount"]) == [750000]  # bảo trợ xã hội twice: only the highest level is paid


def test_copied_sheet_and_same_file_twice(tmp_path):
    rows = [person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102")]
    lists = workbook(tmp_path / "ds.xlsx", {"Tổ 1": rows, "Tổ 1 (2)": rows})
    reg = register(tmp_path / "reg.csv", ALIVE)
    result, csv = match(tmp_path, [lists], reg)
    assert result.exit_code == 0
    assert len(payment_rows(csv)) == 1
    result, _ = match(tmp_path, [lists, tmp_path / "." / "ds.xlsx"], reg, out="kq2")
    assert result.exit_code == 2 and "hai lần" in result.stderr


def test_same_file_name_in_two_folders_stays_apart(tmp_path):
    a = workbook(tmp_path / "xa_a" / "ds.xlsx", {"DS": [person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102")]})
    b = workbook(tmp_path / "xa_b" / "ds.xlsx", {"DS": [person("Phạm Thị Hoa", "20/11/1952", "Nữ", "079152000103")]})
    result, csv = match(tmp_path, [a, b], register(tmp_path / "reg.csv", ALIVE))
    assert result.exit_code == 0
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table["Tệp gốc"]) == [str(a), str(b)]
    assert (table["Trùng với"] == "").all()
    assert len(payment_rows(csv)) == 2


@pytest.mark.parametrize(
    "status", ["Đã chết (2025)", "Đã khai tử", "Qua đời", "Đã qua đời", "", "Đang xác minh", "Không còn sống"]
)
def test_register_status_fails_closed(tmp_path, status):
    rows = [(*ALIVE[0][:4], status, ""), *ALIVE[1:]]
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", rows))
    assert result.exit_code == 0
    assert payment_rows(csv).empty
    summary = json.loads(result.stdout)
    if status in ("", "Đang xác minh"):
        assert summary["register_unknown_statuses"] == {status: 1}


def test_status_column_named_otherwise_or_missing(tmp_path):
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    dead = [(*ALIVE[0][:4], "Đã chết", "")]
    other_header = REGISTER_HEADER.replace("Tình trạng", "Trạng thái sống")
    result, csv = match(tmp_path, [lists], register(tmp_path / "r1.csv", dead, other_header))
    assert result.exit_code == 0 and payment_rows(csv).empty
    no_status = tmp_path / "r2.csv"
    no_status.write_text("Số định danh cá nhân,Họ và tên,Ngày sinh\n079050000101,Lê Hồng Nhàn,12/03/1950\n", "utf-8")
    result, csv = match(tmp_path, [lists], no_status, out="kq2")
    assert result.exit_code == 0 and payment_rows(csv).empty
    assert json.loads(result.stdout)["register_has_status"] is False


def test_header_only_register_is_refused(tmp_path):
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    result, _ = match(tmp_path, [lists], register(tmp_path / "reg.csv", []))
    assert result.exit_code == 2
    assert "không có dòng dữ liệu" in result.stderr


def test_register_duplicate_ids_take_the_strictest_status(tmp_path):
    rows = [*ALIVE, ("079050000101", "Lê Hồng Nhàn", "12/03/1950", "Nữ", "Đã chết", "02/02/2025")]
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", rows))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["register_duplicate_ids"] == 1
    assert payment_rows(csv).empty


def test_list_own_status_and_death_date_block_payment(tmp_path):
    path = tmp_path / "ds.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "Tình trạng", "Ngày mất"])
    sheet.append([1, *person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101"), "Đã chết", ""])
    sheet.append([2, *person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102"), "", "03/04/2025"])
    sheet.append([3, *person("Phạm Thị Hoa", "20/11/1952", "Nữ", "079152000103"), "", ""])
    book.save(path)
    result, csv = match(tmp_path, [path], register(tmp_path / "reg.csv", ALIVE))
    assert result.exit_code == 0
    assert list(payment_rows(csv)["register_id"]) == ["079152000103"]


def test_age_that_cannot_fit_the_category_is_not_paid(tmp_path):
    child = person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102", category="Trẻ em mồ côi")
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [child]})
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    assert result.exit_code == 0
    assigned = assign_lists(load_list(csv), _rules(), DAY).frame
    assert assigned["list"].iat[0] == EXCEPTION and "Tuổi" in assigned["exception_reason"].iat[0]


def test_combinable_entitlements_make_one_line(tmp_path):
    lists = workbook(
        tmp_path / "ds.xlsx",
        {
            "BTXH": [person("Đỗ Văn Tám", "05/05/1945", "Nam", "079045000104", "500000", "Người khuyết tật nặng")],
            "NCC": [person("Đỗ Văn Tám", "05/05/1945", "Nam", "079045000104", "2789000", "Thương binh")],
        },
    )
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    assert result.exit_code == 0
    paid = payment_rows(csv)
    assert len(paid) == 1 and int(paid["amount"].iat[0]) == 3_289_000


def _review_workbook(first: Path, tmp_path: Path, decision: str) -> Path:
    book = openpyxl.load_workbook(first.parent / "ket_qua_doi_sanh.xlsx")
    sheet = book["Cần xác minh"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Quyết định") + 1, value=decision)
    path = tmp_path / "da_ra_soat.xlsx"
    book.save(path)
    return path


NAMESAKES = [
    ("079048555666", "Nguyễn Văn Hùng", "01/02/1948", "Nam", "Còn sống", ""),
    ("079048777888", "Nguyễn Văn Hùng", "09/10/1948", "Nam", "Đã chết", "01/01/2025"),
    ("079050000101", "Lê Hồng Nhàn", "12/03/1950", "Nữ", "Còn sống", ""),
]


def test_decision_is_refused_when_a_row_was_inserted(tmp_path):
    reg = register(tmp_path / "reg.csv", NAMESAKES)
    hung = [*person("Nguyễn Văn Hùng", "1948", "Nam", "")]
    before = workbook(tmp_path / "ds.xlsx", {"DS": [hung]})
    result, first = match(tmp_path, [before], reg, out="lan1")
    assert result.exit_code == 0
    reviewed = _review_workbook(first, tmp_path, "2")
    # A row is inserted above: row 3 now holds Lê Hồng Nhàn, whom the decision was not about.
    after = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", ""), hung]})
    result, second = match(tmp_path, [after], reg, reviewed, out="lan2")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert any("mã kiểm tra" in p for p in summary["review_problems"])
    table = pd.read_csv(second, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "079048777888" not in set(table["Số định danh CSDLQG"])


def test_decision_with_an_id_of_someone_else_is_refused(tmp_path):
    reg = register(tmp_path / "reg.csv", NAMESAKES)
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Nguyễn Văn Hùng", "1948", "Nam", "")]})
    result, first = match(tmp_path, [lists], reg, out="lan1")
    reviewed = _review_workbook(first, tmp_path, "079050000101")  # pasted from the next row: another person
    result, second = match(tmp_path, [lists], reg, reviewed, out="lan2")
    assert result.exit_code == 0
    assert any("họ tên khác" in p for p in json.loads(result.stdout)["review_problems"])
    table = pd.read_csv(second, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert table["Kết quả"].iat[0] != "Khớp"


def test_result_file_resaved_in_excel_gets_its_zeros_back(tmp_path):
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    _, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in ("Số định danh cá nhân", "Số định danh CSDLQG"):
        table[column] = table[column].str.lstrip("0")  # what Excel does to a number column
    resaved = tmp_path / "resaved.csv"
    table.to_csv(resaved, index=False, encoding="utf-8-sig")
    loaded = read_result_list(resaved)
    assert loaded.frame["register_id"].iat[0] == "079050000101" and loaded.repairs
    assert list(payment_rows(resaved)["national_id"]) == ["079050000101"]
    table["Số định danh CSDLQG"] = "7912"
    table.to_csv(resaved, index=False, encoding="utf-8-sig")
    with pytest.raises(InputError):
        read_result_list(resaved)


def test_edited_row_after_matching_is_not_paid(tmp_path):
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    _, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table["Họ và tên"] = "Nguyễn Thị Khác"
    edited = tmp_path / "edited.csv"
    table.to_csv(edited, index=False, encoding="utf-8-sig")
    assert payment_rows(edited).empty


def test_communes_that_fold_alike_get_their_own_files(tmp_path):
    path = tmp_path / "ds.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "Xã/Phường"])
    for i, (row, commune) in enumerate(
        zip(ALIVE, ["Xã Đông", "Xã Đồng", "Xã Long Sơn", "XÃ LONG SƠN"], strict=True), start=1
    ):
        sheet.append([i, *person(row[1], row[2], row[3], row[0]), commune])
    book.save(path)
    _, csv = match(tmp_path, [path], register(tmp_path / "reg.csv", ALIVE))
    run = run_export(csv, _rules(), tmp_path / "pl2", "Tết", True, DAY)
    paths = [w.path for w in run.written]
    assert len(paths) == len(set(paths)) == 3
    assert sorted(w.commune for w in run.written) == ["Xã Long Sơn", "Xã Đông", "Xã Đồng"]
    on_disk = sum(_people_in(p) for p in paths)
    assert on_disk == 4


def _people_in(path: Path) -> int:
    """People rows of a written Phụ lục 2 workbook: rows whose first cell is a running number."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return sum(1 for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int))


def test_pipeline_is_callable_without_the_cli(tmp_path):
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")]})
    run = run_match([lists], register(tmp_path / "reg.csv", ALIVE), _rules(), ReadOptions())
    assert list(run.result.decisions["result"]) == ["matched"]
    assert run.table["Kết quả"].iat[0] == "Khớp"


TWINS = [
    ("079215100001", "Nguyễn Văn Hùng", "12/03/2015", "Nam", "Còn sống", ""),
    ("079215100002", "Nguyễn Văn Dũng", "12/03/2015", "Nam", "Còn sống", ""),
    ("079150100003", "Trần Thị Lan", "05/06/1950", "Nữ", "Còn sống", ""),
    ("079150100004", "Trần Thị Lán", "05/06/1950", "Nữ", "Đã chết", "01/03/2025"),
]


def test_a_relatives_id_does_not_pay_the_relative(tmp_path):
    """A twin carrying his brother's ID, and a dead woman carrying the ID of her living namesake: both reviewed."""
    lists = workbook(
        tmp_path / "ds.xlsx",
        {
            "DS": [
                person("Nguyễn Văn Hùng", "12/03/2015", "Nam", "079215100002", category="Trẻ em mồ côi"),
                person("Trần Thị Lán", "05/06/1950", "Nữ", "079150100003"),
            ]
        },
    )
    result, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", TWINS))
    assert result.exit_code == 0
    table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table["Kết quả"]) == ["Cần xác minh", "Cần xác minh"]
    assert payment_rows(csv).empty


def test_note_saying_dead_or_moved_blocks_payment_and_blank_amounts_do_not_crash(tmp_path):
    path = tmp_path / "ds.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "Ghi chú"])
    sheet.append([1, *person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101"), "Đã chết tháng 3/2026, cắt trợ cấp"])
    sheet.append([2, *person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102"), "Chuyển đi TP khác"])
    sheet.append([3, *person("Phạm Thị Hoa", "20/11/1952", "Nữ", "079152000103", amount=""), ""])
    sheet.append([4, *person("Đỗ Văn Tám", "05/05/1945", "Nam", "079045000104"), "Hộ nghèo năm 2025"])
    book.save(path)
    _, csv = match(tmp_path, [path], register(tmp_path / "reg.csv", ALIVE))
    run = run_export(csv, _rules(), tmp_path / "pl2", "Tết", False, DAY)
    frame = run.assignment.frame
    assert list(frame.loc[frame["list"] != EXCEPTION, "register_id"]) == ["079045000104"]
    assert "mức trợ cấp" in frame["exception_reason"].iat[2]


def test_one_own_account_for_two_people_is_reviewed(tmp_path):
    rows = [person(r[1], r[2], r[3], r[0]) for r in ALIVE[:3]]
    rows[0][7] = rows[1][7] = "8888777766665555"
    lists = workbook(tmp_path / "ds.xlsx", {"DS": rows})
    _, csv = match(tmp_path, [lists], register(tmp_path / "reg.csv", ALIVE))
    assert list(payment_rows(csv)["register_id"]) == ["079152000103"]


def test_numbered_group_headings_are_not_people(tmp_path):
    path = tmp_path / "ds.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["I", "NGƯỜI KHUYẾT TẬT"])
    sheet.append([1, *person("Lê Hồng Nhàn", "12/03/1950", "Nữ", "079050000101")])
    sheet.append(["II", "NGƯỜI CAO TUỔI"])
    sheet.append([2, *person("Trần Văn Bảy", "01/07/1948", "Nam", "079048000102")])
    book.save(path)
    result, csv = match(tmp_path, [path], register(tmp_path / "reg.csv", ALIVE))
    assert json.loads(result.stdout)["rows_in"] == 2
    assert len(payment_rows(csv)) == 2


def test_decisions_for_files_not_in_the_run_are_reported(tmp_path):
    reg = register(tmp_path / "reg.csv", NAMESAKES)
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Nguyễn Văn Hùng", "1948", "Nam", "")]})
    _, first = match(tmp_path, [lists], reg, out="lan1")
    reviewed = _review_workbook(first, tmp_path, "2")
    moved = tmp_path / "khac" / "ds.xlsx"
    moved.parent.mkdir()
    moved.write_bytes(lists.read_bytes())
    result, _ = match(tmp_path, [moved], reg, reviewed, out="lan2")
    problems = json.loads(result.stdout)["review_problems"]
    assert any("không có trong lần chạy này" in p for p in problems)


def test_a_decision_that_is_not_understood_is_echoed_masked(tmp_path):
    reg = register(tmp_path / "reg.csv", NAMESAKES)
    lists = workbook(tmp_path / "ds.xlsx", {"DS": [person("Nguyễn Văn Hùng", "1948", "Nam", "")]})
    _, first = match(tmp_path, [lists], reg, out="lan1")
    reviewed = _review_workbook(first, tmp_path, "ID 0790015200001")
    result, _ = match(tmp_path, [lists], reg, reviewed, out="lan2")
    assert "0790015200001" not in result.stdout + result.stderr
    assert any("không hiểu quyết định 'ID 079" in p for p in json.loads(result.stdout)["review_problems"])


def test_hidden_rows_are_not_paid_unseen(tmp_path):
    """Offices hide the rows of people taken off a list: such a row is skipped, listed and warned about."""
    path = workbook(
        tmp_path / "ds.xlsx",
        {"DS": [person(r[1], r[2], r[3], r[0]) for r in ALIVE[:3]]},
    )
    book = openpyxl.load_workbook(path)
    book["DS"].row_dimensions[4].hidden = True  # the second person
    book.save(path)
    result, csv = match(tmp_path, [path], register(tmp_path / "reg.csv", ALIVE))
    summary = json.loads(result.stdout)
    assert summary["rows_in"] == 2 and any("dòng 4" in w and "ẩn" in w for w in summary["warnings"])
    assert "079048000102" not in set(payment_rows(csv)["register_id"])
