"""Split the matched list into Phụ lục 2 method lists and the exceptions that must not be paid.

A person lands on a payment list only when every gate says so (fail closed): matched; register status explicitly
alive; the list's own status and death date do not say otherwise; the row was not edited after matching; the
age fits the category; the amount is readable; and the person is not already paid on another row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from asxh_cli.contract import Result, Status, fingerprint, key_label, parse_result, parse_status, row_key
from asxh_cli.errors import InputError
from asxh_cli.export.columns import CLEAN_HEADERS, show_date
from asxh_cli.frames import map_distinct
from asxh_cli.io.writer import write_csv
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.ids import CCCD, clean_id
from asxh_cli.normalize.lookup import AliasIndex, bank_index, category_index, method_index
from asxh_cli.normalize.status import classify_status
from asxh_cli.normalize.text import fold
from asxh_cli.normalize.values import parse_account, parse_amount
from asxh_cli.rules import PaymentMethod, Rules

EXCEPTION = "NGOAI_LE"
# Columns added by survey answers, beyond the cleaned list's own.
SURVEY_HEADERS = {"proxy_relation": "Quan hệ với đối tượng", "cash_reason": "Lý do không nhận qua tài khoản"}
MATCH_HEADERS = {
    "source_file": "Tệp gốc",
    "source_sheet": "Sheet gốc",
    "source_row": "Dòng gốc",
    "result": "Kết quả",
    "register_id": "Số định danh CSDLQG",
    "score": "Điểm",
    "reason": "Lý do",
    "register_status": "Tình trạng CSDLQG",
    "same_as": "Trùng với",
    "fingerprint": "Mã kiểm tra",
    "register_name": "Họ tên CSDLQG",
    "register_birth_date": "Ngày sinh CSDLQG",
    "register_sex": "Giới tính CSDLQG",
}
REQUIRED = ("source_file", "source_sheet", "source_row", "result", "full_name")
OPTIONAL = (
    "national_id",
    "birth_date",
    "payment_method",
    "account_number",
    "bank",
    "proxy_name",
    "proxy_id",
    "phone",
    *SURVEY_HEADERS,
    "commune",
    "address",
    "category",
    "category_code",
    "amount",
    "register_id",
    "register_status",
    "same_as",
    "fingerprint",
    "status",
    "death_date",
    "note",
    "register_name",
    "register_birth_date",
    "register_sex",
)
ID_COLUMNS = ("register_id", "proxy_id")  # list IDs are restored against the check code (_restore_ids)


def header_names() -> dict[str, str]:
    """Every header a list file may carry (Vietnamese or English) → internal field."""
    names = {vi: field for field, (vi, _en) in CLEAN_HEADERS.items()}
    names.update({en: field for field, (_vi, en) in CLEAN_HEADERS.items()})
    names.update({vi: field for field, vi in SURVEY_HEADERS.items()})
    names.update({vi: field for field, vi in MATCH_HEADERS.items()})
    return names


@dataclass
class ResultList:
    """A matched list read back: field-named columns, result and status as codes, and the repairs made."""

    frame: pd.DataFrame
    repairs: list[str] = field(default_factory=list)


def read_result_list(path: Path) -> ResultList:
    """A matched list (ket_qua_doi_sanh.csv, or one with survey answers merged), re-checked on the way in.

    Results and statuses become codes; every row key is unique; IDs are re-validated (a result file re-saved
    in Excel loses leading zeros: an ID that is one zero short is restored and reported, anything else refused).
    """
    if not path.exists():
        raise InputError("file.missing", file=path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path).astype(str)
        else:
            raise InputError("file.unsupported", file=path, ext=path.suffix)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("file.corrupt", file=path.name, detail=str(exc).splitlines()[0][:200]) from None
    frame = frame.rename(columns=header_names())
    missing = [MATCH_HEADERS.get(f, CLEAN_HEADERS.get(f, (f,))[0]) for f in REQUIRED if f not in frame.columns]
    if missing:
        raise InputError("list.not_matched", file=path.name, missing=", ".join(missing))
    frame = frame.astype(object).where(frame.astype(str).apply(lambda c: c.str.strip()) != "", None)
    for name in OPTIONAL:
        if name not in frame.columns:
            frame[name] = None
    frame = frame.reset_index(drop=True)
    frame["source_row"] = _keys(frame, path)
    frame["result"] = _codes(frame["result"], parse_result, path, required=True)
    frame["register_status"] = _codes(frame["register_status"], parse_status, path, required=False)
    repairs = [r for column in ID_COLUMNS for r in _recheck_ids(frame, column, path)]
    return ResultList(frame, repairs)


def load_list(path: Path) -> pd.DataFrame:
    """The frame of `read_result_list` (for commands that only need the rows)."""
    return read_result_list(path).frame


def _keys(frame: pd.DataFrame, path: Path) -> pd.Series:
    seen: dict[tuple[str, str, int], int] = {}
    rows = []
    for i, (f, s, r) in enumerate(zip(frame["source_file"], frame["source_sheet"], frame["source_row"], strict=True)):
        try:
            key = row_key(f, s, r)
        except (TypeError, ValueError):
            raise InputError("list.bad_key", file=path.name, row=i + 2) from None
        if f is None or key in seen:
            if f is None:
                raise InputError("list.bad_key", file=path.name, row=i + 2)
            raise InputError("list.duplicate_key", file=path.name, row=seen[key] + 2, other=i + 2, key=key_label(key))
        seen[key] = i
        rows.append(key[2])
    return pd.Series(rows, index=frame.index, dtype=int)


def _codes(values: pd.Series, parse: Callable[[object], object], path: Path, required: bool) -> pd.Series:
    """Labels → codes, parsed once per distinct text; an unknown label is refused naming its first row."""
    codes = map_distinct(values, parse)
    wrong = codes.isna() & (values.notna() if not required else True)
    if wrong.any():
        i = int(wrong.to_numpy().nonzero()[0][0])
        raise InputError("list.bad_result", file=path.name, row=i + 2, value=values.iat[i])
    return codes


def _recheck_ids(frame: pd.DataFrame, column: str, path: Path) -> list[str]:
    """Restore the one leading zero Excel drops from a 12-digit ID; a register ID that is still not 12 digits is
    refused (the file was damaged), naming the row."""
    header = MATCH_HEADERS.get(column) or CLEAN_HEADERS[column][0]
    present = frame[column].notna()
    text = frame.loc[present, column].astype(str).str.strip().str.removesuffix(".0")
    lost_zero = text.str.fullmatch(r"\d{11}")
    text = text.where(~lost_zero, "0" + text)
    repairs = [
        f"{path.name}, dòng {i + 2}, cột '{header}': thêm số 0 đầu bị Excel làm mất ({_masked(value)})"
        for i, value in text[lost_zero].items()
    ]
    if column == "register_id":
        broken = ~text.str.fullmatch(r"\d{12}")
        if broken.any():
            i, value = next(iter(text[broken].items()))
            problem = f"{len(value)} chữ số, cần 12" if value.isdigit() else "không phải dãy số"
            raise InputError(
                "list.bad_id", file=path.name, row=i + 2, column=header, value=_masked(value), problem=problem
            )
    frame.loc[present, column] = text.astype(object)
    return repairs


def _masked(text: str) -> str:
    return text[:3] + "*" * max(len(text) - 6, 0) + text[-3:] if len(text) > 6 else "***"


@dataclass
class Assignment:
    """Each row's list: a payment-method code, or EXCEPTION with the reasons."""

    frame: pd.DataFrame  # input rows plus `list`, `method_code`, `exception_reason`, `pending`, `payable`
    counts: pd.Series  # rows per list


