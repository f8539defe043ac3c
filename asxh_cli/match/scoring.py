"""Comparison levels of candidate pairs on each signal (ID, name, birth date, sex, address), in bulk.

Each signal gets one small integer per pair: the index of its level in `rules.LEVELS[signal]`, or ABSENT
when one side does not carry the signal. Weights are attached later (`weights.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from asxh_cli.match.id_numbers import as_numbers, id_numbers, stored_id_columns
from asxh_cli.rules import LEVELS, Matching

ABSENT = -1
ID, NAME, BIRTH, SEX, ADDRESS = (LEVELS[s] for s in ("id", "name", "birth", "sex", "address"))


def _code(levels: tuple[str, ...], name: str) -> int:
    return levels.index(name)


class Sides:
    """Both sides' columns as numpy arrays and shared integer codes (-1 = missing or empty), made once per
    run and reused by every comparison (random pairs for u, candidate pairs)."""

    def __init__(self, ben: pd.DataFrame, reg: pd.DataFrame, register_arrays: dict | None = None) -> None:
        """`register_arrays`: the register's own arrays from an earlier partition with the same `reg`, reused."""
        self.ben, self.reg = ben, reg
        self._codes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._arrays: dict[tuple, object] = {}
        self._side_arrays: dict[str, dict[tuple, object]] = {
            "ben": {},
            "reg": register_arrays if register_arrays is not None else {},
        }

    def stable(self, column: str) -> bool:
        """Whether the register's codes of `column` are its own (a prepared register's categories, or birth
        parts), the same whatever list is matched: only such codes may be kept for the next part."""
        if column in ("birth_year", "birth_month", "birth_day"):
            return True
        return column in self.reg.columns and isinstance(self.reg[column].dtype, pd.CategoricalDtype)

    @property
    def register_arrays(self) -> dict:
        """The register-only arrays made so far (pass them to the next partition's `Sides`)."""
        return self._side_arrays["reg"]

    def codes(self, column: str, keep_empty: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(list codes, register codes, distinct values) with one code space for both sides; "" is missing (-1)
        unless `keep_empty` (blocking joins "" with "")."""
        if column not in self._codes:
            self._codes[column] = _shared_codes(_objects(self.ben, column), self.reg, column, self.register_arrays)
        left, right, values = self._codes[column]
        empty = np.flatnonzero(values == "")
        if keep_empty or not len(empty):
            return left, right, values
        if (column, "empty") not in self._arrays:
            self._arrays[(column, "empty")] = tuple(np.where(c == empty[0], -1, c) for c in (left, right))
        left, right = self._arrays[(column, "empty")]  # type: ignore[misc]
        return left, right, values

    def pair_codes(self, column: str, b: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        left, right, _ = self.codes(column)
        return left[b], right[r]

    def numbers(self, side: str, column: str) -> np.ndarray:
        """An ID column read as numbers (NaN where it is not one), for blocking and comparing alike."""
        frame, store = self._side(side)
        key = (column, "numeric")
        if key not in store:
            store[key] = as_numbers(frame[column])
        return store[key]  # type: ignore[return-value]

    def keep_id_numbers(self, column: str) -> None:
        """Read the register's ID column as numbers once, whole (made ahead: every match reads it at its pairs,
        and taking millions of texts at the pairs' rows cost more than reading them all), or take a prepared
        register's own (`id_numbers.id_columns`). Call it after the IDs are sorted (`candidates.register_arrays`):
        their float copy is let go here, 8 bytes a register row."""
        numbers = self.register_arrays.pop((column, "numeric"), None)
        stored = stored_id_columns(self.reg, column)
        if stored is not None:
            number, length, exact = stored["number"], stored["length"], stored["exact"]
        else:
            text = self.reg[column]
            number, length, exact, _ = id_numbers(text, as_numbers(text) if numbers is None else numbers)
            length = np.minimum(length, 127).astype(np.int8)  # lengths past 15 digits are never read as numbers
        self.register_arrays[(column, "numbers")] = (number, length, exact, length > 0)

    def id_ends(self, column: str, width: int, side: str, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """At `rows`: (first `width` digits, last `width` digits) of an ID column as integers (-1 when the ID is
        missing or shorter), whether the value is not all digits, whether it is present at all."""
        frame = self._side(side)[0]
        number, length, exact, present = self._at_rows(
            side,
            (column, "numbers"),
            lambda at: id_numbers(frame[column], self.numbers(side, column), at),
            rows,
        )
        length = length.astype(np.int64)  # 10 ** length below
        whole = exact & (length >= width)
        head = np.where(whole, number // 10 ** np.clip(length - width, 0, None), -1)
        tail = np.where(whole, number % 10**width, -1)
        return head, tail, present & ~exact, present

    def flags(self, side: str, column: str, rows: np.ndarray) -> np.ndarray:
        """A boolean column at `rows` (False where missing)."""
        frame = self._side(side)[0]

        def converted(at: np.ndarray | None) -> np.ndarray:
            values = frame[column] if at is None else frame[column].array.take(at)
            return values.to_numpy(dtype=bool, na_value=False)

        return self._at_rows(side, (column, "bool"), converted, rows)  # type: ignore[return-value]

    def births(self, side: str, rows: np.ndarray) -> np.ndarray:
        """Each birth date at `rows` in one integer (`packed_births`): one array taken at millions of pairs
        instead of four. The register's is made whole ahead (`keep_births`)."""
        frame = self._side(side)[0]
        return self._at_rows(side, ("birth", "packed"), lambda at: packed_births(frame, at), rows)  # type: ignore[return-value]

    def keep_births(self) -> None:
        """Make the register's packed birth dates whole, ahead of the match (`candidates.register_arrays`)."""
        self.register_arrays[("birth", "packed")] = packed_births(self.reg, None)

    def _at_rows(
        self, side: str, key: tuple, convert: Callable[[np.ndarray | None], object], rows: np.ndarray
    ) -> np.ndarray | tuple[np.ndarray, ...]:
        """`convert(None)` once for the whole side, kept, then taken at `rows`; but `convert(rows)` for a side
        longer than `rows` (a register of millions: only those rows are read), unless the whole side is kept."""
        frame, store = self._side(side)
        if key not in store:
            if len(frame) > len(rows):
                return convert(rows)  # type: ignore[return-value]
            store[key] = convert(None)
        whole = store[key]
        return tuple(values[rows] for values in whole) if isinstance(whole, tuple) else whole[rows]  # type: ignore[index]

    def _side(self, side: str) -> tuple[pd.DataFrame, dict[tuple, object]]:
        return (self.ben if side == "ben" else self.reg), self._side_arrays[side]


def _objects(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[column].to_numpy(dtype=object)


def _shared_codes(
    left: np.ndarray, reg: pd.DataFrame, column: str, store: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(list codes, register codes, distinct values) in one code space, -1 where missing. A categorical register
    column (a prepared register) lends its own codes, kept in the register's `store`: only the list's values are
    looked up, so a register of millions is never factorised again."""
    right = reg[column] if column in reg.columns else None
    if right is None or not isinstance(right.dtype, pd.CategoricalDtype):
        codes, values = pd.factorize(np.concatenate([left, _objects(reg, column)]))
        return codes[: len(left)], codes[len(left) :], np.asarray(values, dtype=object)
    if ("categories", column) not in store:  # the codes as they are (int8 for a few hundred values): not copied
        categories = pd.Index(np.asarray(right.cat.categories, dtype=object), dtype=object)
        store[("categories", column)] = (categories, right.cat.codes.to_numpy())
    categories, right_codes = store[("categories", column)]
    values = categories.to_numpy()
    left_codes = categories.get_indexer(pd.Index(left, dtype=object))  # as objects: never cast to Arrow and back
    unseen = (left_codes < 0) & pd.notna(left)
    if unseen.any():
        extra_codes, extra = pd.factorize(left[unseen])
        left_codes[unseen] = len(values) + extra_codes
        values = np.concatenate([values, np.asarray(extra, dtype=object)])
    return left_codes.astype(np.intp), right_codes, values


def gather(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """`frame[column]` at positions `rows`, as objects with None where missing, without converting the whole
    column (a register column has millions of values)."""
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.append(np.asarray(values.cat.categories, dtype=object), None)[values.cat.codes.to_numpy()[rows]]
    taken = values.take(rows).to_numpy(dtype=object)
    return np.where(pd.isna(taken), None, taken)


def _per_distinct(
    sides: Sides, column: str, b: np.ndarray, r: np.ndarray, score: Callable[[list, list], np.ndarray]
) -> np.ndarray:
    """`score(left strings, right strings)` computed once per distinct pair of values ("" where missing)."""
    left, right, values = sides.codes(column)
    strings = np.append(np.array([""], dtype=object), values)
    width = len(strings)
    key = (left[b].astype(np.int64) + 1) * width + right[r] + 1
    inverse, distinct = pd.factorize(key)
    if len(distinct) == 0:
        return np.zeros(len(b))
    return np.asarray(score(strings[distinct // width].tolist(), strings[distinct % width].tolist()))[inverse]


def _id_prefilter(sides: Sides, column: str, listed: str, b: np.ndarray, r: np.ndarray, width: int) -> np.ndarray:
    """Pairs whose IDs may be one slip apart: the first or the last `width` digits agree (one typed, swapped,
    dropped or added digit leaves one end of the ID intact when the longer ID has 2 × width + 1 digits or more).
    An ID that is not all digits is always compared."""
    left, right = sides.id_ends(listed, width, "ben", b), sides.id_ends(column, width, "reg", r)
    odd = (left[2] | right[2]) & (left[3] & right[3])
    return odd | (left[0] == right[0]) & (left[0] >= 0) | (left[1] == right[1]) & (left[1] >= 0)


def _distance(sides: Sides, listed: str, column: str, b: np.ndarray, r: np.ndarray, width: int) -> np.ndarray:
    """OSA distance between the listed ID and the register's, computed only where it may be 0 or 1 (else 2)."""
    distance = np.full(len(b), 2, dtype=np.int64)
    near = np.flatnonzero(_id_prefilter(sides, column, listed, b, r, width))
    if len(near):
        left = sides.ben[listed].astype(object).to_numpy(dtype=object)[b[near]]
        right = gather(sides.reg, column, r[near])
        left = np.where(pd.isna(left), "", left).tolist()
        right = np.where(pd.isna(right), "", right).tolist()
        distance[near] = process.cpdist(left, right, scorer=OSA.distance, workers=-1)
    return distance


def id_levels(sides: Sides, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Exact, one slip (typed, swapped, dropped or added digit), old CMND, different well-formed ID, or ABSENT.

    The listed ID counts whenever it has 9 or 12 digits, whatever its structure; 12-ish IDs are compared with
    the register ID, 9-ish ones with the register's old CMND.
    """
    ben, reg = sides.ben, sides.reg
    lengths = ben["id_digits"].astype(object).str.len().to_numpy(dtype="float64", na_value=0)[b]
    long_id, short_id = lengths >= 11, (lengths >= 8) & (lengths <= 10)
    level = np.full(len(b), ABSENT, dtype=np.int8)
    if long_id.any():
        at = np.flatnonzero(long_id)
        distance = _distance(sides, "id_digits", "national_id", b[at], r[at], 5)
        alternative = np.flatnonzero(ben["id_alt"].notna().to_numpy()[b[at]])  # a few rows: only their pairs
        if len(alternative):
            other = _distance(sides, "id_alt", "national_id", b[at[alternative]], r[at[alternative]], 4)
            distance[alternative] = np.minimum(distance[alternative], other)
        level[at] = np.where(lengths[at] == 12, _code(ID, "different"), level[at])
        level[at] = np.where(distance == 1, _code(ID, "slip"), level[at])
        level[at] = np.where(distance == 0, _code(ID, "exact"), level[at])
    if "old_id" in reg.columns:
        has_old = short_id & reg["old_id"].notna().to_numpy()[r]
        has_old[has_old] = gather(reg, "old_id", r[has_old]) != ""
        if has_old.any():
            at = np.flatnonzero(has_old)
            distance = _distance(sides, "id_digits", "old_id", b[at], r[at], 3)
            level[at] = np.where(lengths[at] == 9, _code(ID, "different"), level[at])
            level[at] = np.where(distance == 1, _code(ID, "slip"), level[at])
            level[at] = np.where(distance == 0, _code(ID, "old"), level[at])
    return level.astype(np.int8)


def name_levels(sides: Sides, b: np.ndarray, r: np.ndarray, rules: Matching) -> tuple[np.ndarray, np.ndarray]:
    """(level, similarity 0–100 of the folded names): exact, accent-only difference, close, middle name missing,
    different. String comparisons run once per distinct pair of names (names repeat)."""

    def ratio(left: list, right: list) -> np.ndarray:
        return process.cpdist(left, right, scorer=fuzz.ratio, workers=-1)

    def given_close(left: list, right: list) -> np.ndarray:
        similar = process.cpdist(left, right, scorer=fuzz.ratio, workers=-1) >= rules.name_given_similarity
        return similar | (process.cpdist(left, right, scorer=Levenshtein.distance, workers=-1) <= 1)

    similarity = _per_distinct(sides, "canon_key", b, r, ratio)
    left, right = sides.pair_codes("canon_key", b, r)
    same = left == right
    accent_left, accent_right = sides.pair_codes("given_accented", b, r)
    accents = accent_left != accent_right
    marked = sides.flags("ben", "given_marked", b) & sides.flags("reg", "given_marked", r)
    pair_left, pair_right = sides.pair_codes("pair_key", b, r)
    words = sides.ben["words"].to_numpy()[b] != sides.reg["words"].to_numpy()[r]
    middle = (pair_left == pair_right) & words
    close = similarity >= rules.name_close_similarity  # and the given names alike: compared only where it counts
    at = np.flatnonzero(close)
    close[at] = _per_distinct(sides, "given", b[at], r[at], given_close)
    level = np.select(
        [same & accents & marked, same, middle, close],
        [_code(NAME, "accent"), _code(NAME, "exact"), _code(NAME, "middle"), _code(NAME, "close")],
        _code(NAME, "different"),
    )
    level = np.where((left >= 0) & (right >= 0), level, ABSENT)
    return level.astype(np.int8), np.round(similarity, 1)


def packed_births(frame: pd.DataFrame, rows: np.ndarray | None) -> np.ndarray:
    """The birth dates at `rows` (all when None), each ((year × 16 + month) × 32 + day) × 2 + year only, a part
    not known 0: parts as the date normaliser gives them (month 1–12, day 1–31)."""

    def part(column: str) -> pd.Series | pd.api.extensions.ExtensionArray:
        return frame[column] if rows is None else frame[column].array.take(rows)

    year, month, day = (part(f"birth_{p}").to_numpy(dtype=np.int64, na_value=0) for p in ("year", "month", "day"))
    return ((year * 16 + month) * 32 + day) * 2 + part("year_only").to_numpy(dtype=bool, na_value=False)


def birth_levels(sides: Sides, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Exact, day and month swapped, year only (either side; 01/01/yyyy counts as year only), near (one year
    off, or one of day and month off), different, or ABSENT."""
    left, right = sides.births("ben", b), sides.births("reg", r)
    partial = ((left | right) & 1).astype(bool)
    bd, rd = left >> 1 & 31, right >> 1 & 31
    bm, rm = left >> 6 & 15, right >> 6 & 15
    by, ry = left >> 10, right >> 10
    same_year, year_off = by == ry, np.abs(by - ry) == 1
    same_month, same_day = (bm == rm) & (bm > 0), (bd == rd) & (bd > 0)  # a part not known (0) equals nothing
    swapped = (bm == rd) & (bd == rm) & (bm > 0) & (bd > 0)
    full = ~partial
    level = np.select(
        [
            full & same_year & same_month & same_day,
            full & same_year & swapped,
            partial & same_year,
            full & ((year_off & same_month & same_day) | (same_year & (same_month | same_day))),
            partial & year_off,
        ],
        [
            _code(BIRTH, "exact"),
            _code(BIRTH, "swapped"),
            _code(BIRTH, "year"),
            _code(BIRTH, "near"),
            _code(BIRTH, "near"),
        ],
        _code(BIRTH, "different"),
    )
    return np.where((by == 0) | (ry == 0), ABSENT, level).astype(np.int8)


def sex_levels(sides: Sides, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    left, right = sides.pair_codes("sex", b, r)
    level = np.where(left == right, _code(SEX, "same"), _code(SEX, "different"))
    return np.where((left >= 0) & (right >= 0), level, ABSENT).astype(np.int8)


def address_levels(sides: Sides, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Same thôn/tổ or street (in the same commune when both name one), same commune, same province, different."""
    both, equal = {}, {}
    for key in ("locality", "commune_key", "province_key"):
        left, right = sides.pair_codes(key, b, r)
        both[key] = (left >= 0) & (right >= 0)
        equal[key] = both[key] & (left == right)
    commune_clash = both["commune_key"] & ~equal["commune_key"]
    level = np.select(
        [
            equal["locality"] & ~commune_clash,
            equal["commune_key"],
            equal["province_key"],
            both["locality"] | both["commune_key"] | both["province_key"],
        ],
        [
            _code(ADDRESS, "locality"),
            _code(ADDRESS, "commune"),
            _code(ADDRESS, "province"),
            _code(ADDRESS, "different"),
        ],
        ABSENT,
    )
    return level.astype(np.int8)


def compare_pairs(
    ben: pd.DataFrame,
    reg: pd.DataFrame,
    b: np.ndarray,
    r: np.ndarray,
    rules: Matching,
    sides: Sides | None = None,
) -> pd.DataFrame:
    """One row per pair: b, r, the level of each signal and the folded-name similarity; pass the same `sides`
    to several calls on the same frames to convert their columns once."""
    sides = sides or Sides(ben, reg)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the other signals beside names: mostly outside the interpreter
        others = {
            signal: pool.submit(levels, sides, b, r)
            for signal, levels in (
                ("id", id_levels),
                ("birth", birth_levels),
                ("sex", sex_levels),
                ("address", address_levels),
            )
        }
        name, similarity = name_levels(sides, b, r, rules)
        level = {signal: done.result() for signal, done in others.items()}
    return pd.DataFrame(
        {
            "b": b,
            "r": r,
            "l_id": level["id"],
            "l_name": name,
            "l_birth": level["birth"],
            "l_sex": level["sex"],
            "l_address": level["address"],
            "name_similarity": similarity,
        }
    )
