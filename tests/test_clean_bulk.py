"""Cleaning in bulk gives what cleaning cell by cell gives: the bulk paths against the per-value normalisers,
and a whole awkward list against the output the per-row cleaner produced (tests/golden/clean_awkward.json)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asxh_cli.clean import _clean_id_cells, clean_beneficiaries
from asxh_cli.frames import apply_distinct, attribute, distinct
from asxh_cli.normalize.dates import parse_date, parse_dates
from asxh_cli.normalize.ids import clean_id
from asxh_cli.normalize.legacy import column_hint, encode_tcvn3, encode_vni, hint_from_counts, may_be_legacy
from asxh_cli.normalize.text import clean_spaces, fold, modern_tone, name_case, normalize_name, normalize_text
from asxh_cli.normalize.values import parse_account, parse_accounts
from asxh_cli.schema import CleanBeneficiaries, CleanRegister, _whole_frame_failures, failing_cells

GOLDEN = Path(__file__).parent / "golden" / "clean_awkward.json"
TODAY = dt.date(2026, 11, 25)
PROVINCES = frozenset({"001", "079", "089"})
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
AWKWARD_TEXT = st.text(
    alphabet=st.sampled_from(list(VIETNAMESE + VIETNAMESE.upper() + " \t\n\u00a0\u200b.-'(ðÐİΣσς\u0301\u0323ﬁK1"))
    | st.characters(),
    max_size=30,
)


def _array(values: list[object]) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def _fold_per_text(value: str) -> str:
    """`fold` as first written: NFD of the whole text, combining marks dropped, lower case, the rest spaces."""
    decomposed = unicodedata.normalize("NFD", value.translate(str.maketrans({"đ": "d", "Đ": "d"})))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]+", " ", bare).strip()


def _clean_spaces_by_regex(value: str) -> str:
    invisible = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
    lookalikes = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})
    text = unicodedata.normalize("NFC", value).translate(invisible).translate(lookalikes)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@given(AWKWARD_TEXT)
def test_fold_by_character_table_equals_fold_of_the_whole_text(value):
    assert fold(value) == _fold_per_text(value)


@given(AWKWARD_TEXT)
def test_clean_spaces_and_names_per_word_equal_the_regex_and_two_pass_forms(value):
    assert clean_spaces(value) == _clean_spaces_by_regex(value)
    assert normalize_name(value) == name_case(normalize_text(value))
    assert normalize_text(value) == " ".join(modern_tone(w) for w in _clean_spaces_by_regex(value).split(" "))


DATE_TEXT = st.one_of(
    st.from_regex(r"\A\d{1,5}\Z"),
    st.from_regex(r"\A\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}\Z"),
    st.builds(
        lambda d, m, y, s: f"{d}{s}{m}{s}{y}",
        st.integers(0, 35),
        st.integers(0, 15),
        st.integers(1, 2200),
        st.sampled_from("/.-"),
    ),
    st.from_regex(r"\A\d{1,2} ?/\d{1,2}/\d{2,4}( \(.*\))?\Z"),
    st.sampled_from(["", " ", "1950-06-15", "06/1950", "x/x/1950", "١٩٥٠", "29/02/1900", "29/02/2000", "15/06/50"]),
    st.text(max_size=12),
    st.none(),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(DATE_TEXT, max_size=40), st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_dates_in_bulk_equal_parse_date_per_cell(texts, today):
    parsed = parse_dates(_array(texts), today)
    for position, text in enumerate(texts):
        expected = parse_date(text, today)
        for name in ("value", "precision", "repair", "problem"):
            assert parsed[name][position] == getattr(expected, name), (text, name)
        for name in ("year", "month", "day"):
            got = parsed[name][position]
            assert (None if np.isnan(got) else int(got)) == getattr(expected, name), (text, name)


ID_TEXT = st.one_of(
    st.from_regex(r"\A\d{1,19}\Z"),
    st.builds(
        lambda p, rest: p + rest, st.sampled_from(["001", "079", "089", "999", "0"]), st.from_regex(r"\A\d{5,9}\Z")
    ),
    st.sampled_from(["", " ", "079 150 000 001", "7.9150000001E+11", "79150000001.0", "CCCD: 079150000001", "abc"]),
    st.text(alphabet="0123456789 .-eE+", max_size=16),
    st.integers(0, 10**13),
    st.none(),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ID_TEXT, st.none() | st.integers(1880, 2030)), max_size=40))
def test_ids_in_bulk_equal_clean_id_per_cell(cells):
    """Also: a huge exponent ("7e87 26-4974928") is refused as digits lost, never expanded into memory."""
    raws = _array([raw for raw, _ in cells])
    years = _array([None if year is None else float(year) for _, year in cells])
    values, kinds, problems, repairs = _clean_id_cells(raws, years, PROVINCES)
    for position, (raw, year) in enumerate(cells):
        expected = clean_id(str(raw) if raw is not None else None, PROVINCES, year)
        got = (values[position], kinds[position], problems[position], repairs[position])
        assert got == (expected.value, expected.kind, expected.problem, expected.repairs), raw


ACCOUNT_TEXT = st.one_of(
    st.from_regex(r"\A\d{1,20}\Z"),
    st.from_regex(r"\A\d{15,17}0\Z"),
    st.sampled_from(["", " ", "4228 9816 87329", "1.23E+15", "12ab", "１２３４５６７８９０"]),
    st.text(alphabet="0123456789 .-eE+", max_size=20),
    st.none(),
)


@given(st.lists(ACCOUNT_TEXT, max_size=40))
def test_accounts_in_bulk_equal_parse_account_per_cell(texts):
    values, problems = parse_accounts(_array(texts), (6, 19))
    expected = [parse_account(text, (6, 19)) for text in texts]
    assert list(values) == [account.value for account in expected]
    assert list(problems) == [account.problem for account in expected]


CELL = st.one_of(
    st.none(), st.just(float("nan")), st.just(pd.NA), st.sampled_from(["a", "b", "", "1"]), st.integers(0, 3)
)


@given(st.lists(CELL, max_size=30))
def test_distinct_values_keep_each_missing_object(values):
    array = _array(values)
    codes, uniques = distinct(array)
    assert all(u is v or u == v for u, v in zip(uniques[codes], array, strict=True))
    assert list(apply_distinct(array, repr)) == [repr(v) for v in array]


@given(st.lists(st.sampled_from([1950, 1960, None]), max_size=30))
def test_attribute_per_distinct_object(years):
    parsed = pd.Series([parse_date(str(y) if y else None, TODAY) for y in years], dtype=object)
    assert list(attribute(parsed, "precision")) == [p.precision for p in parsed]
    assert list(attribute(parsed, "year", "Int64")) == list(pd.array([p.year for p in parsed], dtype="Int64"))


NAMES = ["Nguyễn Thị Hòa", "Trần Văn Lộc", "Lê Thị Hà", "Phạm Bá Hùng", "Đỗ An"]


@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["unicode", "tcvn3", "vni", "ascii"])), max_size=30))
def test_column_hint_from_possible_legacy_cells_and_a_unicode_count(cells):
    encoders = {"unicode": str, "tcvn3": encode_tcvn3, "vni": encode_vni, "ascii": _fold_per_text}
    values = [encoders[kind](name) for name, kind in cells]
    legacy = [v for v in values if may_be_legacy(v)]
    unicode_cells = sum(1 for v in values if not v.isascii() and not may_be_legacy(v))
    counts = {v: legacy.count(v) for v in legacy}
    assert hint_from_counts(counts, unicode_cells) == column_hint(values)


ID_CELL = st.sampled_from([None, "079150000001", "12345", "?", "123456789", "123456789\n", "abc"])


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, "", "A", "Ab", "Nguyễn An"]),
            st.sampled_from([None, 1850, 1879, 1880, 1950]),
            ID_CELL,
            st.sampled_from(["cccd", "cmnd", "missing", "invalid", None]),
            st.sampled_from([None, "Nam", "Nữ", "x"]),
            st.sampled_from([None, -5, 0, 500000]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_failing_cells_per_distinct_value_equal_the_whole_frame(rows):
    names = ["full_name", "birth_year", "national_id", "id_kind", "sex", "amount"]
    frame = pd.DataFrame({name: [row[k] for row in rows] for k, name in enumerate(names)})
    for column in ("birth_year", "amount"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    frame.index = frame.index * 3 + 7
    for model in (CleanBeneficiaries, CleanRegister):
        fast, whole = failing_cells(model, frame), _whole_frame_failures(model, frame)
        assert fast.reset_index(drop=True).astype(str).equals(whole.reset_index(drop=True).astype(str))


def awkward_list(seed: int = 13, size: int = 160) -> tuple[pd.DataFrame, dict[tuple[str, str], dict[str, str]]]:
    """A list as the readers return it, with every awkward cell the cleaner knows, repeated and mixed."""
    pick = random.Random(seed).choice
    names = [
        "NGUYỄN THỊ HOÀ",
        "  trần   văn\u00a0lộc ",
        encode_tcvn3("Trần Văn Lộc"),
        encode_vni("Lê Thị Thuỷ"),
        "Phạm\nBá Hùng",
        "Đỗ\u200b An",
        "A",
        "",
        None,
        "Ðinh Khoẻ",
        "Nguyễn Văn A (GDCD)",
        "Lê Thị Hà",
    ]
    dates = [
        "15/06/1950",
        "15-6-1950",
        "00/00/1945",
        "00/05/1950",
        "13/25/1950",
        "25/13/1950",
        "31/02/1950",
        "29/02/1900",
        "18429",
        "1950",
        "0",
        "80000",
        "1234",
        "2030",
        "15/06/2030",
        "1899",
        "06/1950",
        "1950-06-15",
        " 15/06/1950 ",
        "15/06/50",
        "15/06/1950 | 1951",
        None,
        "abc",
    ]
    ids = [
        "079150000001",
        "079050000001",
        "999150000001",
        "079750000001",
        "79150000001",
        "79950000001",
        "7915000001",
        "123456789",
        "23456789",
        "0123456",
        "1234567890123456",
        "079 150 000 001",
        "7.9150000001E+11",
        "79150000001.0",
        "CCCD: 079150000001",
        None,
        "",
        "abc",
    ]
    rows = []
    for row in range(size):
        rows.append(
            {
                "row_no": str(row + 1),
                "full_name": pick(names),
                "birth_date": pick(dates),
                "sex": pick(["Nam", "nu", "NỮ", "x", None, "1", "0"]),
                "national_id": pick(ids),
                "address": pick(["Số 1,  ấp Hoà Bình", None, "Khu phố\t3"]),
                "commune": pick([None, "Xã Hoà Long"]),
                "category": pick(["Người cao tuổi", "NCT từ 80 tuổi", "khuyết tật nặng", "???", None]),
                "amount": pick(["500.000", "1,250,000 đ", "-5", "0", "1e+30", "500000.5", "abc", None, "360000"]),
                "payment_method": pick(["Chuyển khoản", "Tiền mặt", "bưu điện", "khác", None]),
                "account_number": pick(["4228 9816 87329", "079150000001", "1.23E+15", "12ab", "12", None]),
                "bank": pick(["NH Agribank CN Vũng Tàu", "Vietcombank", "Ngân hàng lạ", None]),
                "sex_from_layout": pick([None, None, "Nam", "Nữ"]),
                "source_file": pick(["a.xlsx", "b.xlsx"]),
                "source_sheet": pick(["Xã Hoà Long", "Phường 1", "DS"]),
                "source_row": row + 2,
            }
        )
    frame = pd.DataFrame(rows, dtype=object).astype({"source_row": "int64"})
    columns = {
        (file, sheet): {"full_name": "B (Họ và tên)", "national_id": "E (Số CCCD)"}
        for file in ("a.xlsx", "b.xlsx")
        for sheet in ("Xã Hoà Long", "Phường 1")
    }
    return frame, columns


def _as_json(frame: pd.DataFrame) -> dict[str, object]:
    return {
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "frame": json.loads(frame.to_json(orient="split", default_handler=str)),
    }


def clean_awkward(rules) -> dict[str, object]:
    raw, columns = awkward_list()
    result = clean_beneficiaries(raw, rules, columns, today=TODAY)
    return {"data": _as_json(result.data), "problems": _as_json(result.problems)}


def test_awkward_list_cleans_exactly_as_the_per_row_cleaner_did(rules):
    if not GOLDEN.exists():
        pytest.fail(f"missing {GOLDEN}")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert clean_awkward(rules) == golden
