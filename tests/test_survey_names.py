"""Communes with names Excel dislikes still get their own survey sheet and file, and answers come back."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from asxh_cli.contract import fingerprint
from asxh_cli.export.forms import sheet_titles
from asxh_cli.export.template import load_template
from asxh_cli.survey import list_check_codes, make_surveys, read_surveys

LONG = "Xã Một Cái Tên Rất Dài Ở Vùng Núi Cao Số"
COMMUNES = ["=Xã Bình An", "'Xã Hòa'", "DanhMuc", f"{LONG} 1", f"{LONG} 2", "Xã Đông", "Xã Đồng"]


def _frame() -> pd.DataFrame:
    rows = []
    for i, commune in enumerate(COMMUNES):
        name, born, id_ = f"Người Thứ {i}", "01/01/1950", f"0790500000{i:02d}"
        rows.append(
            {
                "full_name": name,
                "birth_date": born,
                "national_id": id_,
                "address": "Tổ 1",
                "commune": commune,
                "category": "Người cao tuổi",
                "amount": "500000",
                "payment_method": "Tiền mặt",
                "account_number": None,
                "register_status": "Còn sống",
                "same_as": None,
                "source_file": "ds.xlsx",
                "source_sheet": "DS",
                "source_row": i + 2,
                "fingerprint": fingerprint(name, born, id_),
            }
        )
    return pd.DataFrame(rows).astype(object)


def test_sheet_titles_are_valid_and_distinct():
    titles = sheet_titles(COMMUNES)
    assert len({t.casefold() for t in titles}) == len(COMMUNES)
    assert all(len(t) <= 31 and not t.startswith("'") and not t.endswith("'") for t in titles)
    assert "DanhMuc" not in titles


def test_one_file_survey_with_odd_commune_names_round_trips(rules, tmp_path):
    frame = _frame()
    [written] = make_surveys(frame, rules, load_template(rules), tmp_path, True, False, dt.date(2026, 2, 5))
    book = openpyxl.load_workbook(written.path)
    people_sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    assert len(people_sheets) == len(COMMUNES)
    for sheet in people_sheets:  # answer everyone on every sheet
        header = next(
            [c.value for c in row]
            for row in sheet.iter_rows(max_row=20)
            if "Phương thức chọn" in [c.value for c in row]
        )
        for r in range(1, sheet.max_row + 1):
            if isinstance(sheet.cell(row=r, column=1).value, int):
                sheet.cell(row=r, column=header.index("Phương thức chọn") + 1, value="Tiền mặt / Bưu điện")
                sheet.cell(row=r, column=header.index("Lý do không nhận qua tài khoản") + 1, value="Già yếu")
    book.save(written.path)
    answers = read_surveys([written.path], rules, list_check_codes(frame))
    assert answers.problems.empty
    assert len(answers.answers) == len(COMMUNES)


def test_per_commune_files_never_collide(rules, tmp_path):
    written = make_surveys(_frame(), rules, load_template(rules), tmp_path, False, False, dt.date(2026, 2, 5))
    assert len({w.path for w in written}) == len(COMMUNES) == len(list(tmp_path.glob("*.xlsx")))


def _answer(path, method, reason=None, account=None, bank=None):
    """Answer the first person of the first visible sheet of a survey workbook."""
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s.sheet_state == "visible")
    header = next(
        [c.value for c in row] for row in sheet.iter_rows(max_row=20) if "Phương thức chọn" in [c.value for c in row]
    )
    r = next(r for r in range(1, sheet.max_row + 1) if isinstance(sheet.cell(row=r, column=1).value, int))
    values = {"Phương thức chọn": method, "Lý do không nhận qua tài khoản": reason, "Số tài khoản": account}
    values["Ngân hàng"] = bank
    for name, value in values.items():
        if value:
            sheet.cell(row=r, column=header.index(name) + 1, value=value)
    book.save(path)


def test_two_surveys_that_disagree_apply_neither(rules, tmp_path):
    frame = _frame()
    [written] = make_surveys(frame, rules, load_template(rules), tmp_path / "a", True, False, dt.date(2026, 2, 5))
    other = tmp_path / "b" / written.path.name
    other.parent.mkdir()
    other.write_bytes(written.path.read_bytes())
    _answer(written.path, "Tài khoản chính chủ", account="9990000000001", bank="Vietcombank")
    _answer(other, "Tài khoản chính chủ", account="1112223334445", bank="BIDV")
    answers = read_surveys([written.path, other], rules, list_check_codes(frame))
    assert answers.answers == {}
    assert list(answers.problems["code"]) == ["survey-conflict", "survey-conflict"]


def test_the_same_survey_given_twice_is_refused(rules, tmp_path):
    import pytest

    from asxh_cli.errors import InputError
    from asxh_cli.pipeline import run_survey_read

    [written] = make_surveys(_frame(), rules, load_template(rules), tmp_path, True, False, dt.date(2026, 2, 5))
    with pytest.raises(InputError):
        run_survey_read([written.path, tmp_path / "." / written.path.name], tmp_path / "ds.csv", rules)
