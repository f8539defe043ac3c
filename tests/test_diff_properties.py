"""Properties of `compare`: whatever the two lists hold, the accounting balances and nobody is paired twice."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asxh_cli.contract import Result, Status
from asxh_cli.diff import check_accounting, compare, parse_month

NAMES = ["Lê Văn An", "Lê Văn Ân", "LÊ VĂN AN", "Trần Thị Bé", "Hà Mai"]
person = st.fixed_dictionaries(
    {
        "full_name": st.sampled_from([*NAMES, None]),
        "birth_date": st.sampled_from(["01/01/1950", "1950", "1950-01-01", None]),
        "register_id": st.sampled_from([None, "079150000001", "079150000002", "079150000003"]),
        "result": st.sampled_from(list(Result)),
        "register_status": st.sampled_from([*Status, None]),
        "account_number": st.sampled_from([None, "123", "1 2 3", "456"]),
        "amount": st.sampled_from([None, "500000", "500.000", "oops"]),
        "source_sheet": st.sampled_from(["A", "B"]),
    }
)


FIELDS = ["full_name", "birth_date", "register_id", "result", "register_status", "account_number", "amount"]


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as `read_result_list` gives them: field names, codes, None for blanks, one key per row."""
    out = pd.DataFrame(rows, columns=[*FIELDS, "source_sheet"])
    out["source_file"] = "list.xlsx"
    out["source_row"] = range(2, len(out) + 2)
    return out.astype(object).where(out.notna(), None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person, max_size=12), st.lists(person, max_size=12))
def test_any_two_lists_balance(before, after):
    diff = compare(frame(before), frame(after))
    assert check_accounting(diff) == []
    assert not diff.pairs["prev"].duplicated().any() and not diff.pairs["cur"].duplicated().any()
    rids = (
        diff.previous["rid"].to_numpy(dtype=object)[diff.pairs["prev"]],
        diff.current["rid"].to_numpy(dtype=object)[diff.pairs["cur"]],
    )
    assert all(a is None or b is None or a == b for a, b in zip(*rids, strict=True))  # two register people never paired


@settings(max_examples=40, deadline=None)
@given(st.lists(person, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_the_same_people_reordered_have_no_change(rows, rng: random.Random):
    """Matched people moved to other rows and sheets are all followed, and nothing about them changed."""
    people = [
        {**row, "register_id": f"0791500{i:05d}", "result": Result.MATCHED, "source_sheet": rng.choice("AB")}
        for i, row in enumerate(rows)
    ]
    shuffled = [dict(p, source_sheet=rng.choice("AB")) for p in people]
    rng.shuffle(shuffled)
    diff = compare(frame(people), frame(shuffled))
    assert check_accounting(diff) == []
    assert diff.counts.left == diff.counts.new == diff.counts.changed == 0
    same = compare(frame(rows), frame(rows))
    assert same.counts.unchanged == len(rows) and same.counts.changed == 0


@given(st.integers(1, 12), st.integers(1900, 2200))
def test_parse_month_reads_both_orders(month, year):
    assert parse_month(f"{month:02d}/{year}") == parse_month(f"{year}-{month}") == (year, month)
