"""Candidate register people for each beneficiary row: by ID, near-miss ID, old CMND, and blocked name/date keys.

Every step is a pandas merge on a key, so the cost grows with the number of plausible pairs, never with
beneficiaries × register.
"""

from __future__ import annotations

import pandas as pd

VIA_ID, VIA_NEAR, VIA_OLD, VIA_NAME, VIA_DATE = "id", "near", "old", "name", "date"


def _merge(left: pd.DataFrame, right: pd.DataFrame, on: list[str], via: str) -> pd.DataFrame:
    pairs = left.merge(right, on=on, how="inner")[["b", "r"]]
    pairs["via"] = via
    return pairs


def id_variants(value: str) -> list[str]:
    """IDs one typing slip away: one digit replaced (not in the province code), or two neighbours swapped."""
    variants = []
    for i in range(3, len(value)):
        for digit in "0123456789":
            if digit != value[i]:
                variants.append(value[:i] + digit + value[i + 1 :])
    for i in range(len(value) - 1):
        if value[i] != value[i + 1]:
            variants.append(value[:i] + value[i + 1] + value[i] + value[i + 2 :])
    return variants


def candidate_pairs(ben: pd.DataFrame, reg: pd.DataFrame) -> pd.DataFrame:
    """All (b, r, via) pairs worth scoring; `ben` and `reg` are the prepared feature frames."""
    reg_ids = pd.DataFrame({"r": reg.index, "national_id": reg["national_id"]})
    parts = []
    with_id = ben.loc[ben["id12"].notna(), ["b", "id12"]].rename(columns={"id12": "national_id"})
    exact = _merge(with_id, reg_ids, ["national_id"], VIA_ID)
    parts.append(exact)

    missed = with_id[~with_id["b"].isin(exact["b"])]
    if len(missed):
        near = [(b, v) for b, value in zip(missed["b"], missed["national_id"], strict=True) for v in id_variants(value)]
        near_frame = pd.DataFrame(near, columns=["b", "national_id"])
        parts.append(_merge(near_frame, reg_ids, ["national_id"], VIA_NEAR))

    if "old_id" in reg.columns and reg["old_id"].notna().any():
        old = ben.loc[ben["id_kind"] == "cmnd", ["b", "national_id"]].rename(columns={"national_id": "old_id"})
        reg_old = pd.DataFrame({"r": reg.index, "old_id": reg["old_id"]}).dropna()
        parts.append(_merge(old, reg_old, ["old_id"], VIA_OLD))

    reg_keys = pd.DataFrame(
        {
            "r": reg.index,
            "family": reg["family"],
            "given": reg["given"],
            "birth_year": reg["birth_year"],
            "birth_month": reg["birth_month"],
            "birth_day": reg["birth_day"],
            "birth_date": reg["birth_date"],
        }
    )
    named = ben[ben["family"].notna() & ben["birth_year"].notna()]
    # Same family and given name: the same birth year, or the same day and month (a year written wrong).
    parts.append(
        _merge(named[["b", "family", "given", "birth_year"]], reg_keys, ["family", "given", "birth_year"], VIA_NAME)
    )
    full = named[named["birth_precision"] == "day"]
    parts.append(
        _merge(
            full[["b", "family", "given", "birth_month", "birth_day"]],
            reg_keys,
            ["family", "given", "birth_month", "birth_day"],
            VIA_NAME,
        )
    )
    # Same full birth date (or day and month swapped) and one of the two names: catches a typo in the other.
    dated = ben[ben["birth_precision"] == "day"]
    for date_column in ("birth_date", "birth_swapped"):
        keyed = dated.dropna(subset=[date_column]).rename(columns={date_column: "date_key"})
        reg_dates = reg_keys.rename(columns={"birth_date": "date_key"})
        for name in ("family", "given"):
            parts.append(_merge(keyed[["b", "date_key", name]], reg_dates, ["date_key", name], VIA_DATE))

    pairs = pd.concat(parts, ignore_index=True)
    if pairs.empty:
        return pd.DataFrame(
            {
                "b": pd.Series(dtype="int64"),
                "r": pd.Series(dtype="int64"),
                "via_id": pd.Series(dtype=bool),
                "via_near": pd.Series(dtype=bool),
                "via_old": pd.Series(dtype=bool),
            }
        )
    flags = pd.get_dummies(pairs["via"])
    for via in (VIA_ID, VIA_NEAR, VIA_OLD):
        pairs[f"via_{via}"] = flags.get(via, False)
    grouped = pairs.groupby(["b", "r"], sort=False)[["via_id", "via_near", "via_old"]].any().reset_index()
    return grouped.astype({"b": "int64", "r": "int64"})
