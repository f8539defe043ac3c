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
