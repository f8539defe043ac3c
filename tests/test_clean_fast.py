"""Cleaning's fast paths give what the straightforward cell-by-cell code gives, on awkward columns: text with
control characters and unprintable spaces, missing values of every kind, numbers, booleans, str subclasses."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from asxh_cli.clean import _changed, _clean_id_cells, _has_control, _is_text, _keep_originals
from asxh_cli.normalize.ids import clean_id

TEXT = st.text(alphabet=st.sampled_from(list("aĐễ 1\x00\t\n\r\x1f\x7f\u00a0\u200b\u2028")), max_size=6)
CELL = st.one_of(
    TEXT,
    TEXT.map(np.str_),
    st.sampled_from([None, float("nan"), pd.NA, 0, 0.0, False, True, 7, 1.5, "", "0"]),
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


@given(st.lists(CELL, max_size=12))
@example([np.str_("\x00"), "\x00", 0])  # one distinct value for pandas; numpy's str() of it is ""
def test_has_control_equals_a_search_of_every_cell(cells):
    column = pd.Series(cells, dtype=object)
    present = [v for v in cells if not _missing(v)]
    if all(isinstance(v, str) for v in present):
        expected = any(CONTROL.search(v) for v in present)
    else:  # not only text: every value as text (a numpy text as the text it holds, trailing NULs too)
        expected = any(CONTROL.search(v if isinstance(v, str) else str(v)) for v in present)
    assert _has_control(column) == expected


def _keep_originals_as_first_written(data: pd.DataFrame, originals: pd.DataFrame, field: str) -> np.ndarray:
    """`FIELD_raw` with text told apart by `_is_text` (a dtype inference, then the missing cells)."""
    before, after = originals[field].to_numpy(dtype=object), data[field].to_numpy(dtype=object)
    empty = pd.isna(before)
    text = _is_text(before, empty) & _is_text(after)
    changed = np.zeros(len(before), dtype=bool)
    changed[text] = before[text] != after[text]
    rest = (~text & ~empty).nonzero()[0]
    if len(rest):
        text_after = any(v is not None and v is not pd.NA for v in after)
        changed[rest] = _changed(originals[field].iloc[rest], data[field].iloc[rest], text_after)
    return np.where(changed, before, None)


@given(st.lists(st.tuples(CELL, CELL), max_size=12), st.booleans(), st.booleans(), st.booleans())
def test_keep_originals_equals_the_first_written_comparison(pairs, text_only, text_dtype_before, text_dtype_after):
    if text_only:  # the usual column: text or empty before and after
        pairs = [(b if isinstance(b, str) or b is None else None, a if isinstance(a, str) else None) for b, a in pairs]
    before = pd.Series([b for b, _ in pairs], dtype=object)
    after = pd.Series([a for _, a in pairs], dtype=object)
    originals = pd.DataFrame({"full_name": before.astype("str") if text_dtype_before else before})
    data = pd.DataFrame({"full_name": after.astype("str") if text_dtype_after else after})
    for field in ("birth_date", "national_id", "sex", "amount", "account_number", "bank", "payment_method", "category"):
        originals[field] = None
        data[field] = None
    expected = _keep_originals_as_first_written(data, originals, "full_name")
    _keep_originals(data, originals)
    got = data["full_name_raw"].to_numpy(dtype=object)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert got.tolist() == expected.tolist()  # the cells as written (text or None), or None
    assert data["birth_date_raw"].isna().all()


ID_CELL = st.sampled_from(
    [
        *("079150000001", "79150000001", " 079150000001", "12345678", "", b"079150000001"),
        *(np.str_("079150000001"), np.str_("0791500000"), float("nan"), pd.NA, None, 79150000001, 1.5),
    ]
)


@given(st.lists(st.tuples(ID_CELL, st.none() | st.integers(1880, 2030)), max_size=10))
def test_id_cells_of_every_kind_equal_clean_id_per_cell(cells):
    """The all-text column goes to Arrow whole; bytes, numbers or NaN among the cells take the per-cell way."""
    raws = np.array([raw for raw, _ in cells] + [None], dtype=object)[:-1]
    years = np.array([None if year is None else float(year) for _, year in cells] + [None], dtype=object)[:-1]
    values, kinds, problems, repairs = _clean_id_cells(raws, years, frozenset({"001", "079"}))
    for position, (raw, year) in enumerate(cells):
        expected = clean_id(str(raw) if raw is not None else None, frozenset({"001", "079"}), year)
        got = (values[position], kinds[position], problems[position], repairs[position])
        assert got == (expected.value, expected.kind, expected.problem, expected.repairs), raw
