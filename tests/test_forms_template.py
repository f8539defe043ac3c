"""rules/templates.toml: file names stay names, placeholders are known, errors name the file and key (exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asxh_cli.cli import app
from asxh_cli.errors import RuleError
from asxh_cli.export.template import load_template
from asxh_cli.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


def rules_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    text = (folder / "templates.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "templates.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('file_name = "phu_luc_2_{method_code}"', 'file_name = "../../../../escaped"', "phu_luc_2.file_name"),
        ('file_name = "ngoai_le_can_xu_ly"', 'file_name = "sub/ngoai_le"', "exceptions.file_name"),
        ('file_name = "phu_luc_1_{commune}"', 'file_name = ".hidden_{commune}"', "phu_luc_1.file_name"),
        ('subtitle = "Kỳ chi trả: {ky}"', 'subtitle = "Kỳ chi trả: {ky} {nam}"', "phu_luc_2.subtitle"),
        ('issuing_body = "UBND {commune}"', 'issuing_body = "UBND {xa}"', "agency.commune.issuing_body"),
        ('lines = ["KẾ TOÁN"]', 'lines = ["KẾ TOÁN {x"]', "agency.commune.signers[1].lines[0]"),
    ],
)
def test_bad_template_is_a_rules_error_naming_file_and_key(tmp_path, old, new, key):
    folder = rules_with(tmp_path, old, new)
    with pytest.raises(RuleError) as caught:
        load_template(load_rules(folder))
    assert "templates.toml" in str(caught.value) and key in str(caught.value)


def test_unknown_placeholder_exits_2_through_the_cli(tmp_path):
    folder = rules_with(tmp_path, 'title = "DANH SÁCH NGƯỜI NHẬN', 'title = "{tinh} DANH SÁCH NGƯỜI NHẬN')
    listed = tmp_path / "ds.csv"
    listed.write_text("Họ và tên,Tệp gốc,Sheet gốc,Dòng gốc,Kết quả\nA,a.csv,a,2,Khớp\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(listed), "-o", str(tmp_path / "out"), "--rules", str(folder)])
    assert result.exit_code == 2
    assert "templates.toml" in result.stderr and "phu_luc_2.title" in result.stderr and "tinh" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_heading_fills_commune_and_province(rules):
    template = load_template(rules)
    heading = template.heading("Xã Long Sơn")
    assert (heading.parent_body, heading.issuing_body, heading.place) == (
        "UBND TP. HỒ CHÍ MINH",
        "UBND XÃ LONG SƠN",
        "Long Sơn",
    )
    assert [s.lines for s in heading.signers][-1] == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert ("XÁC NHẬN CỦA", "CÔNG AN XÃ LONG SƠN") in [s.lines for s in heading.signers]
    assert template.heading(None).issuing_body == "SỞ Y TẾ"
