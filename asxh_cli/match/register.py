"""Prepare the population-register extract for matching: clean keys, vectorised over millions of rows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.frames import attribute, map_distinct
from asxh_cli.match.features import add_shared_keys, address_keys
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.text import fold, modern_tone
from asxh_cli.normalize.values import parse_sex
from asxh_cli.rules import Rules
from asxh_cli.schema import CleanRegister, failing_cells

STATUS_LABELS = {"alive": "Còn sống", "dead": "Đã chết", "moved": "Đã chuyển đi"}


@dataclass
class Register:
    """Register people usable for matching, plus how many rows were unusable (kept out, counted)."""

    people: pd.DataFrame
    rows_in: int
    unusable: int


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.string())


def _series(array: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(array.to_pylist(), index=index, dtype=object)


def _fold_arrow(array: pa.Array) -> pa.Array:
    array = pc.utf8_normalize(array, "NFD")
    array = pc.replace_substring_regex(array, r"\p{Mn}", "")
    array = pc.utf8_lower(array)
    array = pc.replace_substring(pc.replace_substring(array, "đ", "d"), "ð", "d")
    array = pc.replace_substring_regex(array, r"[^0-9a-z]+", " ")
    return pc.utf8_trim_whitespace(array)


def fold_array(values: pd.Series) -> pd.Series:
    """`fold` for a whole column at once (Arrow compute): no diacritics, lower case, đ→d, single spaces."""
    return _series(_fold_arrow(_arrow(values)), values.index)


def name_parts(keys: pd.Series, surname_canon: dict[str, str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(canonical family name, given name, canonical full key) from folded names."""
    array = _arrow(keys)
    parts = pc.extract_regex(array, r"^(?P<family>\S+)(?: (?P<rest>.*))?$")
    family = _series(parts.field("family"), keys.index)
    rest = _series(parts.field("rest"), keys.index)
    given = _series(pc.extract_regex(array, r"(?P<given>\S+)$").field("given"), keys.index)
    canon_family = map_distinct(family, lambda f: surname_canon.get(f, f) if isinstance(f, str) else None)
    canon_key = pd.Series(
        [f"{f} {r}" if r else f for f, r in zip(canon_family, rest, strict=True)], index=keys.index, dtype=object
    )
    return canon_family, given, canon_key


def _register_ids(values: pd.Series) -> pd.Series:
    """Register IDs are machine-written: digits only; a lost leading zero (10–11 digits) is restored."""
    digits = pc.replace_substring_regex(_arrow(values), r"[^0-9]", "")
    length = pc.utf8_length(digits)
    padded = pc.utf8_lpad(digits, 12, "0")
    chosen = pc.if_else(pc.and_(pc.greater_equal(length, 10), pc.less_equal(length, 12)), padded, digits)
    chosen = pc.if_else(pc.equal(length, 0), pa.scalar(None, pa.string()), chosen)
    return _series(chosen, values.index)


def given_accented(names: pd.Series) -> pd.Series:
    """The given name (last word) in lower case with its diacritics, in one tone convention."""
    last = _series(pc.extract_regex(_arrow(names), r"(?P<given>\S+)\s*$").field("given"), names.index)
    return map_distinct(last, lambda v: modern_tone(unicodedata.normalize("NFC", v).lower()) if v else None)


def name_frequencies(people: pd.DataFrame) -> pd.DataFrame:
    """Add how many register people share each name (`name_count`), name + birth year (`name_year_count`)
    and family + given name without the middle name (`pair_count`): the term frequencies of the run."""
    people = add_shared_keys(people.copy())
    people["name_count"] = people.groupby("canon_key", dropna=False)["canon_key"].transform("size")
    people["name_year_count"] = people.groupby(["canon_key", "birth_year"], dropna=False)["canon_key"].transform("size")
    people["pair_count"] = people.groupby("pair_key", dropna=False)["pair_key"].transform("size")
    return people


def _status(frame: pd.DataFrame, rules: Rules) -> pd.Series:
    status = frame["status"] if "status" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    kinds = map_distinct(status, lambda v: rules.matching.status.get(fold(v)) if isinstance(v, str) else None)
    if "death_date" in frame.columns:
        has_death = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(_arrow(frame["death_date"].fillna("")))), 0)
        kinds = kinds.where(~np.asarray(has_death), "dead")
    return kinds.fillna("alive").astype(object)


def prepare_register(frame: pd.DataFrame, rules: Rules, today: dt.date | None = None) -> Register:
    """Canonical register for matching; rows the pandera model rejects (no 12-digit ID, name or year) are set aside."""
    today = today or dt.date.today()
    people = pd.DataFrame(index=frame.index)
    people["national_id"] = _register_ids(frame["national_id"])
    people["old_id"] = _register_ids(frame["old_id"]) if "old_id" in frame.columns else None
    people["full_name"] = frame["full_name"].astype(object)
    people["name_key"] = fold_array(frame["full_name"])
    people["name_key"] = people["name_key"].where(people["name_key"] != "", None)
    people["family"], people["given"], people["canon_key"] = name_parts(
        people["name_key"], rules.matching.surname_canon
    )
    people["given_accented"] = given_accented(frame["full_name"])
    parsed = map_distinct(frame["birth_date"], lambda v: parse_date(v, today))
    people["birth_date"] = attribute(parsed, "value")
    people["birth_precision"] = attribute(parsed, "precision")
    for part in ("year", "month", "day"):
        people[f"birth_{part}"] = attribute(parsed, part, "Int64")
    people["sex"] = map_distinct(frame["sex"], parse_sex) if "sex" in frame.columns else None
    people["status_kind"] = _status(frame, rules)
    people["status"] = people["status_kind"].map(STATUS_LABELS)
    for column in ("death_date", "address", "commune"):
        people[column] = frame[column].astype(object) if column in frame.columns else None
    people[["locality", "commune_key", "province_key"]] = address_keys(people["address"], people["commune"])
    people["register_row"] = frame["source_row"].to_numpy() if "source_row" in frame.columns else range(len(frame))
    rejected = failing_cells(CleanRegister, people)["index"].unique()
    usable = name_frequencies(people.drop(index=rejected).reset_index(drop=True))
    return Register(usable, len(frame), len(rejected))
