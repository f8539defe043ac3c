"""Match cleaned list rows to register people by weighed evidence, and explain every decision in plain words.

The score of a decision is the match probability (0–100) of its best candidate: the Fellegi–Sunter weight
of the evidence (see `weights.py`) shared among every candidate of the row and "not in the register".
Hard safety rules sit on top: a row is matched only with an ID that agrees (and a name and birth date that
do not contradict it), or a full birth date with a name that agrees, or a year-only date with the exact name
and the same thôn/tổ; an ID whose owner has another name counts for nobody.

`match_pairs` is the core for one partition of the work (list rows and register people cut by a coarse key
such as the birth year, plus a separate exact-ID join); `match_beneficiaries` runs it on the whole run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from asxh_cli.contract import Result
from asxh_cli.match.candidates import Blocks, candidate_pairs
from asxh_cli.match.features import add_shared_keys, address_keys, listed_id_digits, unpadded_id
from asxh_cli.match.register import Register, given_accented, name_parts
from asxh_cli.match.scoring import ABSENT, ADDRESS, BIRTH, ID, NAME, Sides, compare_pairs, gather
from asxh_cli.match.weights import (
    SIGNALS,
    Weights,
    default_weights,
    estimate,
    measure_u,
    pair_bits,
    pair_u,
    probabilities,
)
from asxh_cli.messages import pick
from asxh_cli.rules import LEVELS, Rules

MATCHED, REVIEW, NOT_FOUND = Result.MATCHED, Result.REVIEW, Result.NOT_FOUND
REVIEW_CANDIDATES = 3
ONE_BITS = np.float64(1.0).view(np.uint64)
PART_ROWS = 100_000  # list rows matched at a time (memory: one part's candidate pairs)

PHRASES: dict[str, dict[str, tuple[str, str]]] = {
    "id": {
        "exact": ("số định danh trùng khớp", "ID identical"),
        "slip": ("số định danh lệch một chữ số (gõ nhầm, thiếu hoặc thừa)", "ID one typing slip away"),
        "old": ("số CMND cũ trùng khớp", "old CMND identical"),
        "different": ("số định danh khác", "different ID"),
    },
    "name": {
        "exact": ("họ tên trùng khớp", "name identical"),
        "accent": ("họ tên chỉ giống khi bỏ dấu (tên khác dấu)", "name alike only without diacritics"),
        "close": ("họ tên gần giống", "name similar"),
        "middle": ("họ tên trùng nhưng thiếu tên đệm", "name identical but for the middle name"),
        "different": ("họ tên khác", "different name"),
    },
    "birth": {
        "exact": ("ngày sinh trùng khớp", "birth date identical"),
        "swapped": ("ngày sinh đảo ngày và tháng", "birth day and month swapped"),
        "year": ("năm sinh trùng (chỉ biết năm)", "birth year agrees (only the year known)"),
        "near": ("ngày sinh gần đúng (lệch một năm, ngày hoặc tháng)", "birth date close (a year, day or month off)"),
        "different": ("ngày sinh khác", "different birth date"),
    },
    "sex": {"same": ("giới tính trùng", "same sex"), "different": ("giới tính khác", "different sex")},
    "address": {
        "locality": ("cùng thôn/tổ (hoặc đường phố)", "same hamlet or street"),
        "commune": ("cùng xã/phường", "same commune"),
        "province": ("cùng tỉnh", "same province"),
        "different": ("địa chỉ khác", "different address"),
    },
}


@dataclass
class MatchResult:
    """Per list row: decision, register person, score, reason; the scored candidates; the weights used."""

    decisions: pd.DataFrame  # index = beneficiary position
    candidates: pd.DataFrame  # top candidates per row (b, rank, r, score, l_* levels, w_* weights)
    weights: Weights | None = None


def beneficiary_features(data: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The columns matching needs, from a cleaned beneficiary table."""
    features = pd.DataFrame({"b": np.arange(len(data))}, index=data.index)
    features["national_id"] = data["national_id"].to_numpy(dtype=object)
    features["id_kind"] = data["id_kind"].to_numpy(dtype=object)
    features["id_digits"] = listed_id_digits(data["national_id"].astype(object)).to_numpy()
    features["id_alt"] = unpadded_id(data["national_id"].astype(object), data.get("national_id_raw")).to_numpy()
    features["id12"] = features["id_digits"].where(features["id_digits"].str.len() == 12)
    keys = data["name_key"].astype(object)
    features["name_key"] = keys.to_numpy()
    features["family"], features["given"], features["canon_key"] = name_parts(keys, rules.matching.surname_canon)
    features["canon_key"] = features["canon_key"].where(keys.notna(), None)
    features["given_accented"] = given_accented(data["full_name"]).to_numpy()
    for column in ("birth_year", "birth_month", "birth_day"):
        features[column] = data[column].astype("Int64").to_numpy()
    features["birth_date"] = data["birth_date"].to_numpy(dtype=object)
    features["birth_precision"] = data["birth_precision"].to_numpy(dtype=object)
    features["sex"] = data["sex"].to_numpy(dtype=object)
    empty = pd.Series([None] * len(data), index=data.index, dtype=object)
    address = address_keys(data.get("address", empty).astype(object), data.get("commune", empty).astype(object))
    features[list(address.columns)] = address.to_numpy()
    return add_shared_keys(features.reset_index(drop=True))


