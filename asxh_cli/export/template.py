"""The Phụ lục 1 / Phụ lục 2 / report layout from rules/templates.toml, validated with clear errors."""

from __future__ import annotations

import re
import string
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
    "pending",
    "source_file",
    "source_sheet",
    "source_row",
}
# Placeholders each kind of text may use.
PLACE_KEYS = frozenset({"commune", "commune_name", "province"})
UNIT_PREFIX = re.compile(r"^\s*(xã|phường|đặc khu|thị trấn)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class FormColumn:
    field: str
    header: str
    width: float


@dataclass(frozen=True)
class Signer:
    """One signature block: title lines (e.g. 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'), the note, the typed name."""

    lines: tuple[str, ...]
    note: str
    name: str


@dataclass(frozen=True)
class Agency:
    """Heading texts with {commune}, {commune_name}, {province} still to fill."""

    parent_body: str
    issuing_body: str
    place: str
    signers: tuple[Signer, ...]


@dataclass(frozen=True)
class Heading:
    """The heading of one document, filled in for its commune (or for several communes)."""

    parent_body: str
    issuing_body: str
    national_title: str
    motto: str
    place: str
    signers: tuple[Signer, ...]


@dataclass(frozen=True)
class PayoutTemplate:
    """Everything an office may change in its Phụ lục 1, Phụ lục 2, exception lists and weekly report."""

    province: str
    national_title: str
    motto: str
    commune_agency: Agency
    combined_agency: Agency
    font: str
    title: str
    subtitle: str
    file_name: str
    common: tuple[FormColumn, ...]
    note: FormColumn
    method_columns: dict[str, tuple[FormColumn, ...]]
    exceptions_title: str
    exceptions_file: str
    exception_columns: tuple[FormColumn, ...]
    survey_title: str
    survey_subtitle: str
    survey_file: str
    survey_signers: tuple[Signer, ...]
    report_title: str
    report_signers: tuple[Signer, ...]

    def heading(self, commune: str | None, signers: tuple[Signer, ...] | None = None) -> Heading:
        """The heading for one commune's document, or for a document covering several (`commune` None);
        `signers` replaces the agency's own signature blocks."""
        agency = self.commune_agency if commune else self.combined_agency
        values = {
            "commune": commune or "",
            "commune_name": UNIT_PREFIX.sub("", commune or "").strip(),
            "province": self.province,
        }

        def fill(text: str) -> str:
            return text.format_map(values)

        signers = tuple(
            Signer(tuple(fill(line).upper() for line in s.lines), s.note, fill(s.name))
            for s in (agency.signers if signers is None else signers)
        )
        return Heading(
            fill(agency.parent_body).upper(),
            fill(agency.issuing_body).upper(),
            self.national_title,
            self.motto,
            fill(agency.place),
            signers,
        )


def _fail(rules: Rules, key: str, problem: str) -> RuleError:
    return RuleError("rules.bad_key", file=rules.source / "templates.toml", key=key, problem=problem)


def _text(rules: Rules, table: dict[str, Any], key: str, name: str, allowed: frozenset[str] = frozenset()) -> str:
    """A non-empty text whose {placeholders} are all in `allowed`."""
    value = table.get(name) if isinstance(table, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise _fail(rules, f"{key}.{name}", "thiếu hoặc không phải chữ")
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as exc:
        raise _fail(rules, f"{key}.{name}", f"dấu ngoặc {{ }} sai: {exc}") from None
    unknown = used - allowed
    if unknown:
        hint = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "không có"
        raise _fail(rules, f"{key}.{name}", f"chỗ điền lạ {', '.join(sorted(unknown))}; dùng được: {hint}")
    return value


def _file_name(rules: Rules, table: dict[str, Any], key: str, allowed: frozenset[str]) -> str:
    """A file name (without folder): no path separators, no leading dot, no '..'."""
    value = _text(rules, table, key, "file_name", allowed)
    if re.search(r"[/\\:*?\"<>|\x00-\x1f]", value) or value.startswith(".") or ".." in value:
        raise _fail(rules, f"{key}.file_name", 'chỉ là tên tệp, không có thư mục hay ký tự / \\ : * ? " < > |')
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


def _signers(rules: Rules, value: Any, key: str) -> tuple[Signer, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(rules, key, "cần một danh sách { lines = [...], note = ..., name = ... }")
    signers = []
    for i, spec in enumerate(value):
        where = f"{key}[{i}]"
        lines = spec.get("lines") if isinstance(spec, dict) else None
        if not isinstance(lines, list) or not lines:
            raise _fail(rules, f"{where}.lines", "cần một danh sách dòng chức danh")
        texts = tuple(
            _text(rules, {"line": line}, f"{where}.lines[{j}]", "line", PLACE_KEYS) for j, line in enumerate(lines)
        )
        note = _text(rules, spec, where, "note")
        name = spec.get("name", "")
        if not isinstance(name, str):
            raise _fail(rules, f"{where}.name", "họ tên người ký là chữ (để trống nếu ký tay)")
        if name:
            _text(rules, spec, where, "name", PLACE_KEYS)
        signers.append(Signer(texts, note, name))
    return tuple(signers)


def _agency(rules: Rules, table: Any, key: str) -> Agency:
    if not isinstance(table, dict):
        raise _fail(rules, key, "thiếu bảng cơ quan")
    return Agency(
        _text(rules, table, key, "parent_body", PLACE_KEYS),
        _text(rules, table, key, "issuing_body", PLACE_KEYS),
        _text(rules, table, key, "place", PLACE_KEYS),
        _signers(rules, table.get("signers"), f"{key}.signers"),
    )


def load_template(rules: Rules) -> PayoutTemplate:
    """The form template of `rules` (rules/templates.toml)."""
    data = rules.templates
    if not data:
        raise RuleError("rules.missing_file", file=rules.source / "templates.toml")
    agency_table = data.get("agency", {})
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
    exceptions = data.get("exceptions", {})
    survey = data.get("phu_luc_1", {})
    report = data.get("report", {})
    note = _columns(rules, [payout.get("note_column")], "phu_luc_2.note_column")[0]
    return PayoutTemplate(
        province=_text(rules, agency_table, "agency", "province"),
        national_title=_text(rules, agency_table, "agency", "national_title"),
        motto=_text(rules, agency_table, "agency", "motto"),
        commune_agency=_agency(rules, agency_table.get("commune"), "agency.commune"),
        combined_agency=_agency(rules, agency_table.get("combined"), "agency.combined"),
        font=_text(rules, agency_table, "agency", "font"),
        title=_text(rules, payout, "phu_luc_2", "title", frozenset({"method", "method_code"})),
        subtitle=_text(rules, payout, "phu_luc_2", "subtitle", frozenset({"ky"})),
        file_name=_file_name(rules, payout, "phu_luc_2", frozenset({"method_code"})),
        common=_columns(rules, payout.get("common_columns"), "phu_luc_2.common_columns"),
        note=note,
        method_columns={
            code: _columns(rules, methods[code], f"phu_luc_2.method_columns.{code}") if code in methods else ()
            for code in known
        },
        exceptions_title=_text(rules, exceptions, "exceptions", "title"),
        exceptions_file=_file_name(rules, exceptions, "exceptions", frozenset()),
        exception_columns=_columns(rules, exceptions.get("columns"), "exceptions.columns"),
        survey_title=_text(rules, survey, "phu_luc_1", "title"),
        survey_subtitle=_text(rules, survey, "phu_luc_1", "subtitle", PLACE_KEYS),
        survey_file=_file_name(rules, survey, "phu_luc_1", frozenset({"commune"})),
        survey_signers=_signers(rules, survey.get("signers"), "phu_luc_1.signers"),
        report_title=_text(rules, report, "report", "title"),
        report_signers=_signers(rules, report.get("signers"), "report.signers"),
    )
