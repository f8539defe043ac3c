"""Clean a raw beneficiary table: repair what can be repaired, record every repair and problem, lose nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.contract import row_key
from asxh_cli.frames import apply_distinct, distinct, map_distinct, paused_gc
from asxh_cli.io.layout import PROVENANCE, SEX_FROM_LAYOUT, SheetTable
from asxh_cli.normalize.dates import parse_dates
from asxh_cli.normalize.ids import CCCD, CMND, INVALID, MISSING, clean_id, clean_old_id
from asxh_cli.normalize.legacy import Encoding, fix_legacy, hint_from_counts, may_be_legacy
from asxh_cli.normalize.lookup import bank_index, category_index, method_index
from asxh_cli.normalize.text import fold, normalize_name, normalize_text, strip_controls
from asxh_cli.normalize.values import amount_out_of_range, parse_accounts, parse_amount, parse_sex
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
    """Collects findings in bulk: the rows (positions), the field and the code (one, or one per row), a detail."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, object, object, object]] = []

    def add(self, positions: Any, field: object, code: object, detail: object = "") -> None:
        """Record `code` for `field` on every row in `positions`; field, code and detail may be one per row."""
        rows = np.asarray(positions, dtype=np.int64)
        if len(rows):
            self._parts.append((rows, field, code, detail))

    def findings(self) -> dict[str, np.ndarray]:
        """{row, field, code, detail}: each finding once, by row; a row's findings in the order recorded."""
        rows = np.concatenate([np.empty(0, dtype=np.int64), *(part[0] for part in self._parts)])
        columns = {"row": rows}
        key = rows.copy()
        for k, name in enumerate(("field", "code", "detail"), start=1):
            pieces = [np.broadcast_to(np.asarray(part[k], dtype=object), len(part[0])) for part in self._parts]
            columns[name] = np.concatenate([np.empty(0, dtype=object), *pieces])
            codes, uniques = pd.factorize(columns[name])
            key = key * (len(uniques) + 1) + (codes + 1)
        _, first = np.unique(key, return_index=True)  # the first of equal findings
        first.sort()
        order = first[np.argsort(rows[first], kind="stable")]
        return {name: column[order] for name, column in columns.items()}


def _objects(values: Any) -> np.ndarray:
    """A one-dimensional object array of `values` (tuples stay whole)."""
    values = list(values)
    return np.fromiter(values, dtype=object, count=len(values))


