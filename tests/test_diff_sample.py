"""`asxh sample --months 2`: the next month differs from the first by exactly the changes it says it planted."""

from __future__ import annotations

from asxh_cli.sample import STATUS_DEAD, STATUS_MOVED, make_beneficiaries, make_next_month, make_register


def test_next_month_plants_the_changes_it_lists():
    register = make_register(400, seed=5)
    rows, truth = make_beneficiaries(register, 120, seed=6)
    register2, rows2, truth2, changes = make_next_month(register, rows, truth, seed=5)
    kinds: dict[str, list[str]] = {}
    for kind, person in changes:
        kinds.setdefault(kind, []).append(person)
    by_id = {p["national_id"]: p for p in register2}
    assert {by_id[i]["status"] for i in kinds["Đã chết"]} == {STATUS_DEAD}
    assert all(by_id[i]["death_date"].endswith("/12/2025") for i in kinds["Đã chết"])
    assert {by_id[i]["status"] for i in kinds["Chuyển đi"]} == {STATUS_MOVED}
    assert len(rows2) == len(rows) - len(kinds["Thôi hưởng"]) + len(kinds["Mới"])
    listed_before = {t["expected_id"] for t in truth}
    assert not set(kinds["Mới"]) & listed_before
    ids_now = {r["national_id"] for r in rows2}
    assert set(kinds["CMND → CCCD"]) <= ids_now
    assert all(t["status"] == by_id[t["expected_id"]]["status"] for t in truth2 if t["expected_id"])
    # the first month is untouched
    assert make_beneficiaries(register, 120, seed=6) == (rows, truth)
    before = {p["national_id"]: p["status"] for p in register}
    assert all(before[i] != STATUS_DEAD for i in kinds["Đã chết"])  # alive last month, and month 1 not mutated