def _phrases(signal: str, level: np.ndarray) -> np.ndarray:
    table = np.array([pick(*PHRASES[signal][name]) for name in LEVELS[signal]] + [""], dtype=object)
    return table[np.where(level == ABSENT, len(LEVELS[signal]), level)]


def _joined(ordered: np.ndarray, bits: np.ndarray, against: bool) -> np.ndarray:
    """Join with ", ", row by row, the phrases (ordered by weight) for (bits > 0) or against (bits <= 0)."""
    ranks = np.sort(np.nan_to_num(bits, nan=np.inf if against else -np.inf), axis=1)
    kept = (ranks <= 0) if against else (ranks[:, ::-1] > 0)
    out = np.full(len(ordered), "", dtype=object)
    for k in range(ordered.shape[1]):
        piece = ordered[:, k]
        add = kept[:, k] & (piece != "")
        out = np.where(add & (out != ""), out + ", " + piece, np.where(add, piece, out))
    return out


def _reasons(best: pd.DataFrame, clauses: pd.Series) -> pd.Series:
    """'Ủng hộ: …; ngược lại: …; <clause>; khả năng đúng người p %', strongest signals first. The signal part is
    written once per distinct combination of levels, weights, shared-name count and ID owner (they repeat)."""
    shared_count = np.where(
        np.isin(best["l_name"].to_numpy(), [NAME.index("exact"), NAME.index("accent")]),
        best["name_count"].to_numpy(dtype="float64"),
        0,
    )
    evidence = [
        *(best[f"l_{signal}"].to_numpy() for signal in SIGNALS),
        *(best[f"w_{signal}"].to_numpy() for signal in SIGNALS),
        shared_count,
        best["id_owner"].to_numpy(),
    ]
    combination = np.zeros(len(best), dtype=np.int64)
    for column in evidence:  # one code per distinct combination so far, kept small by factorizing each step
        codes, distinct = pd.factorize(column, use_na_sentinel=False)
        combination = pd.factorize(combination * len(distinct) + codes)[0]
    first = np.unique(combination, return_index=True)[1]
    text = _signal_text(best.iloc[first]).to_numpy(dtype=object)[np.searchsorted(combination[first], combination)]
    percent = (100 * best["p"]).round(1).astype(str).to_numpy(dtype=object)
    label = pick("; khả năng đúng người ", "; match probability ")
    return pd.Series(
        [
            f"{signals}; {clause}{label}{p} %" if clause else f"{signals}{label}{p} %"
            for signals, clause, p in zip(text, clauses.to_numpy(dtype=object), percent, strict=True)
        ],
        index=best.index,
        dtype=object,
    )