def assign_lists(frame: pd.DataFrame, rules: Rules, today: dt.date | None = None) -> Assignment:
    """Put each row on exactly one list: its method's Phụ lục 2 list, or the exceptions with every reason.

    A row on a method list may still lack a field only the survey collects (`pending`): it is counted, marked
    and not `payable` until the survey answer is merged.
    """
    today = today or dt.date.today()
    methods, banks, categories = method_index(rules), bank_index(rules), category_index(rules)
    by_code = {m.code: m for m in rules.methods}
    provinces = frozenset(rules.provinces)
    out = frame.copy().reset_index(drop=True)
    out["amount"] = [_amount(v) for v in out["amount"]]
    out["category_code"] = [
        c if c else (categories.find(t) if t else None)
        for c, t in zip(out["category_code"], out["category"], strict=True)
    ]
    out["national_id"] = _restore_ids(out)
    reasons: list[list[str]] = [_gates(row, rules, today) for row in out.to_dict("records")]
    codes: list[str | None] = []
    pending: list[str | None] = []
    for i, row in enumerate(out.to_dict("records")):
        code = methods.find(row["payment_method"])
        method = by_code.get(code) if code else None
        codes.append(code)
        if method is None:
            reasons[i].append("Chưa có hoặc không rõ hình thức nhận")
            pending.append(None)
        else:
            missing = _incomplete(method, row, banks, provinces, rules)
            pending.append(("Chờ khảo sát: " + "; ".join(missing)) if missing else None)
    out["method_code"] = codes
    _one_payment_per_person(out, reasons, rules)
    _shared_own_accounts(out, reasons, by_code)
    out["exception_reason"] = ["; ".join(why) or None for why in reasons]
    out["list"] = np.where(out["exception_reason"].isna(), out["method_code"], EXCEPTION)
    out["pending"] = np.where(out["list"] == EXCEPTION, None, pending)
    out["payable"] = (out["list"] != EXCEPTION) & out["pending"].isna()
    return Assignment(out, out["list"].value_counts())


