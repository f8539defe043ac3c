"""Amounts as money: Vietnamese and Excel forms read to whole đồng; doubtful amounts are row problems."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.clean import clean_beneficiaries, column_names
from asxh_cli.errors import RuleError
from asxh_cli.io.grid import cell_text
from asxh_cli.io.reader import read_beneficiaries
from asxh_cli.normalize.values import amount_out_of_range, parse_amount
from asxh_cli.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("500000", 500_000),
        ("500.000", 500_000),  # Vietnamese thousands: five hundred thousand, not 500
        ("300.000", 300_000),
        ("1.250.000", 1_250_000),
        ("1.000.000", 1_000_000),
        ("500,000", 500_000),
        ("1,250,000", 1_250_000),
        ("1.000.000,00", 1_000_000),
        ("1,250,000.00", 1_250_000),
        ("500000.0", 500_000),
        ("500.000 đ", 500_000),
        ("500.000đ", 500_000),
        ("500.000 đồng", 500_000),
        ("500.000 VNĐ", 500_000),
        ("500000 VND", 500_000),
        ("1 250 000", 1_250_000),
        ("\u00a0500 000 đ/tháng ", 500_000),
        ("5E+05", 500_000),
    ],
)
def test_amount_forms(raw, value):
    assert parse_amount(raw).value == value
    assert parse_amount(raw).problem is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("500000.5", "amount-fraction"),
        ("1.000.000,50", "amount-fraction"),
        (cell_text(1_000_000 / 3), "amount-fraction"),  # a formula result in a numeric cell
        ("-500000", "amount-negative"),
        ("(500.000)", "amount-negative"),
        ("0", "amount-zero"),
        ("0 đ", "amount-zero"),
        ("1" * 30, "amount-too-large"),
        ("9" * 5000, "amount-too-large"),
        (cell_text(1e30), "amount-too-large"),
        ("năm trăm nghìn", "amount-unreadable"),
        ("1.2.3", "amount-unreadable"),
        ("500.00.000", "amount-unreadable"),
    ],
)
def test_doubtful_amounts_have_a_reason_and_no_value(raw, problem):
    assert parse_amount(raw) == parse_amount(raw).__class__(None, problem)


def test_numeric_cells_are_used_as_they_are():
    assert parse_amount(cell_text(500000)).value == 500_000
    assert parse_amount(cell_text(500000.0)).value == 500_000
    assert parse_amount(cell_text(1_250_000.0)).value == 1_250_000
    assert parse_amount(cell_text(500000.5)).problem == "amount-fraction"


def test_fraction_rule_round_flags_the_rounding():
    rounded = parse_amount("1.000.000,50", fraction="round")
    assert (rounded.value, rounded.problem, rounded.repair) == (1_000_001, None, "amount-rounded")
    assert parse_amount("0,4", fraction="round").problem == "amount-zero"


def test_plausible_range():
    assert amount_out_of_range(500, (50_000, 20_000_000)) == "amount-too-low"
    assert amount_out_of_range(500_000_000, (50_000, 20_000_000)) == "amount-too-high"
    assert amount_out_of_range(500_000, (50_000, 20_000_000)) is None
    assert amount_out_of_range(None, (50_000, 20_000_000)) is None


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


STYLES = [
    str,
    lambda n: _grouped(n, "."),  # Vietnamese
    lambda n: _grouped(n, ","),  # English / Excel en-US display
    lambda n: _grouped(n, " "),
    lambda n: _grouped(n, ".") + ",00",
    lambda n: _grouped(n, ",") + ".00",
    lambda n: _grouped(n, ".") + " đ",
    lambda n: _grouped(n, ".") + " đồng",
    lambda n: _grouped(n, ".") + " VNĐ",
    lambda n: f"{n} VND",
    lambda n: str(float(n)),  # a float cell as text: '500000.0'
    lambda n: cell_text(float(n)),  # a numeric cell as the reader renders it
    lambda n: cell_text(n),
]


@given(st.integers(min_value=1, max_value=10**15 - 1), st.sampled_from(range(len(STYLES))))
def test_format_then_parse_gives_the_number_back(n, style):
    written = STYLES[style](n)
    assert parse_amount(written).value == n, written


@given(st.text(max_size=40))
def test_parse_never_raises_and_never_guesses_a_fraction(text):
    amount = parse_amount(text)
    assert (amount.value is None) or (amount.value > 0 and amount.problem is None)


HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Nhóm đối tượng", "Mức trợ cấp"]


def _clean(make_xlsx, rules, rows):
    path = make_xlsx({"DS": [HEADER, *rows]})
    read = read_beneficiaries([Path(path)], rules)
    return clean_beneficiaries(read.data, rules, column_names(read.tables), today=TODAY)


def test_amount_problems_are_row_errors_naming_file_sheet_row_and_value(make_xlsx, rules):
    rows = [
        [1, "Lê Văn Một", "1950", "079050000001", "BTXH", "500.000"],
        [2, "Lê Văn Hai", "1950", "079050000002", "BTXH", 1_000_000 / 3],
        [3, "Lê Văn Ba", "1950", "079050000003", "BTXH", "-500000"],
        [4, "Lê Văn Bốn", "1950", "079050000004", "BTXH", "1" * 30],
        [5, "Lê Văn Năm", "1950", "079050000005", "BTXH", "500"],  # written in thousands
        [6, "Lê Văn Sáu", "1950", "079050000006", "BTXH", 750000],
        [7, "Lê Văn Bảy", "1950", "079050000007", "BTXH", None],
        [8, "Lê Văn Tám", "1950", "079050000008", "BTXH", "0"],
    ]
    result = _clean(make_xlsx, rules, rows)
    amounts = result.data["amount"]
    assert amounts.isna().tolist() == [False, True, True, True, True, False, True, True]
    assert amounts.iloc[0] == 500_000 and amounts.iloc[5] == 750_000
    found = result.problems[result.problems["field"] == "amount"]
    assert list(found["source_row"]) == [3, 4, 5, 6, 8, 9]
    assert list(found["code"]) == [
        "amount-fraction",
        "amount-negative",
        "amount-too-large",
        "amount-too-low",
        "amount-missing",
        "amount-zero",
    ]
    assert list(found["severity"]) == ["error"] * 4 + ["warning", "error"]
    assert {Path(f).name for f in found["source_file"]} == {"list.xlsx"} and set(found["source_sheet"]) == {"DS"}
    assert set(found["column"]) == {"F (Mức trợ cấp)"}
    assert list(found["value"])[:4] == [cell_text(1_000_000 / 3), "-500000", "1" * 30, "500"]
    assert list(result.data["errors"]) == [0, 1, 1, 1, 1, 0, 0, 1]
    assert result.data["amount_raw"].iloc[1] == cell_text(1_000_000 / 3)


def test_amount_bounds_come_from_rules(tmp_path, make_xlsx):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    text = (folder / "amounts.toml").read_text(encoding="utf-8")
    (folder / "amounts.toml").write_text(
        text.replace('fraction = "error"', 'fraction = "round"') + "\n[categories.KHAC]\nmin = 400\nmax = 1000\n",
        encoding="utf-8",
    )
    rules = load_rules(folder)
    assert rules.amounts.bounds("KHAC") == (400, 1000) and rules.amounts.bounds(None) == rules.amounts.default
    result = _clean(
        make_xlsx,
        rules,
        [
            [1, "Lê Văn Một", "1950", "079050000001", "Quà Tết", "500"],
            [2, "Lê Văn Hai", "1950", "079050000002", "BTXH", "500.000,5"],
        ],
    )
    assert result.data["amount"].tolist() == [500, 500_001]
    assert result.problems[result.problems["field"] == "amount"]["code"].tolist() == ["amount-rounded"]


@pytest.mark.parametrize(
    ("addition", "key"),
    [
        ("\n[categories.XYZ]\nmin = 1\nmax = 2\n", "categories.XYZ"),
        ("\n[categories.KHAC]\nmin = 5\nmax = 2\n", "categories.KHAC.max"),
        ("\n[categories.KHAC]\nmin = 0.5\nmax = 2\n", "categories.KHAC.min"),
    ],
)
def test_bad_amount_rules_name_file_and_key(tmp_path, addition, key):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    with (folder / "amounts.toml").open("a", encoding="utf-8") as handle:
        handle.write(addition)
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert "amounts.toml" in str(caught.value) and key in str(caught.value)


def test_rules_folder_without_amounts_file_uses_the_shipped_ranges(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    (folder / "amounts.toml").unlink()
    assert load_rules(folder).amounts == load_rules().amounts
