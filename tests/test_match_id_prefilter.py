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


@st.composite
def rows_with_alternatives(draw: st.DrawFn) -> tuple[str, str | None, str]:
    """(listed ID, its alternative reading or None, register ID): either reading may be the one a slip away; a
    listed old CMND has no alternative."""
    listed, register = draw(id_pairs())
    if draw(st.integers(0, 3)) == 0:  # an old CMND: its pairs are not among the 12-digit ones compared here
        return draw(st.text(alphabet="0123456789", min_size=9, max_size=9)), None, register
    alternative = draw(st.one_of(st.none(), digits, st.just(register).map(lambda v: _slips(v, draw))))
    if draw(st.booleans()):
        listed, alternative = (alternative or listed), listed
    return listed, alternative, register


@settings(max_examples=300, deadline=None)
@given(st.lists(rows_with_alternatives(), min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_the_alternative_reading_of_an_id_counts_where_it_is_nearer(rows, random):
    """A listed ID with a second reading (`id_alt`) takes the nearer of the two to each register ID; rows
    without one are compared on their ID alone, wherever they fall among the pairs."""
    listed, alternative, register = zip(*rows, strict=True)
    ben = pd.DataFrame({"id_digits": list(listed), "id_alt": list(alternative)}, dtype=object)
    reg = pd.DataFrame({"national_id": list(register)}, dtype=object)
    pairs = [(i, j) for i in range(len(rows)) for j in range(len(rows))]
    random.shuffle(pairs)
    b, r = (np.array(side) for side in zip(*pairs, strict=True))
    level = id_levels(Sides(ben, reg), b, r)
    for i, j, got in zip(b, r, level, strict=True):
        readings = [listed[i]] + ([alternative[i]] if alternative[i] is not None else [])
        distance = min(OSA.distance(reading, register[j]) for reading in readings)
        if len(listed[i]) < 11:
            continue  # 9–10 digits: an old CMND, compared with the register's old_id (none here)
        if distance == 0:
            assert got == ID.index("exact"), (listed[i], alternative[i], register[j])
        elif distance == 1:
            assert got == ID.index("slip"), (listed[i], alternative[i], register[j])
        else:
            assert got in (ID.index("different"), -1)