def _signal_text(best: pd.DataFrame) -> pd.Series:
    """'Ủng hộ: …; ngược lại: …' of each row, strongest signals first."""
    phrases, weights = [], []
    for signal in SIGNALS:
        phrase = _phrases(signal, best[f"l_{signal}"].to_numpy())
        if signal == "name":
            count = best["name_count"].to_numpy(dtype="float64")
            shared = np.isin(best["l_name"].to_numpy(), [NAME.index("exact"), NAME.index("accent")]) & (count > 1)
            note = pd.Series(count, dtype="float64").fillna(0).astype(int).astype(str)
            note = " (" + note + pick(" người trong CSDLQG cùng họ tên)", " people in the register share it)")
            phrase = np.where(shared, phrase + note.to_numpy(dtype=object), phrase)
        if signal == "id":
            owner = best["id_owner"].to_numpy(dtype=bool)
            phrase = np.where(
                owner,
                pick(
                    "số định danh trong danh sách là của một người khác trong CSDLQG (họ tên hoặc ngày sinh khác)",
                    "the listed ID belongs to another person in the register (another name or birth date)",
                ),
                phrase,
            )
        phrases.append(np.asarray(phrase, dtype=object))
        weights.append(np.where(phrase == "", np.nan, best[f"w_{signal}"].to_numpy(dtype="float64")))
    matrix, bits = np.stack(phrases, axis=1), np.stack(weights, axis=1)
    rows = np.arange(len(best))[:, None]
    support = _joined(matrix[rows, np.argsort(-np.nan_to_num(bits, nan=-np.inf), axis=1)], bits, False)
    against = _joined(matrix[rows, np.argsort(np.nan_to_num(bits, nan=np.inf), axis=1)], bits, True)
    text = np.where(support != "", pick("ủng hộ: ", "for: ") + support, "")
    joiner = np.where(text != "", pick("; ngược lại: ", "; against: "), pick("ngược lại: ", "against: "))
    return pd.Series(np.where(against != "", text + joiner + against, text), index=best.index, dtype=object)


def _clauses(
    best: pd.DataFrame, result: np.ndarray, close: pd.Series, strong: np.ndarray, owner_row: np.ndarray, match: float
) -> pd.Series:
    """The sentence saying why a row is not matched (look-alikes, missing kind of evidence, too unsure)."""
    clauses = pd.Series("", index=best.index, dtype=object)
    count = close.reindex(best.index).fillna(0).astype(int)
    many = (result != MATCHED) & (count >= 2)
    clauses = clauses.where(
        ~many,
        pick("có ", "")
        + count.astype(str)
        + pick(
            " người gần giống trong CSDLQG, cần chọn đúng người",
            " similar people in the register; choose the right one",
        ),
    )
    weak = (result == REVIEW) & strong & ~many
    clauses = clauses.where(
        ~weak,
        pick(
            "chưa đủ bằng chứng để tự khớp (cần số định danh đúng, ngày sinh đầy đủ, hoặc năm sinh cùng thôn/tổ)",
            "not enough evidence to match automatically (needs a correct ID, a full birth date, or the year and hamlet)",
        ),
    )
    unsure = (result == REVIEW) & ~strong & ~many
    clauses = clauses.where(
        ~unsure,
        pick(f"chưa đủ chắc chắn để tự khớp (cần từ {match:g} %)", f"not sure enough to match (needs {match:g} %)"),
    )
    other_owner = owner_row & ~best["id_owner"].to_numpy(dtype=bool)
    clauses = clauses.where(
        ~other_owner,
        clauses.where(clauses == "", clauses + "; ")
        + pick(
            "số định danh trong danh sách là của người khác (họ tên hoặc ngày sinh khác)",
            "the listed ID belongs to someone else",
        ),
    )
    gone = result == NOT_FOUND
    return clauses.where(~gone, pick("người gần giống nhất vẫn khác quá nhiều", "the closest person differs too much"))


def _codes(values: pd.Series) -> pd.Series:
    """Result members (not plain strings: pandas would infer a string column) in an object column."""
    members = np.array(list(Result), dtype=object)
    position = pd.Index([code.value for code in Result]).get_indexer(values.astype(str).to_numpy())
    return pd.Series(members[position], index=values.index, dtype=object)


def _typo_allowed(compared: pd.DataFrame, rules: Rules) -> np.ndarray:
    """A name only `typo_similarity` alike still agrees when the ID and the full birth date both agree."""
    return (compared["name_similarity"].to_numpy() >= rules.matching.name_typo_similarity) & (
        compared["l_birth"].to_numpy() == BIRTH.index("exact")
    )


