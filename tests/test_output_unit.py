"""Outputs written as one unit: after any failure the target holds exactly the previous run's outputs."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from asxh_cli.errors import ExitCode, OutputError
from asxh_cli.io.output import LOCK, MANIFEST, OutputUnit
from asxh_cli.io.writer import write_csv

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(target: Path, files: dict[str, str], command: str = "match", **options) -> OutputUnit:
    with OutputUnit(target, command, **options) as unit:
        for name, text in files.items():
            unit.path(name).write_text(text, encoding="utf-8")
    return unit


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """A folder holding a complete earlier run of `match` and a file of the user's."""
    target = tmp_path / "ket_qua"
    run(target, {"ket_qua_doi_sanh.csv": "old csv", "ket_qua_doi_sanh.xlsx": "old xlsx"})
    (target / "ghi_chu.txt").write_text("mine", encoding="utf-8")
    return target


def test_success_moves_every_file_into_place_and_records_them(previous):
    unit = run(previous, {"ket_qua_doi_sanh.csv": "new csv", "ket_qua_doi_sanh.xlsx": "new xlsx"})
    assert unit.written == [previous / "ket_qua_doi_sanh.csv", previous / "ket_qua_doi_sanh.xlsx"]
    assert (previous / "ket_qua_doi_sanh.xlsx").read_text(encoding="utf-8") == "new xlsx"
    assert sorted(p.name for p in previous.iterdir()) == [
        MANIFEST,
        "ghi_chu.txt",
        "ket_qua_doi_sanh.csv",
        "ket_qua_doi_sanh.xlsx",
    ]
    manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["match"]["files"] == ["ket_qua_doi_sanh.csv", "ket_qua_doi_sanh.xlsx"]


@pytest.mark.parametrize("fault", [RuntimeError("writer broke"), KeyboardInterrupt()])
def test_failure_half_way_leaves_the_previous_outputs(previous, fault):
    before = snapshot(previous)
    with pytest.raises(type(fault)), OutputUnit(previous, "match") as unit:
        unit.path("ket_qua_doi_sanh.csv").write_text("new csv " * 1000, encoding="utf-8")
        unit.path("ket_qua_doi_sanh.xlsx").write_text("half a work", encoding="utf-8")
        raise fault
    assert snapshot(previous) == before  # no temporary folder, no lock, nothing new


