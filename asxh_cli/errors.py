"""Domain exceptions and the exit codes they map to."""

from __future__ import annotations

from enum import IntEnum

from asxh_cli.messages import msg


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    PROBLEMS = 1  # data read fine but has errors (validation) or accounting failed
    UNUSABLE = 2  # input cannot be used: missing file, bad workbook, bad rules, usage error


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
