"""Phụ lục 1 round trip: survey workbooks for the field teams, and their answers validated and merged back."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asxh_cli.clean import PROBLEM_COLUMNS
from asxh_cli.contract import RowKey, Status, key_label, parse_status, row_fingerprints, row_key
from asxh_cli.errors import InputError
from asxh_cli.export.forms import FormSheet, write_form
from asxh_cli.export.template import FormColumn, PayoutTemplate
from asxh_cli.io.grid import read_excel_grids
from asxh_cli.io.layout import column_letter
from asxh_cli.io.names import distinct_slugs, unify_spellings
from asxh_cli.normalize.ids import CCCD, clean_id
from asxh_cli.normalize.lookup import bank_index, method_index
from asxh_cli.normalize.text import fold, normalize_name, normalize_text
from asxh_cli.normalize.values import parse_account
from asxh_cli.payout import SURVEY_HEADERS
from asxh_cli.problems import ERROR, explain
from asxh_cli.rules import Rules

# Printed for the field team on two A4 landscape pages: who the person is and the first answers on page 1,
# STT and name again then the other answers on page 2 (read_surveys finds answers and keys by header).
PREFILLED = (
    FormColumn("row_number", "STT", 4),
    FormColumn("full_name", "Họ và tên", 18),
    FormColumn("birth_date", "Ngày sinh", 10),
    FormColumn("national_id", "Số định danh cá nhân", 13),
    FormColumn("address", "Thôn/Tổ", 9),
    FormColumn("payment_method", "Hình thức đang nhận", 13),
)
SECOND_PAGE = (FormColumn("row_number", "STT", 4), FormColumn("full_name", "Họ và tên", 16))
# Columns the field team fills in: field → header. survey read finds them by these headers.
ANSWERS = {
    "new_method": "Phương thức chọn",
    "new_account": "Số tài khoản",
    "new_bank": "Ngân hàng",
    "new_proxy_name": "Họ tên người được ủy quyền",
    "new_proxy_id": "Số định danh người được ủy quyền",
    "new_proxy_relation": "Quan hệ với đối tượng",
    "new_phone": "Số điện thoại",
    "new_cash_reason": "Lý do không nhận qua tài khoản",
    "survey_date": "Ngày khảo sát",
    "signature": "Chữ ký người được khảo sát",
}
KEYS = {"source_file": "Tệp gốc", "source_sheet": "Sheet gốc", "source_row": "Dòng gốc", "fingerprint": "Mã kiểm tra"}
ANSWER_WIDTHS = {
    "new_method": 15,
    "new_account": 16,
    "new_bank": 12,
    "new_proxy_name": 16,
    "new_proxy_id": 13,
    "new_proxy_relation": 9,
    "new_phone": 12,
    "new_cash_reason": 18,
    "survey_date": 9,
    "signature": 13,
}
# Outside the print area: for the office, and for `survey read` (it finds the person by Tệp/Sheet/Dòng gốc).
OFFICE = (
    FormColumn("category", "Đối tượng", 16),
    FormColumn("amount", "Mức trợ cấp (đồng/tháng)", 12),
    FormColumn("account_number", "Số tài khoản hiện có", 16),
)
RELATIONS = ["Vợ/chồng", "Con", "Cháu", "Cha/mẹ", "Anh/chị/em", "Người giám hộ", "Người chăm sóc", "Khác"]
CASH_REASONS = [
    "Già yếu, không tự đi giao dịch được",
    "Khuyết tật, bệnh nặng",
    "Không có điện thoại, không dùng được dịch vụ số",
    "Ở xa điểm giao dịch ngân hàng",
    "Không có giấy tờ mở tài khoản",
    "Khác (ghi rõ)",
]
NO_COMMUNE = "Chưa rõ xã/phường"
PRINT_SCALE = 82  # 11 pt text prints at 9.0 pt; two A4 landscape pages across, STT and name on both
ROW_HEIGHT = 30  # points: 10.6 mm, 8.7 mm as printed at 82 %
FIRST_PAGE_ANSWERS = 3  # the method, account and bank stay on the first page with the person's identity
PAGE_BREAK = len(PREFILLED) + FIRST_PAGE_ANSWERS


def mask_id(value: object) -> object:
    """'079150012345' → '0791******45'."""
    if not isinstance(value, str) or len(value) < 6:
        return value
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_account(value: object) -> object:
    """'4228981687329' → '*********7329'."""
    if not isinstance(value, str) or len(value) < 5:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def survey_columns() -> tuple[FormColumn, ...]:
    """Printed columns (identity, answers), then the office's columns and the row keys outside the print area."""
    answers = tuple(FormColumn(field, header, ANSWER_WIDTHS[field]) for field, header in ANSWERS.items())
    keys = tuple(FormColumn(field, header, 10) for field, header in KEYS.items())
    first, rest = answers[:FIRST_PAGE_ANSWERS], answers[FIRST_PAGE_ANSWERS:]
    return (*PREFILLED, *first, *SECOND_PAGE, *rest, *OFFICE, *keys)


