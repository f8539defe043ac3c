"""Match cleaned beneficiary rows to register people and explain every decision in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from asxh_cli.contract import Result
from asxh_cli.match.candidates import candidate_pairs
from asxh_cli.match.register import Register, given_accented, name_parts
from asxh_cli.match.scoring import BIRTH_EXACT, BIRTH_PARTIAL, BIRTH_SWAPPED, BIRTH_YEAR_OFF, score_pairs
from asxh_cli.messages import pick
from asxh_cli.rules import Rules

MATCHED, REVIEW, NOT_FOUND = Result.MATCHED, Result.REVIEW, Result.NOT_FOUND
REVIEW_CANDIDATES = 3


@dataclass
class MatchResult:
    """Per beneficiary row: decision, register person, score, reason; and the scored candidates behind it."""

    decisions: pd.DataFrame  # index = beneficiary position
    candidates: pd.DataFrame  # top candidates per row (b, rank, r, score, signals)


def beneficiary_features(data: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The columns matching needs, from a cleaned beneficiary table."""
    features = pd.DataFrame({"b": np.arange(len(data))}, index=data.index)
    kinds = data["id_kind"].to_numpy(dtype=object)
    ids = data["national_id"].to_numpy(dtype=object)
    digits = [("".join(ch for ch in str(v) if ch.isdigit()) if v is not None else "") for v in ids]
    features["national_id"] = ids
    features["id_kind"] = kinds
    features["id12"] = [
        v if k == "cccd" else (d if k == "invalid" and len(d) == 12 else None)
        for v, k, d in zip(ids, kinds, digits, strict=True)
    ]
    features["name_key"] = data["name_key"].to_numpy(dtype=object)
    keys = features["name_key"].astype(object)
    features["family"], features["given"], features["canon_key"] = name_parts(keys, rules.matching.surname_canon)
    features["canon_key"] = features["canon_key"].where(keys.notna(), "")
    features["given_accented"] = given_accented(data["full_name"]).to_numpy()
    for column in ("birth_year", "birth_month", "birth_day"):
        features[column] = data[column].astype("Int64").to_numpy()
    features["birth_date"] = data["birth_date"].to_numpy(dtype=object)
    features["birth_precision"] = data["birth_precision"].to_numpy(dtype=object)
    day, month, year = data["birth_day"], data["birth_month"], data["birth_year"]
    swappable = (data["birth_precision"] == "day") & (day <= 12) & (day != month)
    features["birth_swapped"] = [
        f"{int(y):04d}-{int(d):02d}-{int(m):02d}" if ok else None
        for ok, y, m, d in zip(swappable.fillna(False), year, month, day, strict=True)
    ]
    features["sex"] = data["sex"].to_numpy(dtype=object)
    return features.reset_index(drop=True)


def _percent(value: float) -> str:
    return f"{round(100 * value)}"


def _id_reason(row: pd.Series, has_id: bool, min_name: float) -> str | None:
    if row["via_id"] and not row["name_agrees"]:
        return pick(
            "số định danh trong danh sách là của một người khác trong CSDLQG (họ tên khác)",
            "the listed ID belongs to another person in the register (different name)",
        )
    if row["via_id"]:
        return pick("số định danh trùng khớp", "ID identical")
    if row["via_old"]:
        return pick("số CMND cũ trùng khớp", "old CMND identical")
    if row["via_near"]:
        return pick("số định danh lệch một chữ số (gõ nhầm)", "ID one typing slip away")
    if row["id_unreliable"]:
        return pick(
            "số định danh trong danh sách là của người khác (họ tên khác)",
            "the listed ID belongs to someone else (different name)",
        )
    if has_id and row["s_id"] == 0:
        return pick("số định danh khác", "different ID")
    return pick("không có số định danh hợp lệ", "no valid ID")


def _birth_reason(value: float) -> str:
    if np.isnan(value):
        return pick("danh sách không có ngày sinh", "no birth date in the list")
    labels = [
        (BIRTH_EXACT, "ngày sinh trùng khớp", "birth date identical"),
        (BIRTH_SWAPPED, "ngày sinh đảo ngày và tháng", "birth day and month swapped"),
        (BIRTH_PARTIAL, "năm sinh trùng (chỉ biết năm/tháng)", "birth year agrees (only year/month known)"),
        (
            BIRTH_YEAR_OFF,
            "cùng ngày tháng, năm sinh lệch 1 năm hoặc cùng tháng năm",
            "birth date close (one year or days off)",
        ),
    ]
    for level, vi, en in labels:
        if value >= level - 1e-9:
            return pick(vi, en)
    if value > 0:
        return pick("ngày sinh chỉ gần đúng", "birth date only roughly agrees")
    return pick("ngày sinh khác", "different birth date")


