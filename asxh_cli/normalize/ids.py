"""Số định danh cá nhân (12 digits) and old CMND (9 digits): clean, repair what Excel broke, classify, check."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CCCD, CMND, INVALID, MISSING = "cccd", "cmnd", "invalid", "missing"
_PREFIX = re.compile(r"^(so\s*)?(cccd|cmnd|ddcn|dinh danh|can cuoc)\s*[:.]?\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s.\-_'’`,/]+")
_SCIENTIFIC = re.compile(r"^(\d+)(?:[.,](\d+))?[eE]\+?(\d+)$")
_FLOAT_ZERO = re.compile(r"^(\d+)\.0+$")


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


@lru_cache(maxsize=200_000)
def clean_id(raw: str | None, provinces: frozenset[str]) -> IdResult:
    """Clean one ID cell; restore leading zeros Excel dropped when the province code then is valid."""
    if raw is None or not str(raw).strip():
        return IdResult(None, MISSING)
    text, repairs = _strip(str(raw))
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        whole, fraction, _exponent = scientific.groups()
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return IdResult(None, INVALID, tuple(repairs), "id-not-digits")
        significant = len((whole + (fraction or "")).lstrip("0"))
        digits = str(int(number))
        if len(digits) > significant:
            return IdResult(None, INVALID, tuple(repairs), "id-digits-lost")
        text = digits
        repairs.append("id-scientific")
    if not text.isdigit():
        return IdResult(None, INVALID, tuple(repairs), "id-not-digits")
    if len(text) in (10, 11) and text.zfill(12)[:3] in provinces:
        return IdResult(text.zfill(12), CCCD, (*repairs, "id-leading-zero"))
    if len(text) == 12:
        if text[:3] not in provinces:
            return IdResult(None, INVALID, tuple(repairs), "id-province")
        if text[3] not in "0123":
            return IdResult(None, INVALID, tuple(repairs), "id-century")
        return IdResult(text, CCCD, tuple(repairs))
    if len(text) == 9:
        return IdResult(text, CMND, tuple(repairs))
    if len(text) == 8:
        return IdResult(text.zfill(9), CMND, (*repairs, "id-leading-zero"))
    return IdResult(None, INVALID, tuple(repairs), "id-length")


def id_sex(value: str) -> str:
    """Sex encoded by the 4th digit of a 12-digit ID: even → Nam, odd → Nữ."""
    return "Nam" if int(value[3]) % 2 == 0 else "Nữ"


def id_birth_year(value: str) -> int:
    """Birth year encoded by digits 4–6 of a 12-digit ID."""
    return 1900 + 100 * (int(value[3]) // 2) + int(value[4:6])


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
