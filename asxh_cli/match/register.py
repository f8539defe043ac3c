"""Prepare the population-register extract for matching: clean keys, vectorised over millions of rows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.contract import Status
from asxh_cli.errors import InputError
from asxh_cli.frames import map_distinct
from asxh_cli.match.features import add_name_keys, address_keys, year_only
from asxh_cli.match.id_numbers import id_columns, lengths_and_digits
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.ids import clean_id_series
from asxh_cli.normalize.status import classify_status
from asxh_cli.normalize.text import modern_tone
from asxh_cli.normalize.values import parse_sex
from asxh_cli.rules import Rules
from asxh_cli.schema import MIN_YEAR, CleanRegister, failing_cells


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
    a plain 12-digit ID (or 9-digit CMND) is the register's own word and is kept whatever its structure. Text
    stays in Arrow: millions of IDs never become Python strings."""
    plain = values.astype("str").str.strip()
    kept = plain.str.fullmatch(r"\d{12}|\d{9}").fillna(False).to_numpy(dtype=bool)
    out = plain.where(kept)
    odd = ~kept & (plain.fillna("") != "").to_numpy(dtype=bool)
    if odd.any():
        out[odd] = clean_id_series(values[odd], frozenset(rules.provinces)).to_numpy(dtype=object)
    return out


def _spread(codes: np.ndarray, values: pd.Series | np.ndarray) -> pd.Categorical:
    """Values computed once per distinct input (`values[k]` for code k) spread to the rows (code -1: missing),
    as a categorical column: a province of millions holds each distinct text once."""
    value_codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    row_codes = np.append(value_codes, -1)[codes]
    return pd.Categorical.from_codes(row_codes, categories=pd.Index(uniques, dtype=object))


def _spread_numbers(codes: np.ndarray, values: np.ndarray, missing: object) -> np.ndarray:
    return np.append(np.asarray(values), np.asarray([missing], dtype=np.asarray(values).dtype))[codes]


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    codes, uniques = pd.factorize(values)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def given_accented(names: pd.Series) -> pd.Series:
    """The given name (last word) in lower case with its diacritics, in one tone convention."""
    last = _series(pc.extract_regex(_arrow(names), r"(?P<given>\S+)\s*$").field("given"), names.index)
    return map_distinct(last, lambda v: modern_tone(unicodedata.normalize("NFC", v).lower()) if v else None)


def name_frequencies(people: pd.DataFrame) -> pd.DataFrame:
    """Add how many register people share each name (`name_count`), name + birth year (`name_year_count`)
    and family + given name without the middle name (`pair_count`): the term frequencies of the run. The
    frame is changed in place (a register of millions is not copied) and returned."""

    def counts(codes: np.ndarray) -> np.ndarray:
        """Group sizes of category codes (-1, a missing name, is a group of its own)."""
        return np.bincount(codes + 1)[codes + 1]

    name = pd.Categorical(people["canon_key"]).codes.astype(np.int64)
    year = people["birth_year"].to_numpy(dtype="float64", na_value=-1).astype(np.int64)
    people["name_count"] = counts(name)
    people["name_year_count"] = counts(pd.factorize(name * 4096 + (year + 1) % 4096)[0])
    people["pair_count"] = counts(pd.Categorical(people["pair_key"]).codes.astype(np.int64))
    return people


def register_status(frame: pd.DataFrame, rules: Rules) -> tuple[pd.Series, dict[str, int]]:
    """Status code per row (fail closed: no status column or unknown text → unknown; a death date → dead),
    and the unknown status texts with their counts, for the office to add to rules/. Each distinct text is
    read once."""
    if "status" in frame.columns:
        codes, texts = _distinct(frame["status"])
        codes = np.where(codes < 0, len(texts), codes)  # the last: a missing status
        known = [classify_status(v, rules.matching.status) for v in texts]
        kinds = np.array([k or Status.UNKNOWN for k in known] + [Status.UNKNOWN], dtype=object)
        counts = np.bincount(codes, minlength=len(texts) + 1)
        unknown: dict[str, int] = {}
        for text, kind, count in zip([*texts.fillna("").astype(str), ""], kinds, counts, strict=True):
            if kind == Status.UNKNOWN and count:
                unknown[text.strip()] = unknown.get(text.strip(), 0) + int(count)
        unknown_texts = dict(sorted(unknown.items(), key=lambda item: -item[1]))
        per_row = kinds[codes]
    else:
        per_row, unknown_texts = np.full(len(frame), Status.UNKNOWN, dtype=object), {}
    if "death_date" in frame.columns:
        codes, texts = _distinct(frame["death_date"])
        written = np.array([bool(str(v).strip()) for v in texts] + [False], dtype=bool)
        per_row = np.where(written[np.where(codes < 0, len(texts), codes)], Status.DEAD, per_row)
    return pd.Series(per_row, index=frame.index, dtype=object), unknown_texts


