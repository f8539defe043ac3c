"""Start-up stays light: the help screens must not wait for pandas, pandera or the workbook writers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pandera", "numpy", "pyarrow", "openpyxl", "xlsxwriter", "rapidfuzz", "python_calamine")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import asxh_cli.cli") == []


def test_help_screens_load_no_heavy_library() -> None:
    code = (
        "from typer.testing import CliRunner\n"
        "from asxh_cli.cli import app\n"
        "for args in ([], ['match'], ['clean'], ['survey', 'make'], ['export'], ['report']):\n"
        "    assert CliRunner().invoke(app, [*args, '--help']).exit_code == 0, args"
    )
    assert _loaded_after(code) == []


def test_the_probe_sees_a_heavy_import() -> None:
    assert "pandas" in _loaded_after("import asxh_cli.pipeline")
