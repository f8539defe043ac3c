"""`asxh diff`: hand-made pairs of matched lists, one person per change kind, and the accounting check."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from asxh_cli.contract import Result, Status
from asxh_cli.diff import Via, check_accounting, compare, parse_month
from asxh_cli.export.columns import CLEAN_HEADERS
from asxh_cli.payout import MATCH_HEADERS, read_result_list

HEADERS = {f: vi for f, (vi, _en) in CLEAN_HEADERS.items()} | MATCH_HEADERS
LABELS = {"matched": "Khớp", "review": "Cần xác minh", "not_found": "Không tìm thấy"}
STATUS = {"alive": "Còn sống", "dead": "Đã chết", "moved": "Đã chuyển đi", None: ""}


def person(name: str, born: str, rid: str | None, row: int, **extra: object) -> dict[str, object]:
    """A result row as `asxh match` writes it: matched and alive unless told otherwise."""
    base: dict[str, object] = {
        "full_name": name,
        "birth_date": born,
        "national_id": rid,
        "address": "Tổ 1",
        "commune": "Phường Vũng Tàu",
        "category": "Người cao tuổi",
        "amount": "500000",
        "payment_method": "Qua tài khoản",
        "account_number": "9000" + born.replace("/", ""),
        "bank": "Agribank",
        "source_file": "btxh.xlsx",
        "source_sheet": "Phường A",
        "source_row": row,
        "result": "matched" if rid else "not_found",
        "register_id": rid,
        "register_status": "alive" if rid else None,
    }
    base.update(extra)
    return base


def write_result(path: Path, rows: list[dict[str, object]]) -> Path:
    """ket_qua_doi_sanh.csv from field-named rows (labels and headers in Vietnamese, as match writes it)."""
    fields = list(dict.fromkeys(f for r in rows for f in r))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([HEADERS[f] for f in fields])
        for r in rows:
            values = []
            for f in fields:
                v = r.get(f)
                if f == "result":
                    v = LABELS[str(v)]
                elif f == "register_status":
                    v = STATUS[v]
                values.append("" if v is None else v)
            writer.writerow(values)
    return path


ID = {k: f"0791500{k:05d}" for k in range(1, 20)}


def month_pair() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Last month and this month: one person per change kind."""
    prev = [
        person("Nguyễn Văn An", "01/01/1950", ID[1], 9),
        person("Trần Văn Bình", "02/02/1951", ID[2], 10),
        person("Lê Văn Cường", "03/03/1952", ID[3], 11),
        person("Phạm Văn Dũng", "04/04/1953", ID[4], 12, national_id="123456789"),
        person("Hoàng Văn Hùng", "05/05/1954", ID[5], 13, account_number="111111111111"),
        person("Vũ Thị Hải", "06/06/1955", ID[6], 14),
        person("Đỗ Văn Nam", "08/08/1957", ID[8], 15),
        person("Bùi Văn Phúc", "09/09/1958", ID[9], 16),
        person(
            "Ngô Văn Quang", "10/10/1959", None, 5, source_file="ho_ngheo.csv", source_sheet="ho_ngheo", amount="300000"
        ),
        person("Đặng Văn Sơm", "11/11/1960", ID[11], 17, address="Tổ 2"),
    ]
    cur = [
        person("Nguyễn Văn An", "01/01/1950", ID[1], 9),
        person("Trần Văn Bình", "02/02/1951", ID[2], 10, register_status="dead"),
        person("Lê Văn Cường", "03/03/1952", ID[3], 11, register_status="moved"),
        person("Phạm Văn Dũng", "04/04/1953", ID[4], 12),
        person("Hoàng Văn Hùng", "05/05/1954", ID[5], 13, account_number="222222222222"),
        person("Mai Văn Long", "07/07/1956", ID[7], 14),
        person("Đỗ Văn Nam", "08/08/1957", ID[8], 15, result="review", register_status=None),
        person("Bùi Văn Phúc", "09/09/1958", ID[9], 9, source_sheet="Phường B"),
        person("Ngô Văn Quang", "10/10/1959", None, 10, source_sheet="Phường B", amount="300000"),
        person("Đặng Văn Sơn", "11/11/1960", ID[11], 16, address="Tổ 5"),
    ]
    return prev, cur


