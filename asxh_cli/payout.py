"""Split the matched list into Phụ lục 2 method lists and the exceptions that must go back for correction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asxh_cli.errors import InputError
from asxh_cli.export.columns import CLEAN_HEADERS
from asxh_cli.io.writer import write_csv
from asxh_cli.normalize.ids import CCCD, clean_id
from asxh_cli.normalize.lookup import AliasIndex, bank_index, method_index
from asxh_cli.normalize.values import parse_account, parse_amount
from asxh_cli.rules import Rules

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
}
REQUIRED = ("source_file", "source_sheet", "source_row", "result", "full_name")


def header_names() -> dict[str, str]:
    """Every header a list file may carry (Vietnamese or English) → internal field."""
    names = {vi: field for field, (vi, _en) in CLEAN_HEADERS.items()}
    names.update({en: field for field, (_vi, en) in CLEAN_HEADERS.items()})
    names.update({vi: field for field, vi in SURVEY_HEADERS.items()})
    names.update({vi: field for field, vi in MATCH_HEADERS.items()})
    return names


def load_list(path: Path) -> pd.DataFrame:
    """A matched list (ket_qua_doi_sanh.csv, or a list that survey answers were merged into) with field names."""
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
    frame = frame.astype(object).where(frame.astype(str) != "", None)
    frame["source_row"] = frame["source_row"].astype(int)
    for field in (
        "payment_method",
        "account_number",
        "bank",
        "proxy_name",
        "proxy_id",
        "phone",
        *SURVEY_HEADERS,
        "commune",
        "category",
        "amount",
        "register_status",
        "same_as",
    ):
        if field not in frame.columns:
            frame[field] = None
    return frame.reset_index(drop=True)


@dataclass
class Assignment:
    """Each row's list: a payment-method code, or EXCEPTION with the reasons."""

    frame: pd.DataFrame  # input rows plus `list`, `method_code`, `exception_reason`
    counts: pd.Series  # rows per list


def _later_duplicates(frame: pd.DataFrame) -> pd.Series:
    """Rows whose person already appeared earlier in the list (the first one stays)."""
    position = {f"{f}:{r}": i for i, (f, r) in enumerate(zip(frame["source_file"], frame["source_row"], strict=True))}
    earlier = []
    for i, text in enumerate(frame["same_as"]):
        others = [position[label] for label in str(text).split(", ") if label in position] if text else []
        earlier.append(
            next(
                (frame["source_file"].iat[j] + ":" + str(frame["source_row"].iat[j]) for j in sorted(others) if j < i),
                None,
            )
        )
    return pd.Series(earlier, index=frame.index, dtype=object)


def assign_lists(frame: pd.DataFrame, rules: Rules) -> Assignment:
    """Only matched, living, non-duplicate people whose method is complete go to a method list."""
    methods, banks = method_index(rules), bank_index(rules)
    by_code = {m.code: m for m in rules.methods}
    provinces = frozenset(rules.provinces)
    duplicates = _later_duplicates(frame)
    lists, codes, reasons = [], [], []
    for i, row in enumerate(frame.to_dict("records")):
        why: list[str] = []
        if row["result"] != "Khớp":
            why.append(f"Kết quả đối sánh: {row['result']}")
        if row["register_status"] in ("Đã chết", "Đã chuyển đi"):
            why.append(f"CSDLQG: {row['register_status']}")
        if duplicates.iat[i]:
            why.append(f"Trùng với {duplicates.iat[i]}")
        code = methods.find(row["payment_method"])
        method = by_code.get(code) if code else None
        if method is None:
            why.append("Chưa có hoặc không rõ hình thức nhận")
        else:
            why.extend(_incomplete(method, row, banks, provinces, rules))
        codes.append(code)
        lists.append(EXCEPTION if why else code)
        reasons.append("; ".join(why) or None)
    out = frame.copy()
    out["method_code"], out["list"], out["exception_reason"] = codes, lists, reasons
    out["amount"] = [parse_amount(str(v) if v is not None else None).value for v in out["amount"]]
    return Assignment(out, out["list"].value_counts())


def _incomplete(
    method: object, row: dict[str, object], banks: AliasIndex, provinces: frozenset[str], rules: Rules
) -> list[str]:
    """What is missing for a method: account and bank, authorised person, phone, or the reason for cash."""
    missing = []
    if method.needs_account:
        account = parse_account(row["account_number"], rules.account_length)
        if account.value is None or account.problem:
            missing.append("Thiếu hoặc sai số tài khoản")
        if banks.find(row["bank"]) is None:
            missing.append("Thiếu hoặc không rõ ngân hàng")
    if method.needs_proxy:
        if not row["proxy_name"]:
            missing.append("Thiếu họ tên người được ủy quyền")
        if clean_id(row["proxy_id"], provinces).kind != CCCD:
            missing.append("Thiếu hoặc sai số định danh người được ủy quyền")
    if method.needs_phone and len("".join(ch for ch in str(row["phone"] or "") if ch.isdigit())) != 10:
        missing.append("Thiếu số điện thoại ví")
    if method.needs_reason and not row["cash_reason"]:
        missing.append("Thiếu lý do nhận tiền mặt")
    return missing


def write_list(frame: pd.DataFrame, path: Path) -> None:
    """Write a list back as UTF-8-with-BOM CSV under Vietnamese headers (formula-safe)."""
    headers = {field: vi for field, (vi, _en) in CLEAN_HEADERS.items()} | SURVEY_HEADERS | MATCH_HEADERS
    write_csv(frame.rename(columns=headers), path)
