"""Control characters: removed from text cells on input (listed as a repair), never written into a CSV."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.clean import clean_beneficiaries, column_names
from asxh_cli.io.reader import read_beneficiaries
from asxh_cli.io.writer import write_csv
from asxh_cli.normalize.text import strip_controls

NASTY = ["Lê Văn\rAn", "Lê Văn\nBa", "Lê Văn\r\nBốn", "Lê\x00 Văn Năm", "\r=1+1", "Lê\tVăn \x1bSáu", "Lê Văn Bảy"]


def test_strip_controls_examples():
    assert strip_controls("Lê Văn\r\nAn") == ("Lê Văn An", True)
    assert strip_controls("Lê\x00 Văn\x07 An\x7f") == ("Lê Văn An", True)
    assert strip_controls("a\tb") == ("a b", True)
    assert strip_controls("Nguyễn Thị Hòa") == ("Nguyễn Thị Hòa", False)


@given(st.text())
def test_strip_controls_leaves_no_control_character(text):
    cleaned, changed = strip_controls(text)
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned)
    assert changed == (cleaned != text)
    assert strip_controls(cleaned) == (cleaned, False)


def test_csv_always_reads_back_to_the_same_rows(tmp_path):
    path = tmp_path / "ket_qua.csv"
    frame = pd.DataFrame({"Họ và tên": NASTY, "Số": range(len(NASTY))})
    write_csv(frame, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(NASTY) + 1
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(NASTY))]
    assert [r[0] for r in rows[1:]] == [
        "Lê Văn An",
        "Lê Văn Ba",
        "Lê Văn Bốn",
        "Lê Văn Năm",
        "' =1+1",
        "Lê Văn Sáu",
        "Lê Văn Bảy",
    ]
    assert len(pd.read_csv(path, encoding="utf-8-sig", dtype=str)) == len(NASTY)
    assert not any(ch in path.read_text(encoding="utf-8-sig") for ch in "\x00\x1b\t")


def test_text_cells_are_cleaned_on_input_and_listed_as_repairs(tmp_path, rules):
    path = tmp_path / "ds.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Họ và tên", "Ngày sinh", "Số CCCD", "Địa chỉ"])
        writer.writerow(["Lê Văn\r\nAn", "01/01/1950", "079050000001", "Thôn\x00 1"])
        writer.writerow(["Lê Văn Ba", "01/01/1951", "079051000002", "Thôn 2"])
    read = read_beneficiaries([path], rules)
    result = clean_beneficiaries(read.data, rules, column_names(read.tables), today=dt.date(2026, 11, 25))
    data = result.data
    assert list(data["full_name"]) == ["Lê Văn An", "Lê Văn Ba"]
    assert list(data["address"]) == ["Thôn 1", "Thôn 2"]
    assert "ký tự điều khiển" in data["repairs"].iloc[0]
    assert "ký tự điều khiển" not in str(data["repairs"].iloc[1])
    found = result.problems[result.problems["code"] == "text-controls"]
    assert sorted(found["field"]) == ["address", "full_name"] and set(found["source_row"]) == {2}


def test_line_breaks_in_names_do_not_break_match_and_export(tmp_path):
    from typer.testing import CliRunner

    from asxh_cli.cli import app

    people = [
        ("Lê Văn\rAn", "01/01/1950", "079050000001"),
        ("Trần Thị\nBình", "02/02/1951", "079151000002"),
        ("Phạm Văn\r\nCường", "03/03/1952", "079052000003"),
    ]
    header = ["Họ và tên", "Ngày sinh", "Số CCCD", "Mức trợ cấp", "Hình thức nhận"]
    listed = tmp_path / "ds.csv"  # a CSV keeps a bare CR inside a quoted cell (an .xlsx turns it into LF)
    with listed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *[[*p, 500000, "Tiền mặt"] for p in people]])
    register = tmp_path / "csdlqg.csv"
    with register.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Tình trạng"])
        for name, birth, number in people:
            writer.writerow([number, strip_controls(name)[0].replace("  ", " "), birth, "Còn sống"])
    runner = CliRunner()
    out = tmp_path / "kq"
    result = runner.invoke(app, ["match", str(listed), "--register", str(register), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "ket_qua_doi_sanh.csv", dtype=str, encoding="utf-8-sig")
    assert len(table) == 3 and set(table["Kết quả"]) == {"Khớp"}
    result = runner.invoke(app, ["export", str(out / "ket_qua_doi_sanh.csv"), "-o", str(tmp_path / "pl2"), "--quiet"])
    assert result.exit_code == 0, result.output
