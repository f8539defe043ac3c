"""Exit codes and crashes: 1 data problems, 2 unusable input or usage, 3 internal error (with a log), 130 Ctrl-C."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import typer
import xlsxwriter.exceptions
from typer.testing import CliRunner

import asxh_cli.rules
from asxh_cli.cli import app, handles_errors
from asxh_cli.errors import InputError, crash_report, scrub
from asxh_cli.io.output import OutputUnit

ROOT = Path(__file__).resolve().parent.parent
SECRET_ID, SECRET_NAME = "079050000009", "Phạm Thị Bí Mật"
runner = CliRunner()


def _app(failure: BaseException, within: Path | None = None) -> typer.Typer:
    """A one-command app whose command raises `failure` (inside an output unit on `within`, if given)."""
    demo = typer.Typer()

    @demo.command()
    @handles_errors
    def run() -> None:
        person = {"id": SECRET_ID, "name": SECRET_NAME}  # a local that must never reach the log
        if within is None:
            raise failure
        with OutputUnit(within, "demo") as unit:
            unit.path("a.csv").write_text(str(len(person)), encoding="utf-8")
            raise failure

    @demo.command()
    def other() -> None:
        """A second command, so `run` is a sub-command as in asxh."""

    return demo


def _log_named(stderr: str) -> Path:
    found = [Path(w.rstrip(";.")) for w in stderr.split() if w.rstrip(";.").endswith(".log")]
    assert found, stderr
    return found[0]


def test_domain_error_keeps_its_code():
    result = runner.invoke(_app(InputError("file.missing", file="ds.xlsx")), ["run"])
    assert result.exit_code == 2
    assert "Không tìm thấy tệp: ds.xlsx" in result.stderr


def test_bad_option_value_raised_inside_a_command_is_a_usage_error():
    result = runner.invoke(_app(typer.BadParameter("cần dạng MM/YYYY", param_hint="'--ngay'")), ["run"])
    assert result.exit_code == 2
    assert "cần dạng MM/YYYY" in result.output
    assert "Lỗi không mong đợi" not in result.output


def test_typer_usage_errors_keep_code_2():
    result = runner.invoke(app, ["validate", "--khong-co"])
    assert result.exit_code == 2 and "Lỗi không mong đợi" not in result.output


def test_ctrl_c_is_a_clean_message_and_130():
    result = runner.invoke(_app(KeyboardInterrupt()), ["run"])
    assert result.exit_code == 130
    assert "Đã dừng theo yêu cầu" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device", "/ket_qua/danh_sach.xlsx"),
        PermissionError(errno.EACCES, "Permission denied", "/ket_qua/danh_sach.xlsx"),
        xlsxwriter.exceptions.FileCreateError(
            OSError(errno.ENOSPC, "No space left on device", "/ket_qua/danh_sach.xlsx")
        ),
    ],
)
def test_full_disk_or_no_permission_names_the_file_and_exits_2(failure):
    result = runner.invoke(_app(failure), ["run"])
    assert result.exit_code == 2, result.output
    assert "/ket_qua/danh_sach.xlsx" in result.stderr
    assert "ổ đĩa đã đầy" in result.stderr or "không có quyền" in result.stderr


def test_internal_error_exits_3_and_writes_a_log_without_personal_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    failure = ValueError(f"cannot convert '{SECRET_NAME}' ({SECRET_ID}) to int")
    result = runner.invoke(_app(failure), ["run"])
    assert result.exit_code == 3
    assert "Lỗi không mong đợi (ValueError)" in result.stderr
    assert SECRET_ID not in result.output and SECRET_NAME not in result.output
    log = _log_named(result.stderr)
    assert log.parent == tmp_path and log.is_file()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError" in text and "test_exit_codes.py" in text
    assert SECRET_ID not in text and SECRET_NAME not in text and "Bí Mật" not in text
    assert (log.stat().st_mode & 0o777) == 0o600


def test_internal_error_log_goes_into_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "ket_qua"
    result = runner.invoke(_app(RuntimeError("boom"), within=out), ["run"])
    assert result.exit_code == 3
    log = _log_named(result.stderr)
    assert log.parent == out
    assert sorted(p.name for p in out.iterdir()) == [log.name]  # the unit left nothing else


def test_internal_error_in_a_real_command(tmp_path, monkeypatch, make_xlsx):
    monkeypatch.chdir(tmp_path)
    path = make_xlsx({"S": [["Họ và tên", "Ngày sinh", "Số CCCD"], ["Lê Văn An", "01/01/1950", "079050000001"]]})

    def broken(directory):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setattr(asxh_cli.rules, "_load", broken)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 3
    assert "Lỗi không mong đợi (TypeError)" in result.stderr
    assert "'int' and 'str'" in _log_named(result.stderr).read_text(encoding="utf-8")


def test_scrub_removes_values_but_keeps_the_shape():
    text = scrub(f"invalid literal for int() with base 10: '{SECRET_NAME}' {SECRET_ID}; 'NoneType' 'amount'")
    assert text == "invalid literal for int() with base 10: '***' <digits>; 'NoneType' 'amount'"


def test_crash_report_follows_the_chain_without_locals():
    def inner() -> None:
        secret = SECRET_NAME
        raise KeyError(secret)

    try:
        try:
            inner()
        except KeyError as exc:
            raise RuntimeError("while reading") from exc
    except RuntimeError as exc:
        report = crash_report(exc, "match")
    assert report.count("Traceback") == 2 and "builtins.KeyError: '***'" in report
    assert SECRET_NAME not in report and "match" in report.splitlines()[0]


def test_only_the_error_handler_says_unexpected():
    users = [
        path.name
        for path in (ROOT / "asxh_cli").rglob("*.py")
        if "error.unexpected" in path.read_text(encoding="utf-8")
        or "không mong đợi" in path.read_text(encoding="utf-8")
    ]
    assert sorted(users) == ["failures.py", "messages.py"]


def test_bad_option_value_of_a_real_command_is_a_usage_error(tmp_path):
    listed = tmp_path / "ket_qua_doi_sanh.csv"
    listed.write_text("Họ và tên\nLê Văn An\n", encoding="utf-8")
    result = runner.invoke(app, ["export", str(listed), "--by", "xa", "-o", str(tmp_path / "pl2")])
    assert result.exit_code == 2
    assert "--by" in result.output and "Lỗi không mong đợi" not in result.output


def test_user_errors_found_by_qa_are_usage_errors_not_crashes(tmp_path):
    """A file where a folder is wanted, a report named .txt, a target that is not a regular file: exit 2."""
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"")
    result = runner.invoke(app, ["sample", str(taken)])
    assert result.exit_code == 2 and "không phải thư mục" in result.stderr
    lists = ROOT / "sample_data" / "ho_ngheo.csv"
    folder = tmp_path / "bao_cao.xlsx"
    folder.mkdir()
    result = runner.invoke(app, ["validate", str(lists), "--report", str(folder)])
    assert result.exit_code == 2 and "không phải một tệp thường" in result.stderr
    assert folder.is_dir()  # never replaced
