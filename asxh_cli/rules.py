"""Load and validate the editable rules/ folder (TOML files) into plain objects."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from asxh_cli.errors import RuleError
from asxh_cli.normalize.text import fold

CANONICAL_FIELDS = (
    "row_no",
    "full_name",
    "birth_date",
    "sex",
    "national_id",
    "old_id",
    "address",
    "commune",
    "category",
    "amount",
    "payment_method",
    "account_number",
    "bank",
    "proxy_name",
    "proxy_id",
    "phone",
    "status",
    "death_date",
    "note",
)
RULE_FILES = (
    "columns",
    "categories",
    "payment_methods",
    "banks",
    "provinces",
    "matching",
    "templates",
    "amounts",
    "entitlements",
)
MAX_AMOUNT = 10**15 - 1


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CategoryRule:
    """One ordered category rule: the folded cell must hold every phrase (each a tuple of alternatives)."""

    id: str
    code: str
    name: str
    basis: str
    phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    name: str
    short: str
    aliases: tuple[str, ...]
    needs_account: bool = False
    needs_proxy: bool = False
    needs_reason: bool = False
    needs_phone: bool = False


@dataclass(frozen=True)
class Bank:
    short: str
    name: str
    bin: str
    aliases: tuple[str, ...]
    wallet: bool = False


# Comparison levels per signal, strongest agreement first (the order of `[weights.SIGNAL]` in matching.toml).
LEVELS: dict[str, tuple[str, ...]] = {
    "id": ("exact", "slip", "old", "different"),
    "name": ("exact", "accent", "close", "middle", "different"),
    "birth": ("exact", "swapped", "year", "near", "different"),
    "sex": ("same", "different"),
    "address": ("locality", "commune", "province", "different"),
}


@dataclass(frozen=True)
class Matching:
    match: float  # match probability (0–100) from which a row may be matched automatically
    review: float
    ambiguity: float  # another candidate at or above this probability (0–100) is named as a look-alike
    in_register: float  # prior share of listed people who are in the register
    levels: dict[str, dict[str, tuple[float, float]]]  # signal → level → (m, u) defaults
    em: bool
    em_min_pairs: int
    em_iterations: int
    em_prior_pairs: float
    sample_pairs: int
    name_close_similarity: float
    name_given_similarity: float
    name_typo_similarity: float
    max_candidates: int
    max_block: int  # a blocking key shared by more register people than this is narrowed (commune or sex)
    surname_canon: dict[str, str]  # folded surname → folded canonical surname
    status: dict[str, str]  # folded status text → "alive" / "dead" / "moved"


@dataclass(frozen=True)
class AgeLimit:
    phrases: tuple[str, ...]  # folded
    min_age: int | None
    max_age: int | None


@dataclass(frozen=True)
class Entitlements:
    combinable: frozenset[frozenset[str]]  # pairs of category codes a person may draw together
    age_limits: tuple[AgeLimit, ...]

    def may_combine(self, first: str | None, second: str | None) -> bool:
        return first is not None and second is not None and frozenset((first, second)) in self.combinable


@dataclass(frozen=True)
class AmountRules:
    """Plausible amounts per category code (rules/amounts.toml) and what a fraction of a đồng means."""

    fraction: str  # "error" or "round"
    default: tuple[int, int]
    by_category: dict[str, tuple[int, int]]

    def bounds(self, category: str | None) -> tuple[int, int]:
        """(min, max) đồng for a category code; the default range for an unknown or missing category."""
        return self.by_category.get(category or "", self.default)


@dataclass(frozen=True)
class Rules:
    """Everything a local office may edit, validated."""

    source: Path
    column_aliases: dict[str, str]  # folded alias → canonical field
    field_labels: dict[str, str]
    sex_subcolumns: dict[str, str]  # folded label → "Nam"/"Nữ"
    row_markers: dict[str, tuple[str, ...]]  # kind (total/signature/heading) → folded cell prefixes
    categories: tuple[Category, ...]
    methods: tuple[PaymentMethod, ...]
    banks: tuple[Bank, ...]
    account_length: tuple[int, int]
    provinces: dict[str, str]
    matching: Matching
    amounts: AmountRules
    templates: dict[str, Any] = field(default_factory=dict)
    entitlements: Entitlements = field(default_factory=lambda: Entitlements(frozenset(), ()))
    group_context: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field → folded heading prefixes
    not_list_sheets: tuple[str, ...] = ()  # folded sheet names that hold examples/instructions, not people
    category_rules: tuple[CategoryRule, ...] = ()  # ordered, first match wins

    def method(self, code: str) -> PaymentMethod:
        return next(m for m in self.methods if m.code == code)


def default_rules_dir() -> Path:
    """The shipped rules: packaged copy in a wheel, the repository's rules/ in a checkout."""
    packaged = resources.files("asxh_cli") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


