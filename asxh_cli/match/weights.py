"""Weigh evidence Fellegi–Sunter style: m and u per comparison level, term frequencies, match probabilities.

- u (how often a level occurs between two different people) is measured on random pairs of the run;
  for names it is replaced, pair by pair, by the share of the register carrying that name (term frequency),
  and a year-only agreement between namesakes by the share of those namesakes born that year.
- m (how often a level occurs for the same person) starts from `rules/matching.toml` and is re-estimated by
  expectation maximisation on the candidate pairs, the defaults acting as a prior worth `prior_pairs` pairs.
- A pair's weight is the sum of log2(m/u) over the signals present. Its match probability compares it
  with every other candidate of the same list row and with "not in the register" (prior 1 − in_register),
  so two namesakes that the evidence cannot tell apart share the probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from asxh_cli.match.scoring import ABSENT, BIRTH, NAME, Sides, compare_pairs
from asxh_cli.rules import LEVELS, Matching

SIGNALS = tuple(LEVELS)
FLOOR = 1e-9


@dataclass
class Weights:
    """m and u per signal and level (arrays in `LEVELS` order), the prior share in the register, register size."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    in_register: float
    register_size: int
    estimated: bool

    def bits(self) -> dict[str, dict[str, float]]:
        """log2(m/u) per signal and level (term-frequency levels at their average u)."""
        return {
            s: {level: round(float(np.log2(self.m[s][i] / self.u[s][i])), 2) for i, level in enumerate(LEVELS[s])}
            for s in SIGNALS
        }


def default_weights(rules: Matching, register_size: int) -> Weights:
    m = {s: np.array([rules.levels[s][level][0] for level in LEVELS[s]]) for s in SIGNALS}
    u = {s: np.array([rules.levels[s][level][1] for level in LEVELS[s]]) for s in SIGNALS}
    return Weights(m, u, rules.in_register, max(1, register_size), False)


def measure_u(
    ben: pd.DataFrame, reg: pd.DataFrame, weights: Weights, rules: Matching, seed: int = 0, sides: Sides | None = None
) -> None:
    """u from random pairs, smoothed towards the defaults; ID agreement never rarer than 1 / register size."""
    if ben.empty or reg.empty:
        return
    rng = np.random.default_rng(seed)
    size = rules.sample_pairs
    b, r = rng.integers(0, len(ben), size), rng.integers(0, len(reg), size)
    levels = compare_pairs(ben, reg, b, r, rules, sides)
    for s in SIGNALS:
        column = levels[f"l_{s}"].to_numpy()
        present = column != ABSENT
        counts = np.bincount(column[present], minlength=len(LEVELS[s])).astype(float)
        prior = rules.em_prior_pairs * weights.u[s]
        u = (counts + prior) / (present.sum() + rules.em_prior_pairs)
        if s == "id":
            u[:3] = np.maximum(u[:3], 1.0 / weights.register_size)
        weights.u[s] = np.maximum(u, FLOOR)


def pair_u(pairs: pd.DataFrame, reg: pd.DataFrame, weights: Weights) -> dict[str, np.ndarray]:
    """Per pair u of each signal's level, with term frequencies for names and for name + year."""
    r = pairs["r"].to_numpy()
    out = {s: np.maximum(weights.u[s], FLOOR)[np.clip(pairs[f"l_{s}"].to_numpy(), 0, None)] for s in SIGNALS}
    size = float(weights.register_size)
    name = pairs["l_name"].to_numpy()
    by_name = np.flatnonzero((name == NAME.index("exact")) | (name == NAME.index("accent")))
    middle = np.flatnonzero(name == NAME.index("middle"))
    name_count = reg["name_count"].to_numpy(dtype="float64")
    out["name"][by_name] = np.maximum(name_count[r[by_name]] / size, FLOOR)
    out["name"][middle] = np.maximum(reg["pair_count"].to_numpy(dtype="float64")[r[middle]] / size, FLOOR)
    # Among namesakes, how many share the year: a common name + year proves less than a rare one.
    year = by_name[pairs["l_birth"].to_numpy()[by_name] == BIRTH.index("year")]
    same_year = reg["name_year_count"].to_numpy(dtype="float64")[r[year]]
    year_u = (same_year - 1 + 10 * weights.u["birth"][BIRTH.index("year")]) / (name_count[r[year]] - 1 + 10)
    out["birth"][year] = np.maximum(year_u, FLOOR)
    return out


