"""The Phụ lục 1 / Phụ lục 2 layout from rules/templates.toml, validated with clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asxh_cli.errors import RuleError
from asxh_cli.rules import CANONICAL_FIELDS, Rules

# Fields a form column may show: the canonical list fields, plus what matching, surveys and exports add.
TEMPLATE_FIELDS = set(CANONICAL_FIELDS) | {
    "row_number",
    "proxy_relation",
    "cash_reason",
    "register_id",
    "exception_reason",
}


@dataclass(frozen=True)
class FormColumn:
    field: str
    header: str
    width: float


@dataclass(frozen=True)
class Agency:
    parent_body: str
    issuing_body: str
    national_title: str
    motto: str
    place: str


@dataclass(frozen=True)
class PayoutTemplate:
    """Everything an office may change in its Phụ lục 2 and exception lists."""

    agency: Agency
    title: str
    subtitle: str
    file_name: str
    signatures: tuple[str, ...]
    signature_note: str
    font: str
    common: tuple[FormColumn, ...]
    note: FormColumn
    method_columns: dict[str, tuple[FormColumn, ...]]
    exceptions_title: str
    exceptions_file: str
    exception_columns: tuple[FormColumn, ...]
    survey_title: str
    survey_subtitle: str
    survey_file: str


def _fail(rules: Rules, key: str, problem: str) -> RuleError:
    return RuleError("rules.bad_key", file=rules.source / "templates.toml", key=key, problem=problem)


def _text(rules: Rules, table: dict[str, Any], key: str, name: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _fail(rules, f"{key}.{name}", "thiếu hoặc không phải chữ")
    return value


def _columns(rules: Rules, value: Any, key: str) -> tuple[FormColumn, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(rules, key, "cần một danh sách cột { field, header, width }")
    columns = []
    for i, spec in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(spec, dict):
            raise _fail(rules, where, "mỗi cột là một bảng { field, header, width }")
        field = _text(rules, spec, where, "field")
        if field not in TEMPLATE_FIELDS:
            raise _fail(
                rules, f"{where}.field", f"trường '{field}' không có; dùng: {', '.join(sorted(TEMPLATE_FIELDS))}"
            )
        width = spec.get("width", 14)
        if isinstance(width, bool) or not isinstance(width, int | float) or not 2 <= width <= 100:
            raise _fail(rules, f"{where}.width", "độ rộng cột cần từ 2 đến 100")
        columns.append(FormColumn(field, _text(rules, spec, where, "header"), float(width)))
    return tuple(columns)


def load_template(rules: Rules) -> PayoutTemplate:
    """The form template of `rules` (rules/templates.toml)."""
    data = rules.templates
    if not data:
        raise RuleError("rules.missing_file", file=rules.source / "templates.toml")
    agency_table = data.get("agency", {})
    agency = Agency(
        *(
            _text(rules, agency_table, "agency", name)
            for name in ("parent_body", "issuing_body", "national_title", "motto", "place")
        )
    )
    payout = data.get("phu_luc_2", {})
    methods = payout.get("method_columns", {})
    known = {m.code for m in rules.methods}
    unknown = set(methods) - known
    if unknown:
        raise _fail(
            rules,
            "phu_luc_2.method_columns",
            f"phương thức lạ {', '.join(sorted(unknown))}; có: {', '.join(sorted(known))}",
        )
    signatures = payout.get("signatures")
    if not isinstance(signatures, list) or not all(isinstance(s, str) for s in signatures):
        raise _fail(rules, "phu_luc_2.signatures", "cần một danh sách chức danh ký")
    exceptions = data.get("exceptions", {})
    survey = data.get("phu_luc_1", {})
    note = _columns(rules, [payout.get("note_column")], "phu_luc_2.note_column")[0]
    return PayoutTemplate(
        agency=agency,
        title=_text(rules, payout, "phu_luc_2", "title"),
        subtitle=_text(rules, payout, "phu_luc_2", "subtitle"),
        file_name=_text(rules, payout, "phu_luc_2", "file_name"),
        signatures=tuple(signatures),
        signature_note=_text(rules, payout, "phu_luc_2", "signature_note"),
        font=_text(rules, payout, "phu_luc_2", "font"),
        common=_columns(rules, payout.get("common_columns"), "phu_luc_2.common_columns"),
        note=note,
        method_columns={
            code: _columns(rules, methods[code], f"phu_luc_2.method_columns.{code}") if code in methods else ()
            for code in known
        },
        exceptions_title=_text(rules, exceptions, "exceptions", "title"),
        exceptions_file=_text(rules, exceptions, "exceptions", "file_name"),
        exception_columns=_columns(rules, exceptions.get("columns"), "exceptions.columns"),
        survey_title=_text(rules, survey, "phu_luc_1", "title"),
        survey_subtitle=_text(rules, survey, "phu_luc_1", "subtitle"),
        survey_file=_text(rules, survey, "phu_luc_1", "file_name"),
    )
