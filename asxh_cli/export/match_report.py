"""`ket_qua_doi_sanh.csv` and `ket_qua_doi_sanh.xlsx`: the matching contract, for scripts and for people."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.contract import Result, Status, fingerprint_array, parse_result, parse_status
from asxh_cli.export.columns import SKIPPED_SHEET, header, present, show_dates, text_headers
from asxh_cli.export.forms import Styles, is_missing, merge, page_setup, text_height
from asxh_cli.io.writer import atomic_path, write_csv
from asxh_cli.io.xlsx import FONT, BulkWorkbook, Column
from asxh_cli.match.engine import MATCHED, NOT_FOUND, REVIEW, MatchResult
from asxh_cli.values import as_text_array, exact_distinct, map_exact, text_array

CSV_NAME = "ket_qua_doi_sanh.csv"
XLSX_NAME = "ket_qua_doi_sanh.xlsx"
# The contract: added columns, in this order, after the input's cleaned columns.
ADDED = [
    "Tệp gốc",
    "Sheet gốc",
    "Dòng gốc",
    "Kết quả",
    "Số định danh CSDLQG",
    "Điểm",
    "Lý do",
    "Tình trạng CSDLQG",
    "Trùng với",
]
# After the contract's columns: the row's check code and the register's identity of the matched person.
IDENTITY = ["Mã kiểm tra", "Họ tên CSDLQG", "Ngày sinh CSDLQG", "Giới tính CSDLQG"]
RESULTS = [r.label_vi for r in (MATCHED, REVIEW, NOT_FOUND)]
DEAD, MOVED = Status.DEAD.label_vi, Status.MOVED.label_vi


def same_person(data: pd.DataFrame, register_ids: pd.Series) -> list[str | None]:
    """`Tệp gốc:Sheet gốc:Dòng gốc` of the other rows that are the same person: matched to one register person,
    or duplicates found while cleaning."""
    pairs = pd.concat([_same_register_person(register_ids), _duplicate_pairs(data)], ignore_index=True)
    out = np.full(len(data), None, dtype=object)
    pairs = pairs[pairs["row"] != pairs["other"]].drop_duplicates().sort_values(["row", "other"], kind="stable")
    if pairs.empty:
        return out.tolist()
    rows = pairs["row"].to_numpy()
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    labels = row_labels(data, pairs["other"].to_numpy())
    groups = pa.LargeListArray.from_arrays(pa.array(np.r_[starts, len(rows)], type=pa.int64()), labels)
    out[rows[starts]] = pc.binary_join(groups, ", ").to_numpy(zero_copy_only=False)  # per row with a partner
    return out.tolist()


def row_labels(data: pd.DataFrame, positions: np.ndarray) -> pa.Array:
    """The `key_label` of the rows at `positions`, each part formatted once per distinct value."""
    files, sheets, rows = (part[positions] for part in provenance(data))
    numbers = (
        pa.array(rows.astype(np.int64)).cast(pa.string())
        if rows.dtype.kind in "iu"
        else pa.array(map_exact(pd.Series(rows), lambda r: str(int(r))), type=pa.string())
    )
    files, sheets = (pa.array(map_exact(pd.Series(p, dtype=object), str), type=pa.string()) for p in (files, sheets))
    return pc.binary_join_element_wise(files, sheets, numbers, ":")


def _same_register_person(register_ids: pd.Series) -> pd.DataFrame:
    """(row, other) for every two rows matched to one register person (both orders)."""
    codes, _ = pd.factorize(register_ids.to_numpy(dtype=object))
    frame = pd.DataFrame({"code": codes, "row": np.arange(len(codes))})
    frame = frame[(codes >= 0) & frame["code"].duplicated(keep=False).to_numpy()]
    both = frame.merge(frame.rename(columns={"row": "other"}), on="code")
    return both[["row", "other"]]


def _duplicate_pairs(data: pd.DataFrame) -> pd.DataFrame:
    """(row, other) for every duplicate the cleaning found (`duplicate_positions`)."""
    if "duplicate_positions" not in data.columns:
        return pd.DataFrame({"row": [], "other": []}, dtype=np.int64)
    others = pd.Series(data["duplicate_positions"].to_numpy(dtype=object), index=np.arange(len(data))).explode()
    others = others.dropna()
    return pd.DataFrame({"row": others.index.to_numpy(dtype=np.int64), "other": others.to_numpy(dtype=np.int64)})


def provenance(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three parts of every row's key."""
    return (
        data["source_file"].to_numpy(dtype=object),
        data["source_sheet"].fillna("").to_numpy(dtype=object),
        data["source_row"].to_numpy(),
    )


