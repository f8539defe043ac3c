"""Clean a raw beneficiary table: repair what can be repaired, record every repair and problem, lose nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import pandas as pd

from asxh_cli.contract import key_label, row_key
from asxh_cli.frames import attribute, map_distinct
from asxh_cli.io.layout import PROVENANCE, SEX_FROM_LAYOUT, SheetTable
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.ids import CCCD, CMND, INVALID, MISSING, clean_id, clean_old_id, id_disagreements
from asxh_cli.normalize.legacy import Encoding, column_hint, fix_legacy
from asxh_cli.normalize.lookup import bank_index, category_index, method_index
from asxh_cli.normalize.text import fold, normalize_name, normalize_text, strip_controls
from asxh_cli.normalize.values import amount_out_of_range, parse_account, parse_amount, parse_sex
from asxh_cli.problems import ERROR, PROBLEMS, REPAIR, explain
from asxh_cli.rules import Rules
from asxh_cli.schema import CleanBeneficiaries, failing_cells

TEXT_FIELDS = ("address", "commune", "category", "proxy_name", "note", "bank", "payment_method")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_COMMUNE_SHEET = re.compile(r"^(phuong|xa|thi tran|dac khu)\b")
PROBLEM_COLUMNS = [
    "source_file",
    "source_sheet",
    "source_row",
    "field",
    "column",
    "value",
    "severity",
    "code",
    "detail",
]


@dataclass
class CleanResult:
    """The cleaned table (one row per input row, same order) and one row per problem or repair."""

    data: pd.DataFrame
    problems: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == ERROR]


def column_names(tables: list[SheetTable]) -> dict[tuple[str, str], dict[str, str]]:
    """(file, sheet) → {field: 'E (Số CCCD)'} so problems name the column as the file shows it."""
    names: dict[tuple[str, str], dict[str, str]] = {}
    for table in tables:
        per_field: dict[str, str] = {}
        for column in table.columns:
            if column.field and column.field not in per_field:
                per_field[column.field] = f"{column.letter} ({column.header})"
        names[(table.file, table.sheet)] = per_field
    return names


class _Recorder:
    """Collects (row, field, code, detail) findings."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, str]] = []
        self._seen: set[tuple[int, str, str, str]] = set()

    def add(self, row: int, field: str, code: str, detail: str = "") -> None:
        finding = (row, field, code, detail)
        if finding not in self._seen:
            self._seen.add(finding)
            self.rows.append(finding)


def _remove_controls(data: pd.DataFrame, recorder: _Recorder) -> None:
    """Drop CR, LF, NUL and other control characters from every text cell, recording each change."""
    for field in [c for c in data.columns if c not in PROVENANCE]:
        if not _CONTROL.search("".join(map(str, data[field].dropna().unique()))):
            continue  # one search over the column's distinct values: most columns hold no control character
        column = data[field].to_numpy(dtype=object, copy=True)
        found = [p for p, v in enumerate(column) if isinstance(v, str) and _CONTROL.search(v)]
        for position in found:
            column[position] = strip_controls(column[position])[0]
            recorder.add(position, str(field), "text-controls")
        if found:
            data[field] = pd.Series(column, index=data.index, dtype=object)


def _fix_text_columns(data: pd.DataFrame, recorder: _Recorder) -> None:
    """Convert legacy-encoded text (TCVN3/VNI) per sheet and column, recording each conversion."""
    groups = data.groupby(["source_file", "source_sheet"], sort=False).indices
    for field in ("full_name", *TEXT_FIELDS):
        if field not in data.columns:
            continue
        column = data[field].to_numpy(dtype=object)
        fixed = column.copy()
        for positions in groups.values():
            values = column[positions]
            hint = column_hint(v for v in values if isinstance(v, str))
            known: dict[str, tuple[str, Encoding]] = {}
            for position, value in zip(positions, values, strict=True):
                if not isinstance(value, str) or value.isascii():
                    continue
                if value not in known:
                    known[value] = fix_legacy(value, hint)
                converted, encoding = known[value]
                if encoding is not Encoding.UNICODE:
                    fixed[position] = converted
                    recorder.add(int(position), field, f"text-{encoding.value}")
        data[field] = pd.Series(fixed, index=data.index, dtype=object)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def clean_beneficiaries(
    raw: pd.DataFrame,
    rules: Rules,
    names: dict[tuple[str, str], dict[str, str]] | None = None,
    today: dt.date | None = None,
) -> CleanResult:
    """Clean every row of `raw` (from the readers); return cleaned values beside the originals and all findings."""
    today = today or dt.date.today()
    data = raw.reset_index(drop=True).copy()
    originals = data.copy()
    recorder = _Recorder()
    for field in ("full_name", "birth_date", "national_id", "sex", *TEXT_FIELDS, "amount", "account_number"):
        if field not in data.columns:
            data[field] = None
            originals[field] = None
    _remove_controls(data, recorder)
    _fix_text_columns(data, recorder)
    _clean_names(data, recorder)
    _commune_from_sheets(data, recorder)
    _clean_birth(data, recorder, today)
    _clean_sex(data, recorder)
    _clean_ids(data, rules, recorder)
    _clean_payment(data, rules, recorder)
    _mark_duplicates(data, recorder)
    _validate(data, recorder)
    for field in (
        "full_name",
        "birth_date",
        "national_id",
        "sex",
        "amount",
        "account_number",
        "bank",
        "payment_method",
        "category",
    ):
        before = originals[field].astype(object)
        after = pd.Series(
            [None if v is None or v is pd.NA else str(v) for v in data[field].astype(object)], index=data.index
        )
        changed = before.notna() & (before.astype(str) != after.fillna("\0"))
        data[f"{field}_raw"] = before.where(changed, None)
    data["repairs"] = _summaries(recorder, len(data))
    problems = _problem_frame(recorder, data, originals, names or {})
    counts = problems[problems["severity"] == ERROR].groupby("row").size() if len(problems) else pd.Series(dtype=int)
    data["errors"] = pd.Series(range(len(data))).map(counts).fillna(0).astype("int64")
    return CleanResult(data, problems.drop(columns="row"))


