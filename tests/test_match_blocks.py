"""Block joins: the scan and the sorted register index give the same pairs as a plain pandas merge, with and
without narrowing crowded blocks (hypothesis over random codes, -1 meaning unknown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.candidates import Blocks, _merge

ON = ["family", "given", "birth_year"]
COLUMNS = [*ON, "commune_key"]


def _frame(draw, rows: int, name: str) -> pd.DataFrame:
    codes = st.integers(min_value=-1, max_value=3)
    data = {c: draw(st.lists(codes, min_size=rows, max_size=rows)) for c in COLUMNS}
    return pd.DataFrame({name: np.arange(rows), **data}).astype("int64")


@st.composite
def sides(draw) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    left = _frame(draw, draw(st.integers(0, 12)), "b")
    right = _frame(draw, draw(st.integers(0, 40)), "r")
    return left, right, draw(st.integers(1, 6))


def _pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    return sorted(map(tuple, frame[["b", "r"]].to_numpy().tolist()))


def _plain(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    known_left, known_right = left[(left[on] >= 0).all(axis=1)], right[(right[on] >= 0).all(axis=1)]
    return known_left[["b", *on]].merge(known_right[["r", *on]], on=on)[["b", "r"]]


def _narrowed(left: pd.DataFrame, right: pd.DataFrame, cap: int) -> pd.DataFrame:
    """The rule written out: a row whose block holds more than `cap` people keeps only those of its commune."""
    parts = []
    for _, row in left.iterrows():
        one = _plain(row.to_frame().T.astype("int64"), right, ON)
        if len(one) > cap and row["commune_key"] >= 0:
            one = _plain(row.to_frame().T.astype("int64"), right, [*ON, "commune_key"])
        parts.append(one)
    return pd.concat(parts) if parts else pd.DataFrame({"b": [], "r": []})


@settings(max_examples=200, deadline=None)
@given(sides())
def test_scan_and_index_join_as_a_plain_merge(drawn):
    left, right, _cap = drawn
    expected = _pairs(_plain(left, right, ON))
    assert _pairs(_merge(left, right, ON)) == expected
    assert _pairs(_merge(left, right, ON, index=lambda keys: Blocks({}).index(right, "all", keys))) == expected


@settings(max_examples=200, deadline=None)
@given(sides())
def test_crowded_blocks_are_narrowed_alike_by_scan_and_index(drawn):
    left, right, cap = drawn
    expected = _pairs(_narrowed(left, right, cap))
    assert _pairs(_merge(left, right, ON, cap, "commune_key")) == expected
    index = lambda keys: Blocks({}).index(right, "all", keys)  # noqa: E731
    assert _pairs(_merge(left, right, ON, cap, "commune_key", index)) == expected


@settings(max_examples=100, deadline=None)
@given(sides())
def test_the_scan_filter_lets_no_wrong_pair_through(drawn):
    """With a table of two flags nearly every register key passes the hashed filter: the exact lookup behind it
    alone decides, and the pairs stay those of a plain merge."""
    import asxh_cli.match.candidates as candidates

    left, right, cap = drawn
    saved = candidates.HASH_BITS
    candidates.HASH_BITS = (1, 1)
    try:
        assert _pairs(_merge(left, right, ON)) == _pairs(_plain(left, right, ON))
        assert _pairs(_merge(left, right, ON, cap, "commune_key")) == _pairs(_narrowed(left, right, cap))
    finally:
        candidates.HASH_BITS = saved


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 30).map(lambda n: f"{n:012d}"), st.just("")), max_size=30))
def test_a_stored_id_order_sorts_alike_and_a_wrong_one_is_not_trusted(ids):
    """The prepared register keeps its IDs' sort order; the lookup uses it only when it is exactly that order."""
    from asxh_cli.match.candidates import _id_index
    from asxh_cli.match.id_numbers import as_numbers, id_columns

    values = pd.Series(ids, dtype="str")
    numbers = as_numbers(values)
    plain = _id_index(numbers)
    stored = _id_index(numbers, id_columns(values)["order"])
    assert stored.keys.tolist() == plain.keys.tolist()
    assert sorted(zip(stored.keys, stored.rows, strict=True)) == sorted(zip(plain.keys, plain.rows, strict=True))
    wrong = _id_index(numbers, np.zeros(len(ids), dtype=np.int32))  # every row the first: not an order
    assert sorted(zip(wrong.keys, wrong.rows, strict=True)) == sorted(zip(plain.keys, plain.rows, strict=True))


odd_id = st.one_of(
    st.none(),
    st.just(""),
    st.integers(0, 30).map(lambda n: f"{n:012d}"),
    st.integers(0, 30).map(lambda n: f"{n:09d}"),
    st.text(alphabet="0123456789", min_size=16, max_size=18),  # a float, never exact
    st.text(alphabet="0123456789e .-x", min_size=1, max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(odd_id, max_size=30), st.integers(0, 30))
def test_a_prepared_registers_own_id_arrays_find_what_reading_its_texts_finds(ids, cut):
    """The sorted IDs made from the arrays kept with a prepared register (`id_columns`) find every key exactly
    where the IDs read from their texts find it. A part of the frame carries an order that is not its own, and
    a number past int64 ("1e100") sorts apart: their arrays are used only where they still find the same."""
    from asxh_cli.match.candidates import _id_index, _stored_id_index
    from asxh_cli.match.id_numbers import as_numbers, id_columns

    values = pd.Series(ids, dtype="str")
    frame = pd.DataFrame({"national_id": values}).assign(
        **{f"national_id_{part}": array for part, array in id_columns(values).items()}
    )
    part = frame.iloc[: cut % (len(ids) + 1)].reset_index(drop=True)
    for whole, stored in (
        (frame, _stored_id_index(frame, "national_id")),
        (part, _stored_id_index(part, "national_id")),
    ):
        if stored is None:  # the caller reads the texts instead; never for the whole frame of plain IDs
            assert whole is part or not all(i is None or i == "" or (i.isdigit() and len(i) in (9, 12)) for i in ids)
            continue
        plain = _id_index(as_numbers(whole["national_id"]))
        keys = np.unique(np.r_[plain.keys, 0, 7, 10**12 + 1])
        found = [sorted(stored.rows[f : f + n]) for f, n in zip(*stored.blocks(keys), strict=True)]
        expected = [sorted(plain.rows[f : f + n]) for f, n in zip(*plain.blocks(keys), strict=True)]
        assert found == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.just(np.nan), st.integers(0, 2**40).map(float)), max_size=60),
    st.lists(st.integers(0, 2**40), max_size=60),
    st.data(),
)
def test_id_flags_never_rule_out_a_register_id(register_ids, others, data):
    """The hashed flags may let an absent key through, never keep a present one out: lookups find exactly the
    rows a plain comparison finds."""
    from asxh_cli.match.candidates import _found, _id_index

    numbers = np.array(register_ids, dtype="float64")
    index = _id_index(numbers)
    present = [int(n) for n in register_ids if n == n]
    keys = np.array(others + data.draw(st.lists(st.sampled_from(present), max_size=20)) if present else others)
    keys = keys.astype(np.int64)
    assert index.may_hold(index.keys).all()
    found = _found(index, np.arange(len(keys)), keys)
    expected = sorted((b, r) for b, key in enumerate(keys) for r, n in enumerate(register_ids) if n == key)
    assert sorted(zip(found["b"].tolist(), found["r"].tolist(), strict=True)) == expected
