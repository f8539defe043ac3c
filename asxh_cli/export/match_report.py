"""`ket_qua_doi_sanh.csv` and `ket_qua_doi_sanh.xlsx`: the matching contract, for scripts and for people."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from asxh_cli.contract import Result, Status, key_label, row_fingerprints
from asxh_cli.export.columns import SKIPPED_SHEET, present, show_date, text_headers
from asxh_cli.io.writer import write_csv
from asxh_cli.io.xlsx import Sheet, write_workbook
from asxh_cli.match.engine import MATCHED, NOT_FOUND, REVIEW, MatchResult

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
    labels = [key_label((str(f), str(s), int(r))) for f, s, r in zip(*provenance(data), strict=True)]
    links: dict[int, set[int]] = {i: set() for i in range(len(data))}
    matched = pd.Series(register_ids.to_numpy(), index=range(len(data))).dropna()
    for positions in matched.groupby(matched).groups.values():
        if len(positions) > 1:
            for p in positions:
                links[p].update(q for q in positions if q != p)
    for i, others in enumerate(data.get("duplicate_positions", pd.Series([()] * len(data)))):
        links[i].update(j for j in others if j != i)
    return [", ".join(labels[j] for j in sorted(links[i])) or None for i in range(len(data))]


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
            values[rows] = register[column].to_numpy(dtype=object)[positions[rows].astype(int)]
        return values

    ids = take("national_id")
    matched_ids = pd.Series(np.where(matched, ids, None), dtype=object)
    cleaned = present(data.drop(columns=["duplicate_of", "duplicate_positions"], errors="ignore"))
    cleaned = cleaned.drop(columns=ADDED[:3])
    files, sheets, rows = provenance(data)
    added = pd.DataFrame(
        {
            "Tệp gốc": files,
            "Sheet gốc": sheets,
            "Dòng gốc": rows,
            "Kết quả": [Result(v).label_vi for v in decisions["result"]],
            "Số định danh CSDLQG": ids,
            "Điểm": decisions["score"].round(0).astype(int).to_numpy(),
            "Lý do": decisions["reason"].to_numpy(),
            "Tình trạng CSDLQG": np.where(matched, take("status"), None),
            "Trùng với": same_person(data, matched_ids),
            "Mã kiểm tra": row_fingerprints(data),
            "Họ tên CSDLQG": take("full_name", valid & matched),
            "Ngày sinh CSDLQG": [show_date(v) for v in take("birth_date", valid & matched)],
            "Giới tính CSDLQG": take("sex", valid & matched),
        },
        index=cleaned.index,
    )
    return pd.concat([cleaned, added], axis=1)


def write_result_csv(table: pd.DataFrame, path: Path) -> None:
    """The contract CSV (UTF-8 with BOM, formula-safe)."""
    write_csv(table, path)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per file, category and result, with dead and moved people and a total row."""
    category = "Đối tượng" if "Đối tượng" in table.columns else None
    keys = ["Tệp gốc", category] if category else ["Tệp gốc"]
    frame = table.assign(**{k: table[k].fillna("(trống)") for k in keys})
    counts = pd.crosstab([frame[k] for k in keys], frame["Kết quả"]).reindex(columns=RESULTS, fill_value=0)
    counts[DEAD] = frame[frame["Tình trạng CSDLQG"] == DEAD].groupby(keys).size().reindex(counts.index, fill_value=0)
    counts[MOVED] = frame[frame["Tình trạng CSDLQG"] == MOVED].groupby(keys).size().reindex(counts.index, fill_value=0)
    counts["Tổng số"] = counts[RESULTS].sum(axis=1)
    counts = counts.reset_index()
    total = {column: int(counts[column].sum()) for column in [*RESULTS, DEAD, MOVED, "Tổng số"]}
    total["Tệp gốc"] = "Tổng cộng"
    return pd.concat([counts, pd.DataFrame([total])], ignore_index=True)


def review_table(table: pd.DataFrame, data: pd.DataFrame, result: MatchResult, register: pd.DataFrame) -> pd.DataFrame:
    """`Cần xác minh` rows with every candidate side by side and an empty `Quyết định` column."""
    review = table[table["Kết quả"] == REVIEW.label_vi]
    keep = [
        c
        for c in ("Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Nơi thường trú", "Đối tượng")
        if c in review.columns
    ]
    out = review[[*keep, "Tệp gốc", "Sheet gốc", "Dòng gốc", "Mã kiểm tra", "Điểm", "Lý do"]].copy()
    candidates = result.candidates
    for rank in range(3):
        chosen = candidates[candidates["rank"] == rank].set_index("b")
        r = chosen["r"].reindex(review.index)
        valid = r.notna().to_numpy()
        positions = r.to_numpy(dtype="float64")
        prefix = f"Ứng viên {rank + 1} - "

        def take(column: str, pos: np.ndarray = positions, ok: np.ndarray = valid) -> np.ndarray:
            values = np.full(len(pos), None, dtype=object)
            values[ok] = register[column].to_numpy(dtype=object)[pos[ok].astype(int)]
            return values

        out[prefix + "số định danh"] = take("national_id")
        out[prefix + "họ tên"] = take("full_name")
        out[prefix + "ngày sinh"] = [show_date(v) for v in take("birth_date")]
        out[prefix + "giới tính"] = take("sex")
        out[prefix + "tình trạng"] = take("status")
        out[prefix + "điểm"] = chosen["score"].reindex(review.index).to_numpy()
    out["Quyết định"] = None
    return out


def write_result_workbook(
    table: pd.DataFrame,
    data: pd.DataFrame,
    result: MatchResult,
    register: pd.DataFrame,
    path: Path,
    skipped: pd.DataFrame | None = None,
) -> None:
    """The people's version: summary, one sheet per result, the dead, and duplicates."""
    texts = [*text_headers(), "Số định danh CSDLQG", *(f"Ứng viên {i} - số định danh" for i in (1, 2, 3))]
    money = ["Mức trợ cấp (đồng/tháng)"]
    sheets = [Sheet("Tổng hợp", summary_table(table), "TỔNG HỢP KẾT QUẢ ĐỐI SÁNH VỚI CSDLQG VỀ DÂN CƯ")]
    for name in RESULTS:
        part = table[table["Kết quả"] == name]
        if name == REVIEW.label_vi:
            part = review_table(table, data, result, register)
        sheets.append(Sheet(name, part, None, text_columns=texts, money_columns=money))
    sheets.append(Sheet("Đã chết", table[table["Tình trạng CSDLQG"] == DEAD], None, texts, money))
    sheets.append(Sheet("Trùng lặp", table[table["Trùng với"].notna()], None, texts, money))
    if skipped is not None:
        sheets.append(Sheet(SKIPPED_SHEET, skipped, None))
    write_workbook(path, sheets)
