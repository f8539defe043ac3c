"""Atomic output files and formula-safe cell text."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from asxh_cli.errors import OutputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only if the block succeeds."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError("output.cannot_write", file=target, detail=exc.strerror) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o600)  # lists hold personal data: owner-only by default
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError("output.cannot_write", file=target, detail=exc.strerror) from None
    finally:
        temp.unlink(missing_ok=True)


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise when an output path is one of the input files."""
    resolved = {Path(p).resolve() for p in inputs}
    for output in outputs:
        if Path(output).resolve() in resolved:
            raise OutputError("output.is_input", file=output)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM (Excel opens it with the right letters), formula-like text neutralised, written atomically."""
    with atomic_path(path) as temp:
        frame.map(safe_text).to_csv(temp, index=False, encoding="utf-8-sig")


def safe_text(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (CSV outputs).

    Workbook outputs write such cells as explicit strings instead, so they keep their text unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