def _factorize(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values as `map_distinct` sees them: every missing cell is None (code -1, the last)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.append(_objects(uniques), None)


def _combine(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code per row of each distinct combination, first row of each combination) for per-row code arrays."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for part in codes:
        key = key * (int(part.max(initial=0)) + 2) + (part + 1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def _group_codes(data: pd.DataFrame) -> np.ndarray:
    """Code of the (file, sheet) each row comes from; -1 where either is missing (groupby leaves those out)."""
    files, _ = pd.factorize(data["source_file"])
    sheets, _ = pd.factorize(data["source_sheet"])
    combined, _ = _combine(files, sheets)
    return np.where((files < 0) | (sheets < 0), -1, combined)


def _has_control(values: pd.Series) -> bool:
    """Whether any cell's text holds a control character (one search over the joined text of the column)."""
    cells = values.to_numpy(dtype=object)
    try:  # the usual column, text and None (NaN, pd.NA or anything else than text: TypeError)
        text = "".join(cells[np.not_equal(cells, None)])
    except TypeError:
        try:
            text = "".join(cells[~pd.isna(cells)])
        except TypeError:  # not only text: search the distinct values as text (numpy's str() of a numpy text
            # drops its trailing NULs, and a numpy text counts as the same value as the plain text it holds)
            text = "".join(v if isinstance(v, str) else str(v) for v in values.dropna().unique())
    return not text.isprintable() and bool(_CONTROL.search(text))  # control characters are never printable


def _text_kind(value: object) -> int:
    if not isinstance(value, str) or value.isascii():
        return 0
    return 2 if may_be_legacy(value) else 1


def _remove_controls(data: pd.DataFrame, recorder: _Recorder) -> None:
    """Drop CR, LF, NUL and other control characters from every text cell, recording each change."""
    for field in [c for c in data.columns if c not in PROVENANCE]:
        if not _has_control(data[field]):
            continue  # most columns hold no control character
        column = data[field].to_numpy(dtype=object, copy=True)
        codes, uniques = distinct(column)
        found = _objects(isinstance(v, str) and bool(_CONTROL.search(v)) for v in uniques)[codes].astype(bool)
        positions = found.nonzero()[0]
        column[positions] = apply_distinct(column[positions], lambda v: strip_controls(v)[0])
        recorder.add(positions, str(field), "text-controls")
        if len(positions):
            data[field] = pd.Series(column, index=data.index, dtype=object)


Distincts = dict[str, tuple[np.ndarray, np.ndarray]]  # field → `_factorize` of its column, while it holds


def _fix_text_columns(data: pd.DataFrame, recorder: _Recorder) -> Distincts:
    """Convert legacy-encoded text (TCVN3/VNI) per sheet and column, recording each conversion; return the
    distinct values of each column it left as it was."""
    groups = _group_codes(data)
    distincts: Distincts = {}
    for field in ("full_name", *TEXT_FIELDS):
        if field not in data.columns:
            continue
        column = data[field].to_numpy(dtype=object)
        fixed = column.copy()
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        # per distinct value: 0 ASCII or not text, 1 certainly Unicode, 2 possibly legacy
        kind = np.array([_text_kind(v) for v in uniques] + [0], dtype=np.int8)[codes] * (groups >= 0)
        rows = (kind == 2).nonzero()[0]
        if len(rows):
            unicode_cells = np.bincount(groups[kind == 1], minlength=int(groups.max()) + 1)
            pairs, first = _combine(groups[rows], codes[rows])
            counts = np.bincount(pairs)
            cells: dict[int, dict[str, int]] = {}
            for pair, row in enumerate(rows[first]):
                cells.setdefault(int(groups[row]), {})[uniques[codes[row]]] = int(counts[pair])
            hint = {group: hint_from_counts(found, int(unicode_cells[group])) for group, found in cells.items()}
            results = [fix_legacy(uniques[codes[row]], hint[int(groups[row])]) for row in rows[first]]
            converted = np.array([encoding is not Encoding.UNICODE for _text, encoding in results])[pairs]
            fixed[rows[converted]] = _objects(text for text, _encoding in results)[pairs][converted]
            labels = _objects(f"text-{encoding.value}" for _text, encoding in results)
            recorder.add(rows[converted], field, labels[pairs][converted])
        if not len(rows) or not converted.any():
            distincts[field] = (codes, np.append(_objects(uniques), None))
        data[field] = pd.Series(fixed, index=data.index, dtype=object)
    return distincts


def _distinct(data: pd.DataFrame, field: str, distincts: Distincts) -> tuple[np.ndarray, np.ndarray]:
    """`_factorize(data[field])`, found again only if the column changed since `distincts` was made."""
    return distincts[field] if field in distincts else _factorize(data[field])


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def clean_beneficiaries(
    raw: pd.DataFrame,
    rules: Rules,
    names: dict[tuple[str, str], dict[str, str]] | None = None,
    today: dt.date | None = None,
) -> CleanResult:
    """Clean every row of `raw` (from the readers); return cleaned values beside the originals and all findings."""
    with paused_gc():
        return _clean(raw, rules, names, today or dt.date.today())


def _clean(
    raw: pd.DataFrame, rules: Rules, names: dict[tuple[str, str], dict[str, str]] | None, today: dt.date
) -> CleanResult:
    data = raw.reset_index(drop=True).copy()
    originals = data.copy()
    recorder = _Recorder()
    for field in ("full_name", "birth_date", "national_id", "sex", *TEXT_FIELDS, "amount", "account_number"):
        if field not in data.columns:
            data[field] = None
            originals[field] = None
    _remove_controls(data, recorder)
    distincts = _fix_text_columns(data, recorder)
    _clean_names(data, recorder, distincts)
    _commune_from_sheets(data, recorder)
    _clean_birth(data, recorder, today)
    _clean_sex(data, recorder)
    _clean_ids(data, rules, recorder)
    _clean_payment(data, rules, recorder, distincts)
    _mark_duplicates(data, recorder)
    _validate(data, recorder)
    _keep_originals(data, originals)
    findings = recorder.findings()
    data["repairs"] = _summaries(findings, len(data))
    problems = _problem_frame(findings, data, originals, names or {})
    counts = problems[problems["severity"] == ERROR].groupby("row").size() if len(problems) else pd.Series(dtype=int)
    data["errors"] = pd.Series(range(len(data))).map(counts).fillna(0).astype("int64")
    return CleanResult(data, problems.drop(columns="row"))


_KEPT = (
    "full_name",
    "birth_date",
    "national_id",
    "sex",
    "amount",
    "account_number",
    "bank",
    "payment_method",
    "category",
)


def _keep_originals(data: pd.DataFrame, originals: pd.DataFrame) -> None:
    """`FIELD_raw`: the cell as written where cleaning changed it, else None."""
    for field in _KEPT:
        before, after = originals[field].to_numpy(dtype=object), data[field].to_numpy(dtype=object)
        text = _is_str(before, originals[field]) & _is_str(after, data[field])  # the usual cell: compared directly
        changed = np.zeros(len(before), dtype=bool)
        changed[text] = before[text] != after[text]
        rest = (~text).nonzero()[0]
        rest = rest[~pd.isna(before[rest])]  # an empty cell never changed
        if len(rest):
            text_after = any(v is not None and v is not pd.NA for v in after)  # decides the dtype of `after`
            changed[rest] = _changed(originals[field].iloc[rest], data[field].iloc[rest], text_after)
        data[f"{field}_raw"] = pd.Series(np.where(changed, before, None), index=data.index, dtype=object)


def _is_str(values: np.ndarray, column: pd.Series) -> np.ndarray:
    """`_is_text(values)` of `column`'s cells: its cells present if it has pandas' text dtype (text alone), else in
    one look at each cell's type when it holds only `str` and None."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.notna().to_numpy(dtype=bool)
    kinds = np.fromiter(map(type, values), dtype=object, count=len(values))
    text = kinds == str  # noqa: E721 (element-wise)
    if (text | (kinds == type(None))).all():  # noqa: E721 (element-wise)
        return text
    return _is_text(values)


def _is_text(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Which cells hold text (a `str`): the empty cells aside (`missing`, if known), in one check when the
    column is all text."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return ~(pd.isna(values) if missing is None else missing)
    return np.fromiter(map(type, values), dtype=object, count=len(values)) == str  # noqa: E721 (element-wise)


def _changed(original: pd.Series, cleaned: pd.Series, text_after: bool) -> np.ndarray:
    """Whether a cell's text differs from what it was, whatever the two values' types; `text_after`: whether
    any cell of the whole cleaned column is text (the comparison follows the dtype that gives the column)."""
    before = original.astype(object)
    after = pd.Series(
        apply_distinct(cleaned.astype(object), lambda v: None if v is None or v is pd.NA else str(v)),
        index=before.index,
        dtype="str" if text_after else object,
    )
    return (before.notna() & (before.astype(str) != after.fillna("\0"))).to_numpy(dtype=bool)


def _clean_names(data: pd.DataFrame, recorder: _Recorder, distincts: Distincts) -> None:
    codes, uniques = _distinct(data, "full_name", distincts)
    cleaned = _objects(normalize_name(v) if _text_or_none(v) else None for v in uniques)
    formatted = np.array([c is not None and c != v for v, c in zip(uniques, cleaned, strict=True)])
    formatted[-1] = False  # a missing cell is never reformatted
    recorder.add(formatted[codes].nonzero()[0], "full_name", "name-formatted")
    data["full_name"] = pd.Series(cleaned[codes], index=data.index, dtype=object)
    keys = _objects(fold(v) if v else None for v in cleaned)
    data["name_key"] = pd.Series(keys[codes], index=data.index, dtype=object)
    for field in ("address", "commune", "proxy_name", "note"):
        codes, uniques = _distinct(data, field, distincts)  # as `map_distinct`: the last stands for missing cells
        texts = _objects(normalize_text(v) if _text_or_none(v) else None for v in uniques)
        data[field] = pd.Series(texts[codes], index=data.index, dtype=object)


def _commune_from_sheets(data: pd.DataFrame, recorder: _Recorder) -> None:
    """In a workbook with one sheet per commune and no commune column, the sheet name is the commune."""
    sheets_per_file = data.groupby("source_file")["source_sheet"].transform("nunique")
    sheets = data["source_sheet"].to_numpy(dtype=object)
    named_like_commune = apply_distinct(sheets, lambda s: bool(_COMMUNE_SHEET.match(fold(str(s))))).astype(bool)
    missing = data["commune"].isna().to_numpy() & (sheets_per_file > 1).to_numpy() & named_like_commune
    positions = missing.nonzero()[0]
    if len(positions):
        commune = data["commune"].to_numpy(dtype=object, copy=True)
        commune[positions] = apply_distinct(sheets[positions], lambda s: normalize_text(str(s)))
        data["commune"] = pd.Series(commune, index=data.index, dtype=object)
        recorder.add(positions, "commune", "commune-from-sheet")


def _clean_birth(data: pd.DataFrame, recorder: _Recorder, today: dt.date) -> None:
    codes, uniques = _factorize(data["birth_date"].astype(object))
    two = np.array([isinstance(v, str) and " | " in v for v in uniques])
    recorder.add(two[codes].nonzero()[0], "birth_date", "birth-two-columns")
    if two.any():  # a date and a year column read together ("15/06/1950 | 1950"): the first is the date
        first, first_uniques = _factorize(_objects(v.split(" | ")[0] if isinstance(v, str) else v for v in uniques))
    else:
        first, first_uniques = np.arange(len(uniques)), uniques
    texts = _objects(str(v) if v is not None else None for v in first_uniques)
    parsed = parse_dates(texts, today)
    codes = first[codes]  # the cell's code among the distinct first dates
    for name, column in (("birth_date", "value"), ("birth_precision", "precision")):
        data[name] = parsed[column][codes]
    for part in ("year", "month", "day"):
        data[f"birth_{part}"] = pd.array(parsed[part], dtype="Int64").take(codes)
    data["birth_problem"] = parsed["problem"][codes]
    repairs = parsed["repair"][codes]
    found = (repairs != None).nonzero()[0]  # noqa: E711 (element-wise)
    recorder.add(found, "birth_date", repairs[found])


def _clean_sex(data: pd.DataFrame, recorder: _Recorder) -> None:
    raw_codes, raws = _factorize(data["sex"])
    layout = data[SEX_FROM_LAYOUT] if SEX_FROM_LAYOUT in data.columns else pd.Series([None] * len(data))
    layout_codes, layouts = distinct(layout)
    pairs, first = _combine(raw_codes, layout_codes)
    cases = [(raws[raw_codes[row]], layouts[layout_codes[row]]) for row in first]
    parsed = [parse_sex(raw) for raw, _by_layout in cases]
    checks = (
        ("sex-unknown", [bool(_text_or_none(raw)) and p is None for (raw, _l), p in zip(cases, parsed, strict=True)]),
        ("sex-conflict", [bool(p and by and p != by) for (_r, by), p in zip(cases, parsed, strict=True)]),
        ("sex-from-layout", [bool(p is None and by) for (_r, by), p in zip(cases, parsed, strict=True)]),
    )
    for code, flags in checks:
        recorder.add(np.array(flags, dtype=bool)[pairs].nonzero()[0], "sex", code)
    data["sex"] = _objects(p or by for (_r, by), p in zip(cases, parsed, strict=True))[pairs]
    if SEX_FROM_LAYOUT in data.columns:
        del data[SEX_FROM_LAYOUT]


_RESTORED = ("id-leading-zero",)


def _clean_id_cells(raws: np.ndarray, years: np.ndarray, provinces: frozenset[str]) -> list[np.ndarray]:
    """[values, kinds, problems, repairs] of `clean_id` for each (raw cell, birth year): text of ASCII digits
    alone, the usual cell, follows `clean_id`'s rules in bulk; anything else goes through `clean_id` itself."""
    kinds = np.fromiter(map(type, raws), dtype=object, count=len(raws))
    if ((kinds == str) | (kinds == type(None))).all():  # noqa: E721 (element-wise) the usual column: text and None
        strings = pa.array(raws, type=pa.string())
    else:
        strings = pa.array(_objects(v if isinstance(v, str) else None for v in raws), type=pa.string())
    plain = pc.fill_null(pc.match_substring_regex(strings, r"^\d+$"), False).to_numpy(zero_copy_only=False)
    digits = pc.if_else(pa.array(plain), strings, pa.scalar("000000", pa.string()))
    padded = pc.utf8_lpad(digits, 12, "0")
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    zero_first = pc.starts_with(digits, "0").to_numpy(zero_copy_only=False)
    province, century_known = (
        pc.is_in(pc.utf8_slice_codeunits(padded, a, b), value_set=pa.array(allowed, pa.string())).to_numpy(
            zero_copy_only=False
        )
        for a, b, allowed in ((0, 3, sorted(provinces)), (3, 4, list("0123")))
    )
    well_formed = province & century_known
    century, decade = (
        pc.cast(pc.utf8_slice_codeunits(padded, a, b), pa.int64()).to_numpy() for a, b in ((3, 4), (4, 6))
    )
    id_year = 1900 + 100 * (century // 2) + decade
    year = np.full(len(years), np.nan)
    known = np.not_equal(years, None)
    year[known] = years[known].astype("float64")
    fits = np.isnan(year) | (id_year // 100 == np.floor_divide(year, 100))
    twelve, nine = length == 12, length == 9
    missing_digit = ~twelve & ~nine & zero_first & (length < 12)
    restorable = ~missing_digit & ((length == 10) | (length == 11)) & well_formed & fits
    cmnd8 = ~missing_digit & (length == 8)
    cases = [  # (rows, value, kind, problem, repairs), the first that applies wins, as in `clean_id`
        (twelve & well_formed, digits, CCCD, None, ()),
        (twelve & ~province, None, INVALID, "id-province", ()),
        (twelve, None, INVALID, "id-century", ()),
        (nine, digits, CMND, None, ()),
        (missing_digit, None, INVALID, "id-missing-digit", ()),
        (restorable, padded, CCCD, None, _RESTORED),
        (cmnd8, pc.utf8_lpad(digits, 9, "0"), CMND, None, _RESTORED),
        (np.ones(len(raws), dtype=bool), None, INVALID, "id-length", ()),
    ]
    values, kinds, problems, repairs = (np.full(len(raws), None, dtype=object) for _ in range(4))
    done = ~plain
    for rows, value, kind, problem, repair in cases:
        rows = rows & ~done
        done |= rows
        values[rows] = None if value is None else value.to_numpy(zero_copy_only=False)[rows]
        kinds[rows], problems[rows] = kind, problem
        repairs[rows] = _objects([repair])  # one shared tuple (an array, so numpy does not unpack it)
    rest = (~plain).nonzero()[0]
    found = [
        clean_id(str(raw) if raw is not None else None, provinces, None if year is None else int(year))
        for raw, year in zip(raws[rest], years[rest], strict=True)
    ]
    for column, name in ((values, "value"), (kinds, "kind"), (problems, "problem"), (repairs, "repairs")):
        column[rest] = _objects(getattr(result, name) for result in found)
    return [values, kinds, problems, repairs]


def _clean_ids(data: pd.DataFrame, rules: Rules, recorder: _Recorder) -> None:
    provinces = frozenset(rules.provinces)
    raw_codes, raws = distinct(data["national_id"].to_numpy(dtype=object))
    year_codes, years = _factorize(data["birth_year"].to_numpy(dtype="float64", na_value=float("nan")))
    pairs, first = _combine(raw_codes, year_codes)
    pair_raws = raws[raw_codes[first]]
    values, kinds, problems, repairs = _clean_id_cells(pair_raws, years[year_codes[first]], provinces)
    for k in range(max(map(len, repairs), default=0)):
        codes = _objects(r[k] if len(r) > k else None for r in repairs)[pairs]
        found = (codes != None).nonzero()[0]  # noqa: E711 (element-wise)
        recorder.add(found, "national_id", codes[found])
    invalid = (kinds == INVALID).nonzero()[0]
    values[invalid] = _objects(str(raw).strip() for raw in pair_raws[invalid])
    account = np.zeros(len(kinds), dtype=bool)
    account[invalid] = [  # 13 to 19 digits in it (a cell shorter than 13 characters cannot have them)
        len(text) >= 13 and 13 <= sum(ch.isdigit() for ch in text) <= 19 for text in map(str, pair_raws[invalid])
    ]
    recorder.add(account[pairs].nonzero()[0], "national_id", "id-is-account")
    kind, value = kinds[pairs], values[pairs]
    recorder.add((kind == MISSING).nonzero()[0], "national_id", "id-missing")
    recorder.add((kind == CMND).nonzero()[0], "national_id", "id-old-cmnd")
    cccd = ((kind == CCCD) & (value != None)).nonzero()[0]  # noqa: E711 (element-wise)
    if len(cccd):
        digits = np.array(value[cccd].tolist(), dtype="U12").view(np.uint32).reshape(-1, 12).astype(np.int64) - 48
        sexes = data["sex"].to_numpy(dtype=object)[cccd]
        id_sex = np.where(digits[:, 3] % 2 == 0, "Nam", "Nữ").astype(object)
        stated = (sexes == "Nam") | (sexes == "Nữ")
        recorder.add(cccd[stated & (id_sex != sexes)], "national_id", "id-sex-mismatch")
        year = data["birth_year"].to_numpy(dtype="float64", na_value=float("nan"))[cccd]
        id_year = 1900 + 100 * (digits[:, 3] // 2) + 10 * digits[:, 4] + digits[:, 5]
        recorder.add(cccd[~np.isnan(year) & (id_year != year)], "national_id", "id-year-mismatch")
    data["national_id"] = value
    data["id_kind"] = kind
    data["id_problem"] = problems[pairs]
    if "old_id" in data.columns:
        data["old_id"] = map_distinct(data["old_id"], lambda v: clean_old_id(str(v)) if v is not None else None)


def _clean_payment(data: pd.DataFrame, rules: Rules, recorder: _Recorder, distincts: Distincts) -> None:
    fraction = rules.amounts.fraction
    amount_codes, amount_raws = _factorize(data["amount"])
    amounts = [parse_amount(str(v) if v is not None else None, fraction) for v in amount_raws]
    amount_given = data["amount"].notna().any()
    account_codes, account_raws = _factorize(data["account_number"])
    account_values, account_problems = parse_accounts(
        _objects(str(v) if v is not None else None for v in account_raws), rules.account_length
    )
    numbers = account_values[account_codes]
    data["account_number"] = numbers
    banks, methods, categories = bank_index(rules), method_index(rules), category_index(rules)
    bank_bins = {b.short: b.bin for b in rules.banks}
    bank_names = {b.short: b.name for b in rules.banks}
    method_names = {m.code: m.name for m in rules.methods}
    bank_codes, bank_raws = _distinct(data, "bank", distincts)
    shorts = _objects(banks.find(v) for v in bank_raws)
    data["bank_short"] = pd.Series(shorts[bank_codes], index=data.index, dtype=object)
    data["bank_bin"] = _objects(bank_bins.get(v) if v else None for v in shorts)[bank_codes]
    data["bank_name"] = _objects(bank_names.get(v) if v else None for v in shorts)[bank_codes]
    method_codes, method_raws = _distinct(data, "payment_method", distincts)
    found_methods = _objects(methods.find(v) for v in method_raws)
    data["method_code"] = pd.Series(found_methods[method_codes], index=data.index, dtype=object)
    category_codes, category_raws = _distinct(data, "category", distincts)
    found_categories = _objects(categories.find(v) for v in category_raws)
    data["category_code"] = pd.Series(found_categories[category_codes], index=data.index, dtype=object)

    pairs, first = _combine(amount_codes, category_codes)
    problems, values = [], []
    for row in first:
        amount = amounts[amount_codes[row]]
        bounds = rules.amounts.bounds(found_categories[category_codes[row]])
        amount_problem = amount.problem or amount_out_of_range(amount.value, bounds)
        if amount_problem or amount.repair:
            problems.append(amount_problem or str(amount.repair))
        else:
            problems.append("amount-missing" if amount.value is None and amount_given else None)
        values.append(None if amount_problem else amount.value)
    amount_problems = _objects(problems)[pairs]
    found = (amount_problems != None).nonzero()[0]  # noqa: E711 (element-wise)
    recorder.add(found, "amount", amount_problems[found])
    account_problems = account_problems[account_codes]
    found = (account_problems != None).nonzero()[0]  # noqa: E711 (element-wise)
    recorder.add(found, "account_number", account_problems[found])
    for raw, codes, raws, known, problem in (
        ("bank", bank_codes, bank_raws, shorts, "bank-unknown"),
        ("payment_method", method_codes, method_raws, found_methods, "method-unknown"),
        ("category", category_codes, category_raws, found_categories, "category-unknown"),
    ):
        unknown = np.array([bool(_text_or_none(v)) and k is None for v, k in zip(raws, known, strict=True)])
        recorder.add(unknown[codes].nonzero()[0], raw, problem)
    given = np.array([bool(v) for v in account_values])[account_codes]
    same = given & (numbers == data["national_id"].to_numpy(dtype=object))
    recorder.add(same.nonzero()[0], "account_number", "account-is-id")
    data["amount"] = pd.array(values, dtype="Int64").take(pairs)
    data["bank"] = _objects(b if b else _text_or_none(raw) for b, raw in zip(shorts, bank_raws, strict=True))[
        bank_codes
    ]
    data["payment_method"] = _objects(
        method_names.get(c) if c else _text_or_none(raw) for c, raw in zip(found_methods, method_raws, strict=True)
    )[method_codes]


def _pairs_within(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, other row) for every two different rows sharing a group code (-1: no group)."""
    rows = (groups >= 0).nonzero()[0]
    order = rows[np.argsort(groups[rows], kind="stable")]
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]) if len(order) else order
    sizes = np.diff(np.r_[starts, len(order)])
    times = np.repeat(sizes, sizes)  # each row meets every row of its group
    left = np.repeat(order, times)
    begin = np.repeat(np.repeat(starts, sizes), times)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(times) - times, times)
    right = order[begin + offset]
    keep = left != right
    return left[keep], right[keep]


def _duplicate_pairs(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row, other row) for rows that are the same person (same ID, or same name and full date), sorted, once."""
    valid_id = (data["id_kind"].isin([CCCD, CMND]) & data["national_id"].notna()).to_numpy(dtype=bool)
    by_id, _ = pd.factorize(data["national_id"].where(valid_id))
    full_date = ((data["birth_precision"] == "day") & data["name_key"].notna()).to_numpy(dtype=bool)
    names, _ = pd.factorize(data["name_key"])
    dates, _ = pd.factorize(data["birth_date"])
    by_name_date, _ = _combine(names, dates)
    left_id, right_id = _pairs_within(np.where(valid_id & (by_id >= 0), by_id, -1))
    left_nd, right_nd = _pairs_within(np.where(full_date & (dates >= 0), by_name_date, -1))
    size = len(data)
    key = np.unique(np.concatenate([left_id * size + right_id, left_nd * size + right_nd]).astype(np.int64))
    return key // size, key % size


def _others(left: np.ndarray, right: np.ndarray, size: int) -> pd.Series:
    others: list[list[int]] = [[] for _ in range(size)]
    rows, starts = np.unique(left, return_index=True)
    members = right.tolist()
    ends = [*starts[1:].tolist(), len(members)] if len(rows) else []
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends, strict=True):
        others[row] = members[start:end]
    return pd.Series(others, dtype=object)


def duplicate_groups(data: pd.DataFrame) -> pd.Series:
    """Per row, the positions of other rows that are the same person (same ID, or same name and full date)."""
    others = _others(*_duplicate_pairs(data), len(data))
    return others.set_axis(data.index)


def _joined(rows: np.ndarray, texts: np.ndarray, size: int, separator: str) -> np.ndarray:
    """Per row, its texts joined in order (rows sorted, a row's texts consecutive); None for rows without one."""
    out = np.full(size, None, dtype=object)
    if not len(rows):
        return out
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    out[rows[rank == 0]] = texts[rank == 0]
    for k in range(1, int(rank.max()) + 1):
        at = rank == k
        out[rows[at]] = out[rows[at]] + separator + texts[at]
    return out


def _row_labels(data: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """`key_label(row_key(file, sheet, row))` of the rows at `positions`."""
    files, sheets, rows = (data[c].to_numpy()[positions] for c in ("source_file", "source_sheet", "source_row"))
    file = apply_distinct(files, str)
    sheet = apply_distinct(sheets, lambda v: row_key("", v, 0)[1])
    if np.issubdtype(rows.dtype, np.integer):
        number = rows.astype(str).astype(object)
    else:
        number = apply_distinct(rows, lambda v: str(row_key("", "", v)[2]))
    return file + ":" + sheet + ":" + number


def _mark_duplicates(data: pd.DataFrame, recorder: _Recorder) -> None:
    left, right = _duplicate_pairs(data)
    involved, where = np.unique(right, return_inverse=True)
    labels = _row_labels(data, involved)[where.reshape(-1)]
    duplicate_of = _joined(left, labels, len(data), ", ")
    data["duplicate_positions"] = _others(left, right, len(data))
    data["duplicate_of"] = pd.Series(duplicate_of, dtype=object)
    rows = np.unique(left)
    recorder.add(rows, "full_name", "duplicate", duplicate_of[rows])


_SCHEMA_CODES: dict[str, tuple[str | None, str]] = {
    "full_name": (None, "name-missing"),
    "birth_year": ("birth_problem", "date-missing"),
    "national_id": ("id_problem", "id-length"),
    "id_kind": ("id_problem", "id-length"),
}
_SCHEMA_FIELDS = {"birth_year": "birth_date", "id_kind": "national_id"}


def _validate(data: pd.DataFrame, recorder: _Recorder) -> None:
    """Run the pandera model lazily; every rejected cell becomes an error with the normaliser's reason."""
    frame = data[list(_SCHEMA_CODES)].copy()  # the model's other columns give no finding
    kinds = data["id_kind"].to_numpy(dtype=object)
    ids = np.where(kinds == MISSING, None, data["national_id"].to_numpy(dtype=object))
    invalid = (kinds == INVALID).nonzero()[0]
    ids[invalid] = apply_distinct(ids[invalid], lambda v: v or "?")
    frame["national_id"] = ids
    cells = failing_cells(CleanBeneficiaries, frame)
    cells = cells[cells["column"].isin(list(_SCHEMA_CODES))]
    positions = cells["index"].to_numpy(dtype=np.int64)
    found = cells["column"].to_numpy(dtype=object)
    codes = np.empty(len(positions), dtype=object)
    for column, (source, default) in _SCHEMA_CODES.items():
        mask = found == column
        if source is None:
            codes[mask] = default
        else:
            given = data[source].to_numpy(dtype=object)[positions[mask]]
            codes[mask] = apply_distinct(given, lambda v, default=default: v or default)
    fields = _objects(_SCHEMA_FIELDS.get(c, c) for c in found)
    recorder.add(positions, fields, codes)


def _summaries(findings: dict[str, np.ndarray], size: int) -> np.ndarray:
    explained = {code: explain(code) for code, (level, _vi, _en) in PROBLEMS.items() if level == REPAIR}
    texts = apply_distinct(findings["code"], lambda code: explained.get(code))
    repaired = (texts != None).nonzero()[0]  # noqa: E711 (element-wise)
    rows, texts = findings["row"][repaired], texts[repaired]
    codes, uniques = pd.factorize(texts)
    _, first = np.unique(rows * (len(uniques) + 1) + codes, return_index=True)  # a text once per row
    first.sort()
    return _joined(rows[first], texts[first], size, "; ")


def _cell_text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _problem_frame(
    findings: dict[str, np.ndarray],
    data: pd.DataFrame,
    originals: pd.DataFrame,
    names: dict[tuple[str, str], dict[str, str]],
) -> pd.DataFrame:
    rows, fields, codes = findings["row"], findings["field"], findings["code"]
    files = data["source_file"].to_numpy(dtype=object)[rows]
    sheets = data["source_sheet"].to_numpy(dtype=object)[rows]
    file_codes, file_values = distinct(files)
    sheet_codes, sheet_values = distinct(sheets)
    field_codes, field_values = distinct(fields)
    combos, first = _combine(file_codes, sheet_codes, field_codes)
    columns = _objects(
        names.get((file_values[file_codes[p]], sheet_values[sheet_codes[p]]), {}).get(fields[p], fields[p])
        for p in first
    )[combos]
    values = np.full(len(rows), None, dtype=object)
    for field in field_values:
        if field in originals.columns:
            mask = fields == field
            cells = originals[field].to_numpy(dtype=object)[rows[mask]]
            text = _is_text(cells)  # text stays as it is; anything else through `_cell_text`
            cells[~text] = apply_distinct(cells[~text], _cell_text)
            values[mask] = cells
    details = apply_distinct(codes, lambda code: explain(code) if code != "duplicate" else None)
    duplicate = codes == "duplicate"
    head, _, tail = explain("duplicate", other="\0").partition("\0")
    details[duplicate] = head + findings["detail"][duplicate] + tail
    frame = pd.DataFrame(
        {
            "row": rows,
            "source_file": files,
            "source_sheet": sheets,
            "source_row": data["source_row"].to_numpy()[rows],
            "field": fields,
            "column": columns,
            "value": values,
            "severity": apply_distinct(codes, lambda code: PROBLEMS[code][0]),
            "code": codes,
            "detail": details,
        },
        columns=["row", *PROBLEM_COLUMNS],
        dtype=object,
    )
    return frame.astype({"row": "int64", "source_row": "int64"})
