"""Splink 5 (DuckDB backend) on the same cleaned data as asxh, for a side-by-side benchmark.

Optional: `python -m pip install -e ".[bench]"`. Splink gets the same cleaned columns asxh starts from
(folded name, family and given name, ISO birth date, listed ID digits, sex, commune, thôn/tổ) but its own
blocking rules and its own comparisons with term-frequency adjustments on name and commune, and is trained
as its documentation recommends (u by random sampling, m by expectation maximisation on two blocking rules).
A pair with match probability >= 0.9 counts as its match; each list row takes its most probable pair.
"""

from __future__ import annotations

import math
import time

import pandas as pd

MATCH_PROBABILITY = 0.9


def splink_decisions(ben: pd.DataFrame, reg: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float], dict]:
    """Best register position per beneficiary position from Splink, the seconds each phase took, its weights."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    columns = ["canon_key", "family", "given", "birth_date", "birth_year", "sex", "commune_key", "locality"]
    left = ben[columns].assign(uid=ben["b"].astype("int64"), national_id=ben["id_digits"])
    right = reg[columns].assign(uid=reg.index.astype("int64"), national_id=reg["national_id"])
    for frame in (left, right):
        frame["birth_year"] = frame["birth_year"].astype("float64")
        frame["id_tail"] = frame["national_id"].str[-6:]
    timings: dict[str, float] = {}
    started = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.LevenshteinAtThresholds("national_id", [1, 2]),
            cl.JaroWinklerAtThresholds("canon_key", [0.97, 0.92, 0.85]).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("commune_key").configure(term_frequency_adjustments=True),
            cl.ExactMatch("locality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("national_id"),
            block_on("id_tail"),
            block_on("family", "given", "birth_year"),
            block_on("birth_date", "family"),
            block_on("birth_date", "given"),
            block_on("commune_key", "locality", "birth_year"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([db_api.register(left), db_api.register(right)], settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match([block_on("national_id")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family", "given", "birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("national_id"))
    timings["splink_train"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    timings["splink_predict"] = round(time.perf_counter() - started, 2)
    best = predictions.sort_values("match_probability", ascending=False).drop_duplicates("uid_l")
    decided = pd.DataFrame(
        {"b": best["uid_l"].astype(int), "r": best["uid_r"].astype(int), "p": best["match_probability"]}
    )
    weights = {}
    for comparison in linker.misc.save_model_to_json()["comparisons"]:
        levels = {}
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u:
                levels[level["label_for_charts"]] = round(math.log2(m / u), 2)
        weights[comparison["output_column_name"]] = levels
    return decided, timings, weights


def splink_quality(decided: pd.DataFrame, ben_rows: pd.Series, people: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision, recall and F1 of Splink's confident links under the same truth file."""
    expected = truth.loc[ben_rows.astype(str).to_numpy(), "expected_id"].to_numpy()
    found = pd.Series([""] * len(ben_rows))
    confident = decided[decided["p"] >= MATCH_PROBABILITY]
    found.iloc[confident["b"].to_numpy()] = people["national_id"].to_numpy(dtype=object)[confident["r"].to_numpy()]
    matched = found.to_numpy() != ""
    correct = matched & (found.to_numpy() == expected)
    precision = correct.sum() / max(1, matched.sum())
    recall = correct.sum() / max(1, (expected != "").sum())
    return {
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(2 * precision * recall / max(1e-12, precision + recall), 5),
    }
