"""Cleaning a whole table: every row kept once, repairs recorded, errors from the pandera model, duplicates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from asxh_cli.clean import clean_beneficiaries, column_names
from asxh_cli.io.reader import read_beneficiaries
from asxh_cli.normalize.legacy import encode_tcvn3

TODAY = dt.date(2026, 11, 25)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngân hàng", "Hình thức nhận", "Số tài khoản"]


def _clean(make_xlsx, rules, rows):
    path = make_xlsx({"DS": [HEADER, *rows]})
    read = read_beneficiaries([Path(path)], rules)
    return clean_beneficiaries(read.data, rules, column_names(read.tables), today=TODAY)


def test_cleaned_values_sit_beside_originals_and_repairs_are_listed(make_xlsx, rules):
    result = _clean(
        make_xlsx,
        rules,
        [
            [
                1,
                "NGUYỄN THỊ HOÀ",
                18429,
                "nu",
                79150000001,
                "NH Agribank CN Vũng Tàu",
                "Chuyển khoản",
                "4228 9816 87329",
            ],
            [2, encode_tcvn3("Trần Văn Lộc"), "00/00/1945", "Nam", "079045000002", "", "Tiền mặt", ""],
        ],
    )
    data = result.data
    assert list(data["full_name"]) == ["Nguyễn Thị Hòa", "Trần Văn Lộc"]
    assert list(data["full_name_raw"]) == ["NGUYỄN THỊ HOÀ", encode_tcvn3("Trần Văn Lộc")]
    assert list(data["birth_date"]) == ["1950-06-15", "1945"]
    assert list(data["birth_precision"]) == ["day", "year"]
    assert list(data["national_id"]) == ["079150000001", "079045000002"]
    assert data["national_id_raw"].iloc[0] == "79150000001"
    assert list(data["sex"]) == ["Nữ", "Nam"]
    assert data["bank"].iloc[0] == "Agribank" and data["bank_bin"].iloc[0] == "970405"
    assert list(data["method_code"]) == ["TK_CHINH_CHU", "TIEN_MAT"]
    assert data["account_number"].iloc[0] == "4228981687329"
    assert "số 0 đầu" in data["repairs"].iloc[0]
    assert "TCVN3" in data["repairs"].iloc[1]
    assert list(data["errors"]) == [0, 0]
    codes = set(result.problems["code"])
    assert {"id-leading-zero", "date-serial", "name-formatted", "text-tcvn3"} <= codes


def test_errors_name_file_sheet_row_column_and_value(make_xlsx, rules):
    result = _clean(
        make_xlsx,
        rules,
        [
            [1, "", "01/01/1950", "Nam", "079050000001", "", "", ""],
            [2, "Lê Văn Bốn", "31/02/1950", "Nam", "079050000004", "", "", ""],
            [3, "Lê Văn Năm", "1950", "Nam", "999050000005", "", "", ""],
            [4, "Lê Văn Sáu", "1950", "Nam", "7,7E+10", "", "", ""],
        ],
    )
    errors = result.errors
    assert list(errors["code"]) == ["name-missing", "date-impossible", "id-province", "id-digits-lost"]
    assert list(errors["source_row"]) == [2, 3, 4, 5]
    assert list(errors["column"]) == ["B (Họ và tên)", "C (Ngày sinh)", "E (Số CCCD)", "E (Số CCCD)"]
    assert list(errors["value"]) == [None, "31/02/1950", "999050000005", "7,7E+10"]
    assert {Path(f).name for f in errors["source_file"]} == {"list.xlsx"} and set(errors["source_sheet"]) == {"DS"}
    assert list(result.data["errors"]) == [1, 1, 1, 1]
    assert len(result.data) == 4


def test_id_cross_checks_and_account_in_id_column(make_xlsx, rules):
    result = _clean(
        make_xlsx,
        rules,
        [
            [1, "Lê Thị Một", "1950", "Nữ", "079050000001", "", "", ""],
            [2, "Lê Văn Hai", "1960", "Nam", "079050000002", "", "", ""],
            [3, "Lê Văn Ba", "1960", "Nam", "4228981687329", "", "", ""],
            [4, "Lê Văn Bốn", "1960", "Nam", "", "", "", ""],
            [5, "Lê Văn Năm", "1960", "Nam", "123456789", "", "", ""],
        ],
    )
    by_row = result.problems.groupby("source_row")["code"].apply(set)
    assert "id-sex-mismatch" in by_row[2]
    assert "id-year-mismatch" in by_row[3]
    assert {"id-is-account", "id-length"} <= by_row[4]
    assert "id-missing" in by_row[5]
    assert "id-old-cmnd" in by_row[6]
    assert list(result.data["id_kind"]) == ["cccd", "cccd", "invalid", "missing", "cmnd"]


def test_duplicates_are_marked_not_removed(make_xlsx, rules):
    result = _clean(
        make_xlsx,
        rules,
        [
            [1, "Lê Văn Một", "01/01/1950", "Nam", "079050000001", "", "", ""],
            [2, "LE VAN MOT", "01/01/1950", "Nam", "", "", "", ""],
            [3, "Phan Thị Hai", "1960", "Nữ", "079050000001", "", "", ""],
            [4, "Phan Thị Ba", "1961", "Nữ", "079161000003", "", "", ""],
        ],
    )
    file = result.data["source_file"].iat[0]  # the path as given
    assert file.endswith("list.xlsx")
    assert list(result.data["duplicate_of"]) == [f"{file}:DS:3, {file}:DS:4", f"{file}:DS:2", f"{file}:DS:2", None]
    assert len(result.data) == 4


def test_bank_gets_short_name_full_name_and_napas_code(make_xlsx, rules):
    result = _clean(
        make_xlsx,
        rules,
        [
            [
                1,
                "Lê Văn An",
                "1950",
                "Nam",
                "079050000001",
                "Ngân hàng Nông nghiệp và Phát triển Nông thôn",
                "TK",
                "4228981687329",
            ],
        ],
    )
    row = result.data.iloc[0]
    assert (row["bank"], row["bank_bin"]) == ("Agribank", "970405")
    assert row["bank_name"] == "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"
