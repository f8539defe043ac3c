"""Weighed evidence on small hand-made cases: IDs of any structure, counter-evidence, name frequency,
placeholder dates, address, ambiguity among candidates not ruled out, blocking that survives slips."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from asxh_cli.clean import clean_beneficiaries
from asxh_cli.contract import Result
from asxh_cli.match.candidates import _neighbour_keys
from asxh_cli.match.engine import match_beneficiaries
from asxh_cli.match.features import address_keys
from asxh_cli.match.register import prepare_register
from asxh_cli.match.scoring import NAME, compare_pairs
from asxh_cli.match.weights import default_weights, estimate

TODAY = dt.date(2026, 11, 25)
COLUMNS = ["national_id", "full_name", "birth_date", "sex", "address", "commune", "status"]
REGISTER = [
    ("999150012345", "Nguyễn Thị Lan", "15/06/1950", "Nữ", "Thôn 2", "Xã Hòa Phú", "Còn sống"),  # not CCCD-shaped
    ("079150054321", "Nguyễn Thị Lan", "15/06/1950", "Nữ", "Thôn 5", "Xã Hòa Phú", "Còn sống"),
    ("001052098765", "Trần Văn Bình", "03/04/1952", "Nam", "Tổ 3", "Phường An Lạc", "Còn sống"),
    ("079048555666", "Nguyễn Văn Hùng", "01/02/1948", "Nam", "Thôn 1", "Xã Hòa Phú", "Còn sống"),
    ("079048777888", "Nguyễn Văn Hùng", "01/02/1948", "Nam", "Thôn 4", "Xã Hòa Phú", "Đã chết"),
    ("036045111222", "Lê Văn Cường", "20/11/1945", "Nam", "Thôn 7", "Xã Tân An", "Còn sống"),
    ("036145333444", "Khổng Thị Diệp", "01/01/1945", "Nữ", "Thôn 3", "Xã Tân An", "Còn sống"),
    ("079140222333", "Đoàn Thị Xuyến", "12/09/1940", "Nữ", "Ấp 6", "Xã Mỹ Long", "Còn sống"),
]
# Common names: 30 more Nguyễn Thị Lan (other years and places) make the name itself weak evidence.
COMMON = [
    (
        f"0791{60 + i:02d}0{i:05d}",
        "Nguyễn Thị Lan",
        f"0{1 + i % 9}/0{1 + i % 8}/19{60 + i}",
        "Nữ",
        f"Thôn {i}",
        "Xã Bình Minh",
        "",
    )
    for i in range(30)
]


@pytest.fixture(scope="module")
def register(rules):
    frame = pd.DataFrame(REGISTER + COMMON, columns=COLUMNS)
    return prepare_register(frame, rules, TODAY)


def run(rows, rules, register):
    raw = pd.DataFrame(
        rows, columns=["full_name", "birth_date", "sex", "national_id", "address", "commune"], dtype=object
    )
    raw["source_file"], raw["source_sheet"] = "ds.xlsx", "DS"
    raw["source_row"] = range(2, len(raw) + 2)
    cleaned = clean_beneficiaries(raw, rules, today=TODAY).data
    result = match_beneficiaries(cleaned, register, rules)
    ids = register.people["national_id"]
    found = [ids.iat[int(r)] if r == r else None for r in result.decisions["r"]]
    return list(zip(result.decisions["result"], found, strict=True)), result


def one(row, rules, register):
    [(result, found)], outcome = run([row], rules, register)
    return result, found, outcome.decisions.iloc[0]


def test_result_codes_are_contract_enums(rules, register):
    result, _found, decision = one(["Trần Văn Bình", "03/04/1952", "Nam", "001052098765", "", ""], rules, register)
    assert result is Result.MATCHED and decision["result"] == "matched"


def test_an_id_without_cccd_structure_is_still_evidence(rules, register):
    """Two namesakes share the date; the listed ID (province code 999) picks one of them."""
    result, found, decision = one(["Nguyễn Thị Lan", "15/06/1950", "Nữ", "999150012345", "", ""], rules, register)
    assert (result, found) == (Result.MATCHED, "999150012345")
    assert "số định danh trùng khớp" in decision["reason"]


def test_a_namesake_with_another_id_does_not_make_an_exact_match_ambiguous(rules, register):
    result, found, decision = one(["Nguyễn Văn Hùng", "01/02/1948", "Nam", "079048777888", "", ""], rules, register)
    assert (result, found) == (Result.MATCHED, "079048777888")
    assert "người gần giống" not in decision["reason"]


def test_a_different_well_formed_id_counts_against(rules, register):
    result, found, decision = one(["Trần Văn Bình", "03/04/1952", "Nam", "001052011111", "", ""], rules, register)
    assert result == Result.REVIEW and found == "001052098765"
    assert "ngược lại: số định danh khác" in decision["reason"]


@pytest.mark.parametrize(
    "listed",
    ["00105298765", "0010520987655", "002052098765", "001052089765"],
    ids=["digit dropped", "digit added", "province digit wrong", "digits swapped"],
)
def test_id_slips_are_found_and_matched(rules, register, listed):
    result, found, decision = one(["Tran Van Binh", "1952", "Nam", listed, "", ""], rules, register)
    assert (result, found) == (Result.MATCHED, "001052098765")
    assert "lệch một chữ số" in decision["reason"]


def test_placeholder_first_of_january_agrees_like_a_year(rules, register):
    result, found, decision = one(["Lê Văn Cường", "01/01/1945", "Nam", "036045111222", "", ""], rules, register)
    assert (result, found) == (Result.MATCHED, "036045111222")
    assert "chỉ biết năm" in decision["reason"] and "ngày sinh khác" not in decision["reason"]


def test_name_and_year_alone_never_match_but_with_the_hamlet_they_do(rules, register):
    bare = one(["Khổng Thị Diệp", "1945", "Nữ", "", "", ""], rules, register)
    placed = one(["Khổng Thị Diệp", "1945", "Nữ", "", "Thôn 3", "Xã Tân An"], rules, register)
    assert bare[0] == Result.REVIEW and bare[1] == "036145333444"
    assert placed[:2] == (Result.MATCHED, "036145333444")
    assert "cùng thôn/tổ" in placed[2]["reason"]


def test_a_rare_name_weighs_more_than_a_common_one(rules, register):
    rare = one(["Khổng Thị Diệp", "1945", "Nữ", "", "", "Xã Tân An"], rules, register)
    common = one(["Nguyễn Thị Lan", "1961", "Nữ", "", "", "Xã Bình Minh"], rules, register)
    assert rare[1] == "036145333444" and common[1] == "079161000001"
    assert rare[2]["score"] > common[2]["score"]
    assert "31 người trong CSDLQG cùng họ tên" in common[2]["reason"] or "32 người" in common[2]["reason"]


def test_two_name_typos_and_a_year_only_date_are_still_candidates(rules, register):
    result, found, _ = one(["Đoàm Thị Xuyếm", "1940", "Nữ", "", "Ấp 6", "Xã Mỹ Long"], rules, register)
    assert found == "079140222333" and result != Result.NOT_FOUND


def test_namesakes_not_ruled_out_are_counted(rules, register):
    result, _found, decision = one(["Nguyễn Văn Hùng", "1948", "Nam", "", "", ""], rules, register)
    assert result == Result.REVIEW
    assert "có 2 người gần giống" in decision["reason"]


def test_reason_names_signals_for_and_against_and_the_probability(rules, register):
    _r, _f, decision = one(
        ["Trần Văn Bình", "03/04/1952", "Nữ", "001052098765", "Tổ 3", "Phường An Lạc"], rules, register
    )
    reason = decision["reason"]
    assert reason.startswith("ủng hộ: số định danh trùng khớp")
    assert "ngược lại: giới tính khác" in reason and "khả năng đúng người" in reason


def test_neighbour_keys_cover_every_single_slip():
    digits = np.array([[0, 0, 1, 2]])
    same = set(_neighbour_keys(digits, 4)[0])
    assert {12, 1012, 9012, 21, 102} <= same  # typed wrong anywhere (also a leading digit), neighbours swapped
    longer = set(_neighbour_keys(np.array([[0, 1, 2]]), 4)[0])
    assert {12, 1012, 112, 102, 120} <= longer  # a digit dropped: every insertion
    shorter = set(_neighbour_keys(np.array([[0, 0, 1, 2, 7]]), 4)[0])
    assert {127, 27, 17, 12} <= shorter  # a digit added: every deletion


def test_address_parts():
    frame = address_keys(
        pd.Series(["Thôn 3, Xã Hòa Phú, Huyện Krông Pắc, Tỉnh Đắk Lắk", "12 Nguyễn Trãi, Phường 5", None]),
        pd.Series([None, "Phường 5", "Xã Tân An"]),
    )
    assert frame.iloc[0].tolist() == ["thon 3", "hoa phu", "dak lak"]
    assert frame.iloc[1].tolist() == ["nguyen trai", "5", None]
    assert frame.iloc[2].tolist() == [None, "tan an", None]


def test_em_learns_that_agreement_marks_the_same_person(rules, register):
    """On pairs where one person in each row agrees on everything and namesakes differ in birth date,
    EM raises m for exact birth dates above its default."""
    reg = register.people
    ben = reg.iloc[[0, 2, 5]].reset_index(drop=True).assign(b=[0, 1, 2], id_digits=None, id_alt=None)
    b = np.repeat(np.arange(3), len(reg))
    r = np.tile(np.arange(len(reg)), 3)
    compared = compare_pairs(ben, reg, b, r, rules.matching).assign(id_owner=False)
    weights = default_weights(rules.matching, len(reg))
    before = weights.m["birth"][0]
    estimate(compared, reg, weights, rules.matching.__class__(**{**rules.matching.__dict__, "em_min_pairs": 0}), 3)
    assert weights.estimated and weights.m["birth"][0] > before
    assert compared["l_name"].eq(NAME.index("exact")).sum() >= 3


LIST_ROWS = [
    ["Trần Văn Bình", "03/04/1952", "Nam", "001052098765", "Tổ 3", "Phường An Lạc"],
    ["Nguyễn Thị Lan", "15/06/1950", "Nữ", "", "Thôn 5", "Xã Hòa Phú"],
    ["Nguyễn Văn Hùng", "1948", "Nam", "", "Thôn 4", "Xã Hòa Phú"],
    ["Lê Văn Cuờng", "20/11/1945", "Nam", "036045111222", "", ""],
    ["Khổng Thị Diệp", "01/01/1945", "Nữ", "", "Thôn 3", "Xã Tân An"],
    ["Nguyễn Thị Lan", "03/03/1962", "Nữ", "", "Thôn 2", "Xã Bình Minh"],
    ["Đoàn Thị Xuyến", "12/09/1940", "Nữ", "07914022233", "", ""],
]


def _decide(rules, register, **options):
    raw = pd.DataFrame(
        LIST_ROWS, columns=["full_name", "birth_date", "sex", "national_id", "address", "commune"], dtype=object
    )
    raw["source_file"], raw["source_sheet"], raw["source_row"] = "ds.xlsx", "DS", range(2, len(raw) + 2)
    return match_beneficiaries(clean_beneficiaries(raw, rules, today=TODAY).data, register, rules, **options)


def test_a_list_matched_in_parts_decides_as_in_one_go(rules, register):
    """Parts share the weights (here the rules' own, EM off), so cutting the list changes nothing."""
    import dataclasses

    fixed = dataclasses.replace(rules, matching=dataclasses.replace(rules.matching, em=False))
    whole = _decide(fixed, register)
    for size in (1, 2, 3):
        parts = _decide(fixed, register, part_rows=size)
        pd.testing.assert_frame_equal(parts.decisions, whole.decisions)
        pd.testing.assert_frame_equal(parts.candidates, whole.candidates)


def test_register_arrays_made_ahead_decide_as_made_during_the_match(rules, register):
    """The arrays made on the other core while the lists are read (sorted IDs, block codes, categories) are
    exactly those the match would make: the same decisions and candidates, in one part or several."""
    from asxh_cli.match.candidates import register_arrays

    for size in (100, 2):
        ahead = _decide(rules, register, part_rows=size, arrays=register_arrays(register.people))
        during = _decide(rules, register, part_rows=size)
        assert {("sorted", "national_id"), ("national_id", "numbers"), "coded", ("categories", "canon_key")} <= set(
            register_arrays(register.people)
        )
        pd.testing.assert_frame_equal(ahead.decisions, during.decisions)
        pd.testing.assert_frame_equal(ahead.candidates, during.candidates)


def test_later_parts_are_scored_with_the_first_parts_weights(rules, register):
    first = _decide(rules, register, part_rows=3)
    head = match_beneficiaries(
        clean_beneficiaries(
            pd.DataFrame(
                LIST_ROWS[:3], columns=["full_name", "birth_date", "sex", "national_id", "address", "commune"]
            ).assign(source_file="ds.xlsx", source_sheet="DS", source_row=[2, 3, 4]),
            rules,
            today=TODAY,
        ).data,
        register,
        rules,
    )
    assert first.weights.bits() == head.weights.bits()
    assert len(first.decisions) == len(LIST_ROWS) and first.decisions.index.tolist() == list(range(len(LIST_ROWS)))


def test_a_crowded_block_is_narrowed_to_the_rows_commune(rules):
    """Eleven Phạm Thị Hoa born in 1950: above max_block, a year-only row is paired by name only with those of
    its own commune, and the right one (same commune and thôn) is still matched."""
    import dataclasses

    from asxh_cli.match.candidates import candidate_pairs
    from asxh_cli.match.engine import beneficiary_features

    people = [
        (f"0791500{i:05d}", "Phạm Thị Hoa", f"{1 + i:02d}/03/1950", "Nữ", f"Thôn {i}", "Xã Hòa Phú", "Còn sống")
        for i in range(8)
    ] + [
        (f"0791501{i:05d}", "Phạm Thị Hoa", f"{1 + i:02d}/07/1950", "Nữ", f"Thôn {i + 1}", "Xã Tân An", "Còn sống")
        for i in range(3)
    ]
    register = prepare_register(pd.DataFrame(people, columns=COLUMNS), rules, TODAY)
    row = ["Phạm Thị Hoa", "1950", "Nữ", "", "Thôn 2", "Xã Tân An"]
    raw = pd.DataFrame([row], columns=["full_name", "birth_date", "sex", "national_id", "address", "commune"])
    raw = raw.assign(source_file="ds.xlsx", source_sheet="DS", source_row=[2])
    ben = beneficiary_features(clean_beneficiaries(raw, rules, today=TODAY).data, rules)
    wide = candidate_pairs(ben, register.people, max_block=100)
    narrow = candidate_pairs(ben, register.people, max_block=5)
    communes = register.people["commune"].astype(object).to_numpy()
    assert len(wide) == 11
    assert sorted(communes[narrow["r"]]) == ["Xã Tân An"] * 3
    tight = dataclasses.replace(rules, matching=dataclasses.replace(rules.matching, max_block=5))
    loose = dataclasses.replace(rules, matching=dataclasses.replace(rules.matching, max_block=100))
    result, found, _ = one(row, tight, register)
    assert found == "079150100001" and result is not Result.NOT_FOUND
    assert (result, found) == one(row, loose, register)[:2]
