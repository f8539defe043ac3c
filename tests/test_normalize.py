"""Normalisers: examples from real-looking values, and hypothesis properties."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.ids import CCCD, CMND, INVALID, MISSING, clean_id, id_disagreements
from asxh_cli.normalize.legacy import Encoding, column_hint, decode_tcvn3, encode_tcvn3, encode_vni, fix_legacy
from asxh_cli.normalize.lookup import bank_index
from asxh_cli.normalize.text import fold, modern_tone, normalize_name, normalize_text
from asxh_cli.normalize.values import parse_account, parse_amount, parse_sex
from asxh_cli.sample import FAMILY, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE

TODAY = dt.date(2026, 11, 25)

# --- text -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NGUYỄN THỊ MAI", "Nguyễn Thị Mai"),
        ("  nguyễn   văn  an ", "Nguyễn Văn An"),
        ("Nguyễn Thị Hoà", "Nguyễn Thị Hòa"),
        ("Lê Thị Thuỷ", "Lê Thị Thủy"),
        ("Trần Văn Khoẻ", "Trần Văn Khỏe"),
        ("Huỳnh Văn Hoàn", "Huỳnh Văn Hoàn"),
        ("Đoàn Quý", "Đoàn Quý"),
        (unicodedata.normalize("NFD", "Phạm Thị Hương"), "Phạm Thị Hương"),
        ("Ðặng Văn\u00a0Bình", "Đặng Văn Bình"),
    ],
)
def test_normalize_name_examples(raw, expected):
    assert normalize_name(raw) == expected


def test_fold_key():
    assert fold("Đặng Thị  Hoà-Bình") == "dang thi hoa binh"
    assert fold("NGUYỄN VĂN A") == fold("Nguyen Van A")


@pytest.mark.parametrize(
    ("raw", "expected", "encoding"),
    [
        ("NguyÔn V¨n B×nh", "Nguyễn Văn Bình", Encoding.TCVN3),
        ("Lª Thanh H\u00ad¬ng", "Lê Thanh Hương", Encoding.TCVN3),
        ("Nguyeãn Vaên Bình", "Nguyễn Văn Bình", Encoding.VNI),
        ("Traàn Quoác Tuaán", "Trần Quốc Tuấn", Encoding.VNI),
        ("Nguyễn Văn Bình", "Nguyễn Văn Bình", Encoding.UNICODE),
        ("Hoá", "Hoá", Encoding.UNICODE),
        ("José Núñez", "José Núñez", Encoding.UNICODE),
    ],
)
def test_legacy_detection_examples(raw, expected, encoding):
    assert fix_legacy(raw) == (expected, encoding)


def test_column_hint_converts_ambiguous_cells_of_a_legacy_column():
    column = [encode_tcvn3("Nguyễn Thị Hồng"), encode_tcvn3("Trần Văn Lộc"), "Thó"]
    hint = column_hint(column)
    assert hint is Encoding.TCVN3
    assert fix_legacy("Thó", hint) == ("Thú", Encoding.TCVN3)
    assert fix_legacy("Thó") == ("Thó", Encoding.UNICODE)


SYLLABLES = sorted(
    {
        *FAMILY,
        *MIDDLE_MALE,
        *MIDDLE_FEMALE,
        *GIVEN_MALE,
        *GIVEN_FEMALE,
        "Quỳnh",
        "Khuê",
        "Nguyệt",
        "Thuở",
        "Hường",
        "Khuyên",
        "Ước",
        "Yên",
        "Ấu",
        "Ơn",
        "Ưng",
        "Oanh",
        "Uyển",
        "Toản",
        "Khoa",
    }
)


def _vn3_case(word: str) -> str:
    """TCVN3 has no capital letters with tone marks: such a word is written in lower case."""
    try:
        encode_tcvn3(word)
    except ValueError:
        return word.lower()
    return word


names = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map(
    lambda words: " ".join(_vn3_case(w) for w in words)
)


@given(names)
def test_tcvn3_codec_round_trip(name):
    assert decode_tcvn3(encode_tcvn3(name)) == name


@given(names)
def test_tcvn3_encoded_name_is_detected_and_decoded(name):
    encoded = encode_tcvn3(name)
    fixed, encoding = fix_legacy(encoded, column_hint([encoded, encode_tcvn3("Nguyễn Thị Hồng")]))
    assert fixed == name
    assert encoding is (Encoding.UNICODE if encoded == name else Encoding.TCVN3)


@given(names)
def test_unicode_names_are_never_converted(name):
    assert fix_legacy(name) == (name, Encoding.UNICODE)


@given(names)
def test_vni_round_trip_through_detection(name):
    encoded = encode_vni(name)
    fixed, _ = fix_legacy(encoded, column_hint([encoded, encode_vni("Nguyễn Thị Hồng")]))
    assert fixed == name


@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(names)
def test_nfc_input_is_unchanged_by_cleaning_spaces(name):
    assert unicodedata.normalize("NFC", name) == name
    assert normalize_text(name) == " ".join(modern_tone(w) for w in name.split(" "))


@given(names)
def test_normalize_name_is_idempotent_and_nfd_insensitive(name):
    once = normalize_name(name)
    assert normalize_name(once) == once
    assert normalize_name(unicodedata.normalize("NFD", name)) == once


# --- IDs --------------------------------------------------------------------------------------------------

PROVINCES = frozenset({"001", "079", "077", "036"})


@pytest.mark.parametrize(
    ("raw", "value", "kind", "repairs", "problem"),
    [
        ("079050000001", "079050000001", CCCD, (), None),
        ("79050000001", "079050000001", CCCD, ("id-leading-zero",), None),
        ("1012345678", "001012345678", CCCD, ("id-leading-zero",), None),
        ("079.050.000.001", "079050000001", CCCD, ("id-stripped",), None),
        ("CCCD: 079 050 000 001", "079050000001", CCCD, ("id-stripped",), None),
        ("079050000001.0", "079050000001", CCCD, ("id-stripped",), None),
        ("7.9050000001E+10", "079050000001", CCCD, ("id-scientific", "id-leading-zero"), None),
        ("7,7123E+10", None, INVALID, (), "id-digits-lost"),
        ("123456789", "123456789", CMND, (), None),
        ("12345678", "012345678", CMND, ("id-leading-zero",), None),
        ("999050000001", None, INVALID, (), "id-province"),
        ("079950000001", None, INVALID, (), "id-century"),
        ("0790500001", None, INVALID, (), "id-missing-digit"),
        ("079O50000001", None, INVALID, (), "id-not-digits"),
        ("", None, MISSING, (), None),
        (None, None, MISSING, (), None),
    ],
)
def test_clean_id_examples(raw, value, kind, repairs, problem):
    result = clean_id(raw, PROVINCES)
    assert (result.value, result.kind, result.repairs, result.problem) == (value, kind, repairs, problem)


def test_id_checked_against_sex_and_birth_year():
    assert id_disagreements("079150000001", CCCD, "Nữ", 1950) == []
    assert id_disagreements("079050000001", CCCD, "Nữ", 1950) == ["id-sex-mismatch"]
    assert id_disagreements("079305000001", CCCD, "Nữ", 2004) == ["id-year-mismatch"]
    assert id_disagreements("123456789", CMND, "Nữ", 1950) == []


@given(st.from_regex(r"\A0(01|36|77|79)[0-3][0-9]{8}\Z"))
def test_clean_id_is_idempotent_and_repairs_lost_zero(value):
    assert clean_id(value, PROVINCES).value == value
    assert clean_id(value.lstrip("0"), PROVINCES).value == value
    assert clean_id(clean_id(value, PROVINCES).value, PROVINCES).value == value


# --- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "precision", "problem"),
    [
        ("1950-06-15", "1950-06-15", "day", None),
        ("18429", "1950-06-15", "day", None),
        ("15/06/1950", "1950-06-15", "day", None),
        ("5-6-1950", "1950-06-05", "day", None),
        ("05.06.1950", "1950-06-05", "day", None),
        ("15/3/45", "1945-03-15", "day", None),
        ("1945", "1945", "year", None),
        ("00/00/1945", "1945", "year", None),
        ("/ /1945", "1945", "year", None),
        ("1945 (âm lịch)", "1945", "year", None),
        ("06/1950", "1950-06", "month", None),
        ("00/06/1950", "1950-06", "month", None),
        ("03/25/1950", "1950-03-25", "day", None),
        ("05/06/1950", "1950-06-05", "day", None),
        ("31/02/1950", None, None, "date-impossible"),
        ("01/01/2030", None, None, "date-future"),
        ("1890", None, None, "date-too-old"),
        ("không rõ", None, None, "date-unreadable"),
        (None, None, None, "date-missing"),
    ],
)
def test_parse_date_examples(raw, value, precision, problem):
    result = parse_date(raw, TODAY)
    assert (result.value, result.precision, result.problem) == (value, precision, problem)


@given(st.dates(min_value=dt.date(1910, 1, 1), max_value=TODAY))
def test_parse_date_round_trips_day_first_text(date):
    result = parse_date(date.strftime("%d/%m/%Y"), TODAY)
    assert result.value == date.isoformat()
    assert parse_date(result.value, TODAY).value == result.value


# --- sex, money, accounts, lookups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nam", "Nam"),
        ("nữ", "Nữ"),
        ("NU", "Nữ"),
        ("M", "Nam"),
        ("F", "Nữ"),
        ("1", "Nam"),
        ("0", "Nữ"),
        ("x", None),
        (None, None),
    ],
)
def test_parse_sex(raw, expected):
    assert parse_sex(raw) == expected


def test_amounts_and_accounts():
    assert parse_amount("1.000.000").value == 1_000_000
    assert parse_amount("500000.0").value == 500_000
    assert parse_amount("năm trăm").problem == "amount-unreadable"
    assert parse_account("4228 9816 87329", (6, 19)).value == "422898168732" + "9"
    assert parse_account("1,23457E+15", (6, 19)).problem == "account-digits-lost"
    assert parse_account("123", (6, 19)).problem == "account-length"


def test_bank_lookup_ignores_branches(rules):
    banks = bank_index(rules)
    assert banks.find("NH Agribank CN Vũng Tàu") == "Agribank"
    assert banks.find("Ngân hàng Nông nghiệp và Phát triển Nông thôn") == "Agribank"
    assert banks.find("Ngân hàng Chính sách") == "NHCSXH"
    assert banks.find("Bưu điện Liên Việt") == "LPBank"
    assert banks.find("Ngân hàng ABC") is None