def _read(directory: Path, name: str) -> tuple[Path, dict[str, Any]]:
    path = directory / f"{name}.toml"
    if not path.is_file():
        raise RuleError("rules.missing_file", file=path)
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError("rules.syntax", file=path, detail=exc) from None


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError("rules.bad_key", file=path, key=key, problem="cần một danh sách chữ không rỗng")
    return tuple(value)


def _text(path: Path, key: str, table: dict[str, Any], name: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RuleError("rules.bad_key", file=path, key=f"{key}.{name}", problem="thiếu hoặc không phải chữ")
    return value


def _number(path: Path, key: str, table: dict[str, Any], name: str, low: float, high: float) -> float:
    value = table.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RuleError("rules.bad_key", file=path, key=f"{key}.{name}", problem=f"cần một số từ {low} đến {high}")
    return float(value)


def _alias_index(path: Path, owners: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for owner, aliases in owners.items():
        for alias in aliases:
            key = fold(alias)
            if index.get(key, owner) != owner:
                raise RuleError(
                    "rules.bad_key", file=path, key=owner, problem=f"bí danh '{alias}' đã thuộc về '{index[key]}'"
                )
            index[key] = owner
    return index


def _columns(
    directory: Path,
) -> tuple[
    dict[str, str],
    dict[str, str],
    dict[str, str],
    dict[str, tuple[str, ...]],
    dict[str, tuple[str, ...]],
    tuple[str, ...],
]:
    path, data = _read(directory, "columns")
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise RuleError("rules.bad_key", file=path, key="fields", problem="thiếu bảng [fields.*]")
    owners: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    for name, spec in fields.items():
        if name not in CANONICAL_FIELDS:
            raise RuleError(
                "rules.bad_key",
                file=path,
                key=f"fields.{name}",
                problem=f"trường lạ; hợp lệ: {', '.join(CANONICAL_FIELDS)}",
            )
        owners[name] = _strings(path, f"fields.{name}.aliases", spec.get("aliases"))
        labels[name] = _text(path, f"fields.{name}", spec, "label")
    sex = data.get("sex_subcolumns", {})
    sub = {fold(a): "Nam" for a in _strings(path, "sex_subcolumns.male", sex.get("male"))}
    sub.update({fold(a): "Nữ" for a in _strings(path, "sex_subcolumns.female", sex.get("female"))})
    markers_table = data.get("row_markers", {})
    markers = {
        kind: tuple(fold(m) for m in _strings(path, f"row_markers.{kind}", markers_table.get(kind)))
        for kind in ("total", "signature", "heading")
    }
    context: dict[str, tuple[str, ...]] = {}
    for name, value in data.get("group_context", {}).items():
        if name not in CANONICAL_FIELDS:
            raise RuleError("rules.bad_key", file=path, key=f"group_context.{name}", problem="trường lạ")
        context[name] = tuple(fold(m) for m in _strings(path, f"group_context.{name}", value))
    sheets = data.get("sheets", {})
    not_lists = tuple(fold(n) for n in _strings(path, "sheets.not_lists", sheets.get("not_lists", ["-"])))
    return _alias_index(path, owners), labels, sub, markers, context, not_lists


def _category_rules(path: Path, data: dict[str, Any], codes: set[str]) -> tuple[CategoryRule, ...]:
    rules = []
    for i, spec in enumerate(data.get("rules", [])):
        key = f"rules[{i}]"
        code = _text(path, key, spec, "code")
        if code not in codes:
            raise RuleError("rules.bad_key", file=path, key=f"{key}.code", problem=f"mã lạ; hợp lệ: {', '.join(codes)}")
        phrases = tuple(
            tuple(alt for alt in (fold(a) for a in phrase.split("|")) if alt)
            for phrase in _strings(path, f"{key}.phrases", spec.get("phrases"))
        )
        if not all(phrases):
            raise RuleError("rules.bad_key", file=path, key=f"{key}.phrases", problem="cụm rỗng")
        rules.append(
            CategoryRule(
                _text(path, key, spec, "id"),
                code,
                _text(path, key, spec, "name"),
                _text(path, key, spec, "basis"),
                phrases,
            )
        )
    return tuple(rules)


def _categories(directory: Path) -> tuple[tuple[Category, ...], tuple[CategoryRule, ...]]:
    path, data = _read(directory, "categories")
    items = []
    for i, spec in enumerate(data.get("categories", [])):
        key = f"categories[{i}]"
        items.append(
            Category(
                _text(path, key, spec, "code"),
                _text(path, key, spec, "name"),
                _strings(path, f"{key}.aliases", spec.get("aliases")),
            )
        )
    if not items:
        raise RuleError("rules.bad_key", file=path, key="categories", problem="cần ít nhất một nhóm đối tượng")
    _alias_index(path, {c.code: (*c.aliases, c.name) for c in items})
    return tuple(items), _category_rules(path, data, {c.code for c in items})


def _methods(directory: Path) -> tuple[PaymentMethod, ...]:
    path, data = _read(directory, "payment_methods")
    items = []
    for i, spec in enumerate(data.get("methods", [])):
        key = f"methods[{i}]"
        flags = {f: bool(spec.get(f, False)) for f in ("needs_account", "needs_proxy", "needs_reason", "needs_phone")}
        items.append(
            PaymentMethod(
                _text(path, key, spec, "code"),
                _text(path, key, spec, "name"),
                _text(path, key, spec, "short"),
                _strings(path, f"{key}.aliases", spec.get("aliases")),
                **flags,
            )
        )
    if not items:
        raise RuleError("rules.bad_key", file=path, key="methods", problem="cần ít nhất một phương thức")
    _alias_index(path, {m.code: (*m.aliases, m.name, m.short) for m in items})
    return tuple(items)


def _banks(directory: Path) -> tuple[tuple[Bank, ...], tuple[int, int]]:
    path, data = _read(directory, "banks")
    items = []
    for i, spec in enumerate(data.get("banks", [])):
        key = f"banks[{i}]"
        bin_code = _text(path, key, spec, "bin")
        if not (bin_code.isdigit() and len(bin_code) == 6):
            raise RuleError("rules.bad_key", file=path, key=f"{key}.bin", problem="mã BIN cần đúng 6 chữ số")
        items.append(
            Bank(
                _text(path, key, spec, "short"),
                _text(path, key, spec, "name"),
                bin_code,
                _strings(path, f"{key}.aliases", spec.get("aliases")),
                bool(spec.get("wallet", False)),
            )
        )
    _alias_index(path, {b.short: (*b.aliases, b.short) for b in items})
    account = data.get("account", {})
    low = int(_number(path, "account", account, "min_length", 1, 30))
    high = int(_number(path, "account", account, "max_length", low, 30))
    return tuple(items), (low, high)


def _provinces(directory: Path) -> dict[str, str]:
    path, data = _read(directory, "provinces")
    table = data.get("provinces")
    if not isinstance(table, dict) or not table:
        raise RuleError("rules.bad_key", file=path, key="provinces", problem="thiếu bảng mã tỉnh")
    for code, name in table.items():
        if not (len(code) == 3 and code.isdigit() and isinstance(name, str)):
            raise RuleError("rules.bad_key", file=path, key=f"provinces.{code}", problem="mã tỉnh cần đúng 3 chữ số")
    return dict(table)


def _levels(path: Path, weights: dict[str, Any]) -> dict[str, dict[str, tuple[float, float]]]:
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for signal, levels in LEVELS.items():
        given = weights.get(signal, {})
        table[signal] = {}
        for level in levels:
            pair = given.get(level)
            ok = isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, int | float) for v in pair)
            if not ok or not (0 < pair[0] < 1 and 0 < pair[1] < 1):
                raise RuleError(
                    "rules.bad_key",
                    file=path,
                    key=f"weights.{signal}.{level}",
                    problem="cần [m, u], hai số trong (0, 1)",
                )
            table[signal][level] = (float(pair[0]), float(pair[1]))
    return table


