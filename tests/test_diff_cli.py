"""`asxh diff` through the CLI: the printable workbook read back, masked terminal, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.export.diff_report import DIFF_SHEETS
from tests.test_diff import ID, month_pair, person, write_result

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    prev, cur = month_pair()
    register = tmp_path / "csdl.csv"
    register.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Tình trạng,Ngày mất,Nơi thường trú,Xã/Phường\n"
        f"{ID[2]},Trần Văn Bình,02/02/1951,Nam,Đã chết,15/12/2025,Tổ 1,Phường Vũng Tàu\n"
        f"{ID[3]},Lê Văn Cường,03/03/1952,Nam,Đã chuyển đi,,Số 5 Lê Lợi,Phường Rạch Dừa\n",
        encoding="utf-8",
    )
    return write_result(tmp_path / "t1.csv", prev), write_result(tmp_path / "t2.csv", cur), register


def _sheet(book: openpyxl.Workbook, name: str) -> list[tuple]:
    return [row for row in book[name].iter_rows(values_only=True)]


def test_diff_writes_the_printable_workbook_and_exits_1_on_a_death(files, tmp_path):
    prev, cur, register = files
    out = tmp_path / "bien_dong.xlsx"
    args = ["diff", str(prev), str(cur), "-o", str(out), "--register", str(register), "--paid-through", "02/2026"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert ID[2] not in result.output and "Trần" not in result.output  # IDs masked, no names
    assert "0791******02" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(DIFF_SHEETS)
    summary = {row[0]: row[1] for row in _sheet(book, "Tổng hợp")[4:] if row[0]}
    assert summary["Số người kỳ trước"] == 10 and summary["Mới"] == 1 and summary["Đã chết"] == 1
    assert summary["Số tiền phải thu hồi (đồng)"] == 1_000_000
    assert any("(khớp)" in str(row[0]) for row in _sheet(book, "Tổng hợp"))
    died = _sheet(book, "Đã chết")
    header = list(died[3])
    row = dict(zip(header, died[4], strict=True))
    assert row["Họ và tên"] == "Trần Văn Bình" and row["Ngày mất"] == "15/12/2025"
    assert row["Số tháng đã chi sau khi mất"] == 2 and row["Số tiền phải thu hồi (đồng)"] == 1_000_000
    assert "mai táng" in row["Ghi chú"]
    assert book["Đã chết"].cell(5, header.index("Số định danh CSDLQG") + 1).number_format == "@"
    moved = dict(zip(_sheet(book, "Chuyển đi")[3], _sheet(book, "Chuyển đi")[4], strict=True))
    assert moved["Nơi ở mới (CSDLQG)"] == "Số 5 Lê Lợi, Phường Rạch Dừa"
    info = [
        dict(zip(_sheet(book, "Thay đổi thông tin")[3], r, strict=True)) for r in _sheet(book, "Thay đổi thông tin")[4:]
    ]
    cccd = next(r for r in info if r["Thông tin"] == "Số định danh cá nhân")
    assert (cccd["Kỳ trước"], cccd["Kỳ này"], cccd["Ghi chú"]) == ("123456789", ID[4], "CMND → CCCD")
    pay = dict(zip(_sheet(book, "Thay đổi chi trả")[3], _sheet(book, "Thay đổi chi trả")[4], strict=True))
    assert (pay["Kỳ trước"], pay["Kỳ này"], pay["Cần kiểm tra"]) == ("111111111111", "222222222222", "Có")
    sheet = book["Mới"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$4:$4"


def test_diff_json_and_exit_0_without_blocking_changes(tmp_path):
    rows = [person("Nguyễn Văn An", "01/01/1950", ID[1], 9)]
    prev = write_result(tmp_path / "a.csv", rows)
    cur = write_result(tmp_path / "b.csv", [*rows, person("Mai Văn Long", "07/07/1956", ID[7], 10)])
    result = runner.invoke(app, ["diff", str(prev), str(cur), "-o", str(tmp_path / "d.xlsx"), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["counts"]["new"] == 1 and payload["counts"]["unchanged"] == 1 and payload["blocking"] == 0


def test_diff_refuses_bad_month_and_missing_file(files, tmp_path):
    prev, cur, _ = files
    bad = runner.invoke(app, ["diff", str(prev), str(cur), "--paid-through", "2026"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["diff", str(prev), str(tmp_path / "nope.csv"), "-o", str(tmp_path / "x.xlsx")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert not (tmp_path / "x.xlsx").exists()


def test_diff_never_overwrites_an_input(files):
    prev, cur, _ = files
    result = runner.invoke(app, ["diff", str(prev), str(cur), "-o", str(cur)])
    assert result.exit_code == 2


def test_diff_reads_folders_of_phu_luc_2_workbooks(tmp_path):
    """Each side may be the folder `asxh export` wrote: the paid and the held back are followed alike."""
    prev_rows, cur_rows = month_pair()
    folders = []
    for name, rows in (("t1", prev_rows), ("t2", cur_rows)):
        listed = write_result(tmp_path / f"{name}.csv", rows)
        folder = tmp_path / f"{name}_pl2"
        result = runner.invoke(app, ["export", str(listed), "-o", str(folder), "--ngay", "05/02/2026"])
        assert result.exit_code == 0, result.output
        folders.append(folder)
    out = tmp_path / "bd.xlsx"
    result = runner.invoke(app, ["diff", str(folders[0]), str(folders[1]), "-o", str(out), "--json"])
    assert result.exit_code == 1, result.output  # Bình died, Cường moved
    counts = json.loads(result.output)["counts"]
    assert (counts["previous"], counts["current"], counts["new"], counts["left"]) == (10, 10, 1, 1)
    assert (counts["died"], counts["moved"], counts["account_changed"], counts["payment_changed"]) == (1, 1, 1, 1)
    book = openpyxl.load_workbook(out)
    died = _sheet(book, "Đã chết")
    assert dict(zip(died[3], died[4], strict=True))["Họ và tên"] == "Trần Văn Bình"


def test_change_sheets_say_how_each_person_was_followed(files, tmp_path):
    prev, cur, _ = files
    out = tmp_path / "bd.xlsx"
    runner.invoke(app, ["diff", str(prev), str(cur), "-o", str(out)])
    rows = _sheet(openpyxl.load_workbook(out), "Kết quả đối sánh thay đổi")
    via = {r[rows[3].index("Họ và tên")]: r[rows[3].index("Theo dõi bằng")] for r in rows[4:]}
    assert via["Đỗ Văn Nam"] == "Cùng dòng gốc và mã kiểm tra" and via["Trần Văn Bình"] == "Số định danh CSDLQG"
