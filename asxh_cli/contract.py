"""The typed contract every command speaks: result and status codes, row keys and fingerprints.

Codes live in the core; Vietnamese or English labels are applied only by writers and the CLI.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from asxh_cli.messages import pick

E = TypeVar("E", bound=StrEnum)


class Result(StrEnum):
    """What matching decided for one list row."""

    MATCHED = "matched"
    REVIEW = "review"
    NOT_FOUND = "not_found"

    @property
    def label(self) -> str:
        return pick(*RESULT_LABELS[self])

    @property
    def label_vi(self) -> str:
        return RESULT_LABELS[self][0]


class Status(StrEnum):
    """A person's state in the population register."""

    ALIVE = "alive"
    DEAD = "dead"
    MOVED = "moved"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return pick(*STATUS_LABELS[self])

    @property
    def label_vi(self) -> str:
        return STATUS_LABELS[self][0]


RESULT_LABELS: dict[Result, tuple[str, str]] = {
    Result.MATCHED: ("Khớp", "Matched"),
    Result.REVIEW: ("Cần xác minh", "To review"),
    Result.NOT_FOUND: ("Không tìm thấy", "Not found"),
}
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.ALIVE: ("Còn sống", "Alive"),
    Status.DEAD: ("Đã chết", "Dead"),
    Status.MOVED: ("Đã chuyển đi", "Moved away"),
    Status.UNKNOWN: ("Không rõ", "Unknown"),
}


def parse_result(text: object) -> Result | None:
    """A result code or label (Vietnamese or English, as written in a result file) → Result."""
    return _lookup(text, Result, RESULT_LABELS)


def parse_status(text: object) -> Status | None:
    """A status code or label (as written in a result file) → Status."""
    return _lookup(text, Status, STATUS_LABELS)


def _lookup(text: object, enum: type[E], labels: dict[E, tuple[str, str]]) -> E | None:
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    folded = value.casefold()
    for member in enum:
        if folded in (member.value, *(label.casefold() for label in labels[member])):
            return member
    return None
