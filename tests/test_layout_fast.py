"""The layout reader's fast paths decide what the per-cell tests decide, on awkward cells."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.io.layout import _ID, _holds, _holds_id, _is_id, _stripped

ID_LIKE = st.one_of(
    st.text(alphabet="0123456789", max_size=20),
    st.text(alphabet="0123456789 .eE+,\u00a0\u0663\u00b2x", max_size=20),
    st.sampled_from(["", " ", " 079150000001 ", "079150000001\u3000", "7.9150000001E+11", "０７９１５０００００１"]),
    st.none(),
)


@given(st.lists(ID_LIKE, max_size=12), st.booleans())
def test_id_columns_decided_in_bulk_as_cell_by_cell(cells, old):
    values = np.array([*cells, None], dtype=object)[:-1]
    test = _ID.match if old else _is_id
    assert _holds_id(values, test).tolist() == _holds(_stripped(values), test, repeated=False).tolist()
