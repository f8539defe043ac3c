"""Score candidate pairs on each signal (ID, name, birth date, sex), in bulk."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from asxh_cli.rules import Matching

# How much one birth-date comparison counts (0–1) for each way the two dates can agree.
BIRTH_EXACT, BIRTH_SWAPPED, BIRTH_SAME_MONTH, BIRTH_YEAR_OFF, BIRTH_SAME_YEAR, BIRTH_PARTIAL = (
    1.0,
    0.7,
    0.6,
    0.6,
    0.4,
    0.65,
)
ID_EXACT, ID_NEAR = 1.0, 0.75
DIACRITIC_DIFFERENCE = 0.7  # given names alike without diacritics but not with them (Hùng / Hưng)
MISSING_NAME_WORD = 0.9  # a name with a word left out (usually the middle name) counts this much of a full match


def _values(frame: pd.DataFrame, column: str, index: np.ndarray) -> np.ndarray:
    return frame[column].to_numpy(dtype=object)[index]


def _ints(frame: pd.DataFrame, column: str, index: np.ndarray) -> np.ndarray:
    return frame[column].to_numpy(dtype="float64", na_value=np.nan)[index]


def name_similarity(
    left: list[str], right: list[str], left_given: list[object], right_given: list[object]
) -> np.ndarray:
    """0–1 similarity of names: the whole folded name and the given name count half each.

    The whole name uses the plain edit ratio, or the word-set ratio discounted for a missing (middle) word.
    The given name, the most telling word, is compared folded; when both sides carry diacritics and they
    differ although they fold alike (Hùng / Hưng), it counts only DIACRITIC_DIFFERENCE of a full match.
    """
    if not left:
        return np.zeros(0)
    ratio = process.cpdist(left, right, scorer=fuzz.ratio, workers=-1)
    token_set = process.cpdist(left, right, scorer=fuzz.token_set_ratio, workers=-1)
    whole = np.maximum(ratio, token_set * MISSING_NAME_WORD) / 100.0
    left_last = [key.rsplit(" ", 1)[-1] for key in left]
    right_last = [key.rsplit(" ", 1)[-1] for key in right]
    given = process.cpdist(left_last, right_last, scorer=fuzz.ratio, workers=-1) / 100.0
    accents_differ = np.fromiter(
        (
            isinstance(a, str) and isinstance(b, str) and a != b and not a.isascii() and not b.isascii()
            for a, b in zip(left_given, right_given, strict=True)
        ),
        dtype=bool,
        count=len(left_given),
    )
    given = np.where(accents_differ & (given >= 0.999), DIACRITIC_DIFFERENCE, given)
    return (whole + given) / 2


def birth_similarity(ben: pd.DataFrame, reg: pd.DataFrame, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """0–1 agreement of birth dates, comparing only the parts both sides know; NaN when the list has no date."""
    by, bm, bd = (_ints(ben, f"birth_{p}", b) for p in ("year", "month", "day"))
    ry, rm, rd = (_ints(reg, f"birth_{p}", r) for p in ("year", "month", "day"))
    both_full = ~np.isnan(bd) & ~np.isnan(rd)
    same_year, year_off = by == ry, np.abs(by - ry) == 1
    months_known = ~np.isnan(bm) & ~np.isnan(rm)
    score = np.zeros(len(b))
    partial = ~both_full & (same_year & (~months_known | (bm == rm)))
    score = np.where(partial, BIRTH_PARTIAL, score)
    score = np.where(~both_full & year_off & (~months_known | (bm == rm)), 0.3, score)
    score = np.where(both_full & same_year, BIRTH_SAME_YEAR, score)
    score = np.where(both_full & same_year & (bm == rm), BIRTH_SAME_MONTH, score)
    score = np.where(both_full & year_off & (bm == rm) & (bd == rd), BIRTH_YEAR_OFF, score)
    score = np.where(both_full & same_year & (bm == rd) & (bd == rm), BIRTH_SWAPPED, score)
    score = np.where(both_full & same_year & (bm == rm) & (bd == rd), BIRTH_EXACT, score)
    return np.where(np.isnan(by), np.nan, score)


def score_pairs(pairs: pd.DataFrame, ben: pd.DataFrame, reg: pd.DataFrame, rules: Matching) -> pd.DataFrame:
    """Add s_id, s_name, s_birth, s_sex (0–1, NaN when a signal is absent) and the weighted score (0–100)."""
    b = pairs["b"].to_numpy()
    r = pairs["r"].to_numpy()
    scored = pairs.copy()
    scored["s_name"] = name_similarity(
        list(_values(ben, "canon_key", b)),
        list(_values(reg, "canon_key", r)),
        list(_values(ben, "given_accented", b)),
        list(_values(reg, "given_accented", r)),
    )
    scored["s_birth"] = birth_similarity(ben, reg, b, r)
    bsex, rsex = _values(ben, "sex", b), _values(reg, "sex", r)
    known = pd.notna(bsex) & pd.notna(rsex)
    scored["s_sex"] = np.where(known, (bsex == rsex).astype(float), np.nan)

    has_id = _values(ben, "id_kind", b) == "cccd"
    has_cmnd = _values(ben, "id_kind", b) == "cmnd"
    reg_old = _values(reg, "old_id", r) if "old_id" in reg.columns else np.full(len(r), None)
    s_id = np.where(scored["via_id"] | scored["via_old"], ID_EXACT, np.where(scored["via_near"], ID_NEAR, np.nan))
    conflict = np.isnan(s_id) & (has_id | (has_cmnd & pd.notna(reg_old)))
    s_id = np.where(conflict, 0.0, s_id)
    # Names agree when similar enough; with the same ID and the same full birth date, a typo is allowed too.
    name_agrees = (scored["s_name"] >= rules.name_min_similarity / 100) | (
        scored["via_id"] & (scored["s_name"] >= rules.name_typo_similarity / 100) & (scored["s_birth"] >= BIRTH_EXACT)
    )
    scored["name_agrees"] = name_agrees.to_numpy()
    # An ID that belongs to somebody whose name is different says nothing about the other candidates.
    owner_mismatch = (scored["via_id"] & ~name_agrees).to_numpy()
    unreliable = pd.Series(owner_mismatch).groupby(b).transform("any").to_numpy()
    s_id = np.where(unreliable & conflict, np.nan, s_id)
    scored["s_id"] = s_id
    scored["id_unreliable"] = unreliable

    weights = rules.weights
    total = np.zeros(len(b))
    weight = np.zeros(len(b))
    for signal, key in (("s_id", "id"), ("s_name", "name"), ("s_birth", "birth"), ("s_sex", "sex")):
        values = scored[signal].to_numpy(dtype=float)
        present = ~np.isnan(values)
        total += np.where(present, values * weights[key], 0.0)
        weight += np.where(present, weights[key], 0.0)
    scored["score"] = np.round(np.where(weight > 0, 100 * total / np.maximum(weight, 1e-9), 0.0), 1)
    return scored
