"""The ID comparison skips pairs whose two ends both differ: it must never miss a pair one slip apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from asxh_cli.match.scoring import ID, Sides, id_levels

digits = st.text(alphabet="0123456789", min_size=11, max_size=13)


def _slips(value: str, draw: st.DrawFn) -> str:
    """The value after one typing slip: a digit changed, two neighbours swapped, a digit dropped or added."""
    kind = draw(st.sampled_from(["change", "swap", "drop", "add"]))
    i = draw(st.integers(0, len(value) - 2))
    digit = draw(st.sampled_from("0123456789"))
    if kind == "change":
        return value[:i] + digit + value[i + 1 :]
    if kind == "swap":
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == "drop":
        return value[:i] + value[i + 1 :]
    return value[:i] + digit + value[i:]


@st.composite
def id_pairs(draw: st.DrawFn) -> tuple[str, str]:
    register = draw(st.text(alphabet="0123456789", min_size=12, max_size=12))
    listed = draw(st.one_of(digits, st.just(register).map(lambda v: _slips(v, draw))))
    return listed, register


@settings(max_examples=300, deadline=None)
@given(st.lists(id_pairs(), min_size=1, max_size=20))
def test_id_level_agrees_with_the_full_distance(pairs: list[tuple[str, str]]) -> None:
    listed, register = zip(*pairs, strict=True)
    ben = pd.DataFrame({"id_digits": list(listed), "id_alt": [None] * len(listed)}, dtype=object)
    reg = pd.DataFrame({"national_id": [*register, "012345678901", None, "0123x5678901"]}, dtype=object)
    index = np.arange(len(pairs))
    level = id_levels(Sides(ben, reg), index, index)  # the register read at the pairs' rows only
    kept = Sides(ben, reg)
    kept.keep_id_numbers("national_id")  # the register read whole, ahead of the match
    assert id_levels(kept, index, index).tolist() == level.tolist()
    for (left, right), got in zip(pairs, level, strict=True):
        distance = OSA.distance(left, right)
        expected = ID.index("exact") if distance == 0 else ID.index("slip") if distance == 1 else None
        if expected is None:
            assert got in (ID.index("different"), -1)
        else:
            assert got == expected, (left, right)