def _matching(directory: Path) -> Matching:
    path, data = _read(directory, "matching")
    thresholds = data.get("thresholds", {})
    name = data.get("name", {})
    estimation = data.get("estimation", {})
    match = _number(path, "thresholds", thresholds, "match", 0, 100)
    review = _number(path, "thresholds", thresholds, "review", 0, match)
    canon: dict[str, str] = {}
    for i, group in enumerate(data.get("surname_variants", {}).get("groups", [])):
        names = _strings(path, f"surname_variants.groups[{i}]", group)
        canon.update({fold(n): fold(names[0]) for n in names})
    status_table = data.get("status", {})
    status = {
        fold(alias): kind
        for kind in ("alive", "dead", "moved")
        for alias in _strings(path, f"status.{kind}", status_table.get(kind))
    }
    return Matching(
        match=match,
        review=review,
        ambiguity=_number(path, "thresholds", thresholds, "ambiguity", 0, 100),
        in_register=_number(path, "thresholds", thresholds, "in_register", 0.01, 0.99),
        levels=_levels(path, data.get("weights", {})),
        em=bool(estimation.get("em", True)),
        em_min_pairs=int(_number(path, "estimation", estimation, "min_pairs", 0, 1e9)),
        em_iterations=int(_number(path, "estimation", estimation, "iterations", 0, 1000)),
        em_prior_pairs=_number(path, "estimation", estimation, "prior_pairs", 0, 1e9),
        sample_pairs=int(_number(path, "estimation", estimation, "sample_pairs", 1000, 1e8)),
        name_close_similarity=_number(path, "name", name, "close_similarity", 0, 100),
        name_given_similarity=_number(path, "name", name, "given_similarity", 0, 100),
        name_typo_similarity=_number(path, "name", name, "typo_similarity", 0, 100),
        max_candidates=int(_number(path, "blocking", data.get("blocking", {}), "max_candidates", 1, 1000)),
        max_block=int(_number(path, "blocking", data.get("blocking", {}), "max_block", 1, 1e9)),
        surname_canon=canon,
        status=status,
    )


