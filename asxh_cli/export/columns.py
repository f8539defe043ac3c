"""How cleaned tables are shown to people: Vietnamese headers, dates as dd/mm/yyyy, written to xlsx/csv/parquet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.io.writer import atomic_path, write_csv
from asxh_cli.io.xlsx import Sheet, write_workbook
from asxh_cli.messages import pick
from asxh_cli.values import arrow_texts, as_text_array, map_exact, text_array

# internal column → (Vietnamese header, English header); order is the output order.
CLEAN_HEADERS: dict[str, tuple[str, str]] = {
    "full_name": ("Họ và tên", "Full name"),
    "full_name_raw": ("Họ và tên (gốc)", "Full name (original)"),
    "birth_date": ("Ngày sinh", "Birth date"),
    "birth_date_raw": ("Ngày sinh (gốc)", "Birth date (original)"),
    "sex": ("Giới tính", "Sex"),
    "national_id": ("Số định danh cá nhân", "Personal ID"),
    "national_id_raw": ("Số định danh (gốc)", "Personal ID (original)"),
    "id_kind": ("Loại số", "ID kind"),
    "old_id": ("Số CMND", "Old ID (CMND)"),
    "address": ("Nơi thường trú", "Address"),
    "commune": ("Xã/Phường", "Commune"),
    "category": ("Đối tượng", "Category"),
    "category_code": ("Nhóm đối tượng", "Category group"),
    "amount": ("Mức trợ cấp (đồng/tháng)", "Monthly amount (VND)"),
    "payment_method": ("Hình thức nhận", "Payment method"),
    "payment_method_raw": ("Hình thức nhận (gốc)", "Payment method (original)"),
    "account_number": ("Số tài khoản", "Account number"),
    "bank": ("Ngân hàng", "Bank"),
    "bank_raw": ("Ngân hàng (gốc)", "Bank (original)"),
    "bank_name": ("Tên đầy đủ ngân hàng", "Bank full name"),
    "bank_bin": ("Mã ngân hàng (NAPAS BIN)", "Bank code (NAPAS BIN)"),
    "proxy_name": ("Người được ủy quyền", "Authorised person"),
    "proxy_id": ("Số định danh người được ủy quyền", "Authorised person's ID"),
    "phone": ("Số điện thoại", "Phone"),
    "note": ("Ghi chú", "Note"),
    "status": ("Tình trạng (theo danh sách)", "Status (per list)"),
    "death_date": ("Ngày mất (theo danh sách)", "Death date (per list)"),
    "duplicate_of": ("Trùng với", "Same person as"),
    "repairs": ("Các sửa đổi", "Repairs made"),
    "errors": ("Số lỗi", "Errors"),
}
PROVENANCE_HEADERS = {"source_file": "Tệp gốc", "source_sheet": "Sheet gốc", "source_row": "Dòng gốc"}
TEXT_FIELDS = {
    "bank_bin",
    "national_id",
    "national_id_raw",
    "old_id",
    "account_number",
    "proxy_id",
    "phone",
    "birth_date",
    "birth_date_raw",
}
ID_KIND_LABELS = {
    "cccd": ("Số định danh 12 số", "12-digit ID"),
    "cmnd": ("CMND 9 số", "9-digit CMND"),
    "invalid": ("Không hợp lệ", "Invalid"),
    "missing": ("Thiếu", "Missing"),
}


def show_date(value: object) -> object:
    """'1950-06-15' → '15/06/1950', '1950-06' → '06/1950', '1950' → '1950'."""
    if not isinstance(value, str):
        return value
    parts = value.split("-")
    return "/".join(reversed(parts)) if all(p.isdigit() for p in parts) else value


def show_dates(values: pd.Series) -> pd.Series:
    """`show_date` of every cell, missing cells kept, the dtype inferred as `Series.map` does; a column of texts
    is turned by pyarrow, once per distinct text."""
    texts = arrow_texts(values)
    if texts is None:
        return _each_distinct(values, show_date)
    encoded = pc.dictionary_encode(texts)
    return pd.Series(as_text_array(_shown_texts(encoded.dictionary).take(encoded.indices)), index=values.index)


def _shown_texts(texts: pa.Array) -> pa.Array:
    """`show_date` of every text (none missing): ASCII digits joined by one or two '-' reversed by pyarrow, any
    other text with a '-' by `show_date` itself (a text without '-' is shown as it is)."""
    simple = pc.match_substring_regex(texts, r"^[0-9]+(-[0-9]+){1,2}$")
    shown = pc.replace_substring_regex(texts, r"^([0-9]+)-([0-9]+)-([0-9]+)$", r"\3/\2/\1")
    shown = pc.replace_substring_regex(shown, r"^([0-9]+)-([0-9]+)$", r"\2/\1")
    other = pc.and_not(pc.match_substring(texts, "-"), simple)
    if pc.any(other).as_py():
        turned = [show_date(t) for t in texts.filter(other).to_pylist()]
        shown = pc.replace_with_mask(shown, other, pa.array(turned, type=pa.string()))
    return shown


def header(column: str) -> str:
    if column in PROVENANCE_HEADERS:
        return PROVENANCE_HEADERS[column]
    vi, en = CLEAN_HEADERS[column]
    return pick(vi, en)


def present(data: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    """The cleaned table for people: known columns with Vietnamese headers, then the file's extra columns,
    then provenance; `extra` names further internal columns to keep (already headed)."""
    internal = set(CLEAN_HEADERS) | set(PROVENANCE_HEADERS) | {"row_no"}
    derived = {
        "name_key",
        "birth_precision",
        "birth_year",
        "birth_month",
        "birth_day",
        "birth_problem",
        "id_problem",
        "bank_short",
        "method_code",
        "sex_raw",
        "amount_raw",
        "account_number_raw",
        "category_raw",
        "duplicate_positions",
    }
    shown = pd.DataFrame(index=data.index)
    for column in CLEAN_HEADERS:
        if column in data.columns and (not column.endswith("_raw") or data[column].notna().any()):
            values = data[column]
            if column in ("birth_date", "birth_date_raw"):
                values = show_dates(values)
            if column == "id_kind":
                values = _each_distinct(values, lambda k: pick(*ID_KIND_LABELS[k]) if k in ID_KIND_LABELS else k)
            shown[header(column)] = values
    for column in data.columns:
        if column not in internal and column not in derived and column not in (extra or []):
            shown[str(column)] = data[column]
    for column in extra or []:
        shown[column] = data[column]
    for column, title in PROVENANCE_HEADERS.items():
        shown[title] = data[column]
    return shown


def _each_distinct(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """`values.map(function)`, with `function` called once per distinct value (missing values kept as they are)."""
    mapped = map_exact(values, function)
    missing = values.isna().to_numpy()
    mapped[missing] = values.to_numpy(dtype=object)[missing]
    return pd.Series(text_array(mapped), index=values.index)  # the dtype inferred, as `Series.map` does


def text_headers() -> list[str]:
    return [header(c) for c in TEXT_FIELDS]


def write_table(
    frame: pd.DataFrame, path: Path, sheet: str, title: str | None = None, money: tuple[str, ...] = ()
) -> None:
    """Write one people table as .xlsx, .csv (UTF-8 with BOM, formula-safe) or .parquet, by `path`'s suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(frame, path)
    elif suffix == ".parquet":
        with atomic_path(path) as temp:
            frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(temp, index=False)
    else:
        write_workbook(path, [Sheet(sheet, frame, title, text_columns=text_headers(), money_columns=money)])


def write_clean_list(
    shown: pd.DataFrame, problems: pd.DataFrame, path: Path, skipped: pd.DataFrame | None = None
) -> None:
    """The cleaned list; as .xlsx it also has every problem and repair, and the rows the reader skipped."""
    from asxh_cli.export.problems import problem_table

    if path.suffix.lower() != ".xlsx":
        write_table(shown, path, "")
        return
    title = pick("DANH SÁCH ĐÃ LÀM SẠCH", "CLEANED LIST")
    money = header("amount")
    write_workbook(
        path,
        [
            Sheet(pick("Danh sách", "List"), shown, title, text_columns=text_headers(), money_columns=[money]),
            Sheet(
                pick("Vấn đề", "Problems"),
                problem_table(problems),
                None,
                text_columns=[pick("Giá trị trong tệp", "Value as written")],
            ),
            *([Sheet(SKIPPED_SHEET, skipped, None)] if skipped is not None else []),
        ],
    )


SKIPPED_SHEET = "Dòng bỏ qua"
