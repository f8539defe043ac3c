"""A person's register status from the free text an extract or a list holds ("Đã chết (2025)", "Qua đời")."""

from __future__ import annotations

import re
from functools import lru_cache

from asxh_cli.contract import Status
from asxh_cli.normalize.text import fold

# When one text names several states, the one that blocks payment wins.
_SEVERITY = (Status.DEAD, Status.MOVED, Status.ALIVE)


@lru_cache(maxsize=64)
def _patterns(phrases: tuple[tuple[str, str], ...]) -> tuple[tuple[Status, re.Pattern[str]], ...]:
    by_kind: dict[Status, list[str]] = {}
    for folded, kind in phrases:
        by_kind.setdefault(Status(kind), []).append(re.escape(folded))
    return tuple(
        (
            kind,
            re.compile(r"(?<![a-z0-9])(?:" + "|".join(sorted(by_kind[kind], key=len, reverse=True)) + r")(?![a-z0-9])"),
        )
        for kind in _SEVERITY
        if kind in by_kind
    )


def classify_status(text: object, phrases: dict[str, str]) -> Status | None:
    """Status named by `text` (None when blank); a known phrase anywhere in the text counts, else UNKNOWN.

    `phrases` maps folded phrases to "alive" / "dead" / "moved" (rules/matching.toml [status]).
    """
    if text is None or (isinstance(text, float) and text != text):
        return None
    folded = fold(str(text))
    if not folded:
        return None
    for kind, pattern in _patterns(tuple(sorted(phrases.items()))):
        if pattern.search(folded):
            return kind
    return Status.UNKNOWN
