"""Sex, money amounts, account numbers and phone numbers as lists write them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


MAX_AMOUNT_DIGITS = 15  # 999 nghìn tỷ đồng: larger is never a payment and would not fit a 64-bit column
FRACTION_ERROR, FRACTION_ROUND = "error", "round"

_UNIT = re.compile(r"^(?:vnđ|vnd|₫)?\s*(?P<body>.*?)\s*(?:vnđ|vnd|đồng|dong|đ|₫)?\.?\s*(?:/\s*tháng)?$")
_GROUP_CHARS = re.compile(r"[\s'’_]+")
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[., ])\d{3})(?:(?P=sep)\d{3})*")
_SPLIT_DECIMAL = re.compile(r"(?P<whole>.+)(?P<mark>[.,])(?P<fraction>\d+)")
_SCIENTIFIC_AMOUNT = re.compile(r"(?P<mantissa>\d+(?:\.\d+)?)e(?P<exponent>[+-]?\d{1,4})")


@dataclass(frozen=True)
class Amount:
    """A whole-đồng amount, or None with the reason (`problem`); `repair` names a rounding that was applied."""

    value: int | None
    problem: str | None = None
    repair: str | None = None


def _whole_digits(whole: str, mark: str | None = None) -> str | None:
    """Digits of an integer part written plainly or grouped by threes with one separator other than `mark`."""
    if whole.isdigit():
        return whole
    grouped = _GROUPED.fullmatch(whole)
    if grouped and grouped["sep"] != mark:
        return re.sub(r"\D", "", whole)
    return None


def _number(body: str) -> Decimal | None:
    """The exact value of a number written in Vietnamese, English or Excel style; None if not one."""
    whole = _whole_digits(body)
    if whole is not None:
        return Decimal(whole)
    split = _SPLIT_DECIMAL.fullmatch(body)
    if split:
        digits = _whole_digits(split["whole"], split["mark"])
        return None if digits is None else Decimal(f"{digits}.{split['fraction']}")
    scientific = _SCIENTIFIC_AMOUNT.fullmatch(body)
    if scientific:
        mantissa, exponent = scientific["mantissa"], int(scientific["exponent"])
        if len(mantissa.split(".")[0].lstrip("0")) + exponent > MAX_AMOUNT_DIGITS:
            return Decimal(10) ** MAX_AMOUNT_DIGITS  # reported as too large without building a huge number
        return Decimal(mantissa).scaleb(exponent)
    return None


def parse_amount(raw: str | None, fraction: str = FRACTION_ERROR) -> Amount:
    """Whole đồng from any way lists write an amount; anything doubtful is refused with a reason.

    Accepted: '500000', '500.000', '1.250.000', '500,000', '1,250,000', '1 250 000', '1.000.000,00',
    '500.000 đ', '500.000đồng', '500.000 VNĐ', '500000 VND/tháng', and numeric cells as `io.grid.cell_text`
    renders them ('500000', '500000.5', '1e+30'). A single '.' or ',' followed by exactly three digits is a
    thousands separator ('300.000' is three hundred thousand); otherwise it is the decimal mark.
    Problems: amount-unreadable, amount-negative, amount-zero, amount-too-large, amount-fraction (when
    `fraction` is "error"; with "round" the value is rounded half up and `repair` is amount-rounded).
    """
    if raw is None or not str(raw).strip():
        return Amount(None)
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    negative = text.startswith(("-", "−", "–")) or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").lstrip("-−–+").strip()
    unit = _UNIT.fullmatch(text)
    body = _GROUP_CHARS.sub(" ", unit["body"] if unit else text).strip()
    number = _number(body)
    if number is None:
        return Amount(None, "amount-unreadable")
    if number.adjusted() >= MAX_AMOUNT_DIGITS:
        return Amount(None, "amount-too-large")
    if negative and number:
        return Amount(None, "amount-negative")
    whole = int(number.to_integral_value(ROUND_HALF_UP))
    repair = None
    if number != whole:
        if fraction != FRACTION_ROUND:
            return Amount(None, "amount-fraction")
        repair = "amount-rounded"
    if whole == 0:
        return Amount(None, "amount-zero")
    return Amount(whole, None, repair)


def amount_out_of_range(value: int | None, bounds: tuple[int, int]) -> str | None:
    """'amount-too-low' / 'amount-too-high' when `value` lies outside the plausible (low, high) range."""
    if value is None:
        return None
    low, high = bounds
    if value < low:
        return "amount-too-low"
    return "amount-too-high" if value > high else None


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


def parse_accounts(texts: np.ndarray, length: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(value, problem) of `parse_account` for every cell, as object arrays: text of ASCII digits alone, the
    usual cell, is checked in bulk by the same rules; any other cell goes through `parse_account` itself."""
    strings = pa.array([t if isinstance(t, str) else None for t in texts], type=pa.string())
    plain = pc.fill_null(pc.match_substring_regex(strings, r"^\d+$"), False).to_numpy(zero_copy_only=False)
    size = pc.utf8_length(strings).to_numpy(zero_copy_only=False)
    zero_last = pc.fill_null(pc.ends_with(strings, "0"), False).to_numpy(zero_copy_only=False)
    low, high = length
    wrong_length = (size < low) | (size > high)
    values = np.where(plain, np.asarray(texts, dtype=object), None)
    problems = np.where(
        wrong_length, "account-length", np.where((size >= 16) & zero_last, "account-precision", None)
    ).astype(object)
    problems[~plain] = None
    rest = (~plain).nonzero()[0]
    found = [parse_account(texts[row], length) for row in rest]
    values[rest] = [account.value for account in found]
    problems[rest] = [account.problem for account in found]
    return values, problems
