"""The prepared register is reused only for the same extract and the same rules, and kept private."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.io.reader import read_register
from asxh_cli.match import register_cache
from asxh_cli.match.register import prepare_register
from asxh_cli.match.register_cache import prepared_register
from asxh_cli.rules import default_rules_dir, load_rules

TODAY = dt.date(2026, 3, 1)
HEADER = "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Tình trạng\n"
ROWS = [
    "079048555666,Nguyễn Văn Hùng,01/02/1948,Nam,Còn sống\n",
    "079050000001,Trần Thị Mai,15/06/1950,Nữ,Đã chết\n",
    "079061234567,Lê Văn Tám,1961,Nam,Còn sống\n",
]


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    path = tmp_path / "csdl.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


def _ids(path: Path, rules) -> list[str]:
    return prepared_register(path, rules, today=TODAY).register.people["national_id"].tolist()


def test_second_run_reuses_the_same_prepared_register(extract, rules, private_cache):
    first = prepared_register(extract, rules, today=TODAY)
    again = prepared_register(extract, rules, today=TODAY)
    assert (first.reused, first.stored) == (False, True)
    assert (again.reused, again.stored) == (True, False)
    fresh = prepare_register(read_register(extract, rules), rules, TODAY)
    pd.testing.assert_frame_equal(again.register.people, fresh.people, check_dtype=False)
    for column in fresh.people.columns:  # missing stays None, not NaN, as the matching code expects
        assert [type(v) for v in again.register.people[column]] == [type(v) for v in fresh.people[column]] or (
            column == "status_kind"
        )
    kept = {k: v for k, v in vars(again.register).items() if k != "people"}
    assert kept == {k: v for k, v in vars(fresh).items() if k != "people"}


def test_a_changed_extract_is_prepared_again(extract, rules, private_cache):
    assert _ids(extract, rules) == ["079048555666", "079050000001", "079061234567"]
    before = extract.stat()
    extract.write_text(HEADER + "".join(ROWS[:2]) + "079061234568,Lê Văn Tám,1961,Nam,Còn sống\n", encoding="utf-8")
    os.utime(extract, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size and time: the bytes must tell
    assert extract.stat().st_size == before.st_size
    again = prepared_register(extract, rules, today=TODAY)
    assert not again.reused
    assert again.register.people["national_id"].tolist()[-1] == "079061234568"
    assert len(list(private_cache.glob("*" + register_cache.DATA))) == 1  # the stale copy is gone


def test_changed_rules_prepare_again(extract, rules, tmp_path):
    assert not prepared_register(extract, rules, today=TODAY).reused
    assert prepared_register(extract, rules, today=TODAY).reused
    copy = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), copy)
    assert prepared_register(extract, load_rules(copy), today=TODAY).reused  # the content counts, not the place
    with (copy / "matching.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# an office's note\n")
    assert not prepared_register(extract, load_rules(copy), today=TODAY).reused


def test_changed_preparing_code_prepares_again(extract, rules, monkeypatch):
    assert not prepared_register(extract, rules, today=TODAY).reused
    assert prepared_register(extract, rules, today=TODAY).reused
    monkeypatch.setattr(register_cache, "PREPARING", (*register_cache.PREPARING, "clean.py"))
    assert not prepared_register(extract, rules, today=TODAY).reused


def test_preparing_code_is_every_module_the_cache_imports():
    """A change to any module that reads or prepares the register (a normaliser, the name keys) gives another key:
    the modules hashed are those that importing the cache loads."""
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES], capture_output=True, text=True, check=True
    ).stdout.split()
    package = Path(register_cache.__file__).resolve().parent.parent
    files = {Path(f).resolve().relative_to(package).as_posix() for f in loaded}
    files -= {name for name in files if name.endswith("/__init__.py")}  # the subpackages' (empty) markers
    assert files == set(register_cache.PREPARING)


LOADED_MODULES = """
import sys
import asxh_cli.match.register_cache
print(*(m.__file__ for n, m in sys.modules.items() if n.split(".")[0] == "asxh_cli"))
"""


def test_cache_files_are_private(extract, rules, private_cache):
    prepared_register(extract, rules, today=TODAY)
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700
    files = list(private_cache.iterdir())
    assert len(files) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_cache_off_writes_nothing(extract, rules, private_cache, monkeypatch):
    monkeypatch.setenv("ASXH_CACHE", "off")
    assert not prepared_register(extract, rules, today=TODAY).reused
    assert not prepared_register(extract, rules, today=TODAY).reused
    assert not private_cache.exists()


def test_a_damaged_cache_is_rebuilt(extract, rules, private_cache):
    prepared_register(extract, rules, today=TODAY)
    for file in private_cache.glob("*" + register_cache.DATA):
        file.write_bytes(b"not an Arrow file")
    again = prepared_register(extract, rules, today=TODAY)
    assert not again.reused and again.stored
    assert prepared_register(extract, rules, today=TODAY).reused


def test_cli_prepares_then_match_says_it_reuses(extract, tmp_path):
    runner = CliRunner()
    prepared = runner.invoke(app, ["register", "prepare", str(extract)])
    assert prepared.exit_code == 0, prepared.output
    assert "Đã chuẩn bị và lưu" in prepared.output and "3 người dùng được" in prepared.output
    book = openpyxl.Workbook()
    book.active.append(["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân"])
    book.active.append([1, "Nguyễn Văn Hùng", "01/02/1948", "079048555666"])
    beneficiaries = tmp_path / "ds.xlsx"
    book.save(beneficiaries)
    matched = runner.invoke(app, ["match", str(beneficiaries), "-r", str(extract), "-o", str(tmp_path / "kq")])
    assert matched.exit_code == 0, matched.output
    assert "dùng bản đã chuẩn bị" in matched.output


def test_a_copy_left_half_written_is_removed_when_the_extract_is_stored(extract, rules, private_cache):
    """A run ended while writing the prepared register (Ctrl-C, a kill) leaves a temporary file of up to a
    gigabyte or two for a province; the next copy of the same extract removes it, and no other extract's."""
    prepared_register(extract, rules, today=TODAY)
    stored = next(private_cache.glob("*" + register_cache.DATA))
    left = private_cache / f".{stored.name}.x1y2z3.tmp"
    other = private_cache / ".register-0123456789abcdef-feed.arrow.a1b2c3.tmp"
    left.write_bytes(b"half a copy")
    other.write_bytes(b"another extract's copy, still being written")
    stored.unlink()  # this extract is prepared and stored again
    assert prepared_register(extract, rules, today=TODAY).stored
    assert not left.exists() and other.exists()
