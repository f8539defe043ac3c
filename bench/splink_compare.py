"""Splink (DuckDB backend) on the same cleaned data as asxh, for a side-by-side benchmark.

Optional: `python -m pip install -e ".[bench]"`. Splink gets the same cleaned keys asxh matches on (folded
name, family and given name, ISO birth date, 12-digit ID, sex) and the same blocking keys, is trained as its
documentation recommends (u by random sampling, m by expectation maximisation on two blocking rules), and a
pair with match probability >= 0.9 counts as its `Khớp`; each list row takes its most probable pair.
"""

from __future__ import annotations

import time

import pandas as pd

MATCH_PROBABILITY = 0.9


def splink_decisions(ben: pd.DataFrame, reg: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Best register position per beneficiary position from Splink, and the seconds each phase took."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    columns = ["national_id", "canon_key", "family", "given", "birth_date", "birth_year", "sex"]
    left = ben[columns].assign(uid=ben["b"].astype("int64"))
    left["national_id"] = ben["id12"]
    right = reg[columns].assign(uid=reg.index.astype("int64"))
    for frame in (left, right):
        frame["birth_year"] = frame["birth_year"].astype("float64")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.LevenshteinAtThresholds("national_id", [1, 2]),
            cl.JaroWinklerAtThresholds("canon_key", [0.97, 0.92, 0.85]),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("national_id"),
            block_on("family", "given", "birth_year"),
            block_on("birth_date", "family"),
            block_on("birth_date", "given"),
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
    return decided, timings


def splink_quality(decided: pd.DataFrame, ben_rows: pd.Series, people: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision and recall of Splink's confident links under the same truth file."""
    expected = truth.loc[ben_rows.astype(str).to_numpy(), "expected_id"].to_numpy()
    found = pd.Series([""] * len(ben_rows))
    confident = decided[decided["p"] >= MATCH_PROBABILITY]
    found.iloc[confident["b"].to_numpy()] = people["national_id"].to_numpy(dtype=object)[confident["r"].to_numpy()]
    matched = found.to_numpy() != ""
    correct = matched & (found.to_numpy() == expected)
    return {
        "precision": round(correct.sum() / max(1, matched.sum()), 5),
        "recall": round(correct.sum() / max(1, (expected != "").sum()), 5),
    }
