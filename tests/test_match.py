"""Matching decisions on small hand-built fixtures, one per case the analysts must be able to trust."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from asxh_cli.clean import clean_beneficiaries
from asxh_cli.match.engine import MATCHED, NOT_FOUND, REVIEW, match_beneficiaries
from asxh_cli.match.register import prepare_register
from asxh_cli.normalize.legacy import encode_tcvn3

TODAY = dt.date(2026, 11, 25)
REGISTER = [
    # national_id, old_id, full_name, birth_date, sex, status
    ("079150012345", "", "Nguyễn Thị Hồng", "15/06/1950", "Nữ", "Còn sống"),
    ("001052098765", "", "Trần Văn Bình", "03/04/1952", "Nam", "Còn sống"),
    ("036045111222", "023456789", "Lê Văn Cường", "20/11/1945", "Nam", "Còn sống"),
    ("077160333444", "", "Huỳnh Thị Mai", "07/08/1960", "Nữ", "Còn sống"),
    ("079048555666", "", "Nguyễn Văn Hùng", "01/02/1948", "Nam", "Còn sống"),
    ("079048777888", "", "Nguyễn Văn Hùng", "09/10/1948", "Nam", "Còn sống"),
    ("079172999000", "", "Phạm Thị Lan", "12/12/1972", "Nữ", "Đã chết"),
    ("079075121212", "", "Võ Văn Dũng", "25/05/1975", "Nam", "Đã chuyển đi"),
    ("079195343434", "", "Phạm Thị Thu", "02/03/1995", "Nữ", "Còn sống"),  # Lan's daughter
    ("079146565656", "", "Đặng Thị Thủy", "30/01/1946", "Nữ", "Còn sống"),
]


@pytest.fixture(scope="module")
def register(rules):
    frame = pd.DataFrame(REGISTER, columns=["national_id", "old_id", "full_name", "birth_date", "sex", "status"])
    frame["source_row"] = range(2, len(frame) + 2)
    return prepare_register(frame, rules, TODAY)


def run(rows, rules, register):
    raw = pd.DataFrame(rows, columns=["full_name", "birth_date", "sex", "national_id"], dtype=object)
    raw["source_file"], raw["source_sheet"] = "ds.xlsx", "DS"
    raw["source_row"] = range(2, len(raw) + 2)
    cleaned = clean_beneficiaries(raw, rules, today=TODAY).data
    result = match_beneficiaries(cleaned, register, rules)
    ids = register.people["national_id"]
    decisions = result.decisions
    found = [ids.iat[int(r)] if r == r else None for r in decisions["r"]]
    return list(zip(decisions["result"], found, strict=True)), result


CASES = {
    "exact": (["Nguyễn Thị Hồng", "15/06/1950", "Nữ", "079150012345"], MATCHED, "079150012345"),
    "id one digit wrong": (["Nguyễn Thị Hồng", "15/06/1950", "Nữ", "079150012845"], MATCHED, "079150012345"),
    "id digits swapped": (["Trần Văn Bình", "03/04/1952", "Nam", "001052097865"], MATCHED, "001052098765"),
    "id lost leading zero": (["Trần Văn Bình", "03/04/1952", "Nam", "1052098765"], MATCHED, "001052098765"),
    "no id": (["Đặng Thị Thủy", "30/01/1946", "Nữ", ""], MATCHED, "079146565656"),
    "invalid id": (["Đặng Thị Thủy", "30/01/1946", "Nữ", "99914656565"], MATCHED, "079146565656"),
    "old cmnd": (["Lê Văn Cường", "20/11/1945", "Nam", "023456789"], MATCHED, "036045111222"),
    "no diacritics": (["Nguyen Thi Hong", "15/06/1950", "Nữ", "079150012345"], MATCHED, "079150012345"),
    "no diacritics, no id": (["NGUYEN THI HONG", "15/06/1950", "Nữ", ""], MATCHED, "079150012345"),
    "capitals": (["TRẦN VĂN BÌNH", "03/04/1952", "Nam", "001052098765"], MATCHED, "001052098765"),
    "decomposed unicode": (
        [unicodedata.normalize("NFD", "Đặng Thị Thủy"), "30/01/1946", "Nữ", ""],
        MATCHED,
        "079146565656",
    ),
    "tcvn3": (
        [encode_tcvn3("Đặng Thị Thủy").replace(encode_tcvn3("Đ"), "§"), "30/01/1946", "Nữ", ""],
        MATCHED,
        "079146565656",
    ),
    "one letter wrong": (["Trần Văn Bìmh", "03/04/1952", "Nam", "001052098765"], MATCHED, "001052098765"),
    "one letter wrong in family name, no id": (["Đặmg Thị Thủy", "30/01/1946", "Nữ", ""], MATCHED, "079146565656"),
    "old tone placement, no id": (["Đặng Thị Thuỷ", "30/01/1946", "Nữ", ""], MATCHED, "079146565656"),
    "same letters, different given name (Hùng/Hưng)": (
        ["Nguyễn Văn Hưng", "01/02/1948", "Nam", ""],
        REVIEW,
        "079048555666",
    ),
    "no middle name": (["Huỳnh Mai", "07/08/1960", "Nữ", "077160333444"], MATCHED, "077160333444"),
    "surname variant": (["Hoàng Thị Mai", "07/08/1960", "Nữ", "077160333444"], MATCHED, "077160333444"),
    "surname variant, no id": (["Hoàng Thị Mai", "07/08/1960", "Nữ", ""], MATCHED, "077160333444"),
    "extra spaces": (["  Trần   Văn  Bình ", "03/04/1952", "Nam", "001052098765"], MATCHED, "001052098765"),
    "year only": (["Lê Văn Cường", "1945", "Nam", "036045111222"], MATCHED, "036045111222"),
    "zero day and month": (["Lê Văn Cường", "00/00/1945", "Nam", "036045111222"], MATCHED, "036045111222"),
    "day and month swapped": (["Trần Văn Bình", "04/03/1952", "Nam", "001052098765"], MATCHED, "001052098765"),
    "one year off": (["Huỳnh Thị Mai", "07/08/1961", "Nữ", "077160333444"], MATCHED, "077160333444"),
    "someone else's id, real person found": (
        ["Phạm Thị Lan", "12/12/1972", "Nữ", "079195343434"],
        MATCHED,
        "079172999000",
    ),
    "someone else's id, nobody else": (["Phạm Thị Hoa", "05/05/1990", "Nữ", "079195343434"], REVIEW, "079195343434"),
    "namesakes on name and year only": (["Nguyễn Văn Hùng", "1948", "Nam", ""], REVIEW, None),
    "not in register": (["Mai Văn Tư", "01/01/1980", "Nam", "079080123123"], NOT_FOUND, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_decision(case, rules, register):
    row, expected, expected_id = CASES[case]
    [(result, found)], _ = run([row], rules, register)
    assert result == expected
    if expected_id is not None:
        assert found == expected_id


def test_namesakes_are_all_listed_as_candidates(rules, register):
    _, result = run([["Nguyễn Văn Hùng", "1948", "Nam", ""]], rules, register)
    candidates = set(register.people["national_id"].iloc[result.candidates["r"]])
    assert {"079048555666", "079048777888"} <= candidates
    assert "2 người gần giống" in result.decisions["reason"].iat[0]


def test_someone_elses_id_is_never_accepted_for_its_owner(rules, register):
    [(result, _found)], outcome = run([["Phạm Thị Hoa", "05/05/1990", "Nữ", "079195343434"]], rules, register)
    assert result != MATCHED
    assert "người khác" in outcome.decisions["reason"].iat[0]


def test_reasons_name_agreeing_and_disagreeing_signals(rules, register):
    _, result = run([["Trần Văn Bình", "04/03/1952", "Nam", "001052097865"]], rules, register)
    reason = result.decisions["reason"].iat[0]
    assert "lệch một chữ số" in reason and "đảo ngày và tháng" in reason and "họ tên trùng khớp" in reason


def test_deceased_person_is_matched_with_status(rules, register):
    [(result, found)], outcome = run([["Phạm Thị Lan", "12/12/1972", "Nữ", "079172999000"]], rules, register)
    assert (result, found) == (MATCHED, "079172999000")
    person = register.people.iloc[int(outcome.decisions["r"].iat[0])]
    assert person["status"] == "Đã chết"


def test_register_rows_without_usable_id_are_set_aside(rules):
    frame = pd.DataFrame(
        [("079150012345", "A B", "1950"), ("abc", "C D", "1950"), ("079150012346", "", "1950")],
        columns=["national_id", "full_name", "birth_date"],
    )
    prepared = prepare_register(frame, rules, TODAY)
    assert (prepared.rows_in, prepared.unusable, len(prepared.people)) == (3, 2, 1)