def _clean_names(data: pd.DataFrame, recorder: _Recorder) -> None:
    raw = data["full_name"]
    cleaned = map_distinct(raw, lambda v: normalize_name(v) if _text_or_none(v) else None)
    for position in (raw.notna() & (raw.astype(object) != cleaned)).to_numpy().nonzero()[0]:
        if cleaned.iat[position] is not None:
            recorder.add(int(position), "full_name", "name-formatted")
    data["full_name"] = cleaned
    data["name_key"] = map_distinct(cleaned, lambda v: fold(v) if v else None)
    for field in ("address", "commune", "proxy_name", "note"):
        data[field] = map_distinct(data[field], lambda v: normalize_text(v) if _text_or_none(v) else None)


def _commune_from_sheets(data: pd.DataFrame, recorder: _Recorder) -> None:
    """In a workbook with one sheet per commune and no commune column, the sheet name is the commune."""
    sheets_per_file = data.groupby("source_file")["source_sheet"].transform("nunique")
    named_like_commune = data["source_sheet"].map(lambda s: bool(_COMMUNE_SHEET.match(fold(str(s)))))
    missing = data["commune"].isna() & (sheets_per_file > 1) & named_like_commune
    for position in missing.to_numpy().nonzero()[0]:
        data.at[data.index[position], "commune"] = normalize_text(str(data["source_sheet"].iat[position]))
        recorder.add(int(position), "commune", "commune-from-sheet")


def _clean_birth(data: pd.DataFrame, recorder: _Recorder, today: dt.date) -> None:
    raw = data["birth_date"].astype(object)
    two = map_distinct(raw, lambda v: isinstance(v, str) and " | " in v).to_numpy(dtype=bool)
    for position in two.nonzero()[0]:
        recorder.add(int(position), "birth_date", "birth-two-columns")
    first = map_distinct(raw, lambda v: v.split(" | ")[0] if isinstance(v, str) else v)
    parsed = map_distinct(first, lambda v: parse_date(str(v) if v is not None else None, today))
    data["birth_date"] = parsed.map(attrgetter("value"))
    data["birth_precision"] = parsed.map(attrgetter("precision"))
    for part in ("year", "month", "day"):
        data[f"birth_{part}"] = attribute(parsed, part, "Int64")
    data["birth_problem"] = parsed.map(attrgetter("problem"))
    for position, repair in enumerate(attribute(parsed, "repair")):
        if repair:
            recorder.add(position, "birth_date", repair)


def _clean_sex(data: pd.DataFrame, recorder: _Recorder) -> None:
    column = map_distinct(data["sex"], parse_sex)
    layout = data[SEX_FROM_LAYOUT] if SEX_FROM_LAYOUT in data.columns else pd.Series([None] * len(data))
    result = []
    for position, (raw, parsed, by_layout) in enumerate(zip(data["sex"], column, layout, strict=True)):
        if _text_or_none(raw) and parsed is None:
            recorder.add(position, "sex", "sex-unknown")
        if parsed and by_layout and parsed != by_layout:
            recorder.add(position, "sex", "sex-conflict")
        if parsed is None and by_layout:
            recorder.add(position, "sex", "sex-from-layout")
        result.append(parsed or by_layout)
    data["sex"] = result
    if SEX_FROM_LAYOUT in data.columns:
        del data[SEX_FROM_LAYOUT]


