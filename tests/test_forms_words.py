"""Amounts in Vietnamese words ("Số tiền bằng chữ"), checked against hand-written cases and a reader."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.export.forms import amount_in_words, number_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (500_000, "năm trăm nghìn"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (1_000_500, "một triệu năm trăm"),
        (2_005_000, "hai triệu không trăm linh năm nghìn"),
        (89_164_500, "tám mươi chín triệu một trăm sáu mươi bốn nghìn năm trăm"),
        (1_000_000_000, "một tỷ"),
        (2_500_000_000, "hai tỷ năm trăm triệu"),
        (1_000_000_000_000, "một nghìn tỷ"),
    ],
)
def test_number_words(number, words):
    assert number_words(number) == words


def test_amount_in_words_is_a_sentence():
    assert amount_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert amount_in_words(0) == "Không đồng"


VALUES = {w: i for i, w in enumerate(("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"))}
VALUES |= {"mốt": 1, "lăm": 5}
SCALES = {"nghìn": 1000, "triệu": 1_000_000, "tỷ": 1_000_000_000}


def read_words(text: str) -> int:
    """An independent reader of Vietnamese number words (for the round trip)."""
    total, section, small, digit = 0, 0, 0, 0
    for word in text.split():
        if word in VALUES:
            digit = VALUES[word]
        elif word == "trăm":
            small, digit = small + digit * 100, 0
        elif word == "mươi":
            small, digit = small + digit * 10, 0
        elif word == "mười":
            small += 10
        elif word == "linh":
            continue
        elif word in SCALES:
            small += digit
            digit = 0
            scale = SCALES[word]
            if scale == 1_000_000_000:
                total = (total + section + small) * scale
                section = 0
            else:
                section += small * scale
            small = 0
        else:
            raise ValueError(word)
    return total + section + small + digit


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_words_read_back_to_the_number(number):
    words = number_words(number)
    assert read_words(words) == number
    assert "  " not in words and words == words.strip()
