"""Payment invariants over generated raw workbooks (hypothesis), built here without asxh_cli/sample.py.

For any set of list files — several sheets, people repeated across sheets and files, two files of one name in
different folders, totals and notes rows, people missing from the register, register statuses in free text:
- every person row written is in the result exactly once, and no totals or notes row is;
- nobody is on a payment list twice, and nobody dead, moved, of unknown status or unmatched is on one;
- the people counted in the written Phụ lục 2 files equal the rows of the list, file by file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asxh_cli.contract import Status
from asxh_cli.io.writer import write_csv
from asxh_cli.payout import EXCEPTION
from asxh_cli.pipeline import ReadOptions, run_export, run_match
from asxh_cli.rules import load_rules

DAY = dt.date(2026, 1, 5)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Mức trợ cấp", "Hình thức nhận", "Số tài khoản", "Ngân hàng"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Minh", "Phúc", "Quyên", "Sơn", "Tâm"]
STATUS_TEXTS = {
    Status.ALIVE: ["Còn sống", "Thường trú"],
    Status.DEAD: ["Đã chết", "Đã chết (2025)", "Qua đời", "Đã khai tử"],
    Status.MOVED: ["Đã chuyển đi", "Chuyển đi nơi khác"],
    Status.UNKNOWN: ["", "Đang xác minh"],
}


def pool(size: int) -> list[dict[str, str]]:
    """Distinct people (name, birth date, ID) — half of them also in the register."""
    people = []
    for i in range(size):
        year = 1940 + i
        people.append(
            {
                "name": f"{FAMILY[i % len(FAMILY)]} Văn {GIVEN[i % len(GIVEN)]}",
                "born": f"{1 + i % 27:02d}/{1 + i % 12:02d}/{year}",
                "id": f"0790{year % 100:02d}{i:06d}",  # province 079, a man born in the 1900s
            }
        )
    return people


PEOPLE = pool(12)


@st.composite
def scenarios(draw):
    statuses = [draw(st.sampled_from(list(Status))) for _ in PEOPLE]
    texts = [draw(st.sampled_from(STATUS_TEXTS[s])) for s in statuses]
    in_register = [draw(st.booleans()) or i < 3 for i in range(len(PEOPLE))]
    files = []
    for f in range(draw(st.integers(1, 2))):
        sheets = {}
        for s in range(draw(st.integers(1, 3))):
            rows = draw(st.lists(st.integers(0, len(PEOPLE) - 1), min_size=1, max_size=5))
            extras = draw(st.sets(st.sampled_from(["total", "note", "blank"])))
            sheets[f"Tổ {s + 1}"] = (rows, extras)
        files.append((f"xa_{f}", sheets))
    same_name = draw(st.booleans())
    return statuses, texts, in_register, files, same_name


def write_lists(root: Path, files, same_name: bool) -> tuple[list[Path], dict[tuple[str, str, int], int]]:
    """The workbooks, and every person row written: (path, sheet, Excel row) → person index."""
    paths, persons = [], {}
    for folder, sheets in files:
        path = root / folder / ("ds.xlsx" if same_name else f"{folder}.xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, (rows, extras) in sheets.items():
            sheet = book.create_sheet(title)
            sheet.append(["UBND XÃ", None, "DANH SÁCH CHI TRẢ"])
            sheet.append(HEADER)
            for n, i in enumerate(rows, start=1):
                p = PEOPLE[i]
                account = "10" + p["id"][-9:]  # each person their own account
                sheet.append([n, p["name"], p["born"], p["id"], 500000, "Chuyển khoản", account, "BIDV"])
                persons[(str(path), title, sheet.max_row)] = i
            if "blank" in extras:
                sheet.append([None])
            if "total" in extras:
                sheet.append(["Tổng cộng", None, None, None, 500000 * len(rows)])
            if "note" in extras:
                sheet.append(["Ghi chú: danh sách đã được UBND xã rà soát ngày 01/12/2025"])
        book.save(path)
        paths.append(path)
    return paths, persons


def write_register(path: Path, texts: list[str], in_register: list[bool]) -> None:
    import pandas as pd

    rows = [
        {"Số định danh cá nhân": p["id"], "Họ và tên": p["name"], "Ngày sinh": p["born"], "Tình trạng": t}
        for p, t, kept in zip(PEOPLE, texts, in_register, strict=True)
        if kept
    ]
    write_csv(pd.DataFrame(rows), path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_payment_invariants_hold_on_any_raw_workbooks(scenario):
    statuses, texts, in_register, files, same_name = scenario
    rules = load_rules()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths, persons = write_lists(root, files, same_name)
        write_register(root / "reg.csv", texts, in_register)
        run = run_match(paths, root / "reg.csv", rules, ReadOptions())

        keys = list(zip(run.table["Tệp gốc"], run.table["Sheet gốc"], run.table["Dòng gốc"].astype(int), strict=True))
        assert sorted(keys) == sorted(persons)  # every person row once; no totals, notes or blank rows
        for table in run.read.tables:  # every non-empty row: a person, a header row, or a listed skipped row
            sheet = openpyxl.load_workbook(table.file)[table.sheet]
            filled = [
                r for r, row in enumerate(sheet.iter_rows(values_only=True), 1) if any(v is not None for v in row)
            ]
            listed = [*map(int, table.data["source_row"]), *table.header_rows, *(s.row for s in table.skipped_list)]
            assert sorted(listed) == filled

        csv = root / "kq.csv"
        write_csv(run.table, csv)
        export = run_export(csv, rules, root / "pl2", "Tết", False, DAY)
        frame = export.assignment.frame
        paid = frame[frame["list"] != EXCEPTION]
        assert paid["register_id"].notna().all()
        assert not paid["register_id"].duplicated().any()  # nobody paid twice
        person_of = {p["id"]: i for i, p in enumerate(PEOPLE)}
        for register_id in paid["register_id"]:
            i = person_of[register_id]
            assert in_register[i] and statuses[i] == Status.ALIVE  # nobody ineligible paid

        on_disk = {w.list_code: _people_in(w.path) for w in export.written}
        assert on_disk == {w.list_code: w.people for w in export.written}
        assert sum(on_disk.values()) == len(frame) == len(persons)
        assert on_disk.get(EXCEPTION, 0) == int((frame["list"] == EXCEPTION).sum())


def _people_in(path: Path) -> int:
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return sum(1 for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int))
