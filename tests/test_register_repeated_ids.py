"""Copies of one register ID are found side by side in the IDs' sorted order exactly as hashing the texts finds
them: every copy, never a row whose ID is its own (12-digit IDs, with leading zeros, in any order; a 9-digit one
sharing a number with a 12-digit one)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.id_numbers import id_columns
from asxh_cli.match.register import _repeated

twelve = st.sampled_from(["000000000001", "079050000101", "100000000001", "999999999999", "079050000110"])
nine = st.sampled_from(["079050000", "000000001", "000079050000"])  # 079050000 and 000079050000: one number


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(twelve, nine), max_size=30))
def test_repeated_ids_by_sorted_order_equal_hashing(ids):
    column = pd.Series(ids, dtype="str")
    expected = column.notna() & column.duplicated(keep=False)
    got = _repeated(column, id_columns(column))
    assert got.tolist() == expected.tolist()


def test_without_an_order_or_with_a_missing_id_the_texts_are_hashed():
    column = pd.Series(["079050000101", None, "079050000101", "000000000001"], dtype="str")
    expected = [True, False, True, False]
    assert _repeated(column, None).tolist() == expected
    assert _repeated(column, id_columns(column)).tolist() == expected
    stale = id_columns(column.iloc[:2])  # another frame's arrays
    assert _repeated(column.iloc[:3], stale).tolist() == expected[:3]
