"""The radix order equals numpy's stable comparison sort, below and above 16 bits, with ties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from asxh_cli.match.radix import LIMIT, radix_order

values = st.one_of(st.integers(0, 70_000), st.integers(0, LIMIT - 1), st.sampled_from([0, 65_535, 65_536, LIMIT - 1]))


@settings(max_examples=200, deadline=None)
@given(arrays(np.int64, st.integers(0, 300), elements=values))
def test_radix_order_is_the_stable_sort(drawn):
    assert np.array_equal(radix_order(drawn), np.argsort(drawn, kind="stable"))


def test_ties_keep_their_order_across_both_digits():
    drawn = np.array([70_000, 5, 70_000, 5, 65_536, 0])
    assert radix_order(drawn).tolist() == [5, 1, 3, 4, 0, 2]