def _clean_ids(data: pd.DataFrame, rules: Rules, recorder: _Recorder) -> None:
    provinces = frozenset(rules.provinces)
    years = data["birth_year"].to_numpy(dtype="float64", na_value=float("nan"))
    raws = data["national_id"].to_numpy(dtype=object)
    parsed = [
        clean_id(str(raw) if raw is not None else None, provinces, None if year != year else int(year))
        for raw, year in zip(raws, years, strict=True)
    ]
    values, kinds, problems = [], [], []
    sexes = data["sex"].to_numpy(dtype=object)
    for position, (raw, result) in enumerate(zip(raws, parsed, strict=True)):
        for repair in result.repairs:
            recorder.add(position, "national_id", repair)
        kinds.append(result.kind)
        problems.append(result.problem)
        if result.kind == INVALID:
            values.append(str(raw).strip())
            digits = "".join(ch for ch in str(raw) if ch.isdigit())
            if 13 <= len(digits) <= 19:
                recorder.add(position, "national_id", "id-is-account")
        else:
            values.append(result.value)
        if result.kind == MISSING:
            recorder.add(position, "national_id", "id-missing")
        elif result.kind == CMND:
            recorder.add(position, "national_id", "id-old-cmnd")
        year = years[position]
        for code in id_disagreements(result.value, result.kind, sexes[position], None if year != year else int(year)):
            recorder.add(position, "national_id", code)
    data["national_id"] = values
    data["id_kind"] = kinds
    data["id_problem"] = problems
    if "old_id" in data.columns:
        data["old_id"] = map_distinct(data["old_id"], lambda v: clean_old_id(str(v)) if v is not None else None)


def _clean_payment(data: pd.DataFrame, rules: Rules, recorder: _Recorder) -> None:
    fraction = rules.amounts.fraction
    amounts = map_distinct(data["amount"], lambda v: parse_amount(str(v) if v is not None else None, fraction))
    amount_given = data["amount"].notna().any()
    accounts = map_distinct(
        data["account_number"], lambda v: parse_account(str(v) if v is not None else None, rules.account_length)
    )
    data["account_number"] = [a.value for a in accounts]
    banks, methods, categories = bank_index(rules), method_index(rules), category_index(rules)
    bank_bins = {b.short: b.bin for b in rules.banks}
    method_names = {m.code: m.name for m in rules.methods}
    data["bank_short"] = map_distinct(data["bank"], banks.find)
    data["bank_bin"] = data["bank_short"].map(lambda v: bank_bins.get(v) if v else None)
    bank_names = {b.short: b.name for b in rules.banks}
    data["bank_name"] = data["bank_short"].map(lambda v: bank_names.get(v) if v else None)
    data["method_code"] = map_distinct(data["payment_method"], methods.find)
    data["category_code"] = map_distinct(data["category"], categories.find)
    columns = {
        name: data[name].to_numpy(dtype=object)
        for name in (
            "bank",
            "bank_short",
            "payment_method",
            "method_code",
            "category",
            "category_code",
            "account_number",
            "national_id",
        )
    }
    unknown = (
        ("bank", "bank_short", "bank-unknown"),
        ("payment_method", "method_code", "method-unknown"),
        ("category", "category_code", "category-unknown"),
    )
    values: list[int | None] = []
    for position, (amount, account) in enumerate(zip(amounts, accounts, strict=True)):
        bounds = rules.amounts.bounds(columns["category_code"][position])
        amount_problem = amount.problem or amount_out_of_range(amount.value, bounds)
        if amount_problem or amount.repair:
            recorder.add(position, "amount", amount_problem or str(amount.repair))
        elif amount.value is None and amount_given:
            recorder.add(position, "amount", "amount-missing")
        values.append(None if amount_problem else amount.value)
        if account.problem:
            recorder.add(position, "account_number", account.problem)
        for raw, code, problem in unknown:
            if _text_or_none(columns[raw][position]) and columns[code][position] is None:
                recorder.add(position, raw, problem)
        number = columns["account_number"][position]
        if number and number == columns["national_id"][position]:
            recorder.add(position, "account_number", "account-is-id")
    data["amount"] = pd.array(values, dtype="Int64")
    data["bank"] = [b if b else (_text_or_none(raw)) for b, raw in zip(data["bank_short"], data["bank"], strict=True)]
    data["payment_method"] = [
        method_names.get(c) if c else _text_or_none(raw)
        for c, raw in zip(data["method_code"], data["payment_method"], strict=True)
    ]


