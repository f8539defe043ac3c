"""ID ends for the one-slip prefilter: the head and tail digits read in bulk (at some rows of a long side, or
once for a short side) equal those read off the text one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.scoring import Sides

ids = st.one_of(
    st.none(), st.just(""), st.text("0123456789", min_size=1, max_size=15), st.text("0123456789x ", max_size=14)
)


def _expected(value: str | None, width: int) -> tuple[int, int, bool, bool]:
    present = bool(value)
    exact = present and value.isdigit()
    if not exact or len(value) < width:
        return -1, -1, present and not exact, present
    return int(value[:width]), int(value[-width:]), False, True


@settings(max_examples=150, deadline=None)
@given(st.lists(ids, min_size=1, max_size=25), st.integers(3, 5), st.data())
def test_id_ends_equal_the_text_read_one_by_one(values, width, data):
    frame = pd.DataFrame({"national_id": pd.Series(values, dtype="str")})
    rows = np.array(data.draw(st.lists(st.integers(0, len(values) - 1), min_size=1, max_size=2 * len(values))))
    sides = Sides(frame, frame)
    head, tail, odd, present = sides.id_ends("national_id", width, "reg", rows)
    expected = [_expected(values[i], width) for i in rows]
    assert list(zip(head.tolist(), tail.tolist(), odd.tolist(), present.tolist(), strict=True)) == expected
