"""Prepare the population-register extract for matching: clean keys, vectorised over millions of rows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def fold_array(values: pd.Series) -> pd.Series:
    """`fold` for a whole column at once (Arrow compute): no diacritics, lower case, đ→d, single spaces."""
    array = pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.string())
    array = pc.utf8_normalize(array, "NFD")
    array = pc.replace_substring_regex(array, r"\p{Mn}", "")
    array = pc.utf8_lower(array)
    array = pc.replace_substring(pc.replace_substring(array, "đ", "d"), "ð", "d")
    array = pc.replace_substring_regex(array, r"[^0-9a-z]+", " ")
    array = pc.utf8_trim_whitespace(array)
    return pd.Series(array.to_pylist(), index=values.index, dtype=object)


def name_parts(keys: pd.Series, surname_canon: dict[str, str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(canonical family name, given name, canonical full key) from folded names."""
    family = keys.str.split(" ", n=1).str[0]
    given = keys.str.rsplit(" ", n=1).str[-1]
    canon_family = family.map(lambda f: surname_canon.get(f, f) if isinstance(f, str) else None)
    rest = keys.str.split(" ", n=1).str[1].fillna("")
    canon_key = (canon_family.fillna("") + " " + rest).str.strip()
    return canon_family.astype(object), given.astype(object), canon_key.astype(object)


def _register_id(value: object) -> str | None:
    """Register IDs are machine-written; only a lost leading zero (10–11 digits) is restored."""
    if not isinstance(value, str):
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits.zfill(12) if 10 <= len(digits) <= 12 else (digits or None)


def given_accented(names: pd.Series) -> pd.Series:
    """The given name (last word) in lower case with its diacritics, in one tone convention."""
    last = names.astype(object).map(
        lambda v: v.strip().rsplit(" ", 1)[-1] if isinstance(v, str) and v.strip() else None
    )
    cache = {v: modern_tone(unicodedata.normalize("NFC", v).lower()) for v in pd.unique(last.dropna())}
    return last.map(cache).astype(object)


def _status(frame: pd.DataFrame, rules: Rules) -> pd.Series:
    status = frame["status"] if "status" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    kinds = status.map(lambda v: rules.matching.status.get(fold(v)) if isinstance(v, str) and v.strip() else None)
    if "death_date" in frame.columns:
        has_death = frame["death_date"].map(lambda v: isinstance(v, str) and bool(v.strip()))
        kinds = kinds.where(~has_death, "dead")
    return kinds.fillna("alive").astype(object)


def prepare_register(frame: pd.DataFrame, rules: Rules, today: dt.date | None = None) -> Register:
    """Canonical register for matching; rows the pandera model rejects (no 12-digit ID, name or year) are set aside."""
    today = today or dt.date.today()
    people = pd.DataFrame(index=frame.index)
    people["national_id"] = frame["national_id"].astype(object).map(_register_id)
    people["old_id"] = (
        frame["old_id"].astype(object).map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
        if "old_id" in frame.columns
        else None
    )
    people["full_name"] = frame["full_name"].astype(object)
    people["name_key"] = fold_array(frame["full_name"])
    people["name_key"] = people["name_key"].where(people["name_key"] != "", None)
    people["family"], people["given"], people["canon_key"] = name_parts(
        people["name_key"], rules.matching.surname_canon
    )
    people["given_accented"] = given_accented(frame["full_name"])
    dates = {v: parse_date(v, today) for v in pd.unique(frame["birth_date"].astype(object))}
    parsed = frame["birth_date"].astype(object).map(dates)
    people["birth_date"] = parsed.map(lambda r: r.value)
    people["birth_precision"] = parsed.map(lambda r: r.precision)
    for part in ("year", "month", "day"):
        people[f"birth_{part}"] = pd.array(parsed.map(lambda r, p=part: getattr(r, p)).tolist(), dtype="Int64")
    sexes = {v: parse_sex(v) for v in pd.unique(frame["sex"].astype(object))} if "sex" in frame.columns else {}
    people["sex"] = frame["sex"].astype(object).map(sexes) if "sex" in frame.columns else None
    people["status_kind"] = _status(frame, rules)
    people["status"] = people["status_kind"].map(STATUS_LABELS)
    for column in ("death_date", "address", "commune"):
        people[column] = frame[column].astype(object) if column in frame.columns else None
    people["register_row"] = frame["source_row"].to_numpy() if "source_row" in frame.columns else range(len(frame))
    rejected = failing_cells(CleanRegister, people)["index"].unique()
    usable = people.drop(index=rejected).reset_index(drop=True)
    return Register(usable, len(frame), len(rejected))