def _amount(value: object) -> int | None:
    if value is None:
        return None
    return parse_amount(str(value)).value


def _restore_ids(frame: pd.DataFrame) -> list[object]:
    """A list ID that lost its leading zero in Excel is restored when that brings the check code back."""
    ids = []
    for name, born, id_, code in zip(
        frame["full_name"], frame["birth_date"], frame["national_id"], frame["fingerprint"], strict=True
    ):
        if (
            code
            and id_
            and str(id_).isdigit()
            and len(str(id_)) in (8, 11)
            and fingerprint(name, born, id_) != code
            and fingerprint(name, born, "0" + str(id_)) == code
        ):
            id_ = "0" + str(id_)
        ids.append(id_)
    return ids


def _gates(row: dict[str, object], rules: Rules, today: dt.date) -> list[str]:
    """Why this row must not be paid (empty when every gate says yes)."""
    why: list[str] = []
    result = row["result"]
    if result != Result.MATCHED:
        why.append(f"Kết quả đối sánh: {Result(result).label_vi}")
    elif not row["register_id"]:
        why.append("Khớp nhưng thiếu số định danh CSDLQG")
    status = row["register_status"]
    if result == Result.MATCHED and status != Status.ALIVE:
        why.append(f"CSDLQG: {Status(status).label_vi}" if status else "CSDLQG: không rõ tình trạng")
    own = classify_status(row["status"], rules.matching.status)
    if own in (Status.DEAD, Status.MOVED, Status.UNKNOWN):
        why.append(f"Danh sách ghi tình trạng: {row['status']}")
    if row["death_date"]:
        why.append(f"Danh sách ghi ngày mất: {row['death_date']}")
    if classify_status(row["note"], rules.matching.status) in (Status.DEAD, Status.MOVED):
        why.append("Ghi chú của danh sách nói người này đã chết hoặc đã chuyển đi")
    if (
        row["fingerprint"]
        and fingerprint(row["full_name"], row["birth_date"], row["national_id"]) != row["fingerprint"]
    ):
        why.append("Dòng đã bị sửa sau khi đối sánh (họ tên, ngày sinh hoặc số định danh): hãy chạy lại asxh match")
    age_problem = _age_problem(row, rules, today)
    if age_problem:
        why.append(age_problem)
    if pd.isna(row["amount"]) or int(row["amount"]) <= 0:
        why.append("Thiếu hoặc sai mức trợ cấp")
    return why


def _age_problem(row: dict[str, object], rules: Rules, today: dt.date) -> str | None:
    """An age that cannot fit the category written on the row (a "trẻ em" born in 1939)."""
    text = row["category"]
    born = row["register_birth_date"] or row["birth_date"]
    if not text or not born or not rules.entitlements.age_limits:
        return None
    parsed = parse_date(str(born), today)
    if parsed.year is None:
        return None
    age = today.year - parsed.year - (1 if (parsed.month or 1, parsed.day or 1) > (today.month, today.day) else 0)
    folded = f" {fold(str(text))} "
    for limit in rules.entitlements.age_limits:
        named = any(f" {p} " in folded for p in limit.phrases)
        too_young = limit.min_age is not None and age < limit.min_age
        too_old = limit.max_age is not None and age > limit.max_age
        if named and (too_young or too_old):
            return f"Tuổi ({age}) không phù hợp với đối tượng '{text}': cần xác minh"
    return None


