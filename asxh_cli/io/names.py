"""Output file names from people's words (commune names): plain ASCII, and never two alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from asxh_cli.normalize.text import fold


def group_key(text: object) -> str:
    """Two spellings of one name group together ("Xã Long Sơn" / "XÃ LONG SƠN"); "Xã Đông" and "Xã Đồng" do not."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def slug(text: str) -> str:
    """'Xã Long Sơn' → 'xa_long_son' (letters and digits only, safe on every file system)."""
    return re.sub(r"[^0-9a-z]+", "_", fold(text)).strip("_") or "khac"


def distinct_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each distinct name (by group_key) → a file-name part no other name shares; numbered where they fold alike."""
    keys = sorted({group_key(n) for n in names})
    taken: dict[str, int] = {}
    out: dict[str, str] = {}
    for key in keys:
        base = slug(key)
        taken[base] = taken.get(base, 0) + 1
        out[key] = base if taken[base] == 1 else f"{base}_{taken[base]}"
    return {name: out[group_key(name)] for name in names}


def spellings(names: pd.Series) -> pd.Series:
    """Per group_key, the spelling to print: the most used, and of equals one not written all in capitals."""
    counts = names.value_counts()
    ranked = sorted(counts.index, key=lambda n: (-counts[n], n.isupper(), n))
    chosen: dict[str, str] = {}
    for name in ranked:
        chosen.setdefault(group_key(name), name)
    return pd.Series(chosen, dtype=object)


def unify_spellings(names: pd.Series) -> pd.Series:
    """Each name replaced by the usual spelling of its group, so that one commune is one group."""
    chosen = spellings(names.astype(str))
    return names.astype(str).map(lambda n: chosen[group_key(n)])
