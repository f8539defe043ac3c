"""Read a folder of Phụ lục 2 workbooks written by `asxh export` back into rows (for `asxh diff`).

A method list holds people who were matched, alive and payable: they come back as matched and alive, the printed
ID (the register's, on matched rows) as their register ID. The exception list says why each row was held back:
its result and register status are read from that reason, its row key from its Tệp gốc / Sheet gốc / Dòng gốc.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from asxh_cli.contract import Result, Status
from asxh_cli.diff import FIELDS_SHOWN
from asxh_cli.errors import InputError
from asxh_cli.export.forms import HEADER_ROW, LIST_SHEET
from asxh_cli.export.phu_luc_2 import COMMUNE_COLUMN
from asxh_cli.export.template import PayoutTemplate
from asxh_cli.normalize.lookup import method_index
from asxh_cli.rules import Rules


def read_payout_folder(folder: Path, rules: Rules, template: PayoutTemplate) -> pd.DataFrame:
    """Every person row of every Phụ lục 2 workbook in `folder`, with field names, result and status codes."""
    headers = _headers(template)
    names = {m.code.lower(): m.name for m in rules.methods}
    records: list[dict[str, object]] = []
    paths = sorted(p for p in Path(folder).glob("*.xlsx") if not p.name.startswith((".", "~$")))
    for path in paths:
        method = next(
            (name for code, name in names.items() if path.stem.startswith(template.file_name.format(method_code=code))),
            None,
        )
        if method is None and not path.stem.startswith(template.exceptions_file):
            continue
        records += _read_workbook(path, headers, method)
    methods, by_code = method_index(rules), {m.code: m.name for m in rules.methods}
    for record in records:  # the exception list prints the method as the list wrote it: name it as the lists do
        code = methods.find(record.get("payment_method"))
        if code in by_code:
            record["payment_method"] = by_code[code]
    if not records:
        raise InputError("list.not_matched", file=folder, missing="phu_luc_2_*.xlsx")
    return pd.DataFrame.from_records(records)


def _headers(template: PayoutTemplate) -> dict[str, str]:
    columns = [*template.common, template.note, COMMUNE_COLUMN, *template.exception_columns]
    columns += [c for group in template.method_columns.values() for c in group]
    return {c.header: c.field for c in columns}


def _read_workbook(path: Path, headers: dict[str, str], method: str | None) -> list[dict[str, object]]:
    import openpyxl  # here: `asxh match` imports this module but never reads a payout workbook

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for damaged files
        raise InputError("file.corrupt", file=path.name, detail=type(exc).__name__) from None
    records = []
    try:
        for sheet in book.worksheets:
            if sheet.title == LIST_SHEET or sheet.sheet_state != "visible":
                continue
            rows = sheet.iter_rows(values_only=True)
            header: tuple[object, ...] = ()
            shown: frozenset[str] = frozenset()
            for number, values in enumerate(rows, start=1):
                if number == HEADER_ROW + 1:
                    header = values
                    shown = frozenset(headers[str(h)] for h in header if str(h) in headers)
                if number <= HEADER_ROW + 2 or not values or not isinstance(values[0], int):
                    continue
                record = {headers[str(h)]: _text(v) for h, v in zip(header, values, strict=False) if str(h) in headers}
                record[FIELDS_SHOWN] = shown
                records.append(_codes(record, path, sheet.title, number, method))
    finally:
        book.close()
    return records


def _text(value: object) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _codes(record: dict[str, object], path: Path, sheet: str, row: int, method: str | None) -> dict[str, object]:
    """Result, register status and register ID of one printed row, and its row key."""
    record.pop("row_number", None)
    printed_id = str(record.get("national_id") or "")
    if method is not None:
        result, status = Result.MATCHED, Status.ALIVE
        record.update(source_file=path.name, source_sheet=sheet, source_row=row, payment_method=method)
    else:
        reason = str(record.get("exception_reason") or "")
        result = next((r for r in Result if f"Kết quả đối sánh: {r.label_vi}" in reason), Result.MATCHED)
        status = next((s for s in Status if f"CSDLQG: {s.label_vi}" in reason), None)
        if result == Result.MATCHED and status is None:
            status = Status.UNKNOWN if "CSDLQG: không rõ" in reason else Status.ALIVE
        if not record.get("source_file"):
            record.update(source_file=path.name, source_sheet=sheet, source_row=row)
    matched = result == Result.MATCHED and printed_id.isdigit() and len(printed_id) == 12
    record.update(
        result=result,
        register_status=status if result == Result.MATCHED else None,
        register_id=printed_id if matched else None,
    )
    return record
