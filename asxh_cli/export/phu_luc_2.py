"""Phụ lục 2: one workbook per payment method (grouped by commune, or one per commune and method), printed
with the register's identity, plus the exceptions that must not be paid yet."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asxh_cli.contract import Result, parse_result
from asxh_cli.export.columns import show_date
from asxh_cli.export.forms import FormSheet, is_missing, write_form
from asxh_cli.export.template import FormColumn, PayoutTemplate
from asxh_cli.io.names import distinct_slugs, unify_spellings
from asxh_cli.payout import EXCEPTION, Assignment
from asxh_cli.rules import Rules

UNKNOWN_COMMUNE = "(chưa rõ xã/phường)"
COMMUNE_COLUMN = FormColumn("commune", "Xã/Phường", 14)
# register field → the list's own field it replaces on the printed list, and how Ghi chú names it
IDENTITY = {
    "register_name": ("full_name", "họ tên"),
    "register_birth_date": ("birth_date", "ngày sinh"),
    "register_sex": ("sex", "giới tính"),
    "register_id": ("national_id", "số định danh"),
}
# Columns the lead's assignment adds; a list from an older `match` lacks them (read as empty).
OPTIONAL = ("pending", *IDENTITY, "old_id", "note", "birth_date", "sex", "national_id")


@dataclass(frozen=True)
class Written:
    """One workbook written: which list, for which commune, how many people, how much money, how many
    rows print the register's identity where the list said otherwise, how many wait for the survey."""

    path: Path
    list_code: str
    commune: str | None
    people: int
    amount: int
    corrected: int = 0
    pending: int = 0


def _same(a: object, b: object) -> bool:
    def norm(v: object) -> str:
        return unicodedata.normalize("NFC", str(v)).strip() if isinstance(v, str) else ""

    return norm(a) == norm(b)


def with_identity(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Rows as printed: on matched rows the register's name, birth date, sex and ID; what the list
    said instead goes to Ghi chú ('Danh sách ghi: …'); pending survey fields follow. Returns the rows and a
    flag per row: did the list differ from the register."""
    rows = frame.copy()
    for column in OPTIONAL:
        if column not in rows:
            rows[column] = None
    matched = rows["result"].map(parse_result) == Result.MATCHED
    for register_field in IDENTITY:
        rows[register_field] = rows[register_field].where(matched, None)
    notes, differs = [], []
    for record in rows.to_dict("records"):
        record = {k: None if is_missing(v) or v == "" else v for k, v in record.items()}
        said = []
        for register_field, (field, label) in IDENTITY.items():
            truth = record[register_field]
            if truth is None:
                continue
            shown = show_date(truth) if field == "birth_date" else truth
            listed = record[field]
            if field == "national_id" and not listed and record["old_id"]:
                listed = record["old_id"]
            if not _same(listed, shown):
                said.append(f"{label} {listed}" if listed else f"{label} trống")
        parts = [f"Danh sách ghi: {'; '.join(said)}" if said else None, record["pending"], record["note"]]
        notes.append(". ".join(p for p in parts if isinstance(p, str) and p) or None)
        differs.append(bool(said))
    for register_field, (field, _label) in IDENTITY.items():
        truth = rows[register_field].map(lambda v: None if is_missing(v) or v == "" else v)
        if field == "birth_date":
            truth = truth.map(show_date)
        rows[field] = truth.where(truth.notna(), rows[field])
    rows["note"] = notes
    return rows, pd.Series(differs, index=rows.index)


def export_payout(
    assignment: Assignment,
    rules: Rules,
    template: PayoutTemplate,
    outdir: Path,
    ky: str,
    by_commune: bool,
    day: dt.date,
) -> list[Written]:
    """Write every non-empty method list and the exception list; return what was written.

    Without `by_commune` each list is one workbook, grouped by commune (a Xã/Phường column and a subtotal per
    commune) and headed by the commune's UBND when it holds one commune, by the combined agency otherwise."""
    frame, differs = with_identity(assignment.frame)
    frame["commune"] = unify_spellings(frame["commune"].fillna(UNKNOWN_COMMUNE))
    frame = frame.sort_values("commune", kind="stable")
    differs = differs.reindex(frame.index)
    groups = list(frame.groupby("commune", sort=True)) if by_commune else [(None, frame)]
    stems = distinct_slugs([str(c) for c, _ in groups if c])
    written: list[Written] = []
    for commune, part in groups:
        communes = part["commune"].unique()
        own = commune or (communes[0] if len(communes) == 1 else None)
        heading = template.heading(None if own == UNKNOWN_COMMUNE else own)
        several = own is None
        suffix = f"_{stems[str(commune)]}" if commune else ""
        subtitle = template.subtitle.format(ky=ky) + (f" — {own}" if own else "")
        lists = [(m.code, m.name, m.short) for m in rules.methods] + [(EXCEPTION, "", "Ngoại lệ")]
        for code, name, short in lists:
            rows = part[part["list"] == code]
            if rows.empty:
                continue
            if code == EXCEPTION:
                columns = template.exception_columns
                title = template.exceptions_title
                path = outdir / f"{template.exceptions_file}{suffix}.xlsx"
            else:
                columns = (*template.common, *template.method_columns.get(code, ()), template.note)
                if several and all(c.field != "commune" for c in columns):
                    columns = (columns[0], COMMUNE_COLUMN, *columns[1:])
                title = template.title.format(method=name.upper(), method_code=code)
                path = outdir / f"{template.file_name.format(method_code=code.lower())}{suffix}.xlsx"
            sheet = FormSheet(
                short,
                heading,
                title,
                subtitle,
                columns,
                rows,
                group="commune" if several else None,
                pending="pending" if code != EXCEPTION else None,
                font_size=11,
            )
            write_form(path, [sheet], template.font, day)
            written.append(
                Written(
                    path,
                    code,
                    commune,
                    len(rows),
                    int(pd.to_numeric(rows["amount"], errors="coerce").fillna(0).sum()),
                    int(differs[rows.index].sum()) if code != EXCEPTION else 0,
                    int(rows["pending"].notna().sum()) if code != EXCEPTION else 0,
                )
            )
    return written
