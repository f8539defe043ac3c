"""Sex, money amounts, account numbers and phone numbers as lists write them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from asxh_cli.normalize.text import fold

_SEX = {
    "nam": "Nam",
    "m": "Nam",
    "male": "Nam",
    "1": "Nam",
    "trai": "Nam",
    "nu": "Nữ",
    "f": "Nữ",
    "female": "Nữ",
    "0": "Nữ",
    "2": "Nữ",
    "gai": "Nữ",
}
_DIGIT_SEPARATORS = re.compile(r"[\s.\-'’`_,]+")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def parse_sex(raw: str | None) -> str | None:
    """'Nam'/'Nữ' from the spellings lists use (Nam, nữ, NU, M, F, 1 = Nam, 0/2 = Nữ); None if unknown."""
    if raw is None:
        return None
    return _SEX.get(fold(str(raw)))


@dataclass(frozen=True)
class Amount:
    value: int | None
    problem: str | None = None


def parse_amount(raw: str | None) -> Amount:
    """VND amount from '500000', '500.000', '1,250,000', '500000.0'; VND has no minor unit."""
    if raw is None or not str(raw).strip():
        return Amount(None)
    text = str(raw).strip().lower().replace("đ", "").replace("vnd", "").strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    digits = _DIGIT_SEPARATORS.sub("", text)
    if not digits.isdigit():
        return Amount(None, "amount-unreadable")
    return Amount(int(digits))


@dataclass(frozen=True)
class Account:
    value: str | None
    problem: str | None = None
    repaired: bool = False


def parse_account(raw: str | None, length: tuple[int, int]) -> Account:
    """Account number as digits only; precision lost by Excel (scientific notation) or a wrong length is flagged."""
    if raw is None or not str(raw).strip():
        return Account(None)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if _SCIENTIFIC.match(text.replace(" ", "")):
        return Account(None, "account-digits-lost")
    digits = _DIGIT_SEPARATORS.sub("", text)
    if not digits.isdigit():
        return Account(None, "account-not-digits")
    low, high = length
    if not low <= len(digits) <= high:
        return Account(digits, "account-length")
    if len(digits) >= 16 and digits.endswith("0"):
        return Account(digits, "account-precision")  # Excel keeps 15 significant digits
    return Account(digits, None, digits != text)
