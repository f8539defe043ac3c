"""Domain exceptions, the exit codes they map to, and the log written for an internal error."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import traceback
from enum import IntEnum
from pathlib import Path

from asxh_cli import __version__
from asxh_cli.messages import msg


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    PROBLEMS = 1  # data read fine but has errors (validation) or accounting failed
    UNUSABLE = 2  # input cannot be used: missing file, bad workbook, bad rules, usage error, disk full
    INTERNAL = 3  # a defect in asxh: the traceback (no values) is written to a log file
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class AsxhError(Exception):
    """A user-facing error: a message key of the catalogue plus its values."""

    exit_code = ExitCode.UNUSABLE

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(msg(key, **values))


class InputError(AsxhError):
    """An input file, sheet or header cannot be used."""


class RuleError(AsxhError):
    """A rules/ file is missing or wrong."""


class OutputError(AsxhError):
    """An output cannot be written where asked."""


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_HARMLESS = re.compile(r"[a-z_][a-z0-9_.]*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+")  # 'amount', 'NoneType'
_LONG_DIGITS = re.compile(r"\d{9,}")
_NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")


def scrub(text: str) -> str:
    """An exception message without values: quoted text, runs of 9+ digits and non-ASCII words replaced."""
    text = _QUOTED.sub(lambda m: m[0] if _HARMLESS.fullmatch(m[0][1:-1]) else m[0][0] + "***" + m[0][0], text)
    return _NON_ASCII_WORD.sub("***", _LONG_DIGITS.sub("<digits>", text))


def crash_report(error: BaseException, command: str) -> str:
    """The traceback of an internal error for a bug report: code locations only, no local values or data."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and not any(current is seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines = [f"asxh {__version__} · {command} · Python {platform.python_version()} · {platform.system()}\n"]
    for item in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(item.__traceback__))
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: {scrub(str(item))}\n\n")
    return "".join(lines)


def write_crash_log(error: BaseException, command: str, folders: list[Path]) -> Path | None:
    """Write `crash_report` to the first writable folder (owner-only file); None if none is writable."""
    name = f"asxh_loi_{dt.datetime.now():%Y%m%d_%H%M%S}.log"
    report = crash_report(error, command)
    for folder in folders:
        path = Path(folder) / name
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as log:
                log.write(report)
        except OSError:
            continue
        return path
    return None