def _entitlements(directory: Path, categories: tuple[Category, ...]) -> Entitlements:
    shipped = not (directory / "entitlements.toml").is_file()  # a rules folder made before the file existed
    path, data = _read(default_rules_dir() if shipped else directory, "entitlements")
    codes = {c.code for c in categories}
    pairs = data.get("combine", {}).get("allowed", [])
    if not isinstance(pairs, list):
        raise RuleError("rules.bad_key", file=path, key="combine.allowed", problem="cần danh sách các cặp mã nhóm")
    combinable = set()
    for i, pair in enumerate(pairs):
        names = _strings(path, f"combine.allowed[{i}]", pair)
        if shipped and not set(names) <= codes:
            continue  # the shipped pairs that name the office's own codes only
        unknown = [n for n in names if n not in codes]
        if len(names) != 2 or unknown:
            raise RuleError(
                "rules.bad_key",
                file=path,
                key=f"combine.allowed[{i}]",
                problem=f"cần đúng hai mã nhóm có trong categories.toml ({', '.join(sorted(codes))})",
            )
        combinable.add(frozenset(names))
    limits = []
    for i, spec in enumerate(data.get("age_limits", [])):
        key = f"age_limits[{i}]"
        low = spec.get("min_age")
        high = spec.get("max_age")
        for name, value in (("min_age", low), ("max_age", high)):
            if value is not None:
                _number(path, key, spec, name, 0, 130)
        if low is None and high is None:
            raise RuleError("rules.bad_key", file=path, key=key, problem="cần min_age hoặc max_age")
        phrases = tuple(fold(p) for p in _strings(path, f"{key}.phrases", spec.get("phrases")))
        limits.append(AgeLimit(phrases, None if low is None else int(low), None if high is None else int(high)))
    return Entitlements(frozenset(combinable), tuple(limits))


