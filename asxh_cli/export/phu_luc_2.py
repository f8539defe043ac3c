"""Phụ lục 2: one workbook per payment method (optionally per commune and method), plus the exceptions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asxh_cli.export.forms import FormSheet, write_form
from asxh_cli.export.template import PayoutTemplate
from asxh_cli.normalize.text import fold
from asxh_cli.payout import EXCEPTION, Assignment
from asxh_cli.rules import Rules


@dataclass(frozen=True)
class Written:
    """One workbook written: which list, for which commune, how many people and how much money."""

    path: Path
    list_code: str
    commune: str | None
    people: int
    amount: int


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", fold(text)).strip("_") or "khac"


def export_payout(
    assignment: Assignment,
    rules: Rules,
    template: PayoutTemplate,
    outdir: Path,
    ky: str,
    by_commune: bool,
    day: dt.date,
) -> list[Written]:
    """Write every non-empty method list and the exception list; return what was written."""
    frame = assignment.frame
    groups: list[tuple[str | None, pd.DataFrame]] = (
        [
            (str(c) if c is not None else None, part)
            for c, part in frame.groupby(frame["commune"].fillna("(chưa rõ)"), sort=True, dropna=False)
        ]
        if by_commune
        else [(None, frame)]
    )
    written: list[Written] = []
    for commune, part in groups:
        suffix = f"_{_slug(commune)}" if commune else ""
        for method in rules.methods:
            rows = part[part["list"] == method.code]
            if rows.empty:
                continue
            columns = (*template.common, *template.method_columns.get(method.code, ()), template.note)
            title = template.title.format(method=method.name.upper(), method_code=method.code)
            subtitle = template.subtitle.format(ky=ky) + (f" — {commune}" if commune else "")
            path = outdir / f"{template.file_name.format(method_code=method.code.lower())}{suffix}.xlsx"
            sheet = FormSheet(method.short[:31], title, subtitle, columns, rows, signatures=template.signatures)
            write_form(path, template.agency, [sheet], template.font, template.signature_note, day)
            written.append(Written(path, method.code, commune, len(rows), int(rows["amount"].fillna(0).sum())))
        exceptions = part[part["list"] == EXCEPTION]
        if not exceptions.empty:
            path = outdir / f"{template.exceptions_file}{suffix}.xlsx"
            subtitle = template.subtitle.format(ky=ky) + (f" — {commune}" if commune else "")
            sheet = FormSheet(
                "Ngoại lệ",
                template.exceptions_title,
                subtitle,
                template.exception_columns,
                exceptions,
                signatures=template.signatures,
            )
            write_form(path, template.agency, [sheet], template.font, template.signature_note, day)
            written.append(
                Written(path, EXCEPTION, commune, len(exceptions), int(exceptions["amount"].fillna(0).sum()))
            )
    return written
