"""Phụ lục 2: one workbook per payment method (optionally per commune and method), plus the exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asxh_cli.export.forms import FormSheet, write_form
from asxh_cli.export.template import PayoutTemplate
from asxh_cli.io.names import distinct_slugs, group_key, spellings
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
    communes = frame["commune"].fillna("(chưa rõ)").astype(str)
    spelled = spellings(communes)
    groups: list[tuple[str | None, pd.DataFrame]] = (
        [(str(spelled[key]), part) for key, part in frame.groupby(communes.map(group_key), sort=True)]
        if by_commune
        else [(None, frame)]
    )
    stems = distinct_slugs([c for c, _ in groups if c])
    written: list[Written] = []
    for commune, part in groups:
        suffix = f"_{stems[commune]}" if commune else ""
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
