"""Birth-date levels from packed dates (one integer a date, taken once per pair) against the straightforward
comparison of each part as a float, NaN where unknown, that they replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.scoring import ABSENT, BIRTH, Sides, birth_levels

dates = st.tuples(
    st.one_of(st.none(), st.integers(1920, 2026)),
    st.one_of(st.none(), st.integers(1, 12)),
    st.one_of(st.none(), st.integers(1, 31)),
    st.booleans(),
)


def _frame(rows: list[tuple[int | None, int | None, int | None, bool]]) -> pd.DataFrame:
    year, month, day, year_only = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "birth_year": pd.array(year, dtype="Int64"),
            "birth_month": pd.array(month, dtype="Int64"),
            "birth_day": pd.array(day, dtype="Int64"),
            "year_only": list(year_only),
        }
    )


def _float_levels(ben: pd.DataFrame, reg: pd.DataFrame, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    by, bm, bd = (ben[f"birth_{p}"].to_numpy(dtype="float64", na_value=np.nan)[b] for p in ("year", "month", "day"))
    ry, rm, rd = (reg[f"birth_{p}"].to_numpy(dtype="float64", na_value=np.nan)[r] for p in ("year", "month", "day"))
    partial = ben["year_only"].to_numpy()[b] | reg["year_only"].to_numpy()[r]
    same_year, year_off, full = by == ry, np.abs(by - ry) == 1, ~partial
    level = np.select(
        [
            full & same_year & (bm == rm) & (bd == rd),
            full & same_year & (bm == rd) & (bd == rm),
            partial & same_year,
            full & ((year_off & (bm == rm) & (bd == rd)) | (same_year & ((bm == rm) | (bd == rd)))),
            partial & year_off,
        ],
        [BIRTH.index(n) for n in ("exact", "swapped", "year", "near", "near")],
        BIRTH.index("different"),
    )
    return np.where(np.isnan(by) | np.isnan(ry), ABSENT, level)


@settings(max_examples=300, deadline=None)
@given(st.lists(dates, min_size=1, max_size=12), st.lists(dates, min_size=1, max_size=12), st.data())
def test_packed_birth_dates_give_the_levels_of_each_part_compared(listed, register, data):
    ben, reg = _frame(listed), _frame(register)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(ben) - 1), st.integers(0, len(reg) - 1)), min_size=1))
    b, r = (np.array(side) for side in zip(*pairs, strict=True))
    expected = _float_levels(ben, reg, b, r)
    assert birth_levels(Sides(ben, reg), b, r).tolist() == expected.tolist()
    ahead = Sides(ben, reg)
    ahead.keep_births()  # the register's dates made whole first, as a match does
    assert birth_levels(ahead, b, r).tolist() == expected.tolist()


def test_a_swapped_day_and_month_and_a_near_date():
    ben = _frame([(1960, 3, 7, False), (1960, 3, 7, False), (1960, None, None, True)])
    reg = _frame([(1960, 7, 3, False), (1961, 3, 7, False), (1961, 5, 5, False)])
    levels = birth_levels(Sides(ben, reg), np.array([0, 1, 2]), np.array([0, 1, 2]))
    assert levels.tolist() == [BIRTH.index("swapped"), BIRTH.index("near"), BIRTH.index("near")]