def test_sigterm_during_the_run_cleans_up(previous):
    before = snapshot(previous)
    with pytest.raises(KeyboardInterrupt), OutputUnit(previous, "match") as unit:
        unit.path("ket_qua_doi_sanh.csv").write_text("new", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGTERM)
    assert snapshot(previous) == before
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_full_disk_names_the_file_and_changes_nothing(previous, monkeypatch):
    before = snapshot(previous)

    def full_disk(self, path, *args, **kwargs):
        Path(path).write_text("partial", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(OutputError) as caught, OutputUnit(previous, "match") as unit:
        write_csv(pd.DataFrame({"a": [1]}), unit.path("ket_qua_doi_sanh.csv"))
    assert caught.value.exit_code == ExitCode.UNUSABLE
    assert str(previous / "ket_qua_doi_sanh.csv") in str(caught.value)
    assert ".asxh-tmp" not in str(caught.value)
    assert snapshot(previous) == before


def test_raw_oserror_from_a_writer_becomes_a_clear_error(previous):
    before = snapshot(previous)
    with pytest.raises(OutputError) as caught, OutputUnit(previous, "match") as unit:
        raise OSError(errno.EACCES, "Permission denied", str(unit.path("ket_qua_doi_sanh.xlsx")))
    assert str(previous / "ket_qua_doi_sanh.xlsx") in str(caught.value)
    assert snapshot(previous) == before


def test_failed_check_keeps_the_previous_outputs(previous):
    before = snapshot(previous)
    with pytest.raises(OutputError, match="Kiểm tra lại"), OutputUnit(previous, "match") as unit:
        path = unit.path("ket_qua_doi_sanh.csv")
        path.write_text("a\n1\n", encoding="utf-8")
        unit.check(path, lambda p: len(p.read_text(encoding="utf-8").splitlines()) == 3)
    assert snapshot(previous) == before
    with OutputUnit(previous, "match") as unit:
        path = unit.path("ket_qua_doi_sanh.csv")
        path.write_text("a\n1\n2\n", encoding="utf-8")
        unit.check(path, lambda p: len(p.read_text(encoding="utf-8").splitlines()) == 3)
    assert (previous / "ket_qua_doi_sanh.csv").read_text(encoding="utf-8") == "a\n1\n2\n"


def test_files_of_the_previous_run_not_written_again_are_removed_and_nothing_else(previous):
    run(previous, {"khao_sat_xa_a.xlsx": "survey"}, command="survey-make")
    unit = run(previous, {"ket_qua_doi_sanh.csv": "new csv"})
    assert unit.removed == [previous / "ket_qua_doi_sanh.xlsx"]
    assert sorted(p.name for p in previous.iterdir()) == [
        MANIFEST,
        "ghi_chu.txt",
        "ket_qua_doi_sanh.csv",
        "khao_sat_xa_a.xlsx",
    ]
    manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["survey-make"]["files"] == ["khao_sat_xa_a.xlsx"]


def test_a_manifest_naming_other_paths_removes_nothing_outside(previous, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    (previous / MANIFEST).write_text(
        json.dumps({"match": {"files": ["../outside.txt", "ghi_chu.txt/..", "/etc/passwd", 5]}}), encoding="utf-8"
    )
    run(previous, {"ket_qua_doi_sanh.csv": "x"})
    assert outside.read_text(encoding="utf-8") == "keep" and (previous / "ghi_chu.txt").exists()


def test_writers_that_take_a_folder_write_into_unit_folder(tmp_path):
    target = tmp_path / "phu_luc"
    with OutputUnit(target, "export") as unit:
        for name in ("a.xlsx", "b.xlsx"):
            (unit.folder / name).write_text(name, encoding="utf-8")
        assert unit.final(unit.folder / "a.xlsx") == target / "a.xlsx"
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "a.xlsx", "b.xlsx"]


def test_protected_file_is_kept_under_a_dated_name(previous):
    old = previous / "ket_qua_doi_sanh.xlsx"
    os.utime(old, (1_796_000_000, 1_796_000_000))
    unit = run(
        previous,
        {"ket_qua_doi_sanh.csv": "new csv", "ket_qua_doi_sanh.xlsx": "new xlsx"},
        protect=lambda p: p.suffix == ".xlsx" and "old" in p.read_text(encoding="utf-8"),
    )
    ((original, kept),) = unit.kept
    assert original == old and kept.parent == previous
    assert kept.name.startswith("ket_qua_doi_sanh (") and kept.name.endswith(").xlsx")
    assert kept.read_text(encoding="utf-8") == "old xlsx"
    assert old.read_text(encoding="utf-8") == "new xlsx"
    # kept files belong to the user: a later run never removes them
    run(previous, {"ket_qua_doi_sanh.csv": "newer"})
    assert kept.exists()


def test_protected_file_is_not_removed_as_stale(previous):
    unit = run(previous, {"ket_qua_doi_sanh.csv": "new csv"}, protect=lambda p: p.suffix == ".xlsx")
    assert unit.removed == [] and len(unit.kept) == 1 and unit.kept[0][1].exists()


def test_a_file_the_predicate_cannot_judge_is_kept(previous):
    def broken(path: Path) -> bool:
        raise ValueError("damaged workbook")

    unit = run(previous, {"ket_qua_doi_sanh.csv": "new csv", "ket_qua_doi_sanh.xlsx": "new"}, protect=broken)
    assert [original.name for original, _ in unit.kept] == ["ket_qua_doi_sanh.csv", "ket_qua_doi_sanh.xlsx"]
    assert all(kept.exists() for _, kept in unit.kept)


def test_output_equal_to_an_input_is_refused(previous):
    source = previous / "ghi_chu.txt"
    with pytest.raises(OutputError, match="Không ghi đè tệp đầu vào"), OutputUnit(previous, "match", [source]) as unit:
        unit.path("ghi_chu.txt")
    assert source.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", ["../escaped.xlsx", "a/b.xlsx", MANIFEST, LOCK, "..", ""])
def test_names_must_be_single_file_names(tmp_path, name):
    with pytest.raises(OutputError), OutputUnit(tmp_path / "out", "export") as unit:
        unit.path(name)
    assert not (tmp_path / "escaped.xlsx").exists()


def test_folders_0700_and_files_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        target = tmp_path / "a" / "b"
        run(target, {"x.csv": "1"})
        with OutputUnit.for_file(tmp_path / "c" / "one.xlsx", "clean") as unit:
            unit.path().write_text("1", encoding="utf-8")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", target, tmp_path / "c"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in (target / "x.csv", target / MANIFEST, tmp_path / "c" / "one.xlsx"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_single_file_unit(tmp_path):
    path = tmp_path / "loi.xlsx"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), OutputUnit.for_file(path, "validate") as unit:
        unit.path().write_text("half", encoding="utf-8")
        raise RuntimeError
    assert snapshot(tmp_path) == {"loi.xlsx": b"old"}
    with OutputUnit.for_file(path, "validate") as unit:
        unit.path().write_text("new", encoding="utf-8")
    assert snapshot(tmp_path) == {"loi.xlsx": b"new"}  # no manifest, no lock left for a single file
    assert unit.written == [path]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from asxh_cli.io.output import OutputUnit
    with OutputUnit(Path(sys.argv[1]), "export") as unit:
        unit.path("half.xlsx").write_text("half", encoding="utf-8")
        print("ready", flush=True)
        time.sleep(60)
    """
)


def test_second_run_on_the_same_folder_is_refused_then_a_killed_runs_lock_is_taken_over(previous):
    before = snapshot(previous)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(previous)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(OutputError) as caught:
            run(previous, {"ket_qua_doi_sanh.csv": "second"})
        assert caught.value.key == "output.locked" and caught.value.exit_code == 2
        assert "đang được một lần chạy khác ghi" in str(caught.value) and str(holder.pid) in str(caught.value)
    finally:
        holder.kill()  # SIGKILL: no clean-up runs in the holder
        holder.wait()
        holder.stdout.close()
    leftovers = [p.name for p in previous.iterdir() if p.name.startswith(".asxh-tmp-")]
    assert leftovers  # the killed run's temporary folder is still there ...
    run(previous, {"ket_qua_doi_sanh.csv": "new csv", "ket_qua_doi_sanh.xlsx": "new xlsx"})
    after = snapshot(previous)
    assert after["ket_qua_doi_sanh.csv"] == b"new csv"
    assert set(after) == set(before)  # ... and is swept by the next run; no lock left behind


def test_stale_lock_with_a_dead_pid_is_taken_over(previous):
    (previous / LOCK).write_text(json.dumps({"pid": 2**22 + 12345, "command": "match"}), encoding="utf-8")
    run(previous, {"ket_qua_doi_sanh.csv": "new"})
    assert not (previous / LOCK).exists()


def test_cli_outputs_are_owner_only_under_umask_000(tmp_path, make_xlsx):
    from typer.testing import CliRunner

    from asxh_cli.cli import app

    people = make_xlsx({"DS": [["Họ và tên", "Ngày sinh", "Số CCCD"], ["Lê Văn An", "01/01/1950", "079050000001"]]})
    target = tmp_path / "moi" / "sach.csv"
    old = os.umask(0)
    try:
        result = CliRunner().invoke(app, ["clean", str(people), "-o", str(target), "--quiet"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
