"""Birth and death dates in every form lists use, keeping how precise the value really is."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

DAY, MONTH, YEAR = "day", "month", "year"
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_AGE = 120

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_BLANK_PARTS = re.compile(r"^[\s/.\-_x0]*[/.\-]\s*(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_SERIAL = re.compile(r"^\d{1,5}(\.0+)?$")
_NOTE = re.compile(r"\s*\(.*\)\s*$")


@dataclass(frozen=True)
class DateResult:
    """A parsed date: ISO text of the known parts ("1950-06-15", "1950-06", "1950"), parts and precision."""

    value: str | None
    precision: str | None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    repair: str | None = None
    problem: str | None = None


def _full(year: int, month: int, day: int, today: dt.date, repair: str | None = None) -> DateResult:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return DateResult(None, None, problem="date-impossible")
    return _checked(DateResult(date.isoformat(), DAY, year, month, day, repair), today)


def _checked(result: DateResult, today: dt.date) -> DateResult:
    year = result.year or 0
    if (year, result.month or 1, result.day or 1) > (today.year, today.month, today.day):
        return DateResult(None, None, problem="date-future")
    if today.year - year > MAX_AGE:
        return DateResult(None, None, problem="date-too-old")
    return result


def _century(two_digits: int, today: dt.date) -> int:
    return 1900 + two_digits if two_digits > today.year % 100 else 2000 + two_digits


@lru_cache(maxsize=100_000)
def parse_date(raw: str | None, today: dt.date) -> DateResult:
    """Parse one date cell as written in Vietnamese lists (day first); never guesses an ambiguous order."""
    if raw is None or not str(raw).strip():
        return DateResult(None, None, problem="date-missing")
    text = _NOTE.sub("", str(raw).strip())
    if found := _ISO.match(text):
        year, month, day = map(int, found.groups())
        return _full(year, month, day, today)
    if found := _YEAR.match(text):
        year = int(found.group(1))
        if 1800 <= year <= 2200:
            return _checked(DateResult(str(year), YEAR, year), today)
    if _SERIAL.match(text):
        serial = int(float(text))
        if 0 < serial < 80000:
            date = EXCEL_EPOCH + dt.timedelta(days=serial)
            return _full(date.year, date.month, date.day, today, repair="date-serial")
    if found := _BLANK_PARTS.match(text):
        year = int(found.group(1))
        return _checked(DateResult(str(year), YEAR, year), today)
    if found := _DMY.match(text):
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year = _century(year, today)
        if day == 0 and month == 0:
            return _checked(DateResult(str(year), YEAR, year), today)
        if day == 0 and 1 <= month <= 12:
            return _checked(DateResult(f"{year}-{month:02d}", MONTH, year, month), today)
        if month > 12 and day <= 12:
            return _full(year, day, month, today, repair="date-month-first")
        return _full(year, month, day, today)
    if found := _MY.match(text):
        month, year = int(found.group(1)), int(found.group(2))
        if 1 <= month <= 12:
            return _checked(DateResult(f"{year}-{month:02d}", MONTH, year, month), today)
    return DateResult(None, None, problem="date-unreadable")
