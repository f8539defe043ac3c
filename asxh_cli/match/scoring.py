"""Comparison levels of candidate pairs on each signal (ID, name, birth date, sex, address), in bulk.

Each signal gets one small integer per pair: the index of its level in `rules.LEVELS[signal]`, or ABSENT
when one side does not carry the signal. Weights are attached later (`weights.py`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from asxh_cli.rules import LEVELS, Matching

ABSENT = -1
ID, NAME, BIRTH, SEX, ADDRESS = (LEVELS[s] for s in ("id", "name", "birth", "sex", "address"))


def _code(levels: tuple[str, ...], name: str) -> int:
    return levels.index(name)


class _Side:
    """One side's columns as numpy arrays, converted once per comparison run (not once per use)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def _array(self, column: str, kind: str) -> np.ndarray:
        key = (column, kind)
        if key not in self._cache:
            if column not in self.frame.columns:
                values = np.full(len(self.frame), None, dtype=object)
            elif kind == "float":
                values = self.frame[column].to_numpy(dtype="float64", na_value=np.nan)
            else:
                values = self.frame[column].to_numpy(dtype=object)
            if kind == "text":
                values = np.where(pd.isna(values), "", values).astype(object)
            self._cache[key] = values
        return self._cache[key]

    def raw(self, column: str, index: np.ndarray) -> np.ndarray:
        return self._array(column, "raw")[index]

    def text(self, column: str, index: np.ndarray) -> np.ndarray:
        """Strings, "" where missing."""
        return self._array(column, "text")[index]

    def floats(self, column: str, index: np.ndarray) -> np.ndarray:
        return self._array(column, "float")[index]


def id_levels(ben: _Side, reg: _Side, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Exact, one slip (typed, swapped, dropped or added digit), old CMND, different well-formed ID, or ABSENT.

    The listed ID counts whenever it has 9 or 12 digits, whatever its structure; 12-ish IDs are compared with
    the register ID, 9-ish ones with the register's old CMND.
    """
    listed = ben.text("id_digits", b)
    lengths = ben.frame["id_digits"].astype(object).str.len().to_numpy(dtype="float64", na_value=0)[b]
    long_id, short_id = lengths >= 11, (lengths >= 8) & (lengths <= 10)
    level = np.full(len(b), ABSENT, dtype=np.int8)
    if long_id.any():
        register_ids = reg.text("national_id", r).tolist()
        distance = process.cpdist(listed.tolist(), register_ids, scorer=OSA.distance, workers=-1)
        alternative = ben.text("id_alt", b)
        if (alternative != "").any():
            other = process.cpdist(alternative.tolist(), register_ids, scorer=OSA.distance, workers=-1)
            distance = np.where(alternative != "", np.minimum(distance, other), distance)
        level = np.where(long_id & (lengths == 12), _code(ID, "different"), level)
        level = np.where(long_id & (distance == 1), _code(ID, "slip"), level)
        level = np.where(long_id & (distance == 0), _code(ID, "exact"), level)
    old = reg.text("old_id", r)
    has_old = short_id & (old != "")
    if has_old.any():
        distance = process.cpdist(listed.tolist(), old.tolist(), scorer=OSA.distance, workers=-1)
        level = np.where(has_old & (lengths == 9), _code(ID, "different"), level)
        level = np.where(has_old & (distance == 1), _code(ID, "slip"), level)
        level = np.where(has_old & (distance == 0), _code(ID, "old"), level)
    return level.astype(np.int8)


def name_levels(ben: _Side, reg: _Side, b: np.ndarray, r: np.ndarray, rules: Matching) -> tuple[np.ndarray, np.ndarray]:
    """(level, similarity 0–100 of the folded names): exact, accent-only difference, close, middle name missing,
    different."""
    left, right = ben.text("canon_key", b), reg.text("canon_key", r)
    similarity = process.cpdist(left.tolist(), right.tolist(), scorer=fuzz.ratio, workers=-1)
    left_given, right_given = ben.text("given", b).tolist(), reg.text("given", r).tolist()
    given = process.cpdist(left_given, right_given, scorer=fuzz.ratio, workers=-1)
    one_slip = process.cpdist(left_given, right_given, scorer=Levenshtein.distance, workers=-1) <= 1
    same = left == right
    accents = ben.raw("given_accented", b) != reg.raw("given_accented", r)
    marked = ben.raw("given_marked", b).astype(bool) & reg.raw("given_marked", r).astype(bool)
    same_pair = ben.raw("pair_key", b) == reg.raw("pair_key", r)
    middle = same_pair & (ben.raw("words", b) != reg.raw("words", r))
    close = (similarity >= rules.name_close_similarity) & ((given >= rules.name_given_similarity) | one_slip)
    level = np.select(
        [same & accents & marked, same, middle, close],
        [_code(NAME, "accent"), _code(NAME, "exact"), _code(NAME, "middle"), _code(NAME, "close")],
        _code(NAME, "different"),
    )
    level = np.where((left != "") & (right != ""), level, ABSENT)
    return level.astype(np.int8), np.round(similarity, 1)


def birth_levels(ben: _Side, reg: _Side, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Exact, day and month swapped, year only (either side; 01/01/yyyy counts as year only), near (one year
    off, or one of day and month off), different, or ABSENT."""
    by, bm, bd = (ben.floats(f"birth_{p}", b) for p in ("year", "month", "day"))
    ry, rm, rd = (reg.floats(f"birth_{p}", r) for p in ("year", "month", "day"))
    partial = ben.raw("year_only", b).astype(bool) | reg.raw("year_only", r).astype(bool)
    same_year, year_off = by == ry, np.abs(by - ry) == 1
    full = ~partial
    level = np.select(
        [
            full & same_year & (bm == rm) & (bd == rd),
            full & same_year & (bm == rd) & (bd == rm),
            partial & same_year,
            full & ((year_off & (bm == rm) & (bd == rd)) | (same_year & ((bm == rm) | (bd == rd)))),
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
    return np.where(np.isnan(by) | np.isnan(ry), ABSENT, level).astype(np.int8)


def sex_levels(ben: _Side, reg: _Side, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    left, right = ben.text("sex", b), reg.text("sex", r)
    level = np.where(left == right, _code(SEX, "same"), _code(SEX, "different"))
    return np.where((left != "") & (right != ""), level, ABSENT).astype(np.int8)


def address_levels(ben: _Side, reg: _Side, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Same thôn/tổ or street (in the same commune when both name one), same commune, same province, different."""
    both, equal = {}, {}
    for key in ("locality", "commune_key", "province_key"):
        left, right = ben.text(key, b), reg.text(key, r)
        both[key] = (left != "") & (right != "")
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


def compare_pairs(ben: pd.DataFrame, reg: pd.DataFrame, b: np.ndarray, r: np.ndarray, rules: Matching) -> pd.DataFrame:
    """One row per pair: b, r, the level of each signal and the folded-name similarity."""
    left, right = _Side(ben), _Side(reg)
    name, similarity = name_levels(left, right, b, r, rules)
    return pd.DataFrame(
        {
            "b": b,
            "r": r,
            "l_id": id_levels(left, right, b, r),
            "l_name": name,
            "l_birth": birth_levels(left, right, b, r),
            "l_sex": sex_levels(left, right, b, r),
            "l_address": address_levels(left, right, b, r),
            "name_similarity": similarity,
        }
    )
