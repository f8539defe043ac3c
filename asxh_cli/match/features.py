"""Matching keys shared by list rows and register people: listed ID digits, address parts, birth placeholders.

Everything is computed per distinct value or with whole-column operations, never in a loop over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.frames import map_distinct

_COMMUNE = r"^(xa|phuong|thi tran|p|x|tt) "
_DISTRICT = r"^(huyen|quan|thi xa|q|h) "
_PROVINCE = r"^(tinh|thanh pho|tp) "
_HOUSE = r"^(so )?(nha )?[0-9][0-9a-z/-]* ([a-z])"


def _fold_segments(values: pd.Series) -> pa.ListArray:
    """Fold each address (no diacritics, lower case, đ→d) and cut it at commas and semicolons."""
    array = pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.string())
    array = pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(array, "NFD"), r"\p{Mn}", ""))
    array = pc.replace_substring(pc.replace_substring(array, "đ", "d"), "ð", "d")
    return pc.split_pattern_regex(array, r"[,;]")


def address_keys(address: pd.Series, commune: pd.Series | None) -> pd.DataFrame:
    """Columns `locality` (thôn/tổ/ấp or street, house number dropped), `commune_key`, `province_key`, folded;
    a commune column, when given, wins over the address. Arrow operations on the distinct values, no row loop."""
    codes, distinct = pd.factorize(address.astype(object), use_na_sentinel=False)
    keys = _address_parts(pd.Series(distinct, dtype=object))
    columns = {c: _none(keys[c].to_numpy(dtype=object)[codes]) for c in keys.columns}
    if commune is not None:
        own = address_keys(commune, None)
        own = np.where(pd.isna(own["commune_key"]), own["locality"], own["commune_key"])
        columns["commune_key"] = _none(np.where(pd.isna(own), columns["commune_key"], own))
    return pd.DataFrame(columns, index=address.index, dtype=object)


def _none(values: np.ndarray) -> np.ndarray:
    return np.where(pd.isna(values), None, values).astype(object)


def _address_parts(address: pd.Series) -> pd.DataFrame:
    segments = _fold_segments(address)
    parent = pc.list_parent_indices(segments)
    part = pc.replace_substring_regex(pc.list_flatten(segments), r"[^0-9a-z/-]+", " ")
    part = pc.utf8_trim_whitespace(part)
    is_province = pc.match_substring_regex(part, _PROVINCE)
    is_commune = pc.match_substring_regex(part, _COMMUNE)
    is_district = pc.match_substring_regex(part, _DISTRICT)
    is_local = pc.and_not(
        pc.and_not(pc.and_not(pc.greater(pc.utf8_length(part), 0), is_province), is_commune), is_district
    )
    flat = pd.DataFrame(
        {
            "row": parent.to_numpy(),
            "province": pc.if_else(is_province, pc.replace_substring_regex(part, _PROVINCE, ""), None).to_pandas(),
            "commune": pc.if_else(is_commune, pc.replace_substring_regex(part, _COMMUNE, ""), None).to_pandas(),
            "locality": pc.if_else(is_local, pc.replace_substring_regex(part, _HOUSE, r"\3"), None).to_pandas(),
        }
    )
    first = flat.groupby("row").first().reindex(range(len(address)))
    return pd.DataFrame(
        {
            "locality": first["locality"].to_numpy(dtype=object),
            "commune_key": first["commune"].to_numpy(dtype=object),
            "province_key": first["province"].to_numpy(dtype=object),
        },
        index=address.index,
    )


def listed_id_digits(values: pd.Series) -> pd.Series:
    """The digits of a listed ID when there are 8–13 of them (a 9- or 12-digit ID, or one a digit short or long).

    ASCII text is handled by Arrow in bulk; the rare value with other characters (digits of other scripts)
    goes through Python's own notion of a digit, as before."""

    def digits(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        found = "".join(ch for ch in value if ch.isdigit())
        return found if 8 <= len(found) <= 13 else None

    objects = values.astype(object)
    try:
        array = pa.array(objects.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a value that is not text: the per-value path decides
        return map_distinct(values, digits)
    ascii_text = pc.fill_null(pc.string_is_ascii(array), True).to_numpy(zero_copy_only=False)
    found = pc.replace_substring_regex(array, r"[^0-9]+", "")
    length = pc.utf8_length(found)
    kept = pc.if_else(pc.and_(pc.greater_equal(length, 8), pc.less_equal(length, 13)), found, None)
    out = pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index, dtype=object)
    out = out.where(out.notna(), None)
    if not ascii_text.all():
        out[~ascii_text] = map_distinct(objects[~ascii_text], digits).to_numpy(dtype=object)
    return out


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


def add_name_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the name keys both sides need: `pair_key` (family + given name), `words` and `given_marked` (the given
    name carries diacritics); `frame` has canon_key, family, given and given_accented."""
    frame["pair_key"] = (frame["family"].fillna("") + " " + frame["given"].fillna("")).str.strip()
    keys = pa.array(frame["canon_key"].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    frame["words"] = pc.fill_null(pc.count_substring(keys, " "), 0).to_numpy().astype(np.int64) + 1
    accented = frame["given_accented"]
    frame["given_marked"] = (accented.notna() & (accented != frame["given"])).to_numpy(dtype=bool)
    return frame


def add_shared_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """`add_name_keys` and `year_only`; `frame` also has the birth parts."""
    frame = add_name_keys(frame)
    frame["year_only"] = year_only(frame["birth_precision"], frame["birth_month"], frame["birth_day"])
    return frame