def _templates(directory: Path) -> dict[str, Any]:
    path = directory / "templates.toml"
    return _read(directory, "templates")[1] if path.is_file() else {}


def _amount_range(path: Path, key: str, table: Any) -> tuple[int, int]:
    if not isinstance(table, dict):
        raise RuleError("rules.bad_key", file=path, key=key, problem="cần bảng có min và max")
    for name in ("min", "max"):
        if isinstance(table.get(name), float) and not table[name].is_integer():
            raise RuleError("rules.bad_key", file=path, key=f"{key}.{name}", problem="cần số đồng chẵn")
    low = int(_number(path, key, table, "min", 1, MAX_AMOUNT))
    return low, int(_number(path, key, table, "max", low, MAX_AMOUNT))


def _amounts(directory: Path, categories: tuple[Category, ...]) -> AmountRules:
    """rules/amounts.toml; a rules folder made before the file existed uses the shipped one (its known codes)."""
    shipped = not (directory / "amounts.toml").is_file()
    path, data = _read(default_rules_dir() if shipped else directory, "amounts")
    fraction = data.get("fraction", "error")
    if fraction not in ("error", "round"):
        raise RuleError("rules.bad_key", file=path, key="fraction", problem='cần "error" hoặc "round"')
    known = sorted(c.code for c in categories)
    table = data.get("categories", {})
    if not isinstance(table, dict):
        raise RuleError("rules.bad_key", file=path, key="categories", problem="cần bảng [categories.MÃ]")
    if shipped:
        table = {code: spec for code, spec in table.items() if code in known}
    for code in table:
        if code not in known:
            raise RuleError(
                "rules.bad_key", file=path, key=f"categories.{code}", problem=f"mã nhóm lạ; hợp lệ: {', '.join(known)}"
            )
    return AmountRules(
        fraction,
        _amount_range(path, "default", data.get("default")),
        {code: _amount_range(path, f"categories.{code}", spec) for code, spec in table.items()},
    )


@cache
def _load(directory: Path) -> Rules:
    aliases, labels, sex_sub, markers, context, not_lists = _columns(directory)
    banks, account_length = _banks(directory)
    categories, category_rules = _categories(directory)
    return Rules(
        source=directory,
        column_aliases=aliases,
        field_labels=labels,
        sex_subcolumns=sex_sub,
        row_markers=markers,
        categories=categories,
        methods=_methods(directory),
        banks=banks,
        account_length=account_length,
        provinces=_provinces(directory),
        matching=_matching(directory),
        amounts=_amounts(directory, categories),
        templates=_templates(directory),
        entitlements=_entitlements(directory, categories),
        group_context=context,
        not_list_sheets=not_lists,
        category_rules=category_rules,
    )


def load_rules(directory: str | Path | None = None) -> Rules:
    """Load rules from `directory`, else $ASXH_RULES, else the shipped defaults."""
    chosen = directory or os.environ.get("ASXH_RULES")
    path = Path(chosen).expanduser().resolve() if chosen else default_rules_dir()
    if not path.is_dir():
        raise RuleError("rules.missing_dir", path=path)
    return _load(path)
