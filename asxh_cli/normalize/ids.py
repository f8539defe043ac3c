"""Số định danh cá nhân (12 digits) and old CMND (9 digits): clean, repair what Excel broke, classify, check.

One cleaner for beneficiary lists (`clean_id`, per value) and the register (`clean_id_series`, vectorised, same
rules). A leading zero is restored only where Excel is the cause: the value does not start with 0 (Excel strips
zeros, it never leaves a short value that starts with one) and the restored ID passes the structure checks
(province code, century digit, and its century against the birth year when known). A short value that already starts with 0 is
missing a digit: an error, never a repair. A 9-digit CMND is never padded into a 12-digit ID.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CCCD, CMND, INVALID, MISSING = "cccd", "cmnd", "invalid", "missing"
_PREFIX = re.compile(r"^(so\s*)?(cccd|cmnd|ddcn|dinh danh|can cuoc)\s*[:.]?\s*", re.IGNORECASE)
_SEPARATORS_TEXT = r"[\s.\-_'’`,/]+"
_SEPARATORS = re.compile(_SEPARATORS_TEXT)
_SCIENTIFIC = re.compile(r"^(\d+)(?:[.,](\d+))?[eE]\+?(\d+)$")
_FLOAT_ZERO_TEXT = r"^(\d+)\.0+$"
_FLOAT_ZERO = re.compile(_FLOAT_ZERO_TEXT)


@dataclass(frozen=True)
class IdResult:
    """A cleaned ID: `value` is usable digits or None; `repairs` and `problem` are message codes."""

    value: str | None
    kind: str
    repairs: tuple[str, ...] = ()
    problem: str | None = None


def _strip(raw: str) -> tuple[str, list[str]]:
    repairs: list[str] = []
    text = unicodedata.normalize("NFKC", raw).strip()
    without_prefix = _PREFIX.sub("", text)
    if _SCIENTIFIC.match(without_prefix.replace(" ", "")):
        return without_prefix.replace(" ", ""), repairs
    float_zero = _FLOAT_ZERO.match(without_prefix)
    if float_zero:
        without_prefix = float_zero.group(1)
    compact = _SEPARATORS.sub("", without_prefix)
    if compact != text:
        repairs.append("id-stripped")
    return compact, repairs


def _structure_problem(value: str, provinces: frozenset[str]) -> str | None:
    if value[:3] not in provinces:
        return "id-province"
    if value[3] not in "0123":
        return "id-century"
    return None


def id_birth_year(value: str) -> int:
    """Birth year encoded by digits 4–6 of a 12-digit ID."""
    return 1900 + 100 * (int(value[3]) // 2) + int(value[4:6])


@lru_cache(maxsize=200_000)
def clean_id(raw: str | None, provinces: frozenset[str], birth_year: int | None = None) -> IdResult:
    """Clean one ID cell; restore leading zeros Excel dropped only when the restored ID is well formed.

    `birth_year`, when known, must agree with the century a restored 12-digit ID encodes.
    """
    if raw is None or not str(raw).strip():
        return IdResult(None, MISSING)
    text, repairs = _strip(str(raw))
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        whole, fraction, _exponent = scientific.groups()
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return IdResult(None, INVALID, (), "id-not-digits")
        significant = len((whole + (fraction or "")).lstrip("0"))
        if number.adjusted() + 1 > len(text):  # more digits than written ("7e87264974928"): never build them
            return IdResult(None, INVALID, (), "id-digits-lost")
        digits = str(int(number))
        if len(digits) > significant:
            return IdResult(None, INVALID, (), "id-digits-lost")
        text = digits
        repairs.append("id-scientific")
    if not text.isdigit():
        return IdResult(None, INVALID, (), "id-not-digits")
    if len(text) == 12:
        problem = _structure_problem(text, provinces)
        return IdResult(None, INVALID, (), problem) if problem else IdResult(text, CCCD, tuple(repairs))
    if len(text) == 9:
        return IdResult(text, CMND, tuple(repairs))
    if text.startswith("0") and len(text) < 12:
        return IdResult(None, INVALID, (), "id-missing-digit")
    if len(text) in (10, 11):
        restored = text.zfill(12)
        century_fits = birth_year is None or id_birth_year(restored) // 100 == birth_year // 100
        if _structure_problem(restored, provinces) is None and century_fits:
            return IdResult(restored, CCCD, (*repairs, "id-leading-zero"))
        return IdResult(None, INVALID, (), "id-length")
    if len(text) == 8:
        return IdResult(text.zfill(9), CMND, (*repairs, "id-leading-zero"))
    return IdResult(None, INVALID, (), "id-length")


def clean_old_id(raw: str | None) -> str | None:
    """An old CMND cell: 9 digits (8 when Excel dropped the zero) or a 12-digit ID written there; else as written."""
    if raw is None or not str(raw).strip():
        return None
    text, _ = _strip(str(raw))
    if text.isdigit() and len(text) in (9, 12):
        return text
    if text.isdigit() and len(text) == 8 and not text.startswith("0"):
        return text.zfill(9)
    return str(raw).strip()


def clean_id_series(values: pd.Series, provinces: frozenset[str]) -> pd.Series:
    """`clean_id(v).value` for a whole column (Arrow compute; the rare unusual cell goes through `clean_id`)."""
    array = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = pc.utf8_trim_whitespace(array)
    digits_only = pc.fill_null(pc.or_(pc.ascii_is_decimal(text), pc.equal(text, "")), True)
    compact, plain = text, digits_only
    if not pc.all(digits_only).as_py():  # most registers are digits only: the regexes run on the rest alone
        messy = pc.invert(digits_only)
        rest = pc.replace_substring_regex(pc.filter(text, messy), _FLOAT_ZERO_TEXT, r"\1")
        rest = pc.replace_substring_regex(rest, _SEPARATORS_TEXT, "")
        compact = pc.replace_with_mask(text, messy, rest)
        plain = pc.replace_with_mask(digits_only, messy, pc.fill_null(pc.ascii_is_decimal(rest), False))
    length = pc.utf8_length(compact)
    zero_first = pc.fill_null(pc.starts_with(compact, "0"), False)
    padded = pc.utf8_lpad(compact, 12, "0")
    well_formed = pc.and_(
        pc.is_in(pc.utf8_slice_codeunits(padded, 0, 3), value_set=pa.array(sorted(provinces), pa.string())),
        pc.is_in(pc.utf8_slice_codeunits(padded, 3, 4), value_set=pa.array(list("0123"))),
    )
    restorable = pc.and_(pc.and_(pc.greater_equal(length, 10), pc.less_equal(length, 11)), pc.invert(zero_first))
    cccd = pc.and_(well_formed, pc.or_(pc.equal(length, 12), restorable))
    cmnd8 = pc.and_(pc.equal(length, 8), pc.invert(zero_first))
    result = pc.if_else(
        cccd,
        padded,
        pc.if_else(pc.equal(length, 9), compact, pc.if_else(cmnd8, pc.utf8_lpad(compact, 9, "0"), None)),
    )
    result = pc.if_else(plain, result, pa.scalar(None, pa.string()))
    cleaned = result.to_pylist()
    raw = values.to_numpy(dtype=object)
    for position in (~plain.to_numpy(zero_copy_only=False) & values.notna().to_numpy()).nonzero()[0]:
        cleaned[position] = clean_id(str(raw[position]), provinces).value
    return pd.Series(cleaned, index=values.index, dtype=object)


def id_sex(value: str) -> str:
    """Sex encoded by the 4th digit of a 12-digit ID: even → Nam, odd → Nữ."""
    return "Nam" if int(value[3]) % 2 == 0 else "Nữ"


def id_disagreements(value: str | None, kind: str, sex: str | None, birth_year: int | None) -> list[str]:
    """Warnings where a 12-digit ID disagrees with the row's sex or birth year."""
    if kind != CCCD or value is None:
        return []
    found = []
    if sex in ("Nam", "Nữ") and id_sex(value) != sex:
        found.append("id-sex-mismatch")
    if birth_year is not None and id_birth_year(value) != birth_year:
        found.append("id-year-mismatch")
    return found
