"""Find the canonical entry a free-text cell names, through folded aliases from rules/."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from asxh_cli.normalize.text import fold
from asxh_cli.rules import Rules


class AliasIndex:
    """Folded alias → code; a cell matches an alias exactly, else the longest alias found as whole words in it."""

    def __init__(self, pairs: Iterable[tuple[str, str]], ignore: Iterable[str] = ()) -> None:
        self._exact = {fold(alias): code for alias, code in pairs}
        self._exact.pop("", None)
        ordered = sorted(self._exact, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in ordered) + r")\b") if ordered else None
        self._ignore = [re.compile(pattern) for pattern in ignore]
        self._cache: dict[str, str | None] = {}

    def find(self, text: str | None) -> str | None:
        """The code that `text` names, or None."""
        if text is None:
            return None
        if text in self._cache:
            return self._cache[text]
        key = fold(text)
        code = self._search(key)
        if code is None and self._ignore:
            for pattern in self._ignore:
                key = pattern.sub(" ", key).strip()
            code = self._search(key)
        self._cache[text] = code
        return code

    def _search(self, key: str) -> str | None:
        code = self._exact.get(key)
        if code is None and self._pattern is not None and key:
            found = self._pattern.search(key)
            code = self._exact[found.group(1)] if found else None
        return code


# Branch and prefix words that do not name the bank ("NH Agribank CN Vũng Tàu" → "agribank").
BRANCH_WORDS = (r"\b(chi nhanh|cn|pgd|phong giao dich|so giao dich|tai)\b.*$", r"^(ngan hang|nh)\b")


def bank_index(rules: Rules) -> AliasIndex:
    """Bank text → canonical short name (branch names ignored)."""
    return AliasIndex(((alias, b.short) for b in rules.banks for alias in (*b.aliases, b.short)), BRANCH_WORDS)


def method_index(rules: Rules) -> AliasIndex:
    """Payment-method text → method code."""
    return AliasIndex((alias, m.code) for m in rules.methods for alias in (*m.aliases, m.name, m.short))


@dataclass(frozen=True)
class CategoryMatch:
    """The category a cell names and the rule that decided it (`rule` is "alias" for a whole-cell alias)."""

    code: str
    rule: str
    name: str
    basis: str


class CategoryIndex:
    """Category text → code: a whole-cell alias, else the first ordered rule of rules/categories.toml that matches,
    else an alias found as whole words. `explain` says which rule decided."""

    def __init__(self, rules: Rules) -> None:
        pairs = [(alias, c.code) for c in rules.categories for alias in (*c.aliases, c.name)]
        self._names = {c.code: c.name for c in rules.categories}
        self._exact = {fold(alias): code for alias, code in pairs}
        self._words = AliasIndex(pairs)
        self._rules = [
            (rule, [re.compile(r"\b(" + "|".join(re.escape(a) for a in phrase) + r")\b") for phrase in rule.phrases])
            for rule in rules.category_rules
        ]
        self._cache: dict[str, CategoryMatch | None] = {}

    def explain(self, text: str | None) -> CategoryMatch | None:
        """The category `text` names and why, or None."""
        if text is None:
            return None
        if text not in self._cache:
            self._cache[text] = self._decide(text)
        return self._cache[text]

    def find(self, text: str | None) -> str | None:
        """The category code `text` names, or None."""
        found = self.explain(text)
        return found.code if found else None

    def _decide(self, text: str) -> CategoryMatch | None:
        key = fold(text)
        if key in self._exact:
            code = self._exact[key]
            return CategoryMatch(code, "alias", self._names[code], "")
        for rule, patterns in self._rules:
            if all(p.search(key) for p in patterns):
                return CategoryMatch(rule.code, rule.id, rule.name, rule.basis)
        code = self._words.find(text)
        return CategoryMatch(code, "alias", self._names[code], "") if code else None


def category_index(rules: Rules) -> CategoryIndex:
    """Category text → category code, by ordered rules with their legal basis (see `CategoryIndex`)."""
    return CategoryIndex(rules)
