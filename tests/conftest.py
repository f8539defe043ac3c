"""Shared fixtures: a quiet, wide, colourless terminal and helpers that build small workbooks in tmp_path."""

from __future__ import annotations

import os

os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["TERMINAL_WIDTH"] = "200"
os.environ["COLUMNS"] = "200"
os.environ["NO_COLOR"] = "1"
os.environ.pop("ASXH_LANG", None)
os.environ.pop("ASXH_RULES", None)

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

from asxh_cli.rules import Rules, load_rules

Rows = Sequence[Sequence[object]]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own register cache: none reaches the user's cache folder or another test."""
    folder = tmp_path / "asxh_cache"
    monkeypatch.setenv("ASXH_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Build an .xlsx from {sheet: rows} (row 1 first), with optional merged ranges per sheet."""

    def build(sheets: dict[str, Rows], name: str = "list.xlsx", merges: dict[str, list[str]] | None = None) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
            for cell_range in (merges or {}).get(title, []):
                sheet.merge_cells(cell_range)
        path = tmp_path / name
        book.save(path)
        return path

    return build
