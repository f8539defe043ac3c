"""EM weighs one entry per kind of candidate pair (same list row, same levels, same u): the kinds numbered as they
first appear, by one hashing pass when the three fit one integer and by two when they do not."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.weights import _kinds


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3000), st.integers(0, 9)), min_size=1, max_size=60))
def test_kinds_are_the_distinct_triples_in_order_of_first_appearance(pairs):
    b, key, u_code = (np.array(side) for side in zip(*pairs, strict=True))
    expected = pd.factorize(pd.Series(list(zip(b.tolist(), key.tolist(), u_code.tolist(), strict=True))))[0]
    one_pass = _kinds(b, key.astype(np.int32), u_code, int(u_code.max()) + 1)
    two_passes = _kinds(b, key.astype(np.int32), u_code, 2**50)  # too wide for one integer
    assert one_pass.tolist() == expected.tolist()
    assert two_passes.tolist() == expected.tolist()
