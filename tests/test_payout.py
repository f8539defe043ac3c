"""Phụ lục 1 round trip, Phụ lục 2 export from the template, and the weekly report — through the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.payout import assign_lists, load_list
from asxh_cli.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
LISTS = [str(SAMPLE / "btxh.xlsx"), str(SAMPLE / "nguoi_co_cong.xlsx"), str(SAMPLE / "ho_ngheo.csv")]
runner = CliRunner()


@pytest.fixture(scope="module")
def matched(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("match")
    result = runner.invoke(app, ["match", *LISTS, "-r", str(SAMPLE / "csdl_dan_cu.csv"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out / "ket_qua_doi_sanh.csv"


def _table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _survey_rows(path: Path) -> tuple[openpyxl.Workbook, dict[tuple[str, str, str], tuple[object, int]], list]:
    book = openpyxl.load_workbook(path)
    rows = {}
    header = None
    for sheet in book.worksheets:
        if sheet.title == "DanhMuc":
            continue
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[6])
        for r, row in enumerate(values[8:], start=9):
            if row[header.index("Dòng gốc")]:
                key = (row[header.index("Tệp gốc")], row[header.index("Sheet gốc")], str(row[header.index("Dòng gốc")]))
                rows[key] = (sheet, r)
    return book, rows, header


def test_survey_make_is_printable_and_masks_ids(matched, tmp_path):
    out = tmp_path / "phieu"
    result = runner.invoke(app, ["survey", "make", str(matched), "-o", str(out), "--one-file"])
    assert result.exit_code == 0, result.output
    [path] = list(out.glob("*.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s.title != "DanhMuc")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$7:$8"
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.scale == 82
    header = [c.value for c in sheet[7]]
    assert "Phương thức chọn" in header and "Chữ ký người được khảo sát" in header
    id_col = header.index("Số định danh cá nhân")
    ids = [
        row[id_col] for row in sheet.iter_rows(min_row=9, values_only=True) if isinstance(row[0], int) and row[id_col]
    ]
    assert ids and all("*" in v for v in ids)
    validations = sheet.data_validations.dataValidation
    assert any(v.type == "list" and "DanhMuc" in (v.formula1 or "") for v in validations)
    assert book["DanhMuc"].sheet_state == "hidden"


def test_survey_round_trip_then_export_accounts_for_everyone(matched, tmp_path):
    out = tmp_path / "phieu"
    assert runner.invoke(app, ["survey", "make", str(matched), "-o", str(out)]).exit_code == 0
    table = _table(matched)
    eligible = table[
        (table["Kết quả"] == "Khớp") & (table["Tình trạng CSDLQG"] == "Còn sống") & (table["Trùng với"] == "")
    ]
    keys = [tuple(k) for k in eligible[["Tệp gốc", "Sheet gốc", "Dòng gốc"]].to_numpy()[:6]]
    filled = {}
    for path in sorted(out.glob("*.xlsx")):
        book, rows, header = _survey_rows(path)
        col = {name: header.index(name) + 1 for name in header if name}
        answers = {
            0: {
                "Phương thức chọn": "chuyển khoản",
                "Số tài khoản": "0123 456 7890",
                "Ngân hàng": "NH Agribank CN Vũng Tàu",
            },
            1: {"Phương thức chọn": "Tiền mặt / Bưu điện"},
            2: {
                "Phương thức chọn": "Ủy quyền",
                "Họ tên người được ủy quyền": "nguyễn văn con",
                "Số định danh người được ủy quyền": "079090123456",
                "Số tài khoản": "9876543210",
                "Ngân hàng": "BIDV",
            },
            3: {"Phương thức chọn": "Tài khoản chính chủ", "Số tài khoản": "abc", "Ngân hàng": "Agribank"},
            4: {"Phương thức chọn": "bằng bồ câu đưa thư"},
            5: {"Phương thức chọn": "Tiền mặt", "Lý do không nhận qua tài khoản": "Già yếu, không đi lại được"},
        }
        changed = False
        for i, key in enumerate(keys):
            if key in rows:
                sheet, r = rows[key]
                for name, value in answers[i].items():
                    sheet.cell(row=r, column=col[name], value=value)
                filled[i] = (path.name, sheet.title, r)
                changed = True
        if changed:
            book.save(path)
    assert len(filled) == 6
    merged = tmp_path / "da_khao_sat.csv"
    report = tmp_path / "loi_phieu.xlsx"
    result = runner.invoke(
        app,
        [
            "survey",
            "read",
            *map(str, sorted(out.glob("*.xlsx"))),
            "--list",
            str(matched),
            "-o",
            str(merged),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 1, result.output  # problems found, valid answers still applied
    assert "Đã ghép 3 câu trả lời hợp lệ · 3 lỗi" in result.stderr
    problems = [r for r in openpyxl.load_workbook(report).active.iter_rows(min_row=4, values_only=True)]
    by_row = {(p[0], p[1], p[2]): p[6] for p in problems}
    assert by_row[filled[1]] == "survey-reason"
    assert by_row[filled[3]] == "survey-account"
    assert by_row[filled[4]] == "survey-method-unknown"

    after = _table(merged)
    before = table
    assert len(after) == len(before)
    index = {k: i for i, k in enumerate(map(tuple, after[["Tệp gốc", "Sheet gốc", "Dòng gốc"]].to_numpy()))}
    a0, a2, a5 = (after.iloc[index[keys[i]]] for i in (0, 2, 5))
    assert (a0["Hình thức nhận"], a0["Số tài khoản"], a0["Ngân hàng"]) == (
        "Nhận qua tài khoản chính chủ",
        "01234567890",
        "Agribank",
    )
    assert (a2["Người được ủy quyền"], a2["Hình thức nhận"]) == (
        "Nguyễn Văn Con",
        "Nhận qua tài khoản người được ủy quyền",
    )
    assert a5["Lý do không nhận qua tài khoản"] == "Già yếu, không đi lại được"
    untouched = [
        i
        for i in range(len(before))
        if tuple(before.iloc[i][["Tệp gốc", "Sheet gốc", "Dòng gốc"]]) not in {keys[0], keys[2], keys[5]}
    ]
    common = [c for c in before.columns if c in after.columns]
    pd.testing.assert_frame_equal(
        before.iloc[untouched][common].reset_index(drop=True), after.iloc[untouched][common].reset_index(drop=True)
    )

    lists = tmp_path / "pl2"
    result = runner.invoke(
        app, ["export", str(merged), "-o", str(lists), "--ky", "Tết Bính Ngọ 2026", "--json", "--ngay", "05/01/2026"]
    )
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)
    assert summary["rows_in"] == summary["rows_out"] == len(before)
    seen = {}
    for item in summary["files"]:
        book = openpyxl.load_workbook(item["path"])
        sheet = book.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "UBND TP. HỒ CHÍ MINH" and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values[0]
        assert "Tết Bính Ngọ 2026" in values[4][0]
        header = list(values[6])
        assert header[0] == "STT" and header[-1] in ("Ghi chú", "Lý do phải xử lý")
        assert values[7][0] == "(1)"
        body = [row for row in values[8:] if isinstance(row[0], int)]
        assert [row[0] for row in body] == list(range(1, item["people"] + 1))
        total = next(row for row in values[8:] if str(row[0]).startswith("Tổng cộng"))
        assert total[0] == f"Tổng cộng: {item['people']} người"
        if "Mức trợ cấp (đồng/tháng)" in header:
            amount_col = header.index("Mức trợ cấp (đồng/tháng)")
            assert total[amount_col] == sum(row[amount_col] or 0 for row in body) == item["amount"]
        id_col = header.index("Số định danh cá nhân")
        first = 9 + next(i for i, row in enumerate(values[8:]) if isinstance(row[0], int))
        assert sheet.cell(row=first, column=id_col + 1).number_format == "@"
        assert any(v and "ngày 05 tháng 01 năm 2026" in str(v) for row in values for v in row)
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$7:$8"
        name_col = header.index("Họ và tên")
        for row in body:
            seen[row[name_col], row[header.index("Ngày sinh")]] = item["list"]
    a0_key = (a0["Họ và tên"], a0["Ngày sinh"])
    assert seen[a0_key] == "TK_CHINH_CHU"
    assert seen[(a2["Họ và tên"], a2["Ngày sinh"])] == "TK_UY_QUYEN"
    assert seen[(a5["Họ và tên"], a5["Ngày sinh"])] == "TIEN_MAT"
    # The refused answer was not applied: that person is not payable (pending survey, or an exception).
    assigned = assign_lists(load_list(merged), load_rules(None)).frame
    bad = assigned.iloc[index[keys[1]]]
    assert not bad["payable"] and (bad["list"] == "NGOAI_LE" or bad["pending"].startswith("Chờ khảo sát"))
    assert assigned["payable"].iloc[[index[keys[i]] for i in (0, 2, 5)]].all()


def test_office_changes_the_form_through_rules_only(matched, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "templates.toml").read_text(encoding="utf-8")
    text = text.replace('issuing_body = "SỞ Y TẾ"', 'issuing_body = "Sở Nội vụ"')
    text = text.replace(
        'title = "DANH SÁCH NGƯỜI NHẬN CHẾ ĐỘ AN SINH XÃ HỘI {method}"',
        'title = "DANH SÁCH CHI TRẢ {method} (MẪU TỈNH)"',
    )
    text = text.replace(
        '{ field = "full_name", header = "Họ và tên", width = 20 },\n    { field = "birth_date", '
        'header = "Ngày sinh", width = 11 },',
        '{ field = "birth_date", header = "Ngày tháng năm sinh", width = 12 },\n    '
        '{ field = "full_name", header = "Họ tên người hưởng", width = 24 },',
    )
    (rules / "templates.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "pl2"
    result = runner.invoke(app, ["export", str(matched), "-o", str(out), "--rules", str(rules), "--json"])
    assert result.exit_code == 0, result.output
    path = next(p for p in out.glob("phu_luc_2_*.xlsx"))
    values = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert values[1][0] == "SỞ NỘI VỤ"
    assert values[3][0].startswith("DANH SÁCH CHI TRẢ ") and values[3][0].endswith("(MẪU TỈNH)")
    assert [h for h in values[6] if h != "Xã/Phường"][:3] == ["STT", "Ngày tháng năm sinh", "Họ tên người hưởng"]


def test_bad_template_is_reported_with_file_and_key(matched, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    text = (rules / "templates.toml").read_text(encoding="utf-8").replace('field = "sex"', 'field = "gioi_tinh"')
    (rules / "templates.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["export", str(matched), "-o", str(tmp_path / "x"), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "templates.toml" in result.stderr and "common_columns[3].field" in result.stderr


def test_weekly_report_with_change_and_chart(matched, tmp_path):
    target = tmp_path / "bao_cao.xlsx"
    current = _table(matched)
    commune = current["Xã/Phường"].iat[0]
    dropped = current[current["Xã/Phường"] == commune].index[:5]
    previous = tmp_path / "tuan_truoc.csv"
    current.drop(index=dropped).to_csv(previous, index=False, encoding="utf-8-sig")
    result = runner.invoke(app, ["report", str(matched), "--previous", str(previous), "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "Biểu đồ", "Chi tiết"]
    rows = list(book["Tổng hợp"].iter_rows(min_row=7, values_only=True))
    header = rows[0]
    rows = [row for row in rows[1:] if row[0] and not str(row[0]).startswith(("(", "Tổng cộng"))]
    rows = [header, *[row for row in rows if isinstance(row[1], int | float)]]
    assert header[0] == "Xã/Phường" and "Tỷ lệ không dùng tiền mặt (%)" in header
    assert "Thay đổi: Tổng số" in header
    change = {row[0]: row[header.index("Thay đổi: Tổng số")] for row in rows[1:]}
    assert change == {c: (5 if c == commune else 0) for c in change}  # five more people this week, in one commune
    assert sum(row[header.index("Tổng số")] for row in rows[1:]) == len(_table(matched))
    assert book["Biểu đồ"]._charts


def test_wrong_files_for_survey_and_export_are_clear_errors(matched, tmp_path):
    result = runner.invoke(app, ["survey", "read", LISTS[0], "--list", str(matched), "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == 2 and "không phải phiếu khảo sát" in result.stderr
    result = runner.invoke(app, ["export", LISTS[2], "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "không phải danh sách đã đối sánh" in result.stderr
    result = runner.invoke(
        app,
        [
            "match",
            LISTS[2],
            "-r",
            str(SAMPLE / "csdl_dan_cu.csv"),
            "-o",
            str(tmp_path / "k"),
            "--decisions",
            str(tmp_path / "khong_co.xlsx"),
        ],
    )
    assert result.exit_code == 2 and "Không tìm thấy tệp" in result.stderr
    assert "Traceback" not in result.output


def test_export_by_commune_splits_every_list(matched, tmp_path):
    import json

    out = tmp_path / "theo_xa"
    result = runner.invoke(app, ["export", str(matched), "-o", str(out), "--by", "commune", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows_in"] == summary["rows_out"]
    communes = {item["commune"] for item in summary["files"]}
    assert {"Phường Vũng Tàu", "Xã Long Sơn"} <= communes
    for item in summary["files"]:
        assert Path(item["path"]).name.endswith(".xlsx") and Path(item["path"]).exists()
        subtitle = list(openpyxl.load_workbook(item["path"]).worksheets[0].iter_rows(values_only=True))[4][0]
        assert item["commune"] in subtitle
