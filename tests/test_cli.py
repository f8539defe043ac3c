"""The command line through typer's CliRunner: exit codes, outputs read back with openpyxl, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
LISTS = [str(SAMPLE / "btxh.xlsx"), str(SAMPLE / "nguoi_co_cong.xlsx"), str(SAMPLE / "ho_ngheo.csv")]
runner = CliRunner()


def rows_of(path: Path, sheet: str | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return [tuple(r) for r in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]


def test_help_and_version_are_vietnamese():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Đối sánh" in result.stdout
    assert runner.invoke(app, ["--version"]).stdout.startswith("asxh ")


def test_inspect_json_reports_every_sheet():
    result = runner.invoke(app, ["inspect", *LISTS, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    sheets = payload["sheets"]
    assert {s["file"] for s in sheets} == set(LISTS)  # each file as given on the command line
    btxh = next(s for s in sheets if s["file"].endswith("btxh.xlsx"))
    assert btxh["header_rows"] == [6, 7]
    assert {c["field"] for c in btxh["columns"]} >= {"full_name", "birth_date", "national_id"}
    assert btxh["skipped"]["signature"] >= 1 and btxh["skipped"]["total"] == 1


def test_missing_file_is_a_clear_error_without_traceback(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "khong_co.xlsx")])
    assert result.exit_code == 2
    assert "Không tìm thấy tệp" in result.stderr
    assert "Traceback" not in result.output


def test_english_messages(tmp_path, monkeypatch):
    monkeypatch.setenv("ASXH_LANG", "en")
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2
    assert "File not found" in result.stderr


def test_validate_writes_report_and_exits_1_on_errors(tmp_path):
    report = tmp_path / "loi.xlsx"
    result = runner.invoke(app, ["validate", *LISTS, "--report", str(report)])
    assert result.exit_code == 1, result.output
    assert "Số người đọc vào: 300 · số dòng ghi ra: 300" in result.stderr
    rows = rows_of(report)
    assert rows[2] == (
        "Tệp",
        "Sheet",
        "Dòng",
        "Cột",
        "Giá trị trong tệp",
        "Mức độ",
        "Quy tắc",
        "Giải thích và cách sửa",
    )
    errors = [r for r in rows[3:] if r[5] == "Lỗi"]
    assert errors and all(r[0] and r[1] and isinstance(r[2], int) and r[3] and r[7] for r in errors)
    assert {r[6] for r in errors} <= {"date-impossible", "id-digits-lost", "name-missing", "id-province"}


def test_validate_exit_0_when_clean(make_xlsx):
    path = make_xlsx({"S": [["Họ và tên", "Ngày sinh", "Số CCCD"], ["Lê Văn An", "01/01/1950", "079050000001"]]})
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows_in"] == 1


def test_clean_writes_one_row_per_input_row_with_provenance(tmp_path):
    target = tmp_path / "sach.xlsx"
    result = runner.invoke(app, ["clean", *LISTS, "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = rows_of(target, "Danh sách")
    header = rows[2]
    assert header[0] == "Họ và tên" and header[-3:] == ("Tệp gốc", "Sheet gốc", "Dòng gốc")
    body = rows[3:]
    assert len(body) == 300
    keys = {(r[-3], r[-2], r[-1]) for r in body}
    assert len(keys) == 300
    book = openpyxl.load_workbook(target)
    sheet = book["Danh sách"]
    id_col = header.index("Số định danh cá nhân") + 1
    assert sheet.cell(row=4, column=id_col).number_format == "@"
    assert "Vấn đề" in book.sheetnames


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_clean_other_formats(tmp_path, fmt):
    target = tmp_path / f"sach.{fmt}"
    result = runner.invoke(app, ["clean", *LISTS, "-o", str(target), "--quiet"])
    assert result.exit_code == 0, result.output
    import pandas as pd

    frame = pd.read_csv(target, dtype=str) if fmt == "csv" else pd.read_parquet(target)
    assert len(frame) == 300
    ids = frame["Số định danh cá nhân"].fillna("").astype(str)
    well_formed = ids.str.fullmatch(r"\d{9}|\d{12}")
    kinds = frame["Loại số"].fillna("").astype(str)
    assert well_formed.sum() > 250
    # Every ID that is not 9 or 12 digits is said to be so, never passed off as a valid number.
    assert not kinds[~well_formed & (ids != "")].isin(["Số định danh 12 số", "CMND 9 số"]).any()
    assert (frame.loc[~well_formed & (ids != ""), "Số lỗi"].astype(int) > 0).all()


def test_formula_like_text_is_never_a_formula(make_xlsx, tmp_path):
    path = make_xlsx(
        {
            "S": [
                ["Họ và tên", "Ngày sinh", "Số CCCD", "Ghi chú"],
                ['=HYPERLINK("x")', "01/01/1950", "079050000001", "+SUM(A1)"],
            ]
        }
    )
    target = tmp_path / "out.xlsx"
    assert runner.invoke(app, ["clean", str(path), "-o", str(target)]).exit_code == 0
    book = openpyxl.load_workbook(target)
    values = [c.value for row in book["Danh sách"].iter_rows() for c in row]
    types = [c.data_type for row in book["Danh sách"].iter_rows() for c in row]
    assert "+SUM(A1)" in values and "f" not in types
    csv_target = tmp_path / "out.csv"
    assert runner.invoke(app, ["clean", str(path), "-o", str(csv_target)]).exit_code == 0
    text = csv_target.read_text(encoding="utf-8-sig")
    assert "'+SUM(A1)" in text and "\n+SUM" not in text


def test_output_that_is_an_input_is_refused(make_xlsx):
    path = make_xlsx({"S": [["Họ và tên", "Số CCCD"], ["Lê Văn An", "079050000001"]]})
    before = path.read_bytes()
    result = runner.invoke(app, ["clean", str(path), "-o", str(path)])
    assert result.exit_code == 2
    assert "Không ghi đè tệp đầu vào" in result.stderr
    assert path.read_bytes() == before


def test_bad_rules_folder_names_file_and_key(tmp_path):
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    text = (rules / "matching.toml").read_text(encoding="utf-8").replace("match = 99", "match = 199")
    (rules / "matching.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["inspect", LISTS[0], "--rules", str(rules)])
    assert result.exit_code == 2
    assert "matching.toml" in result.stderr and "thresholds.match" in result.stderr


REGISTER = str(SAMPLE / "csdl_dan_cu.csv")


def test_match_contract_outputs_and_row_accounting(tmp_path):
    out = tmp_path / "kq"
    result = runner.invoke(app, ["match", *LISTS, "--register", REGISTER, "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows_in"] == summary["rows_out"] == 300
    assert sum(summary["results"].values()) == 300
    import pandas as pd

    table = pd.read_csv(out / "ket_qua_doi_sanh.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert (out / "ket_qua_doi_sanh.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    added = [
        "Tệp gốc",
        "Sheet gốc",
        "Dòng gốc",
        "Kết quả",
        "Số định danh CSDLQG",
        "Điểm",
        "Lý do",
        "Tình trạng CSDLQG",
        "Trùng với",
    ]
    assert list(table.columns[-13:-4]) == added
    assert list(table.columns[-4:]) == ["Mã kiểm tra", "Họ tên CSDLQG", "Ngày sinh CSDLQG", "Giới tính CSDLQG"]
    assert len(table) == 300
    assert set(table["Kết quả"]) <= {"Khớp", "Cần xác minh", "Không tìm thấy"}
    matched = table[table["Kết quả"] == "Khớp"]
    assert matched["Số định danh CSDLQG"].str.fullmatch(r"\d{12}").all()
    assert (table.loc[table["Kết quả"] == "Không tìm thấy", "Số định danh CSDLQG"] == "").all()
    assert set(table["Tình trạng CSDLQG"]) <= {"Còn sống", "Đã chết", "Đã chuyển đi", ""}
    assert table["Điểm"].astype(int).between(0, 100).all()
    # input order: same order as the files and rows were given
    truth = pd.read_csv(SAMPLE / "dap_an.csv", dtype=str, encoding="utf-8-sig")
    order = {name: i for i, name in enumerate(["btxh.xlsx", "nguoi_co_cong.xlsx", "ho_ngheo.csv"])}
    table["Tệp gốc"] = table["Tệp gốc"].map(lambda f: Path(f).name)
    assert list(table["Tệp gốc"].map(order)) == sorted(table["Tệp gốc"].map(order))
    joined = table.merge(truth, on=["Tệp gốc", "Sheet gốc", "Dòng gốc"])
    assert len(joined) == 300
    wrong = joined[(joined["Kết quả"] == "Khớp") & (joined["Số định danh CSDLQG"] != joined["Số định danh đúng"])]
    assert wrong.empty
    book = openpyxl.load_workbook(out / "ket_qua_doi_sanh.xlsx")
    assert book.sheetnames == [
        "Tổng hợp",
        "Khớp",
        "Cần xác minh",
        "Không tìm thấy",
        "Đã chết",
        "Trùng lặp",
        "Dòng bỏ qua",
    ]
    dead = [r for r in book["Đã chết"].iter_rows(min_row=2, values_only=True)]
    assert len(dead) == int((table["Tình trạng CSDLQG"] == "Đã chết").sum())


def test_review_decisions_are_applied_on_the_next_run(tmp_path):
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"],
        [1, "Nguyễn Văn Hùng", "1948", ""],
        [2, "Mai Văn Tư", "01/01/1980", ""],
    ]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.active.title = "DS"
    beneficiaries = tmp_path / "ds.xlsx"
    book.save(beneficiaries)
    register = tmp_path / "reg.csv"
    register.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính\n"
        "079048555666,Nguyễn Văn Hùng,01/02/1948,Nam\n079048777888,Nguyễn Văn Hùng,09/10/1948,Nam\n",
        encoding="utf-8",
    )
    first = tmp_path / "lan1"
    assert runner.invoke(app, ["match", str(beneficiaries), "-r", str(register), "-o", str(first)]).exit_code == 0
    reviewed = openpyxl.load_workbook(first / "ket_qua_doi_sanh.xlsx")
    sheet = reviewed["Cần xác minh"]
    header = [c.value for c in sheet[1]]
    assert "Quyết định" in header and "Ứng viên 2 - số định danh" in header
    assert sheet.max_row == 2
    sheet.cell(row=2, column=header.index("Quyết định") + 1, value="2")
    chosen = sheet.cell(row=2, column=header.index("Ứng viên 2 - số định danh") + 1).value
    reviewed_path = tmp_path / "da_ra_soat.xlsx"
    reviewed.save(reviewed_path)
    second = tmp_path / "lan2"
    result = runner.invoke(
        app,
        [
            "match",
            str(beneficiaries),
            "-r",
            str(register),
            "-o",
            str(second),
            "--decisions",
            str(reviewed_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    table = pd.read_csv(second / "ket_qua_doi_sanh.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(table["Kết quả"]) == ["Khớp", "Không tìm thấy"]
    assert table["Số định danh CSDLQG"].iat[0] == chosen
    assert "người rà soát" in table["Lý do"].iat[0]


def test_terminal_output_shows_no_ids_or_names(tmp_path):
    import re

    import pandas as pd

    register = pd.read_csv(REGISTER, dtype=str)
    names = set(register["Họ và tên"])
    for args in (
        ["validate", *LISTS],
        ["clean", *LISTS, "-o", str(tmp_path / "s.xlsx")],
        ["match", *LISTS, "-r", REGISTER, "-o", str(tmp_path / "kq")],
    ):
        result = runner.invoke(app, args)
        text = result.stdout + result.stderr
        assert not re.search(r"\d{9,12}", text.replace(str(tmp_path), "")), args[0]
        assert not any(name in text for name in names), args[0]