def _settle_duplicate_ids(people: pd.DataFrame, arrays: dict[str, np.ndarray] | None = None) -> int:
    """Copies of one ID with different statuses all take the one that blocks payment; returns the IDs affected.
    `arrays`: the ID column's arrays (`id_columns`), if made."""
    ids = people["national_id"]
    repeated = _repeated(ids, arrays)
    if not repeated.any():
        return 0
    severity = {Status.DEAD: 0, Status.MOVED: 1, Status.UNKNOWN: 2, Status.ALIVE: 3}
    rank = people.loc[repeated, "status_kind"].map(severity)
    worst = rank.groupby(ids[repeated]).transform("min")
    order = {v: k for k, v in severity.items()}
    people.loc[repeated, "status_kind"] = worst.map(order).astype(object)
    return int(ids[repeated].nunique())


def _repeated(ids: pd.Series, arrays: dict[str, np.ndarray] | None) -> pd.Series:
    """Whether each row's ID is another row's too. Usable IDs are 12 digits: when every one is an exact number,
    their numbers in sorted order (`id_columns`) put copies side by side, which takes a fraction of the time of
    hashing millions of texts (the texts are hashed when two lengths share a number: 079050000, 000079050000)."""
    if arrays is None or len(arrays["order"]) != len(ids) or not arrays["exact"].all():
        return ids.notna() & ids.duplicated(keep=False)
    order = arrays["order"]
    ranked, lengths = arrays["number"][order], arrays["length"][order]
    equal = ranked[1:] == ranked[:-1]
    if (equal & (lengths[1:] != lengths[:-1])).any():
        return ids.notna() & ids.duplicated(keep=False)
    same = np.flatnonzero(equal)
    repeated = np.zeros(len(ids), dtype=bool)
    repeated[order[same]] = True
    repeated[order[same + 1]] = True
    return pd.Series(repeated, index=ids.index)


def _names(full_names: pd.Series, rules: Rules) -> pd.DataFrame:
    """Name keys of each distinct full name: folded key, family, given, canonical key, accented given name,
    family + given (`pair_key`), word count, whether the given name carries diacritics."""
    keys = fold_array(full_names)
    keys = keys.where(keys != "", None)
    names = pd.DataFrame({"name_key": keys})
    names["family"], names["given"], names["canon_key"] = name_parts(keys, rules.matching.surname_canon)
    names["given_accented"] = given_accented(full_names)
    return add_name_keys(names)


def _distinct_names(full_names: pd.Series, rules: Rules) -> tuple[np.ndarray, pd.Series, pd.DataFrame]:
    """(row codes, distinct full names, their name keys)."""
    codes, distinct = _distinct(full_names)
    return codes, distinct, _names(distinct, rules)


def _dates(raw: pd.Series, today: dt.date) -> tuple[np.ndarray, pd.DataFrame]:
    """Each distinct birth-date text parsed once: (row codes, per-distinct value/precision/year/month/day)."""
    codes, texts = _distinct(raw)
    parsed = [parse_date(v, today) for v in texts] + [parse_date(None, today)]
    table = pd.DataFrame(
        {
            "birth_date": [p.value for p in parsed],
            "birth_precision": [p.precision for p in parsed],
            **{f"birth_{part}": [getattr(p, part) for p in parsed] for part in ("year", "month", "day")},
        }
    )
    return np.where(codes < 0, len(texts), codes), table


def _rejected(people: pd.DataFrame, name_codes: np.ndarray, names: pd.Series) -> np.ndarray:
    """Rows the pandera model rejects (no 12-digit ID, name or year); names and years are checked once each."""
    bad = np.zeros(len(people), dtype=bool)
    # A plain 12-digit ID passes the model's own pattern: pandera checks the others (few) rather than millions.
    length, digits = lengths_and_digits(people["national_id"])
    plain = digits & (length == 12)  # `\d{12}`, without a regex
    others = np.flatnonzero(~plain)
    ids = pd.DataFrame({"national_id": people["national_id"].iloc[others], "full_name": "xx", "birth_year": MIN_YEAR})
    bad[others[failing_cells(CleanRegister, ids.reset_index(drop=True))["index"].unique()]] = True
    distinct_names = pd.DataFrame({"national_id": "0" * 12, "full_name": names, "birth_year": MIN_YEAR})
    bad_names = failing_cells(CleanRegister, distinct_names)["index"].unique()
    bad |= np.isin(name_codes, bad_names) | (name_codes < 0)
    years = people["birth_year"]
    distinct_years = pd.DataFrame({"national_id": "0" * 12, "full_name": "xx", "birth_year": years.dropna().unique()})
    bad_years = distinct_years["birth_year"].to_numpy()[failing_cells(CleanRegister, distinct_years)["index"].unique()]
    bad |= years.isna().to_numpy() | years.isin(bad_years).to_numpy(dtype=bool)
    return bad