def _one_payment_per_person(out: pd.DataFrame, reasons: list[list[str]], rules: Rules) -> None:
    """Among the still-payable rows of one register person, pay one line per entitlement the rules allow.

    Same category twice: only the highest amount. Categories that may be combined: both, merged into one line
    when they share a method. Otherwise: only the highest amount.
    """
    open_rows = [i for i in range(len(out)) if not reasons[i] and out.at[i, "register_id"]]
    groups: dict[str, list[int]] = {}
    for i in open_rows:
        groups.setdefault(str(out.at[i, "register_id"]), []).append(i)
    labels = [
        key_label(row_key(f, s, r))
        for f, s, r in zip(out["source_file"], out["source_sheet"], out["source_row"], strict=True)
    ]
    for rows in groups.values():
        if len(rows) < 2:
            continue
        # Highest amount first; ties keep input order.
        ranked = sorted(rows, key=lambda i: (-(out.at[i, "amount"] or 0), i))
        kept: list[int] = []
        for i in ranked:
            category = out.at[i, "category_code"]
            rival = next(
                (k for k in kept if not rules.entitlements.may_combine(out.at[k, "category_code"], category)), None
            )
            if rival is not None:
                same = out.at[rival, "category_code"] == category
                reasons[i].append(
                    f"Trùng với {labels[rival]}: "
                    + (
                        "cùng nhóm đối tượng, chỉ chi mức cao nhất"
                        if same
                        else "hai chế độ không được hưởng đồng thời, chỉ chi mức cao nhất"
                    )
                )
                continue
            partner = next((k for k in kept if out.at[k, "method_code"] == out.at[i, "method_code"]), None)
            if partner is not None:
                out.at[partner, "amount"] = int(out.at[partner, "amount"]) + int(out.at[i, "amount"])
                out.at[partner, "category"] = f"{out.at[partner, 'category']}; {out.at[i, 'category']}"
                reasons[i].append(f"Đã cộng vào dòng {labels[partner]} (hưởng đồng thời, cùng một dòng chi trả)")
                continue
            kept.append(i)


def _shared_own_accounts(out: pd.DataFrame, reasons: list[list[str]], methods: dict[str, PaymentMethod]) -> None:
    """One "own" account paid for two different people is a fraud or typing signal: all of them go to review.
    (An authorised person's account may serve several people; only own accounts are checked.)"""
    own = {code for code, m in methods.items() if m.needs_account and not m.needs_proxy}
    holders: dict[str, set[str]] = {}
    rows: dict[str, list[int]] = {}
    for i, (code, account, person) in enumerate(
        zip(out["method_code"], out["account_number"], out["register_id"], strict=True)
    ):
        digits = "".join(ch for ch in str(account or "") if ch.isdigit())
        if code in own and digits and not reasons[i]:
            holders.setdefault(digits, set()).add(str(person))
            rows.setdefault(digits, []).append(i)
    for digits, people in holders.items():
        if len(people) > 1:
            for i in rows[digits]:
                reasons[i].append(f"Số tài khoản chính chủ trùng với {len(people) - 1} người khác: cần xác minh")


def _incomplete(
    method: PaymentMethod, row: dict[str, object], banks: AliasIndex, provinces: frozenset[str], rules: Rules
) -> list[str]:
    """What is missing for a method: account and bank, authorised person, phone, or the reason for cash."""
    missing = []
    if method.needs_account:
        account = parse_account(row["account_number"], rules.account_length)
        if account.value is None or account.problem:
            missing.append("thiếu hoặc sai số tài khoản")
        if banks.find(row["bank"]) is None:
            missing.append("thiếu hoặc không rõ ngân hàng")
    if method.needs_proxy:
        if not row["proxy_name"]:
            missing.append("thiếu họ tên người được ủy quyền")
        if clean_id(row["proxy_id"], provinces).kind != CCCD:
            missing.append("thiếu hoặc sai số định danh người được ủy quyền")
    if method.needs_phone and len("".join(ch for ch in str(row["phone"] or "") if ch.isdigit())) != 10:
        missing.append("thiếu số điện thoại ví")
    if method.needs_reason and not row["cash_reason"]:
        missing.append("thiếu lý do nhận tiền mặt")
    return missing


def write_list(frame: pd.DataFrame, path: Path) -> None:
    """Write a list back as UTF-8-with-BOM CSV under Vietnamese headers and labels (formula-safe)."""
    headers = {field: vi for field, (vi, _en) in CLEAN_HEADERS.items()} | SURVEY_HEADERS | MATCH_HEADERS
    shown = frame.copy()
    shown["result"] = [Result(v).label_vi if v else None for v in shown["result"]]
    shown["register_status"] = [Status(v).label_vi if v else None for v in shown["register_status"]]
    shown["birth_date"] = shown["birth_date"].map(show_date)
    write_csv(shown.rename(columns=headers), path)
