"""Birth and death dates in every form lists use, keeping how precise the value really is."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


_SERIAL_OR_YEAR = r"^\d{1,5}$"
_PLAIN_DMY = r"^(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{4})$"
_FIELDS = ("value", "precision", "year", "month", "day", "repair", "problem")


def parse_dates(texts: np.ndarray, today: dt.date) -> dict[str, np.ndarray]:
    """`parse_date` of every cell, as one object array per `DateResult` field (year/month/day: float, NaN if
    unknown). The usual cells, an Excel serial or a year ("18234", "1950") and a plain day/month/year
    ("15/06/1950"), are parsed in bulk by the same rules; any other cell goes through `parse_date` itself."""
    size = len(texts)
    strings = pa.array([t if isinstance(t, str) else None for t in texts], type=pa.string())
    out = {name: np.full(size, None, dtype=object) for name in _FIELDS}
    for name in ("year", "month", "day"):
        out[name] = np.full(size, np.nan)
    done = np.zeros(size, dtype=bool)
    short = pc.fill_null(pc.match_substring_regex(strings, _SERIAL_OR_YEAR), False).to_numpy(zero_copy_only=False)
    if short.any():
        number = pc.cast(pc.filter(strings, pa.array(short)), pa.int64()).to_numpy()
        rows = short.nonzero()[0]
        lengths = pc.utf8_length(pc.filter(strings, pa.array(short))).to_numpy()
        year = (lengths == 4) & (number >= 1800) & (number <= 2200)
        _years(out, rows[year], number[year], today)
        serial = ~year & (number > 0) & (number < 80000)
        days = np.datetime64("1899-12-30") + number[serial].astype("timedelta64[D]")
        y, m, d = _parts(days)
        _full_dates(out, rows[serial], y, m, d, "date-serial", today)
        out["problem"][rows[~year & ~serial]] = "date-unreadable"
        done[rows] = True
    found = pc.extract_regex(strings, _PLAIN_DMY)
    dmy = pc.is_valid(found).to_numpy(zero_copy_only=False) & ~done
    if dmy.any():
        rows = dmy.nonzero()[0]
        parts = {
            name: pc.cast(pc.struct_field(pc.filter(found, pa.array(dmy)), name), pa.int64()).to_numpy()
            for name in ("day", "month", "year")
        }
        day, month, year = parts["day"], parts["month"], parts["year"]
        blank = (day == 0) & (month == 0)
        _years(out, rows[blank], year[blank], today)
        month_only = (day == 0) & (month >= 1) & (month <= 12)
        _months(out, rows[month_only], year[month_only], month[month_only], today)
        swapped = ~blank & ~month_only & (month > 12) & (day <= 12)
        _full_dates(out, rows[swapped], year[swapped], day[swapped], month[swapped], "date-month-first", today)
        plain = ~blank & ~month_only & ~swapped
        _full_dates(out, rows[plain], year[plain], month[plain], day[plain], None, today)
        done[rows] = True
    rest = (~done).nonzero()[0]
    results = [parse_date(texts[row], today) for row in rest]
    for name in _FIELDS:
        values = [getattr(result, name) for result in results]
        if name in ("year", "month", "day"):
            values = [np.nan if v is None else v for v in values]
        out[name][rest] = values
    return out


def _parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _checked_rows(year: np.ndarray, month: np.ndarray, day: np.ndarray, today: dt.date) -> np.ndarray:
    """'date-future' / 'date-too-old' / None per row, as `_checked` decides."""
    future = (year > today.year) | (
        (year == today.year) & ((month > today.month) | ((month == today.month) & (day > today.day)))
    )
    old = today.year - year > MAX_AGE
    return np.where(future, "date-future", np.where(old, "date-too-old", None))


def _store(out: dict[str, np.ndarray], rows: np.ndarray, fields: dict[str, object], problems: np.ndarray) -> None:
    ok = problems == None  # noqa: E711 (element-wise)
    for name, value in fields.items():
        column = np.broadcast_to(np.asarray(value, dtype=out[name].dtype), len(rows))
        out[name][rows[ok]] = column[ok]
    out["problem"][rows[~ok]] = problems[~ok]


def _years(out: dict[str, np.ndarray], rows: np.ndarray, year: np.ndarray, today: dt.date) -> None:
    problems = _checked_rows(year, np.ones_like(year), np.ones_like(year), today)
    _store(out, rows, {"value": year.astype(str).astype(object), "precision": YEAR, "year": year}, problems)


def _months(out: dict[str, np.ndarray], rows: np.ndarray, year: np.ndarray, month: np.ndarray, today: dt.date) -> None:
    if not len(rows):
        return
    problems = _checked_rows(year, month, np.ones_like(year), today)
    value = np.char.add(np.char.add(year.astype(str), "-"), np.char.zfill(month.astype(str), 2)).astype(object)
    _store(out, rows, {"value": value, "precision": MONTH, "year": year, "month": month}, problems)


def _full_dates(
    out: dict[str, np.ndarray],
    rows: np.ndarray,
    year: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    repair: str | None,
    today: dt.date,
) -> None:
    """`_full` for each row: an impossible date is 'date-impossible', a real one is checked like `_checked`."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)] + (
        leap & (month == 2)
    )
    real = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    out["problem"][rows[~real]] = "date-impossible"
    rows, year, month, day = rows[real], year[real], month[real], day[real]
    problems = _checked_rows(year, month, day, today)
    dates = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1).astype("timedelta64[M]")
    value = (dates.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")).astype(str).astype(object)
    fields = {"value": value, "precision": DAY, "year": year, "month": month, "day": day, "repair": repair}
    _store(out, rows, fields, problems)