PRINTED = len(PREFILLED) + len(SECOND_PAGE) + len(ANSWERS)


@dataclass(frozen=True)
class SurveyFile:
    path: Path
    communes: tuple[str, ...]
    people: int


def _natural(text: object) -> str:
    """A sort key where 'Tổ 3' comes before 'Tổ 10'."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), fold(str(text or "")))


def _one_row_per_person(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop later rows of a person listed twice (`same_as` names the other rows as 'Tệp gốc:Sheet gốc:Dòng gốc')."""
    labels = [
        key_label(row_key(f, s, r))
        for f, s, r in zip(frame["source_file"], frame["source_sheet"], frame["source_row"], strict=True)
    ]
    seen: set[str] = set()
    keep = []
    for label, same in zip(labels, frame.get("same_as", pd.Series([None] * len(frame))), strict=True):
        others = set(str(same).split(", ")) if isinstance(same, str) and same else set()
        keep.append(not (others & seen))
        seen.add(label)
    return frame[keep]


def survey_order(people: pd.DataFrame) -> pd.DataFrame:
    """By commune, thôn/tổ, then given name and full name (the usual order of a Vietnamese list)."""
    names = people["full_name"].fillna("")
    keys = pd.DataFrame(
        {
            "c": people["commune"].map(_natural),
            "a": people["address"].map(_natural),
            "g": names.map(lambda n: fold(n.split()[-1]) if n.split() else ""),
            "n": names.map(fold),
        },
        index=people.index,
    )
    return people.loc[keys.sort_values(["c", "a", "g", "n"], kind="stable").index]


def make_surveys(
    frame: pd.DataFrame,
    rules: Rules,
    template: PayoutTemplate,
    outdir: Path,
    one_file: bool,
    show_pii: bool,
    day: dt.date,
) -> list[SurveyFile]:
    """One Phụ lục 1 workbook per commune (or one workbook with a sheet per commune) for the home visits."""
    gone = frame["register_status"].map(parse_status).isin([Status.DEAD, Status.MOVED])
    people = _one_row_per_person(frame[~gone])
    people = survey_order(people.copy())
    if not show_pii:
        people["national_id"] = people["national_id"].map(mask_id)
        people["account_number"] = people["account_number"].map(mask_account)
    people["source_row"] = people["source_row"].astype(str)
    methods = method_index(rules)
    people["payment_method"] = people["payment_method"].map(
        lambda text: rules.method(code).short if (code := methods.find(text)) else text
    )
    validations = {
        "new_method": [m.short for m in rules.methods],
        "new_bank": [b.short for b in rules.banks],
        "new_proxy_relation": RELATIONS,
        "new_cash_reason": CASH_REASONS,
    }
    low, high = rules.account_length
    lengths = {"new_account": (low, high), "new_proxy_id": (12, 12), "new_phone": (10, 10)}
    sheets = []
    people["commune"] = unify_spellings(people["commune"].fillna(NO_COMMUNE))
    for commune, part in people.groupby("commune", sort=False):
        name = str(commune)
        heading = template.heading(None if name == NO_COMMUNE else name, template.survey_signers)
        subtitle = template.survey_subtitle.format(commune=name, commune_name=name, province=template.province)
        sheets.append(
            (
                name,
                FormSheet(
                    name,
                    heading,
                    template.survey_title,
                    subtitle,
                    survey_columns(),
                    part,
                    validations,
                    lengths,
                    totals=False,
                    printed=PRINTED,
                    font_size=11,
                    row_height=ROW_HEIGHT,
                    fit_width=False,
                    print_scale=PRINT_SCALE,
                    freeze_columns=2,
                    page_break=PAGE_BREAK,
                ),
            )
        )
    written = []
    if one_file:
        path = outdir / f"{template.survey_file.format(commune='tat_ca')}.xlsx"
        write_form(path, [s for _, s in sheets], template.font, day)
        written.append(SurveyFile(path, tuple(c for c, _ in sheets), len(people)))
    else:
        stems = distinct_slugs([commune for commune, _ in sheets])
        for commune, sheet in sheets:
            path = outdir / f"{template.survey_file.format(commune=stems[commune])}.xlsx"
            write_form(path, [sheet], template.font, day)
            written.append(SurveyFile(path, (commune,), len(sheet.rows)))
    return written