def result_table(data: pd.DataFrame, result: MatchResult, register: pd.DataFrame) -> pd.DataFrame:
    """One row per input person row, in input order: cleaned columns, the contract's added columns, identity."""
    decisions = result.decisions
    r = decisions["r"]
    has_person = decisions["result"].isin([MATCHED, REVIEW]) & r.notna()
    positions = r.where(has_person).to_numpy(dtype="float64")
    valid = ~np.isnan(positions)
    matched = (decisions["result"] == MATCHED).to_numpy()

    def take(column: str, rows: np.ndarray = valid) -> np.ndarray:
        values = np.full(len(decisions), None, dtype=object)
        if column in register.columns:
            values[rows] = register[column].take(positions[rows].astype(int)).to_numpy(dtype=object)
        return values

    ids = take("national_id")
    matched_ids = pd.Series(np.where(matched, ids, None), dtype=object)
    cleaned = present(data.drop(columns=["duplicate_of", "duplicate_positions"], errors="ignore"))
    cleaned = cleaned.drop(columns=ADDED[:3])
    files, sheets, rows = provenance(data)
    texts = {
        "Tệp gốc": files,
        "Sheet gốc": sheets,
        "Kết quả": map_exact(decisions["result"], lambda v: Result(v).label_vi),
        "Số định danh CSDLQG": ids,
        "Tình trạng CSDLQG": np.where(matched, take("status"), None),
        "Trùng với": np.array(same_person(data, matched_ids), dtype=object),
        "Mã kiểm tra": as_text_array(fingerprint_array(data)) if len(data) else np.array([], dtype=object),
        "Họ tên CSDLQG": take("full_name", valid & matched),
        "Ngày sinh CSDLQG": show_dates(pd.Series(take("birth_date", valid & matched), dtype=object)).array,
        "Giới tính CSDLQG": take("sex", valid & matched),
    }
    numbers = {"Dòng gốc": rows, "Điểm": decisions["score"].round(0).astype(int).to_numpy()}
    reasons = decisions["reason"]
    added = pd.DataFrame(
        {
            **{column: text_array(v) if isinstance(v, np.ndarray) else v for column, v in texts.items()},
            **numbers,
            "Lý do": reasons.array if isinstance(reasons.dtype, pd.StringDtype) else reasons.to_numpy(),
        },
        index=cleaned.index,
    )[ADDED + IDENTITY]
    return pd.concat([cleaned, added], axis=1)


def write_result_csv(table: pd.DataFrame, path: Path) -> None:
    """The contract CSV (UTF-8 with BOM, formula-safe)."""
    write_csv(table, path)


SUMMARY_COLUMNS = [
    f"{MATCHED.label_vi} - còn sống",
    f"{MATCHED.label_vi} - đã chết",
    f"{MATCHED.label_vi} - đã chuyển đi",
    f"{MATCHED.label_vi} - chưa rõ tình trạng",
    REVIEW.label_vi,
    NOT_FOUND.label_vi,
]
PERSON_FIELDS = ("full_name", "birth_date", "sex", "national_id", "address", "commune", "category")
DECISION = "Quyết định"
DECISION_CHOICES = ["1", "2", "3", "Không"]
NUMBER_COLUMNS = {"Dòng gốc", "Điểm", *(f"Ứng viên {i} - điểm" for i in (1, 2, 3))}
PAGE_UNITS = 150  # column-width units printed across one A4 landscape page at about 60 %
WRAPPED_FIELDS = {"repairs": 40, "address": 18, "duplicate_of": 24}


def _parsed(column: pd.Series, parse: Callable[[object], object]) -> pd.Series:
    """`parse` of each cell, called once per distinct value (a missing cell is parsed as None)."""
    codes, parsed = _parsed_codes(column, parse)
    return pd.Series(np.array(parsed, dtype=object)[codes], index=column.index)


def _parsed_codes(column: pd.Series, parse: Callable[[object], object]) -> tuple[np.ndarray, list[object]]:
    """Per cell a code into the parsed distinct values; the last value is a missing cell's."""
    codes, distinct = pd.factorize(column)
    return np.where(codes < 0, len(distinct), codes), [*(parse(v) for v in distinct), parse(None)]