def pair_bits(pairs: pd.DataFrame, us: dict[str, np.ndarray], weights: Weights) -> dict[str, np.ndarray]:
    """log2(m/u) per signal and pair; 0 where the signal is absent."""
    bits = {}
    for s in SIGNALS:
        level = pairs[f"l_{s}"].to_numpy()
        m = weights.m[s][np.clip(level, 0, None)]
        bits[s] = np.where(level == ABSENT, 0.0, np.log2(m / us[s]))
    return bits


def probabilities(
    b: np.ndarray, total_bits: np.ndarray, weights: Weights, counts: np.ndarray | None = None
) -> np.ndarray:
    """P(pair is the listed person) among all candidates of its row and "not in the register".

    Pairs of one row must be contiguous (candidate pairs come sorted by `b`); `counts`, when given, says how many
    identical pairs each entry stands for."""
    if len(b) == 0:
        return np.zeros(0)
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    sizes = np.diff(np.r_[starts, len(b)])
    logit = total_bits + np.log2(weights.in_register / weights.register_size)
    base = np.log2(1 - weights.in_register)
    shift = np.repeat(np.maximum(np.maximum.reduceat(logit, starts), base), sizes)
    mass = np.exp2(logit - shift)
    total = mass if counts is None else mass * counts
    denominator = np.repeat(np.add.reduceat(total, starts), sizes) + np.exp2(base - shift)
    return mass / denominator


def estimate(
    pairs: pd.DataFrame,
    reg: pd.DataFrame,
    weights: Weights,
    rules: Matching,
    list_size: int,
    us: dict[str, np.ndarray] | None = None,
) -> None:
    """Re-estimate m (and the share in the register) by EM on the candidate pairs, in place.

    Each iteration weighs one entry per row and kind of pair (same levels, same u), and counts per distinct
    pattern of levels, not per pair."""
    if not rules.em or len(pairs) < rules.em_min_pairs:
        return
    us = us if us is not None else pair_u(pairs, reg, weights)
    b = pairs["b"].to_numpy()
    key = np.zeros(len(pairs), dtype=np.int32)  # the pattern of levels: a few thousand at most
    log_u = np.zeros(len(pairs))
    for s in SIGNALS:
        level = pairs[f"l_{s}"].to_numpy()
        key *= len(LEVELS[s]) + 1
        key += level
        key += 1
        log_u += np.where(level == ABSENT, 0.0, np.log2(us[s]))
    # Pairs of one row with the same levels and the same u weigh alike: EM runs on one entry per kind.
    u_code, u_values = pd.factorize(log_u)
    kind = _kinds(b, key, u_code, len(u_values))
    first = np.flatnonzero(kind > np.r_[-1, np.maximum.accumulate(kind)[:-1]])  # numbered as they first appear
    b, key, log_u, copies = b[first], key[first], log_u[first], np.bincount(kind).astype("float64")
    pattern, distinct = pd.factorize(key)
    table = {}
    for s in reversed(SIGNALS):
        table[s] = distinct % (len(LEVELS[s]) + 1) - 1
        distinct = distinct // (len(LEVELS[s]) + 1)
    prior_m = {s: weights.m[s].copy() for s in SIGNALS}
    for _ in range(rules.em_iterations):
        log_m = sum(
            np.where(table[s] == ABSENT, 0.0, np.log2(weights.m[s][np.clip(table[s], 0, None)])) for s in SIGNALS
        )
        p = probabilities(b, log_m[pattern] - log_u, weights, copies) * copies
        mass = np.bincount(pattern, weights=p, minlength=len(table[SIGNALS[0]]))
        for s in SIGNALS:
            present = table[s] != ABSENT
            counts = np.bincount(table[s][present], weights=mass[present], minlength=len(LEVELS[s]))
            m = (counts + rules.em_prior_pairs * prior_m[s]) / (counts.sum() + rules.em_prior_pairs)
            weights.m[s] = np.maximum(m, FLOOR)
        weights.in_register = float(np.clip(p.sum() / max(1, list_size), 0.05, 0.99))
    weights.estimated = True


def _kinds(b: np.ndarray, key: np.ndarray, u_code: np.ndarray, u_count: int) -> np.ndarray:
    """Each pair's kind (same row, same levels, same u), numbered as the kinds first appear."""
    keys, u_count = int(key.max(initial=0)) + 1, max(1, u_count)
    if (int(b.max(initial=0)) + 1) * keys * u_count < 2**62:  # one integer per kind: one hashing pass
        return pd.factorize((b.astype(np.int64) * keys + key) * u_count + u_code)[0]
    row_key = pd.factorize(b.astype(np.int64) * keys + key)[0].astype(np.int64)
    return pd.factorize(row_key * u_count + u_code)[0]
