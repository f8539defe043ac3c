"""Matching keys shared by list rows and register people: listed ID digits, address parts, birth placeholders.

Everything is computed per distinct value or with whole-column operations, never in a loop over rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from asxh_cli.frames import map_distinct
from asxh_cli.normalize.text import fold

_COMMUNE = re.compile(r"^(xa|phuong|thi tran|p|x|tt)\s+")
_DISTRICT = re.compile(r"^(huyen|quan|thi xa|q|h)\s+")
_PROVINCE = re.compile(r"^(tinh|thanh pho|tp)\s+")
_HOUSE = re.compile(r"^(so\s+)?(nha\s+)?[0-9][0-9a-z/-]*\s+(?=\D)")


def _address_parts(address: object) -> tuple[str | None, str | None, str | None]:
    """(thôn/tổ or street, commune, province) from one address, folded; parts not written are None."""
    if not isinstance(address, str) or not address.strip():
        return None, None, None
    locality = commune = province = None
    for raw in re.split(r"[,;]", address):
        part = fold(raw)
        if not part:
            continue
        if _PROVINCE.match(part):
            province = _PROVINCE.sub("", part)
        elif _COMMUNE.match(part) and commune is None:
            commune = _COMMUNE.sub("", part)
        elif _DISTRICT.match(part):
            continue
        elif locality is None:
            locality = _HOUSE.sub("", part)
    return locality, commune, province


def _commune_key(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return _COMMUNE.sub("", fold(value)) or None


def address_keys(address: pd.Series, commune: pd.Series | None) -> pd.DataFrame:
    """Columns `locality`, `commune_key`, `province_key`; a commune column, when given, wins over the address."""
    parts = map_distinct(address, _address_parts)
    frame = pd.DataFrame(
        {
            "locality": [p[0] for p in parts],
            "commune_key": [p[1] for p in parts],
            "province_key": [p[2] for p in parts],
        },
        index=address.index,
        dtype=object,
    )
    if commune is not None:
        own = map_distinct(commune, _commune_key)
        frame["commune_key"] = own.where(own.notna(), frame["commune_key"])
    return frame


def listed_id_digits(values: pd.Series) -> pd.Series:
    """The digits of a listed ID when there are 8–13 of them (a 9- or 12-digit ID, or one a digit short or long)."""

    def digits(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        found = "".join(ch for ch in value if ch.isdigit())
        return found if 8 <= len(found) <= 13 else None

    return map_distinct(values, digits)


def unpadded_id(values: pd.Series, raw: pd.Series | None) -> pd.Series:
    """The listed digits before a leading zero was restored (10–11 digits), when cleaning padded them:
    either Excel dropped the zero, or a digit was dropped by hand; matching tries both."""
    if raw is None:
        return pd.Series([None] * len(values), index=values.index, dtype=object)
    digits = listed_id_digits(raw.astype(object)).astype(object)
    padded = digits.str.len().isin([10, 11]) & (digits.str.zfill(12) == values)
    return digits.where(padded, None)


def year_only(precision: pd.Series, month: pd.Series, day: pd.Series) -> np.ndarray:
    """True where only the year is known: year precision, or 01/01/yyyy (the usual placeholder for an unknown date)."""
    placeholder = (day == 1) & (month == 1)
    full = (precision == "day").to_numpy(dtype=bool, na_value=False)
    return ~(full & ~placeholder.to_numpy(dtype=bool, na_value=False))


def add_shared_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Add keys both sides need: `pair_key` (family + given name), `words`, `given_marked` (the given name
    carries diacritics) and `year_only`; `frame` has canon_key, family, given, given_accented and birth parts."""
    frame["pair_key"] = (frame["family"].fillna("") + " " + frame["given"].fillna("")).str.strip()
    frame["words"] = frame["canon_key"].fillna("").str.count(" ").to_numpy() + 1
    accented = frame["given_accented"]
    frame["given_marked"] = (accented.notna() & (accented != frame["given"])).to_numpy(dtype=bool)
    frame["year_only"] = year_only(frame["birth_precision"], frame["birth_month"], frame["birth_day"])
    return frame