STATUS_CLASS = {Status.ALIVE: 0, Status.DEAD: 1, Status.MOVED: 2}  # a matched row's class: SUMMARY_COLUMNS[i]
RESULT_CLASS = {Result.MATCHED: -1, Result.REVIEW: 4}  # -1: by status; any other result: SUMMARY_COLUMNS[5]


def _summary_class(table: pd.DataFrame) -> pd.Series:
    """Each row's one summary class: matched and alive / dead / moved / unknown status, review, not found;
    decided once per distinct result and status."""
    result_codes, results = _parsed_codes(table["Kết quả"], parse_result)
    status_codes, statuses = _parsed_codes(table["Tình trạng CSDLQG"], parse_status)
    classes = np.array([RESULT_CLASS.get(r, 5) for r in results])[result_codes]  # type: ignore[call-overload]
    matched = classes < 0
    by_status = np.array([STATUS_CLASS.get(s, 3) for s in statuses])  # type: ignore[call-overload]
    classes[matched] = by_status[status_codes[matched]]
    return pd.Series(np.array(SUMMARY_COLUMNS, dtype=object)[classes], index=table.index, dtype=object)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per file and category in classes that do not overlap (a dead person is not also counted as
    matched), so every row adds up to `Tổng số`; a total row at the end."""
    category = header("category") if header("category") in table.columns else None
    keys = ["Tệp gốc", category] if category else ["Tệp gốc"]
    classes = _summary_class(table)
    counts = pd.crosstab([table[k].fillna("(trống)") for k in keys], classes)
    counts = counts.reindex(columns=SUMMARY_COLUMNS, fill_value=0)
    counts.columns.name = None
    counts["Tổng số"] = counts[SUMMARY_COLUMNS].sum(axis=1)
    counts = counts.reset_index()
    total = {column: int(counts[column].sum()) for column in [*SUMMARY_COLUMNS, "Tổng số"]}
    total["Tệp gốc"] = "Tổng cộng"
    return pd.concat([counts, pd.DataFrame([total])], ignore_index=True)


def review_table(table: pd.DataFrame, data: pd.DataFrame, result: MatchResult, register: pd.DataFrame) -> pd.DataFrame:
    """`Cần xác minh` rows: the person's own columns, an empty `Quyết định`, where the row came from, then
    every candidate with ID, name, birth date, sex, address and status side by side."""
    review = table[table["Kết quả"] == REVIEW.label_vi]
    keep = [header(f) for f in PERSON_FIELDS if header(f) in review.columns]
    out = review[keep].copy()
    out[DECISION] = None
    for column in ("Tệp gốc", "Sheet gốc", "Dòng gốc", "Mã kiểm tra", "Điểm", "Lý do"):
        out[column] = review[column]
    candidates = result.candidates
    for rank in range(3):
        chosen = candidates[candidates["rank"] == rank].set_index("b")
        r = chosen["r"].reindex(review.index)
        valid = r.notna().to_numpy()
        positions = r.to_numpy(dtype="float64")
        prefix = f"Ứng viên {rank + 1} - "

        def take(column: str, pos: np.ndarray = positions, ok: np.ndarray = valid) -> np.ndarray:
            values = np.full(len(pos), None, dtype=object)
            if column in register.columns:
                values[ok] = register[column].take(pos[ok].astype(int)).to_numpy(dtype=object)
            return values

        out[prefix + "số định danh"] = take("national_id")
        out[prefix + "họ tên"] = take("full_name")
        out[prefix + "ngày sinh"] = show_dates(pd.Series(take("birth_date"), dtype=object)).array
        out[prefix + "giới tính"] = take("sex")
        out[prefix + "nơi thường trú"] = [
            ", ".join(str(p) for p in parts if isinstance(p, str) and p) or None
            for parts in zip(take("address"), take("commune"), strict=True)
        ]
        out[prefix + "tình trạng"] = take("status")
        out[prefix + "điểm"] = chosen["score"].reindex(review.index).to_numpy()
    return out


def _number(value: object) -> float | None:
    if is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def cell_value(value: object, kind: str, number_column: bool) -> float | str:
    """What a (present) cell of a column of dtype kind `kind` is written as: a number, else its text. A number
    Excel cannot hold (inf, nan) is kept as the text given."""
    if number_column:
        number = _number(value)
    elif kind in "iuf":
        number = float(value)  # type: ignore[arg-type]
    elif kind == "O" and isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        number = None
    return number if number is not None and math.isfinite(number) else str(value)


Values = pa.Array | list[float | str]  # a column's distinct cell values: texts (pyarrow), or numbers and texts


def _cells(column: pd.Series, number_column: bool) -> tuple[np.ndarray, Values, np.ndarray]:
    """One column's cells: per row a code into the distinct cell values (-1: missing), the values, and per value
    its width, the length of the text as given. A column of texts stays in pyarrow; any other calls
    `cell_value` once per distinct value."""
    if not number_column and _all_text(column):  # text cells: written as they are
        texts = pa.array(column.array) if isinstance(column.dtype, pd.StringDtype) else None
        if texts is None:
            texts = pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
        encoded = pc.dictionary_encode(texts.cast(pa.string()))
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, encoded.dictionary, pc.utf8_length(encoded.dictionary).to_numpy().astype(np.int64)
    codes, distinct = exact_distinct(column)
    kind = column.dtype.kind
    if isinstance(column.dtype, np.dtype) and kind == "i":  # whole numbers: each written as a number
        numbers = np.array(distinct, dtype=np.int64)
        widths = pc.utf8_length(pa.array(numbers).cast(pa.string())).to_numpy().astype(np.int64)
        return codes, numbers.astype(float).tolist(), widths
    values: list[float | str] = [cell_value(v, kind, number_column) for v in distinct]
    widths = [len(v) if isinstance(v, str) else len(str(o)) for v, o in zip(values, distinct, strict=True)]
    return codes, values, np.array(widths, dtype=np.int64)


def _all_text(column: pd.Series) -> bool:
    """Whether every present cell of `column` is a str."""
    if isinstance(column.dtype, pd.StringDtype):
        return True
    return column.dtype == np.dtype(object) and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def _line_counts(values: Values, width: float, size: float) -> np.ndarray:
    """Lines each value takes wrapped in a column `width` wide (as `text_height` counts them); a number: 1."""
    room = max(1, int(width / (0.85 * size / 11)) - 1)

    def lines(t: object) -> int:
        if not isinstance(t, str):
            return 1
        return sum(max(1, math.ceil(len(part) / room)) for part in t.split("\n"))

    if not isinstance(values, pa.Array):
        return np.array([lines(t) for t in values], dtype=np.int64)
    counts = np.maximum(1, -(-pc.utf8_length(values).to_numpy().astype(np.int64) // room))
    broken = pc.match_substring(values, "\n").to_numpy(zero_copy_only=False)
    counts[broken] = [lines(t) for t in values.filter(pa.array(broken)).to_pylist()]
    return counts


@dataclass
class _Table:
    """A table's cells, decided once for every sheet that shows some of its rows."""

    frame: pd.DataFrame
    cells: dict[int, tuple[np.ndarray, Values, np.ndarray]] = field(default_factory=dict)
    lines: dict[int, np.ndarray] = field(default_factory=dict)

    def column(self, position: int, number_column: bool) -> tuple[np.ndarray, Values, np.ndarray]:
        if position not in self.cells:
            self.cells[position] = _cells(self.frame.iloc[:, position], number_column)
        return self.cells[position]

    def line_counts(self, position: int, width: float, size: float) -> np.ndarray:
        """Per value of the column, then for a blank: the lines it takes."""
        if position not in self.lines:
            self.lines[position] = np.append(_line_counts(self.cells[position][1], width, size), 1)
        return self.lines[position]