@dataclass
class SurveyAnswers:
    """Valid answers by list row key, and one problem row per invalid answer."""

    answers: dict[tuple[str, str, int], dict[str, str | None]]
    problems: pd.DataFrame


def _problem(file: str, sheet: str, row: int, column: str, value: object, code: str) -> dict[str, object]:
    return {
        "source_file": file,
        "source_sheet": sheet,
        "source_row": row,
        "field": column,
        "column": column,
        "value": None if value is None else str(value),
        "severity": ERROR,
        "code": code,
        "detail": explain(code),
    }


def _survey_header(rows: list[list[str | None]]) -> int | None:
    """Index of the survey's header row (it holds 'Phương thức chọn' and 'Dòng gốc'), if any."""
    return next(
        (i for i, row in enumerate(rows[:30]) if ANSWERS["new_method"] in row and KEYS["source_row"] in row), None
    )


def list_check_codes(frame: pd.DataFrame) -> dict[RowKey, str]:
    """Each list row's key → the check code of the person now on it (what a survey answer must carry)."""
    keys = (row_key(*k) for k in zip(frame["source_file"], frame["source_sheet"], frame["source_row"], strict=True))
    return dict(zip(keys, row_fingerprints(frame), strict=True))


def read_surveys(paths: list[Path], rules: Rules, known: dict[RowKey, str]) -> SurveyAnswers:
    """Read filled-in Phụ lục 1 workbooks (drop-downs or free text) and validate every answer.

    An answer applies to the list row named by its key only while that row holds the same person (check code).
    """
    methods, banks = method_index(rules), bank_index(rules)
    by_code = {m.code: m for m in rules.methods}
    provinces = frozenset(rules.provinces)
    answers: dict[tuple[str, str, int], dict[str, str | None]] = {}
    where_from: dict[RowKey, list[tuple[str, str, int]]] = {}
    conflicts: set[RowKey] = set()
    problems: list[dict[str, object]] = []
    for path in paths:
        grids = [g for g in read_excel_grids(path) if g.sheet != "DanhMuc"]
        headers = {grid.sheet: _survey_header(grid.rows) for grid in grids}
        if all(at is None for at in headers.values()):
            raise InputError("survey.not_survey", file=path.name)
        for grid in grids:
            header_at = headers[grid.sheet]
            if header_at is None:
                continue
            header = grid.rows[header_at]
            where = {field: header.index(text) for field, text in {**ANSWERS, **KEYS}.items() if text in header}
            if len(where) < len(ANSWERS) + len(KEYS):
                missing = [t for f, t in {**ANSWERS, **KEYS}.items() if f not in where]
                raise InputError("survey.columns", file=path.name, sheet=grid.sheet, missing=", ".join(missing))
            for r in range(header_at + 2, len(grid.rows)):
                cells = grid.rows[r] + [None] * len(header)
                if not any(c and c.strip() for c in cells):
                    break  # the table ends at the first empty row; the signature block follows
                value = {field: (cells[i] or "").strip() or None for field, i in where.items()}
                if not any(value[f] for f in ANSWERS if f not in ("survey_date", "signature")):
                    continue
                excel_row = r + 1

                def report(
                    field: str,
                    code: str,
                    v: dict[str, str | None] = value,
                    row: int = excel_row,
                    columns: dict[str, int] = where,
                    file: str = path.name,
                    sheet: str = grid.sheet,
                ) -> None:
                    header_text = f"{column_letter(columns[field])} ({ANSWERS[field]})"
                    problems.append(_problem(file, sheet, row, header_text, v[field], code))

                try:
                    key = row_key(value["source_file"], value["source_sheet"], value["source_row"])
                except (TypeError, ValueError):
                    key = None
                if key is not None and key in known and value["fingerprint"] != known[key]:
                    problems.append(
                        _problem(
                            path.name,
                            grid.sheet,
                            excel_row,
                            KEYS["fingerprint"],
                            value["fingerprint"],
                            "survey-row-changed",
                        )
                    )
                    continue
                if key is None or key not in known:
                    problems.append(
                        _problem(
                            path.name,
                            grid.sheet,
                            excel_row,
                            "Tệp gốc/Sheet gốc/Dòng gốc",
                            value["source_row"],
                            "survey-row-unknown",
                        )
                    )
                    continue
                errors_before = len(problems)
                code = methods.find(value["new_method"])
                if code is None:
                    report("new_method", "survey-method-unknown" if value["new_method"] else "survey-method-missing")
                    continue
                method = by_code[code]
                account = parse_account(value["new_account"], rules.account_length)
                bank = banks.find(value["new_bank"])
                if method.needs_account and (account.value is None or account.problem):
                    report("new_account", "survey-account")
                if method.needs_account and bank is None:
                    report("new_bank", "survey-bank")
                if method.needs_proxy and not value["new_proxy_name"]:
                    report("new_proxy_name", "survey-proxy-name")
                proxy = clean_id(value["new_proxy_id"], provinces)
                if method.needs_proxy and proxy.kind != CCCD:
                    report("new_proxy_id", "survey-proxy-id")
                phone = "".join(ch for ch in value["new_phone"] or "" if ch.isdigit())
                if method.needs_phone and len(phone) != 10:
                    report("new_phone", "survey-phone")
                if method.needs_reason and not value["new_cash_reason"]:
                    report("new_cash_reason", "survey-reason")
                if len(problems) > errors_before:
                    continue
                answer = {
                    "payment_method": method.name,
                    "account_number": account.value if method.needs_account else None,
                    "bank": bank or (normalize_text(value["new_bank"]) if value["new_bank"] else None),
                    "proxy_name": normalize_name(value["new_proxy_name"]) if value["new_proxy_name"] else None,
                    "proxy_id": proxy.value,
                    "proxy_relation": value["new_proxy_relation"],
                    "phone": phone or None,
                    "cash_reason": value["new_cash_reason"],
                }
                where_from[key] = [*where_from.get(key, []), (path.name, grid.sheet, excel_row)]
                if key in answers and answers[key] != answer:
                    conflicts.add(key)
                answers[key] = answer
    for key in conflicts:  # two forms disagree about one person: neither is applied
        del answers[key]
        for file, sheet, row in where_from[key]:
            problems.append(_problem(file, sheet, row, KEYS["source_row"], key[2], "survey-conflict"))
    return SurveyAnswers(answers, pd.DataFrame(problems, columns=PROBLEM_COLUMNS, dtype=object))


def merge_answers(frame: pd.DataFrame, answers: SurveyAnswers) -> tuple[pd.DataFrame, int]:
    """Apply valid answers to the list rows they belong to; nothing else in the list changes."""
    merged = frame.copy()
    for field in SURVEY_HEADERS:
        if field not in merged.columns:
            merged[field] = None
    applied = 0
    keys = list(zip(merged["source_file"], merged["source_sheet"], merged["source_row"], strict=True))
    for i, key in enumerate(keys):
        answer = answers.answers.get(row_key(*key))
        if answer is None:
            continue
        for field, value in answer.items():
            merged.at[merged.index[i], field] = value
        applied += 1
    return merged, applied
