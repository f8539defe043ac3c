"""The register CSV read by Arrow's reader (every column as text) equals pandas' reading of the same file, for
cells with quotes, delimiters, line breaks, leading zeros, blanks and Vietnamese text, after title rows."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asxh_cli.io.reader import _utf8_csv

HEADER = ["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Địa chỉ"]
cells = st.one_of(
    st.just(""),
    st.text("0123456789", min_size=1, max_size=12),
    st.text("aăâđeêoôơuưy ÁÀẢÃẠ,;\"'\n\t-/", min_size=1, max_size=15),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(cells, min_size=4, max_size=4), min_size=1, max_size=15),
    st.sampled_from([",", ";", "\t"]),
    st.integers(0, 2),
)
def test_arrow_reading_equals_pandas(tmp_path, rows, delimiter, titles):
    rows = [row for row in rows if any(row)]  # a blank line is no row for either reader
    text = io.StringIO()
    for i in range(titles):
        text.write(f"DANH SÁCH {i}\n")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "csdl.csv"
    path.write_text(text.getvalue(), encoding="utf-8-sig")
    expected = pd.read_csv(path, encoding="utf-8-sig", skiprows=titles, sep=delimiter, dtype=str, keep_default_na=False)
    fast = _utf8_csv(path, titles, delimiter, HEADER)
    assert fast.astype(object).values.tolist() == expected.astype(object).values.tolist()
    assert fast.columns.tolist() == HEADER