def _people_sheet(
    bulk: BulkWorkbook,
    style: Styles,
    name: str,
    title: str | None,
    source: _Table,
    rows: np.ndarray | None,
    texts: set[str],
) -> None:
    """One table for people (`rows` of `source`, None: all): title (if any), header, typed cells, frozen header
    and name columns, print set-up; without a title the header is row 1, where `--decisions` and scripts look
    for it.

    Each cell's kind is decided once per distinct value of its column; the rows are written in bulk (see
    `BulkWorkbook`)."""
    table = source.frame
    count = len(table) if rows is None else len(rows)
    sheet = bulk.book.add_worksheet(name)
    size = 11
    money, numbers = header("amount"), NUMBER_COLUMNS | {header("errors")}
    wrapped = {"Lý do": 40} | {header(f): width for f, width in WRAPPED_FIELDS.items()}
    columns = [str(c) for c in table.columns]
    last = max(0, len(columns) - 1)
    header_row = 0
    if title:
        merge(sheet, 0, 0, min(last, 8), title, style("title", 13))
        sheet.set_row(0, 22)
        header_row = 2
    first = header_row + 1
    widths: list[float] = []
    lines = np.ones(count, dtype=np.int64)
    cells: list[Column] = []
    for position, column in enumerate(columns):
        if column == DECISION:
            widths.append(12)
            decision = style("decision", size)
            cells.append(Column(np.full(count, -1), [], decision, decision))
            continue
        codes, values, lengths = source.column(position, column == money or column in numbers)
        codes = codes if rows is None else codes[rows]
        shown = codes[codes >= 0]
        longest = int(lengths[shown].max()) if shown.size else 0
        width = wrapped.get(column, min(30, max(8, longest + 2)))
        widths.append(width)
        number = style("money" if column == money else "number", size)
        cells.append(Column(codes, values, style("text" if column in texts else "cell", size), number))
        if column in wrapped:
            counts = source.line_counts(position, width, size)
            lines = np.maximum(lines, counts[np.where(codes < 0, len(counts) - 1, codes)])
    for c, (column, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.set_column(c, c, width)
        sheet.write_string(header_row, c, column, style("header", size))
    sheet.set_row(header_row, text_height([(c, w) for c, w in zip(columns, widths, strict=True)], size, 30))
    bulk.add_rows(sheet, first, cells, np.maximum(15, lines * size * 1.25 + 4))
    last_row = header_row + count
    if DECISION in columns:
        c = columns.index(DECISION)
        sheet.data_validation(
            header_row + 1,
            c,
            max(last_row, header_row + 1),
            c,
            {
                "validate": "list",
                "source": DECISION_CHOICES,
                "error_type": "warning",
                "input_title": DECISION,
                "input_message": "1, 2, 3: chọn ứng viên; Không: không ai; hoặc ghi số định danh 12 số.",
                "error_message": "Chọn 1, 2, 3 hoặc Không (hoặc ghi số định danh 12 số).",
            },
        )
    name_at = columns.index(header("full_name")) if header("full_name") in columns else -1
    sheet.freeze_panes(header_row + 1, name_at + 1)
    if count:
        sheet.autofilter(header_row, 0, last_row, last)
    page_setup(sheet, True, (header_row, header_row), True)
    pages_wide = max(1, math.ceil(sum(widths) / PAGE_UNITS))
    if pages_wide > 1:  # readable: several pages across, the name printed again on each
        sheet.fit_to_pages(pages_wide, 0)
        sheet.repeat_columns(0, max(0, name_at))
        sheet.print_across()
    sheet.set_header(f'&L&"Times New Roman"&11{name}&C&"Times New Roman"&11&P')
    sheet.print_area(0, 0, max(last_row, header_row), last)


def write_result_workbook(
    table: pd.DataFrame,
    data: pd.DataFrame,
    result: MatchResult,
    register: pd.DataFrame,
    path: Path,
    skipped: pd.DataFrame | None = None,
) -> None:
    """The people's version: summary, one sheet per result, the dead, and duplicates; every sheet printable."""
    texts = {*text_headers(), "Số định danh CSDLQG", *(f"Ứng viên {i} - số định danh" for i in (1, 2, 3))}
    texts |= {f"Ứng viên {i} - ngày sinh" for i in (1, 2, 3)}
    status = _parsed(table["Tình trạng CSDLQG"], parse_status)
    whole = _Table(table)
    sheets: list[tuple[str, str | None, _Table, np.ndarray | None]] = [
        ("Tổng hợp", "TỔNG HỢP KẾT QUẢ ĐỐI SÁNH VỚI CSDLQG VỀ DÂN CƯ", _Table(summary_table(table)), None)
    ]
    for name in RESULTS:
        if name == REVIEW.label_vi:
            sheets.append((name, None, _Table(review_table(table, data, result, register)), None))
        else:
            sheets.append((name, None, whole, np.flatnonzero((table["Kết quả"] == name).to_numpy())))
    sheets.append(("Đã chết", None, whole, np.flatnonzero((status == Status.DEAD).to_numpy())))
    sheets.append(("Trùng lặp", None, whole, np.flatnonzero(table["Trùng với"].notna().to_numpy())))
    if skipped is not None:
        sheets.append((SKIPPED_SHEET, None, _Table(skipped), None))
    with atomic_path(path) as temp:
        bulk = BulkWorkbook(temp)
        style = Styles(bulk.book, FONT)
        for name, title, source, rows in sheets:
            _people_sheet(bulk, style, name, title, source, rows, texts)
        bulk.close()
