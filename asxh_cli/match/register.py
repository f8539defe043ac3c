"""Prepare the population-register extract for matching: clean keys, vectorised over millions of rows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.contract import Status
from asxh_cli.errors import InputError
from asxh_cli.frames import attribute, map_distinct
from asxh_cli.match.features import add_shared_keys, address_keys
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.ids import clean_id_series
from asxh_cli.normalize.status import classify_status
from asxh_cli.normalize.text import modern_tone
from asxh_cli.normalize.values import parse_sex
from asxh_cli.rules import Rules
from asxh_cli.schema import CleanRegister, failing_cells


@dataclass
class Register:
    """Register people usable for matching, plus how many rows were unusable (kept out, counted)."""

    people: pd.DataFrame
    rows_in: int
    unusable: int
    unknown_statuses: dict[str, int] = field(default_factory=dict)  # status text nobody knows → rows
    duplicate_ids: int = 0  # IDs on more than one usable row (their statuses settled to the strictest)
    has_status: bool = True  # False: no status column, so nobody's status is known


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


def _register_ids(values: pd.Series, rules: Rules) -> pd.Series:
    """Register IDs through the one ID cleaner lists use (`….0` floats, E+ notation, spaces, dots, lost zeros);
    a plain 12-digit ID is the register's own word and is kept whatever its structure."""
    cleaned = clean_id_series(values, frozenset(rules.provinces))
    plain = values.astype("string").str.strip()
    twelve = plain.str.fullmatch(r"\d{12}").fillna(False).to_numpy(dtype=bool)
    return cleaned.where(~twelve, plain.astype(object))


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


def register_status(frame: pd.DataFrame, rules: Rules) -> tuple[pd.Series, dict[str, int]]:
    """Status code per row (fail closed: no status column or unknown text → unknown; a death date → dead),
    and the unknown status texts with their counts, for the office to add to rules/."""
    if "status" in frame.columns:
        kinds = map_distinct(frame["status"], lambda v: classify_status(v, rules.matching.status))
    else:
        kinds = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    kinds = kinds.fillna(Status.UNKNOWN)
    unknown = frame["status"][kinds == Status.UNKNOWN] if "status" in frame.columns else pd.Series(dtype=object)
    unknown_texts = {str(k): int(v) for k, v in unknown.fillna("").astype(str).str.strip().value_counts().items()}
    if "death_date" in frame.columns:
        has_death = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(_arrow(frame["death_date"].fillna("")))), 0)
        kinds = kinds.where(~np.asarray(has_death), Status.DEAD)
    return kinds.astype(object), unknown_texts


def _settle_duplicate_ids(people: pd.DataFrame) -> int:
    """Copies of one ID with different statuses all take the one that blocks payment; returns the IDs affected."""
    ids = people["national_id"]
    repeated = ids.notna() & ids.duplicated(keep=False)
    if not repeated.any():
        return 0
    severity = {Status.DEAD: 0, Status.MOVED: 1, Status.UNKNOWN: 2, Status.ALIVE: 3}
    rank = people.loc[repeated, "status_kind"].map(severity)
    worst = rank.groupby(ids[repeated]).transform("min")
    order = {v: k for k, v in severity.items()}
    people.loc[repeated, "status_kind"] = worst.map(order).astype(object)
    return int(ids[repeated].nunique())


def prepare_register(frame: pd.DataFrame, rules: Rules, today: dt.date | None = None) -> Register:
    """Canonical register for matching; rows the pandera model rejects (no 12-digit ID, name or year) are set aside.

    A register without rows or without one usable row is refused: matching against it would call everyone
    "not found" without saying why.
    """
    if len(frame) == 0:
        raise InputError("register.empty")
    today = today or dt.date.today()
    people = pd.DataFrame(index=frame.index)
    people["national_id"] = _register_ids(frame["national_id"], rules)
    people["old_id"] = _register_ids(frame["old_id"], rules) if "old_id" in frame.columns else None
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
    people["status_kind"], unknown_statuses = register_status(frame, rules)
    for column in ("death_date", "address", "commune"):
        people[column] = frame[column].astype(object) if column in frame.columns else None
    people[["locality", "commune_key", "province_key"]] = address_keys(people["address"], people["commune"])
    people["register_row"] = frame["source_row"].to_numpy() if "source_row" in frame.columns else range(len(frame))
    rejected = failing_cells(CleanRegister, people)["index"].unique()
    usable = name_frequencies(people.drop(index=rejected).reset_index(drop=True))
    if len(usable) == 0:
        raise InputError("register.unusable", rows=len(frame))
    duplicate_ids = _settle_duplicate_ids(usable)
    usable["status"] = usable["status_kind"].map(lambda s: Status(s).label_vi)
    return Register(usable, len(frame), len(rejected), unknown_statuses, duplicate_ids, "status" in frame.columns)
