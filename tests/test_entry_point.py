"""The console entry point ends the process itself once the command is done: exit codes stay those of the
command, and everything printed reaches a pipe in full."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asxh_cli import __version__, memory

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asxh_cli", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )


def test_json_on_a_pipe_arrives_whole_and_the_exit_code_is_the_commands(tmp_path: Path) -> None:
    listing = tmp_path / "ds.csv"
    rows = "\n".join(f"{i},Nguyễn Văn An {i},0{i:02d}/01/1950,0012{i:08d}" for i in range(1, 400))
    listing.write_text("STT,Họ và tên,Ngày sinh,Số CCCD\n" + rows + "\n", encoding="utf-8")
    done = _run("inspect", str(listing), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # os._exit skips the final flush: all of it must be out already
    assert json.dumps(report, ensure_ascii=False).count("ds.csv") >= 1


def test_usage_and_input_errors_keep_exit_code_2(tmp_path: Path) -> None:
    assert _run("match", "--no-such-option").returncode == 2
    missing = _run("match", str(tmp_path / "khong_co.xlsx"), "-r", str(tmp_path / "khong_co.csv"))
    assert missing.returncode == 2
    assert "khong_co" in missing.stderr


def test_version_is_printed_before_the_process_ends() -> None:
    done = _run("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"asxh {__version__}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_memory_is_kept_by_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    class FakeLibc:
        def mallopt(self, parameter: int, value: int) -> int:
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr("ctypes.CDLL", lambda _name: FakeLibc())
    memory.keep_freed_memory()
    assert calls == [(memory.M_TRIM_THRESHOLD, memory.NEVER_TRIM), (memory.M_MMAP_MAX, 0)]


def test_other_systems_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory.sys, "platform", "win32")
    monkeypatch.setattr("ctypes.CDLL", lambda _name: pytest.fail("no C library is touched off Linux"))
    memory.keep_freed_memory()