@pytest.fixture
def pair(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    prev, cur = month_pair()
    return (
        read_result_list(write_result(tmp_path / "prev.csv", prev)).frame,
        read_result_list(write_result(tmp_path / "cur.csv", cur)).frame,
    )


def _names(diff, frame: pd.DataFrame, column: str, side: str = "current") -> set[str]:
    source = diff.current if side == "current" else diff.previous
    return set(source["full_name"].iloc[frame[column].to_numpy()])


def test_every_change_kind_is_found(pair):
    diff = compare(*pair)
    c = diff.counts
    assert (c.previous, c.current) == (10, 10)
    assert _names(diff, diff.new, "cur") == {"Mai Văn Long"}
    assert _names(diff, diff.left, "prev", "previous") == {"Vũ Thị Hải"}
    assert set(diff.left["reason"]) == {"Không còn trong danh sách (đã rút khỏi danh sách)"}
    assert list(diff.died["full_name"]) == ["Trần Văn Bình"] and diff.died["on_list"].all()
    assert list(diff.moved["full_name"]) == ["Lê Văn Cường"]
    info = diff.changes[diff.changes["group"] == "info"]
    assert set(zip(info["field"], info["old"], info["new"], strict=True)) == {
        ("national_id", "123456789", ID[4]),
        ("full_name", "Đặng Văn Sơm", "Đặng Văn Sơn"),
        ("address", "Tổ 2", "Tổ 5"),
    }
    assert info.loc[info["field"] == "national_id", "note"].item() == "CMND → CCCD" and c.cmnd_to_cccd == 1
    payment = diff.changes[diff.changes["group"] == "payment"]
    assert list(zip(payment["field"], payment["old"], payment["new"], strict=True)) == [
        ("account_number", "111111111111", "222222222222")
    ]
    assert payment["check"].all() and c.account_changed == 1
    results = diff.results.set_index("full_name")
    assert results.loc["Đỗ Văn Nam", ["old_result", "new_result"]].tolist() == [Result.MATCHED, Result.REVIEW]
    assert results.loc["Trần Văn Bình", "new_register_status"] == Status.DEAD
    assert (c.unchanged, c.changed, c.left, c.new) == (3, 6, 1, 1)  # An, Phúc, Quang: only their rows moved
    assert diff.blocking == 2


def test_rows_moved_to_another_sheet_or_file_are_followed(pair):
    diff = compare(*pair)
    prev_keys = diff.previous["row_key"].to_numpy()[diff.pairs["prev"]]
    cur_keys = diff.current["row_key"].to_numpy()[diff.pairs["cur"]]
    moves = dict(zip(prev_keys, cur_keys, strict=True))
    assert moves["btxh.xlsx:Phường A:16"] == "btxh.xlsx:Phường B:9"  # by register ID
    assert moves["ho_ngheo.csv:ho_ngheo:5"] == "btxh.xlsx:Phường B:10"  # never matched: by check code
    via = dict(zip(prev_keys, diff.pairs["via"], strict=True))
    assert via["btxh.xlsx:Phường A:16"] == Via.REGISTER_ID and via["ho_ngheo.csv:ho_ngheo:5"] == Via.CHECK_CODE
    assert via["btxh.xlsx:Phường A:15"] == Via.ROW  # matched, now in review: same row, same check code
    assert diff.counts.row_moved == 3  # Phúc, Quang, and Sơn (row 17 → 16)
    assert not {"Bùi Văn Phúc", "Ngô Văn Quang"} & _names(diff, diff.new, "cur")


def test_nobody_is_paired_twice(tmp_path):
    """Two namesakes born the same day last month, one this month without an ID: not guessed."""
    prev = [
        person("Lý Thị Mai", "01/01/1940", None, 9, national_id="111111111"),
        person("Lý Thị Mai", "01/01/1940", None, 10, national_id="222222222"),
    ]
    cur = [person("Lý Thị Mai", "01/01/1940", None, 30, source_sheet="Phường C")]
    diff = compare(
        read_result_list(write_result(tmp_path / "p.csv", prev)).frame,
        read_result_list(write_result(tmp_path / "c.csv", cur)).frame,
    )
    assert len(diff.pairs) == 0 and (diff.counts.left, diff.counts.new) == (2, 1)
    assert not check_accounting(diff)


def test_one_register_person_on_two_rows_pairs_each_row_once(tmp_path):
    """One person on two lists (two entitlements), rows renumbered: each row followed to one row."""
    prev = [
        person("Hà Văn Tài", "01/01/1940", ID[12], 9, category="Người cao tuổi"),
        person("Hà Văn Tài", "01/01/1940", ID[12], 10, category="Thương binh", source_file="ncc.xlsx"),
    ]
    cur = [
        person("Hà Văn Tài", "01/01/1940", ID[12], 11, category="Thương binh", source_file="ncc.xlsx"),
        person("Hà Văn Tài", "01/01/1940", ID[12], 12, category="Người cao tuổi"),
    ]
    diff = compare(
        read_result_list(write_result(tmp_path / "p.csv", prev)).frame,
        read_result_list(write_result(tmp_path / "c.csv", cur)).frame,
    )
    assert sorted(zip(diff.pairs["prev"], diff.pairs["cur"], strict=True)) == [(0, 1), (1, 0)]
    assert diff.counts.changed == 0 and len(diff.changes) == 0


def test_death_date_from_register_and_amount_to_recover(pair):
    register = pd.DataFrame(
        {
            "national_id": [ID[2], ID[3], ID[6]],
            "status_kind": [Status.DEAD, Status.MOVED, Status.DEAD],
            "death_date": ["15/12/2025", None, "20/01/2026"],
            "address": ["Tổ 1", "Số 5 Lê Lợi", "Tổ 1"],
            "commune": ["Phường Vũng Tàu", "Phường Rạch Dừa", "Phường Vũng Tàu"],
        }
    )
    diff = compare(*pair, register=register, paid_through=(2026, 2))
    died = diff.died.set_index("full_name")
    assert died.loc["Trần Văn Bình", ["death_date", "months_after", "to_recover", "last_paid"]].tolist() == [
        "15/12/2025",
        2,
        1_000_000,
        "02/2026",
    ]
    assert "mai táng" in died.loc["Trần Văn Bình", "note"]
    # Hải left the list and the register says she died in January: one month to recover, not on the list now.
    assert died.loc["Vũ Thị Hải", ["on_list", "months_after", "to_recover"]].tolist() == [False, 1, 500_000]
    assert diff.left.set_index("prev").loc[5, "reason"] == "Đã chết (theo CSDLQG tháng này)"
    assert diff.moved.set_index("full_name").loc["Lê Văn Cường", "new_place"] == "Số 5 Lê Lợi, Phường Rạch Dừa"
    assert (diff.counts.amount_to_recover, diff.counts.months_to_recover) == (1_500_000, 3)


def test_without_paid_through_nothing_is_guessed(pair):
    diff = compare(*pair)
    assert diff.died["months_after"].isna().all() and diff.died["to_recover"].isna().all()
    assert diff.counts.amount_to_recover == 0


def test_accounting_balances_and_the_check_catches_a_broken_diff(pair):
    diff = compare(*pair)
    c = diff.counts
    assert c.previous == c.unchanged + c.changed + c.left
    assert c.current == c.unchanged + c.changed + c.new
    assert check_accounting(diff) == []
    twice = dataclasses.replace(diff, pairs=pd.concat([diff.pairs, diff.pairs.iloc[:1]], ignore_index=True))
    assert any("twice" in p for p in check_accounting(twice))
    lost = dataclasses.replace(diff, left=diff.left.iloc[0:0])
    assert check_accounting(lost)
    miscounted = dataclasses.replace(diff, counts=dataclasses.replace(c, unchanged=c.unchanged + 1))
    assert check_accounting(miscounted)


def test_unchanged_lists_show_no_change(tmp_path):
    prev, _ = month_pair()
    frame = read_result_list(write_result(tmp_path / "p.csv", prev)).frame
    diff = compare(frame, frame.copy())
    assert diff.counts.unchanged == len(prev) and diff.counts.changed == 0 and diff.blocking == 0


@pytest.mark.parametrize(
    ("text", "month"), [("02/2026", (2026, 2)), ("2/2026", (2026, 2)), ("2026-02", (2026, 2)), ("13/2026", None)]
)
def test_parse_month(text, month):
    assert parse_month(text) == month


def test_the_same_row_in_next_months_folder_is_the_same_row(tmp_path):
    """Each month's lists sit in their own folder: a row is the same row by file name, sheet and row."""
    prev = [person("Ngô Văn Quang", "10/10/1959", None, 5, source_file="thang_1/ho_ngheo.csv")]
    cur = [person("Ngô Văn Quang", "10/10/1959", None, 5, source_file="thang_2/ho_ngheo.csv")]
    diff = compare(
        read_result_list(write_result(tmp_path / "p.csv", prev)).frame,
        read_result_list(write_result(tmp_path / "c.csv", cur)).frame,
    )
    assert list(diff.pairs["via"]) == [Via.ROW] and diff.counts.row_moved == 0
