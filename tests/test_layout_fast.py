"""The layout reader's fast paths decide what the per-cell tests decide, on awkward cells."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asxh_cli.io.grid import _scan_tags
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


ROW_REF = re.compile(rb'<row r="(\d{1,7})"')  # the row numbers as first found, by a regular expression


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"<row",
                b' r="',
                b"<row r=",
                b" r",
                b"=",
                b'"',
                b"0",
                b"7",
                b"1234567",
                b"12",
                b"<",
                b" ",
                b">",
                b"<c",
                b"x",
            ]
        ),
        max_size=30,
    )
)
@example([b"<row", b" r", b'"', b'"', b"12", b'"'])  # `r` then no `=`: not a row number
@example([b"<row r=", b'"', b"1234567", b"7", b'"'])  # 8 digits: not a row number either
def test_scan_finds_the_largest_row_number_as_the_regular_expression(parts):
    data = b"".join(parts)
    found = [int(n) for n in ROW_REF.findall(data)]
    assert _scan_tags(data)[2] == max(found, default=0)
    tags = (data.count(b"<row ") + data.count(b"<row>"), data.count(b"<c ") + data.count(b"<c>"))
    assert _scan_tags(data)[:2] == tags