def prepare_register(frame: pd.DataFrame, rules: Rules, today: dt.date | None = None) -> Register:
    """Canonical register for matching; rows the pandera model rejects (no 12-digit ID, name or year) are set aside.

    Every text is worked on once per distinct value (names, dates, addresses repeat across millions of rows)
    and kept as a categorical column. A register without rows or without one usable row is refused: matching
    against it would call everyone "not found" without saying why.
    """
    if len(frame) == 0:
        raise InputError("register.empty")
    today = today or dt.date.today()
    frame = frame.reset_index(drop=True)
    texts_of = [column for column in ("death_date", "address", "commune") if column in frame]
    # Independent pieces, mostly Arrow and numpy work that leaves the interpreter free: two at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = {c: pool.submit(_register_ids, frame[c], rules) for c in ("national_id", "old_id") if c in frame}
        named = pool.submit(_distinct_names, frame["full_name"], rules)
        dated = pool.submit(_dates, frame["birth_date"], today)
        sexes = pool.submit(_distinct, frame["sex"]) if "sex" in frame.columns else None
        statuses = pool.submit(register_status, frame, rules)
        texts = {column: pool.submit(_distinct, frame[column]) for column in texts_of}
        places = pool.submit(lambda rows: _places(rows, {c: texts[c].result() for c in texts_of}), len(frame))
    people = pd.DataFrame(index=frame.index)
    people["national_id"] = ids["national_id"].result()
    people["old_id"] = ids["old_id"].result() if "old_id" in ids else None
    name_codes, full_names, names = named.result()
    people["full_name"] = _spread(name_codes, full_names)
    for column in ("name_key", "family", "given", "canon_key", "given_accented", "pair_key"):
        people[column] = _spread(name_codes, names[column])
    people["words"] = _spread_numbers(name_codes, names["words"].to_numpy(dtype=np.int64), 1)
    people["given_marked"] = _spread_numbers(name_codes, names["given_marked"].to_numpy(dtype=bool), False)
    date_codes, dates = dated.result()
    for column in ("birth_date", "birth_precision"):
        people[column] = _spread(date_codes, dates[column])
    for part in ("year", "month", "day"):
        values = dates[f"birth_{part}"].to_numpy(dtype="float64")[date_codes]  # whole numbers, NaN where unknown
        unknown = np.isnan(values)
        people[f"birth_{part}"] = pd.arrays.IntegerArray(np.where(unknown, 0, values).astype(np.int64), unknown)
    people["year_only"] = year_only(people["birth_precision"], people["birth_month"], people["birth_day"])
    if sexes is not None:
        sex_codes, sex_texts = sexes.result()
        people["sex"] = _spread(sex_codes, sex_texts.map(parse_sex))
    else:
        people["sex"] = None
    people["status_kind"], unknown_statuses = statuses.result()
    for column in ("death_date", "address", "commune"):
        people[column] = _spread(*texts[column].result()) if column in texts else None
    people[["locality", "commune_key", "province_key"]] = places.result()
    people["register_row"] = frame["source_row"].to_numpy() if "source_row" in frame.columns else range(len(frame))
    rows_in, has_status = len(frame), "status" in frame.columns
    del frame  # millions of texts as read, not needed past here: let go before the IDs are sorted (peak memory)
    rejected = _rejected(people, name_codes, full_names)
    usable = name_frequencies(people[~rejected].reset_index(drop=True) if rejected.any() else people)
    if len(usable) == 0:
        raise InputError("register.unusable", rows=rows_in)
    with ThreadPoolExecutor(max_workers=2) as pool:  # numpy's sort and Arrow leave the interpreter free
        made = {c: pool.submit(id_columns, usable[c]) for c in ("national_id", "old_id") if usable[c].notna().any()}
    ids = {column: job.result() for column, job in made.items()}
    duplicate_ids = _settle_duplicate_ids(usable, ids.get("national_id"))
    codes, kinds = pd.factorize(usable["status_kind"].to_numpy(dtype=object))
    usable["status_kind"] = _spread(codes, [str(kind) for kind in kinds])
    usable["status"] = _spread(codes, [Status(kind).label_vi for kind in kinds])
    for column, parts in ids.items():  # kept with the register, read by every match (`candidates.register_arrays`)
        for part, values in parts.items():
            usable[f"{column}_{part}"] = values
    return Register(usable, rows_in, int(rejected.sum()), unknown_statuses, duplicate_ids, has_status)


def _places(rows: int, texts: dict[str, tuple[np.ndarray, pd.Series]]) -> pd.DataFrame:
    """Thôn/tổ, commune and province keys, once per distinct (address, commune) pair (`texts`: each column's
    row codes and distinct values)."""
    missing = (np.full(rows, -1, dtype=np.intp), pd.Series([], dtype=object))
    a_codes, a_values = texts.get("address", missing)
    c_codes, c_values = texts.get("commune", missing)
    width = len(c_values) + 1  # code 0: missing
    pair_codes, pairs = pd.factorize((a_codes.astype(np.int64) + 1) * width + c_codes + 1)
    a_text = np.append(None, a_values.to_numpy(dtype=object))[pairs // width]
    c_text = np.append(None, c_values.to_numpy(dtype=object))[pairs % width]
    keys = address_keys(
        pd.Series(a_text, dtype=object), pd.Series(c_text, dtype=object) if "commune" in texts else None
    )
    return pd.DataFrame({column: _spread(pair_codes, keys[column]) for column in keys.columns})