def _owner_rule(compared: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """An ID whose owner has another name or birth date says nothing about anyone: drop it from every pair
    of that row (the owner stays a candidate, shown to a clerk, never matched on the ID)."""
    l_id, l_name, l_birth = (compared[f"l_{s}"].to_numpy() for s in ("id", "name", "birth"))
    compared["typo_allowed"] = _typo_allowed(compared, rules)
    other_name = (l_name == NAME.index("different")) & ~compared["typo_allowed"].to_numpy()
    owner = np.isin(l_id, [ID.index("exact"), ID.index("old")]) & (other_name | (l_birth == BIRTH.index("different")))
    compared["id_owner"] = owner
    owner_row = pd.Series(owner).groupby(compared["b"].to_numpy()).transform("any").to_numpy()
    compared["owner_row"] = owner_row
    compared["l_id"] = np.where(owner_row, ABSENT, l_id).astype(np.int8)
    return compared


def _contested(ranked: pd.DataFrame, best: pd.DataFrame, ben: pd.DataFrame, reg: pd.DataFrame) -> np.ndarray:
    """Rows whose best candidate's name is not exactly the row's (accents included) while another candidate has
    exactly the row's name and full birth date: the listed ID is likely a twin's or a relative's, so a clerk
    decides (per row of `best`)."""

    def written_alike(pairs: pd.DataFrame) -> np.ndarray:
        b, r = pairs["b"].to_numpy(), pairs["r"].to_numpy()
        given = ben["given_accented"].to_numpy(dtype=object)[b] == gather(reg, "given_accented", r)
        return given & (pairs["l_name"].to_numpy() == NAME.index("exact"))

    others = ranked[(ranked["rank"] > 0) & (ranked["l_birth"] == BIRTH.index("exact"))]
    rivals = others[written_alike(others)]["b"].unique()
    return best.index.isin(rivals) & ~written_alike(best.reset_index())


def _routes(best: pd.DataFrame) -> np.ndarray:
    """The kinds of evidence that may match a row automatically (the hard safety rules): an ID that agrees,
    with a name and birth date that do not contradict it (a name typo only with the full birth date); or a
    name that agrees with the full birth date; or with a birth date one slip off (or only the year) and the
    same thôn/tổ. A different well-formed ID blocks the last two."""
    l_id, l_name, l_birth, l_address = (best[f"l_{s}"].to_numpy() for s in ("id", "name", "birth", "address"))
    id_agrees = np.isin(l_id, [ID.index(v) for v in ("exact", "slip", "old")])
    same_place = l_address == ADDRESS.index("locality")
    id_conflict = l_id == ID.index("different")
    name_known = ((l_name != ABSENT) & (l_name != NAME.index("different"))) | best["typo_allowed"].to_numpy()
    by_id = id_agrees & name_known & (l_birth != BIRTH.index("different"))
    name_sure = np.isin(l_name, [NAME.index(v) for v in ("exact", "close", "middle")])
    by_date = name_sure & (l_birth == BIRTH.index("exact"))
    near_date = np.isin(l_birth, [BIRTH.index(v) for v in ("swapped", "year", "near")])
    by_place = name_sure & near_date & same_place
    return by_id | ((by_date | by_place) & ~id_conflict)


def _ranked(compared: pd.DataFrame, keep: int) -> pd.DataFrame:
    """The `keep` best candidates of each row, best first (probability, then name similarity), with their rank."""
    b = compared["b"].to_numpy()
    order = _best_first(b, compared["p"].to_numpy(), compared["name_similarity"].to_numpy())
    b = b[order]
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    rank = np.arange(len(b)) - np.repeat(starts, np.diff(np.r_[starts, len(b)]))
    ranked = compared.iloc[order[rank < keep]]
    return ranked.assign(rank=rank[rank < keep])


def _best_first(b: np.ndarray, p: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """`np.lexsort((-similarity, -p, b))`: by row, then probability and name similarity, highest first, ties in
    pair order.

    With probabilities in [0, 1] and similarities in tenths (0–100), one 64-bit key holds the row, the leading bits
    of the probability and the similarity. Pairs come grouped by row, so numpy's stable sort of that key runs
    several times faster than a sort of the probabilities; the few pairs of a row whose probabilities differ only
    below the leading bits are then put in their exact order.
    """
    tenths = np.rint(similarity * 10)
    p = np.asarray(p, dtype=np.float64) + 0.0  # 64-bit; -0.0 becomes 0.0, whose bits order with the others
    p_bits = 64 - 11 - int(b.max(initial=0)).bit_length()
    fits = len(b) == 0 or (
        np.array_equal(tenths / 10, similarity)
        and tenths.min() >= 0
        and tenths.max() <= 1000
        and b.min() >= 0
        and p_bits >= 24
        and p.min() >= 0
        and p.max() <= 1
    )
    if not fits:
        return np.lexsort((-similarity, -p, b))
    # Non-negative doubles order as their bit patterns, all at most 1.0's (below 2**62): falling as p rises.
    falling = (ONE_BITS - p.view(np.uint64)) >> np.uint64(62 - p_bits)
    lowest = (1000 - tenths).astype(np.uint64)
    order = np.argsort(
        (b.astype(np.uint64) << np.uint64(p_bits + 11)) | (falling << np.uint64(11)) | lowest, kind="stable"
    )
    coarse = (b[order].astype(np.uint64) << np.uint64(p_bits)) | falling[order]
    shared = coarse[1:] == coarse[:-1]
    ranked_p = p[order]
    if not (shared & (ranked_p[1:] != ranked_p[:-1])).any():
        return order
    run = np.cumsum(np.r_[True, ~shared])
    mixed = np.unique(run[1:][shared & (ranked_p[1:] != ranked_p[:-1])])
    slots = np.flatnonzero(np.isin(run, mixed))
    pairs = order[slots]
    order[slots] = pairs[np.lexsort((pairs, -similarity[pairs], -p[pairs], run[slots]))]
    return order


def match_pairs(
    ben: pd.DataFrame,
    reg: pd.DataFrame,
    rules: Rules,
    register_size: int | None = None,
    weights: Weights | None = None,
    register_arrays: dict | None = None,
    blocks: Blocks | None = None,
) -> MatchResult:
    """The matching core on one partition: prepared list features and register people (with frequencies).

    `register_size` is the size of the whole register (for term frequencies); pass `weights` estimated once
    to score every partition alike, or leave None to estimate them on this partition. `register_arrays`
    (a dict, filled here) lets partitions against the same `reg` share its arrays, and `blocks` its sorted
    blocking keys.
    """
    m = rules.matching
    size = register_size or len(reg)
    sides = Sides(ben, reg, register_arrays)
    pairs = candidate_pairs(ben, reg, sides, m.max_block, blocks)
    if pairs.empty:
        empty = pd.DataFrame({"result": pd.Series(dtype=object), "r": pd.Series(dtype="float64")})
        empty = empty.assign(score=pd.Series(dtype="float64"), reason=pd.Series(dtype=object))
        return MatchResult(
            empty, pairs.assign(rank=pd.Series(dtype="int64"), score=pd.Series(dtype="float64")), weights
        )
    compared = compare_pairs(ben, reg, pairs["b"].to_numpy(), pairs["r"].to_numpy(), m, sides)
    compared = _owner_rule(compared, rules)
    us = None
    if weights is None:
        weights = default_weights(m, size)
        if m.em and len(compared) >= m.em_min_pairs:
            measure_u(ben, reg, weights, m, sides=sides)
            us = pair_u(compared, reg, weights)
            estimate(compared, reg, weights, m, len(ben), us)
    bits = pair_bits(compared, us if us is not None else pair_u(compared, reg, weights), weights)
    compared["p"] = probabilities(compared["b"].to_numpy(), sum(bits.values()), weights)
    ranked = _ranked(compared, m.max_candidates)
    kept = ranked.index.to_numpy()  # positions in `compared`
    ranked = ranked.assign(
        **{f"w_{signal}": np.round(bits[signal][kept], 2) for signal in SIGNALS},
        score=np.round(100 * ranked["p"].to_numpy(), 1),
        name_count=reg["name_count"].to_numpy()[ranked["r"].to_numpy()],
    )
    weighed = [f"w_{signal}" for signal in SIGNALS]
    ranked = ranked[[*compared.columns.drop("p"), *weighed, "p", "score", "name_count", "rank"]]
    best = ranked[ranked["rank"] == 0].set_index("b")
    owner = ranked[ranked["id_owner"]].drop_duplicates("b").set_index("b")["r"]

    strong = (best["p"] >= m.match / 100).to_numpy()
    result = np.where(strong & _routes(best), MATCHED, np.where(best["p"] >= m.review / 100, REVIEW, NOT_FOUND)).astype(
        object
    )
    r = best["r"].astype("float64")
    # The owner of the listed ID is always shown to a clerk, never silently dropped.
    shown = (result == NOT_FOUND) & best.index.isin(owner.index)
    r = r.where(~shown, owner.reindex(best.index))
    result = np.where(shown, REVIEW, result)
    contested = _contested(ranked, best, ben, reg) & (result == MATCHED)
    result = np.where(contested, REVIEW, result)
    close = ranked[ranked["p"] >= m.ambiguity / 100].groupby("b").size()
    clauses = _clauses(best, result, close, strong, best["owner_row"].to_numpy(dtype=bool), m.match)
    decisions = pd.DataFrame(
        {
            "result": _codes(pd.Series(result, index=best.index, dtype=object)),
            "r": r,
            "score": best["score"],
            "reason": _reasons(best, clauses),
        },
        index=best.index,
    )
    decisions.loc[contested, "reason"] = decisions.loc[contested, "reason"] + pick(
        "; có người khác trong CSDLQG trùng đúng họ tên và ngày sinh: số định danh ghi trên dòng có thể là của "
        "người thân, cần chọn đúng người",
        "; someone else in the register has exactly this name and birth date: the listed ID may be a relative's, "
        "choose the right person",
    )
    candidates = ranked[ranked["rank"] < REVIEW_CANDIDATES].reset_index(drop=True)
    return MatchResult(decisions, candidates, weights)


def match_beneficiaries(
    data: pd.DataFrame,
    register: Register,
    rules: Rules,
    progress: Callable[[str], None] | None = None,
    part_rows: int = PART_ROWS,
    arrays: dict | None = None,
    features: pd.DataFrame | None = None,
) -> MatchResult:
    """Match every cleaned row (from `clean_beneficiaries`) against the prepared register.

    The list is matched `part_rows` rows at a time, so that memory holds one part's candidate pairs, never a
    million rows' worth; the weights are estimated on the first part and score every later part alike.
    `arrays`: the register's arrays made ahead (`candidates.register_arrays`), if any; `features`: the list's
    `beneficiary_features`, if made ahead.
    """
    step = progress or (lambda _label: None)
    ben = beneficiary_features(data, rules) if features is None else features
    step("matching")
    size = max(1, register.rows_in - register.unusable)
    weights: Weights | None = None
    register_arrays: dict = arrays if arrays is not None else {}
    blocks = Blocks({} if len(ben) > part_rows else None)  # sorting the register's keys pays from two parts on
    decisions, candidates = [], []
    for start in range(0, max(1, len(ben)), part_rows):
        part = ben.iloc[start : start + part_rows].reset_index(drop=True).assign(b=lambda f: np.arange(len(f)))
        result = match_pairs(part, register.people, rules, size, weights, register_arrays, blocks)
        if weights is None:
            weights = result.weights
        decisions.append(result.decisions.set_axis(result.decisions.index + start))
        candidates.append(result.candidates.assign(b=result.candidates["b"].to_numpy() + start))
    step("decisions")
    full = pd.DataFrame(index=pd.RangeIndex(len(ben))).join(pd.concat(decisions))
    missing = full["result"].isna()
    codes = full["result"].astype(object).where(~missing, NOT_FOUND)
    full["result"] = _codes(codes)
    full.loc[missing, "score"] = 0.0
    full.loc[missing, "reason"] = pick(
        "không tìm thấy ai có số định danh, họ tên hoặc ngày sinh gần giống",
        "nobody with a similar ID, name or birth date",
    )
    return MatchResult(full, pd.concat(candidates, ignore_index=True), weights)