def _signals_reason(row: pd.Series, has_id: bool, min_name: float) -> list[str]:
    parts = [_id_reason(row, has_id, min_name)]
    name = row["s_name"]
    if name >= 0.999:
        parts.append(pick("họ tên trùng khớp", "name identical"))
    elif name >= min_name:
        parts.append(pick(f"họ tên gần giống ({_percent(name)}%)", f"name similar ({_percent(name)}%)"))
    else:
        parts.append(pick(f"họ tên khác ({_percent(name)}%)", f"different name ({_percent(name)}%)"))
    parts.append(_birth_reason(row["s_birth"]))
    if row["s_sex"] == 1:
        parts.append(pick("giới tính trùng", "same sex"))
    elif row["s_sex"] == 0:
        parts.append(pick("giới tính khác", "different sex"))
    return [p for p in parts if p]


def decide(scored: pd.DataFrame, ben: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One decision per beneficiary row from its scored candidates (explicit, explainable rules)."""
    m = rules.matching
    min_name, strict_name = m.name_min_similarity / 100, m.name_strict_similarity / 100
    ranked = scored.sort_values(["b", "score", "s_name"], ascending=[True, False, False], kind="stable")
    ranked["rank"] = ranked.groupby("b").cumcount()
    ranked = ranked[ranked["rank"] < m.max_candidates]
    best = ranked[ranked["rank"] == 0].set_index("b")
    second = ranked[ranked["rank"] == 1].set_index("b")["score"].reindex(best.index)

    birth_ok = best["s_birth"].isna() | (best["s_birth"] >= 0.2)
    id_evidence = (best["via_id"] | best["via_old"] | best["via_near"]) & best["name_agrees"] & birth_ok
    name_evidence = (best["s_name"] >= strict_name) & (best["s_birth"] >= BIRTH_EXACT - 1e-9) & (best["s_id"] != 0)
    strong = best["score"] >= m.match
    ambiguous = second.notna() & (second >= best["score"] - m.ambiguity_gap) & (second >= m.review)
    floor = ranked["b"].map(best["score"] - m.ambiguity_gap)
    close = ranked[ranked["score"] >= floor].groupby("b").size()
    result = np.where(
        strong & (id_evidence | name_evidence) & ~ambiguous,
        MATCHED,
        np.where(best["score"] >= m.review, REVIEW, NOT_FOUND),
    )
    decisions = pd.DataFrame({"result": result, "r": best["r"], "score": best["score"]}, index=best.index)

    has_id = ben["id_kind"].isin(["cccd", "cmnd"]).to_numpy()
    reasons = []
    for b, row in best.iterrows():
        parts = _signals_reason(row, bool(has_id[b]), min_name)
        outcome = decisions.at[b, "result"]
        if outcome != MATCHED and ambiguous.get(b, False):
            count = int(close.get(b, 2))
            parts.append(
                pick(
                    f"có {count} người gần giống trong CSDLQG, cần chọn đúng người",
                    f"{count} similar people in the register; choose the right one",
                )
            )
        elif outcome == REVIEW and strong[b]:
            parts.append(
                pick(
                    "chưa đủ bằng chứng để tự khớp (cần số định danh đúng hoặc ngày sinh đầy đủ)",
                    "not enough evidence to match automatically (needs a correct ID or a full birth date)",
                )
            )
        elif outcome == NOT_FOUND:
            parts.append(pick("người gần giống nhất vẫn khác quá nhiều", "the closest person differs too much"))
        reasons.append("; ".join(parts))
    decisions["reason"] = reasons
    candidates = ranked[ranked["rank"] < REVIEW_CANDIDATES]
    return decisions, candidates


def match_beneficiaries(
    data: pd.DataFrame, register: Register, rules: Rules, progress: Callable[[str], None] | None = None
) -> MatchResult:
    """Match every cleaned row (from `clean_beneficiaries`) against the prepared register."""
    step = progress or (lambda _label: None)
    ben = beneficiary_features(data, rules)
    reg = register.people
    step("candidates")
    pairs = candidate_pairs(ben, reg)
    step("scoring")
    scored = (
        score_pairs(pairs, ben, reg, rules.matching)
        if len(pairs)
        else pairs.assign(s_name=[], s_birth=[], s_sex=[], s_id=[], id_unreliable=[], score=[])
    )
    step("decisions")
    decisions, candidates = (
        decide(scored, ben, rules)
        if len(scored)
        else (pd.DataFrame(columns=["result", "r", "score", "reason"]), scored.assign(rank=[]))
    )
    full = pd.DataFrame(index=pd.RangeIndex(len(ben)))
    full = full.join(decisions)
    missing = full["result"].isna()
    full.loc[missing, "result"] = NOT_FOUND
    full.loc[missing, "score"] = 0.0
    full.loc[missing, "reason"] = pick(
        "không tìm thấy ai có số định danh, họ tên hoặc ngày sinh gần giống",
        "nobody with a similar ID, name or birth date",
    )
    return MatchResult(full, candidates)