def duplicate_groups(data: pd.DataFrame) -> pd.Series:
    """Per row, the positions of other rows that are the same person (same ID, or same name and full date)."""
    links: dict[int, set[int]] = {}

    def link(positions: list[int]) -> None:
        for p in positions:
            links.setdefault(p, set()).update(q for q in positions if q != p)

    valid_id = data["id_kind"].isin([CCCD, CMND]) & data["national_id"].notna()
    with_id = data.index[valid_id]
    for positions in data[valid_id].groupby("national_id", sort=False).indices.values():
        if len(positions) > 1:
            link([int(i) for i in with_id[positions]])
    full_date = (data["birth_precision"] == "day") & data["name_key"].notna()
    subset = data[full_date]
    for positions in subset.groupby(["name_key", "birth_date"], sort=False).indices.values():
        if len(positions) > 1:
            link([int(i) for i in subset.index[positions]])
    return pd.Series([sorted(links.get(i, ())) for i in range(len(data))], index=data.index, dtype=object)


def _mark_duplicates(data: pd.DataFrame, recorder: _Recorder) -> None:
    others = duplicate_groups(data)
    files, sheets, rows = (data[c].to_numpy(dtype=object) for c in ("source_file", "source_sheet", "source_row"))
    labels = {o: key_label(row_key(files[o], sheets[o], rows[o])) for group in others for o in group}
    duplicate_of = [", ".join(labels[o] for o in group) or None for group in others]
    data["duplicate_positions"] = others
    data["duplicate_of"] = pd.Series(duplicate_of, dtype=object)
    for position, group in enumerate(others):
        if group:
            recorder.add(position, "full_name", "duplicate", duplicate_of[position])


_SCHEMA_CODES: dict[str, Callable[[pd.DataFrame, int], str]] = {
    "full_name": lambda _d, _p: "name-missing",
    "birth_year": lambda d, p: d["birth_problem"].iat[p] or "date-missing",
    "national_id": lambda d, p: d["id_problem"].iat[p] or "id-length",
    "id_kind": lambda d, p: d["id_problem"].iat[p] or "id-length",
}
_SCHEMA_FIELDS = {"birth_year": "birth_date", "id_kind": "national_id"}


def _validate(data: pd.DataFrame, recorder: _Recorder) -> None:
    """Run the pandera model lazily; every rejected cell becomes an error with the normaliser's reason."""
    frame = data.copy()
    frame["national_id"] = [
        v if k != MISSING else None for v, k in zip(data["national_id"], data["id_kind"], strict=True)
    ]
    frame["national_id"] = [
        v if k != INVALID else (v or "?") for v, k in zip(frame["national_id"], data["id_kind"], strict=True)
    ]
    for _, case in failing_cells(CleanBeneficiaries, frame).iterrows():
        column, position = str(case["column"]), int(case["index"])
        code_of = _SCHEMA_CODES.get(column)
        if code_of is not None:
            recorder.add(position, _SCHEMA_FIELDS.get(column, column), code_of(data, position))


def _summaries(recorder: _Recorder, size: int) -> list[str | None]:
    explained = {code: explain(code) for code, (level, _vi, _en) in PROBLEMS.items() if level == REPAIR}
    texts: dict[int, list[str]] = {}
    for row, _field, code, _detail in recorder.rows:
        if code in explained:
            texts.setdefault(row, []).append(explained[code])
    return ["; ".join(dict.fromkeys(texts[i])) if i in texts else None for i in range(size)]


def _problem_frame(
    recorder: _Recorder, data: pd.DataFrame, originals: pd.DataFrame, names: dict[tuple[str, str], dict[str, str]]
) -> pd.DataFrame:
    files = data["source_file"].to_numpy(dtype=object)
    sheets = data["source_sheet"].to_numpy(dtype=object)
    rows = data["source_row"].to_numpy()
    raw_values = {field: originals[field].to_numpy(dtype=object) for field in originals.columns}
    explained = {code: explain(code) for code in PROBLEMS if code != "duplicate"}
    records: list[dict[Hashable, Any]] = []
    for row, field, code, detail in recorder.rows:
        file, sheet = files[row], sheets[row]
        value = raw_values[field][row] if field in raw_values else None
        records.append(
            {
                "row": row,
                "source_file": file,
                "source_sheet": sheet,
                "source_row": int(rows[row]),
                "field": field,
                "column": names.get((file, sheet), {}).get(field, field),
                "value": None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value),
                "severity": PROBLEMS[code][0],
                "code": code,
                "detail": explain(code, other=detail) if code == "duplicate" else explained[code],
            }
        )
    frame = pd.DataFrame(records, columns=["row", *PROBLEM_COLUMNS], dtype=object)
    frame = frame.astype({"row": "int64", "source_row": "int64"})
    return frame.sort_values(["row"], kind="stable").reset_index(drop=True)
