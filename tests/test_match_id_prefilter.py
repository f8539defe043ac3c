"""The ID comparison skips pairs whose two ends both differ: it must never miss a pair one slip apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from asxh_cli.match.id_numbers import id_columns
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
    reg = pd.DataFrame({"national_id": list(register)}, dtype=object)
    index = np.arange(len(pairs))
    level = id_levels(Sides(ben, reg), index, index)
    for (left, right), got in zip(pairs, level, strict=True):
        distance = OSA.distance(left, right)
        expected = ID.index("exact") if distance == 0 else ID.index("slip") if distance == 1 else None
        if expected is None:
            assert got in (ID.index("different"), -1)
        else:
            assert got == expected, (left, right)


any_id = st.one_of(
    st.none(),
    st.just(""),
    digits,
    st.text(alphabet="0123456789", min_size=16, max_size=20),
    st.text(alphabet="0123456789x -.０１", min_size=1, max_size=13),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(any_id, min_size=1, max_size=8),
    st.lists(any_id, min_size=2, max_size=12),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 11)), min_size=1, max_size=10),
)
def test_register_ids_read_whole_give_the_levels_read_at_the_pairs(listed, register, pairs):
    """The register's IDs read whole ahead of the match (as numbers, with their lengths) give every pair the level
    that reading them at the pairs' rows gives, whatever the IDs hold; and the whole reading is the one used."""
    b = np.array([i % len(listed) for i, _ in pairs])
    r = np.array([j % len(register) for _, j in pairs])
    ben = pd.DataFrame({"id_digits": listed, "id_alt": [None] * len(listed)}, dtype=object)
    reg = pd.DataFrame({"national_id": [*register, *["012345678901"] * 11]}, dtype=object)  # longer than the pairs
    at_pairs = id_levels(Sides(ben, reg), b, r)
    kept = Sides(ben, reg)
    kept.keep_id_numbers("national_id")
    assert id_levels(kept, b, r).tolist() == at_pairs.tolist()
    assert ("national_id", "numeric") not in kept.register_arrays  # nothing was read again at the pairs' rows
    # A prepared register carries the same reading as its own columns; it is taken, never worked out again.
    parts = id_columns(reg["national_id"])
    stored = reg.assign(**{f"national_id_{part}": values for part, values in parts.items()})
    taken = Sides(ben, stored)
    taken.keep_id_numbers("national_id")
    assert id_levels(taken, b, r).tolist() == at_pairs.tolist()
    assert taken.register_arrays[("national_id", "numbers")][0] is not None
    assert np.shares_memory(
        taken.register_arrays[("national_id", "numbers")][0], stored["national_id_number"].to_numpy()
    )
