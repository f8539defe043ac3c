"""Bench `asxh diff` on two synthetic matched lists (not made with asxh_cli/sample.py). Run by hand:

    python -m bench.diff_bench --rows 100000

Builds last month's ket_qua_doi_sanh.csv (every row matched and alive) and this month's from it with known
changes: about 0.5 % dead, 0.3 % moved, 2 % left, 2 % new, 1 % CMND → CCCD, 1 % new account numbers, 5 % rows
moved to another sheet. Times reading both files, the diff and its accounting check, and writing bien_dong.xlsx,
and checks the counts against what was planted.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from asxh_cli.contract import fingerprint
from asxh_cli.diff import check_accounting, compare
from asxh_cli.export.columns import CLEAN_HEADERS
from asxh_cli.export.diff_report import write_diff_workbook
from asxh_cli.payout import MATCH_HEADERS, read_result_list

FIELDS = [
    "full_name",
    "birth_date",
    "national_id",
    "commune",
    "category",
    "amount",
    "payment_method",
    "account_number",
    "bank",
    "source_file",
    "source_sheet",
    "source_row",
    "result",
    "register_id",
    "register_status",
    "fingerprint",
]
HEADERS = {f: vi for f, (vi, _en) in CLEAN_HEADERS.items()} | MATCH_HEADERS
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Mai", "Nam", "Phúc", "Sơn", "Thảo", "Yến"]
SHEETS = ["Phường A", "Phường B", "Phường C", "Xã D"]


def month_one(rows: int, rng: random.Random) -> list[dict[str, str]]:
    people = []
    for i in range(rows):
        people.append(
            {
                "full_name": f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)} {i}",
                "birth_date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1930, 2010)}",
                "national_id": f"0{i:011d}",
                "commune": SHEETS[i % 4],
                "category": "Người cao tuổi",
                "amount": "500000",
                "payment_method": "Qua tài khoản",
                "account_number": f"9{i:012d}",
                "bank": "Agribank",
                "source_file": "btxh.xlsx",
                "source_sheet": SHEETS[i % 4],
                "source_row": str(9 + i // 4),
                "result": "Khớp",
                "register_id": f"0{i:011d}",
                "register_status": "Còn sống",
            }
        )
    return people


def month_two(people: list[dict[str, str]], rng: random.Random) -> tuple[list[dict[str, str]], dict[str, int]]:
    """This month's rows from last month's, with planted changes (CMND → CCCD rewrites last month's row)."""
    planted = {"died": 0, "moved": 0, "left": 0, "new": 0, "cccd": 0, "account": 0, "row_moved": 0}
    out = []
    for person in people:
        row = dict(person)
        draw = rng.random()
        if draw < 0.02:
            planted["left"] += 1
            continue
        if draw < 0.025:
            row["register_status"], planted["died"] = "Đã chết", planted["died"] + 1
        elif draw < 0.028:
            row["register_status"], planted["moved"] = "Đã chuyển đi", planted["moved"] + 1
        elif draw < 0.038:
            # last month's row still carried the old 9-digit CMND
            person["national_id"], planted["cccd"] = f"{rng.randrange(10**8, 10**9)}", planted["cccd"] + 1
        elif draw < 0.048:
            row["account_number"], planted["account"] = f"8{rng.randrange(10**12):012d}", planted["account"] + 1
        out.append(row)
    base = len(people)
    for k in range(int(base * 0.02)):
        extra = dict(people[k % base])
        extra.update(full_name=f"Lâm Thị Mới {k}", national_id=f"1{k:011d}", register_id=f"1{k:011d}")
        out.append(extra)
        planted["new"] += 1
    rng.shuffle(out)  # every row gets a new place: the diff must follow people, not rows
    for number, row in enumerate(out):
        row["source_sheet"] = SHEETS[number % 4] if rng.random() < 0.05 else row["commune"]
        row["source_row"] = str(9 + number)
    planted["row_moved"] = len(out)
    return out, planted


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    """The rows as `asxh match` writes them, with each row's check code (Mã kiểm tra)."""
    for row in rows:
        row["fingerprint"] = fingerprint(row["full_name"], row["birth_date"], row["national_id"])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([HEADERS[f] for f in FIELDS])
        writer.writerows([r[f] for f in FIELDS] for r in rows)
    return path


def _clocks() -> tuple[float, float]:
    """(wall, CPU) seconds: on a shared machine the CPU time is the figure that does not depend on the load."""
    return time.perf_counter(), time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    previous = month_one(args.rows, rng)
    current, planted = month_two(previous, rng)
    with tempfile.TemporaryDirectory() as folder:
        prev_path = write(Path(folder) / "thang_1.csv", previous)
        cur_path = write(Path(folder) / "thang_2.csv", current)
        start = _clocks()
        before, after = read_result_list(prev_path), read_result_list(cur_path)
        read = _clocks()
        diff = compare(before.frame, after.frame)
        problems = check_accounting(diff)
        compared = _clocks()
        write_diff_workbook(diff, Path(folder) / "bien_dong.xlsx", prev_path.name, cur_path.name)
        written = _clocks()
    c = diff.counts
    print(f"rows: {len(previous):,} → {len(current):,}")
    for label, (a, b) in {
        "read both (read_result_list ×2)": (start, read),
        "diff + accounting check": (read, compared),
        "write bien_dong.xlsx": (compared, written),
    }.items():
        print(f"{label}: {b[0] - a[0]:.2f} s wall, {b[1] - a[1]:.2f} s CPU")
    print(f"planted: {planted}")
    print(
        f"found: died {c.died}, moved {c.moved}, left {c.left}, new {c.new}, CMND→CCCD {c.cmnd_to_cccd}, "
        f"account {c.account_changed}, rows moved {c.row_moved}, unchanged {c.unchanged}, balanced: {not problems}"
    )
    found = {"died": c.died, "moved": c.moved, "left": c.left, "new": c.new, "cccd": c.cmnd_to_cccd}
    found["account"] = c.account_changed
    if problems or any(found[k] != planted[k] for k in found):
        raise SystemExit("the diff does not find what was planted")


if __name__ == "__main__":
    main()
