"""No personal data outside the outputs: no temporary files elsewhere, no register row in a message."""

from __future__ import annotations

import ast
import errno
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.errors import InputError, OutputError
from asxh_cli.io.output import OutputUnit
from asxh_cli.io.reader import read_register
from asxh_cli.io.xlsx import Sheet, write_workbook

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = pd.DataFrame(
    {"Họ và tên": [f"Lê Văn Thử {i}" for i in range(300)], "Số CCCD": [f"0790{i:08d}" for i in range(300)]}
)


def _workbook_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in (ROOT / "asxh_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "xlsxwriter.Workbook":
                calls.append((f"{path.name}:{node.lineno}", node))
    return calls


def test_every_workbook_the_project_creates_keeps_temporary_files_out_of_the_system_temp_folder():
    calls = _workbook_calls()
    assert calls  # new_workbook (io/xlsx.py) and the sample writer
    for where, call in calls:
        options = ast.literal_eval(call.args[1]) if len(call.args) > 1 else {}
        assert options.get("in_memory") is True or "tmpdir" in options, where


@pytest.fixture
def system_temp(tmp_path, monkeypatch) -> Path:
    """A private stand-in for the system temp folder (other processes share the real one)."""
    folder = tmp_path / "system_tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_workbook_write_failing_half_way_leaves_nothing_in_the_temp_folder(tmp_path, system_temp, monkeypatch):
    target = tmp_path / "ket_qua"
    calls = {"n": 0}
    original_write, original_writestr = zipfile.ZipFile.write, zipfile.ZipFile.writestr

    def fail_after_a_few(real):
        def fail(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] > 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(self, *args, **kwargs)

        return fail

    monkeypatch.setattr(zipfile.ZipFile, "write", fail_after_a_few(original_write))
    monkeypatch.setattr(zipfile.ZipFile, "writestr", fail_after_a_few(original_writestr))
    with pytest.raises(OutputError), OutputUnit(target, "clean") as unit:
        write_workbook(unit.path("danh_sach.xlsx"), [Sheet("DS", PEOPLE)])
    assert calls["n"] > 3
    assert list(system_temp.iterdir()) == []
    assert [p.name for p in target.iterdir()] == []


def test_workbook_interrupted_leaves_nothing_in_the_temp_folder(tmp_path, system_temp, monkeypatch):
    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupt)
    monkeypatch.setattr(zipfile.ZipFile, "write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(tmp_path / "danh_sach.xlsx", [Sheet("DS", PEOPLE)])
    assert list(system_temp.iterdir()) == []
    assert list(tmp_path.glob("*.xlsx")) == []


def _malformed_register(tmp_path: Path) -> Path:
    path = tmp_path / "csdlqg.csv"
    path.write_text(
        "Số định danh,Họ và tên,Ngày sinh\n"
        "079050000001,Lê Văn Một,01/01/1950\n"
        "079050000002,Trần Thị Riêng Tư,02/02/1951,Thôn Bí Mật,CMND 123456789\n",
        encoding="utf-8",
    )
    return path


def test_register_row_with_wrong_field_count_is_not_printed(tmp_path, rules):
    with pytest.raises(InputError) as caught:
        read_register(_malformed_register(tmp_path), rules)
    message = str(caught.value)
    assert "csdlqg.csv" in message
    for secret in ("079050000002", "Trần Thị Riêng Tư", "Thôn Bí Mật", "123456789"):
        assert secret not in message


def test_register_row_with_wrong_field_count_is_not_printed_by_match(tmp_path, make_xlsx):
    people = make_xlsx({"DS": [["Họ và tên", "Ngày sinh", "Số CCCD"], ["Lê Văn Một", "01/01/1950", "079050000001"]]})
    result = CliRunner().invoke(
        app, ["match", str(people), "--register", str(_malformed_register(tmp_path)), "-o", str(tmp_path / "kq")]
    )
    assert result.exit_code == 2, result.output
    assert "csdlqg.csv" in result.stderr
    for secret in ("079050000002", "Riêng Tư", "Bí Mật", "123456789"):
        assert secret not in result.output
