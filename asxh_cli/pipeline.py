"""Each command's flow, importable: the CLI, the bench and the tests call these alike; nothing here prints."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from asxh_cli.clean import CleanResult, clean_beneficiaries, column_names
from asxh_cli.contract import Result, Status
from asxh_cli.diff import DiffResult, Month, check_accounting, compare
from asxh_cli.errors import AsxhError
from asxh_cli.export.diff_report import DIFF_SHEETS, write_diff_workbook
from asxh_cli.export.match_report import CSV_NAME, XLSX_NAME, result_table, write_result_csv, write_result_workbook
from asxh_cli.export.payout_readback import read_payout_folder
from asxh_cli.export.phu_luc_2 import Written, export_payout
from asxh_cli.export.template import load_template
from asxh_cli.io.grid import check_input_file
from asxh_cli.io.layout import SKIP_REASONS
from asxh_cli.io.output import OutputUnit
from asxh_cli.io.reader import ReadResult, read_beneficiaries, refuse_repeated
from asxh_cli.io.writer import csv_rows, refuse_inputs
from asxh_cli.match.candidates import register_arrays
from asxh_cli.match.engine import MatchResult, beneficiary_features, match_beneficiaries
from asxh_cli.match.register import Register
from asxh_cli.match.register_cache import PreparedRegister, prepared_register
from asxh_cli.match.review import apply_decisions, read_decisions
from asxh_cli.normalize.lookup import CategoryIndex, CategoryMatch
from asxh_cli.payout import EXCEPTION, Assignment, ResultList, assign_lists, read_result_list
from asxh_cli.rules import Rules
from asxh_cli.survey import list_check_codes, merge_answers, read_surveys

Step = Callable[[str], None]
SKIPPED_COLUMNS = ["Tệp gốc", "Sheet gốc", "Dòng gốc", "Lý do bỏ qua", "Chi tiết", "Giống một người", "Nội dung dòng"]


def _no_step(_label: str) -> None:
    return None


@dataclass(frozen=True)
class ReadOptions:
    """How list files are read: one sheet only, column overrides, the CSV encoding."""

    sheet: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


def read_lists(
    files: Sequence[Path], rules: Rules, options: ReadOptions, on_file: Callable[[Path], None] | None = None
) -> ReadResult:
    """Read every list file (refusing a file given twice)."""
    return read_beneficiaries(files, rules, options.sheet, options.overrides, options.encoding, on_file=on_file)


def skipped_rows(read: ReadResult) -> pd.DataFrame:
    """Every non-blank row the reader set aside, with its reason: the `Dòng bỏ qua` sheet (holds the row's text)."""
    records = [
        [
            row.file,
            row.sheet,
            row.row,
            SKIP_REASONS.get(row.reason, (row.reason, row.reason))[0],
            row.detail,
            "Có" if row.looks_like_person else "",
            row.text,
        ]
        for row in read.skipped_rows
    ]
    return pd.DataFrame(records, columns=SKIPPED_COLUMNS)


def category_rules(data: pd.DataFrame, categories: CategoryIndex, limit: int = 30) -> dict[str, CategoryMatch]:
    """Each distinct category text of a sheet (the most frequent first) → the rule that decided its group."""
    if "category" not in data.columns:
        return {}
    texts = data["category"].dropna().astype(str).str.strip()
    return {text: categories.explain(text) for text in texts[texts != ""].value_counts().index[:limit]}


def read_messages(read: ReadResult) -> dict[str, list[str]]:
    """What the reader wants the user to know: warnings (hidden people, skipped rows like people) and notices."""
    return {"warnings": list(read.warnings), "notices": list(read.notices)}


@dataclass
class CleanRun:
    read: ReadResult
    cleaned: CleanResult
    skipped: pd.DataFrame


def run_clean(files: Sequence[Path], rules: Rules, options: ReadOptions, step: Step = _no_step) -> CleanRun:
    """Read and clean lists: one output row per person row, every finding recorded."""
    step("read")
    read = read_lists(files, rules, options)
    step("clean")
    cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
    _check_rows(len(read.data), len(cleaned.data))
    return CleanRun(read, cleaned, skipped_rows(read))


@dataclass
class Outputs:
    """What a command put on disk: final paths, protected files kept aside, an earlier run's files removed."""

    written: list[Path]
    kept: list[tuple[Path, Path]] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    @classmethod
    def of(cls, unit: OutputUnit) -> Outputs:
        return cls(list(unit.written), list(unit.kept), list(unit.removed))


@dataclass
class MatchRun:
    """Everything one `asxh match` produced, before writing."""

    read: ReadResult
    cleaned: CleanResult
    register: Register
    result: MatchResult
    table: pd.DataFrame  # the contract table of ket_qua_doi_sanh.csv
    skipped: pd.DataFrame
    review_problems: list[str] = field(default_factory=list)
    register_reused: bool = False  # the prepared register came from the cache (match/register_cache.py)


def run_match(
    files: Sequence[Path],
    register_file: Path,
    rules: Rules,
    options: ReadOptions,
    decisions_file: Path | None = None,
    step: Step = _no_step,
) -> MatchRun:
    """Read, clean and match the lists against the register; apply a reviewer's decisions if given."""
    review = read_decisions(decisions_file) if decisions_file else None

    # The register (read and prepared, or loaded from the cache) comes in on the other core while the lists are
    # read and cleaned: reading the cached Arrow file or the CSV with Arrow leaves the interpreter free.
    pending = _Background(_register_ready, register_file, rules, options.encoding)
    step("read")
    read = read_lists(files, rules, options)
    step("clean")
    cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
    features = beneficiary_features(cleaned.data, rules)  # while the register may still be on its way
    step("register")
    prepared, arrays = pending.result()
    register = prepared.register
    step("match")
    result = match_beneficiaries(cleaned.data, register, rules, arrays=arrays, features=features)
    problems: list[str] = []
    if review is not None:
        result, problems = apply_decisions(result, cleaned.data, register.people, review, rules)
    table = result_table(cleaned.data, result, register.people)
    _check_rows(len(read.data), len(table))
    prepared.wait_stored()  # written beside the matching, on the other core
    return MatchRun(read, cleaned, register, result, table, skipped_rows(read), problems, prepared.reused)


def _register_ready(path: Path, rules: Rules, encoding: str | None) -> tuple[PreparedRegister, dict]:
    """The prepared register (stored for the next run beside the matching) and the arrays every match needs."""
    prepared = prepared_register(path, rules, encoding, None, True)
    return prepared, register_arrays(prepared.register.people)


class _Background:
    """A call run on a daemon thread: an error in the foreground (or Ctrl-C) never waits for it; `result()`
    waits and raises what the call raised."""

    def __init__(self, function: Callable[..., object], *args: object) -> None:
        self._outcome: tuple[bool, object] | None = None
        self._thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., object], *args: object) -> None:
        try:
            self._outcome = (True, function(*args))
        except BaseException as exc:  # handed to the caller by result()
            self._outcome = (False, exc)

    def result(self) -> Any:
        self._thread.join()
        assert self._outcome is not None
        done, value = self._outcome
        if not done:
            raise value  # type: ignore[misc]
        return value


def match_inputs(files: Sequence[Path], register_file: Path, decisions_file: Path | None, outdir: Path) -> list[Path]:
    """The inputs no output may overwrite: the reviewed workbook may be last run's output (it is kept aside)."""
    inputs = [*files, register_file]
    if decisions_file is not None and Path(decisions_file).resolve() != (Path(outdir) / XLSX_NAME).resolve():
        inputs.append(decisions_file)
    refuse_inputs([Path(outdir) / CSV_NAME, Path(outdir) / XLSX_NAME], inputs)
    return inputs


def holds_decisions(path: Path) -> bool:
    """A result workbook in which a reviewer filled in `Quyết định`: never overwritten."""
    return path.name == XLSX_NAME and bool(read_decisions(path).decisions)


def write_match(run: MatchRun, outdir: Path, inputs: Sequence[Path]) -> Outputs:
    """Write ket_qua_doi_sanh.csv and .xlsx as one unit; the CSV is read back and must hold every row.

    The CSV is written while the workbook is built (both spend most of their time outside the GIL)."""
    with OutputUnit(outdir, "match", inputs, protect=holds_decisions) as unit:
        csv, xlsx = unit.path(CSV_NAME), unit.path(XLSX_NAME)
        with ThreadPoolExecutor(max_workers=1) as pool:
            csv_read_back = pool.submit(_write_csv_and_count, run.table, csv)
            write_result_workbook(run.table, run.cleaned.data, run.result, run.register.people, xlsx, run.skipped)
            rows_read_back = csv_read_back.result()
        unit.check(csv, lambda _path: rows_read_back == len(run.table))
    return Outputs.of(unit)


def _write_csv_and_count(table: pd.DataFrame, path: Path) -> int:
    """Write the contract CSV, then count its records back (on the writer's own thread)."""
    write_result_csv(table, path)
    return csv_rows(path)


def match_counts(run: MatchRun) -> dict[str, object]:
    """Counts for the terminal and `--json`, by code: results, statuses, duplicates, register health."""
    decisions = run.result.decisions["result"]
    matched = decisions == Result.MATCHED
    status = run.table["Tình trạng CSDLQG"]
    return {
        "rows_in": len(run.read.data),
        "rows_out": len(run.table),
        "skipped_rows": len(run.skipped),
        **read_messages(run.read),
        "results": {r.value: int((decisions == r).sum()) for r in Result},
        "deceased": int((matched & (status == Status.DEAD.label_vi).to_numpy()).sum()),
        "moved": int((matched & (status == Status.MOVED.label_vi).to_numpy()).sum()),
        "unknown_status": int((matched & (status == Status.UNKNOWN.label_vi).to_numpy()).sum()),
        "duplicates": int(run.table["Trùng với"].notna().sum()),
        "register_rows": run.register.rows_in,
        "register_unusable": run.register.unusable,
        "register_duplicate_ids": run.register.duplicate_ids,
        "register_has_status": run.register.has_status,
        "register_unknown_statuses": run.register.unknown_statuses,
        "review_problems": run.review_problems,
    }


def counts_by_file(run: MatchRun) -> pd.DataFrame:
    """Per input file: rows per result, the dead among the matched, and the total."""
    frame = pd.DataFrame(
        {
            "file": run.table["Tệp gốc"].to_numpy(),
            "result": run.result.decisions["result"].to_numpy(),
            "dead": (run.table["Tình trạng CSDLQG"] == Status.DEAD.label_vi).to_numpy(),
        }
    )
    counts = pd.crosstab(frame["file"], frame["result"]).reindex(columns=[r.value for r in Result], fill_value=0)
    counts["dead"] = frame.groupby("file")["dead"].sum()
    counts["total"] = frame.groupby("file").size()
    order = list(dict.fromkeys(frame["file"]))
    return counts.reindex(order).reset_index()


@dataclass
class ExportRun:
    rows_in: int
    assignment: Assignment
    written: list[Written]
    repairs: list[str]
    outputs: Outputs


def run_export(
    list_file: Path,
    rules: Rules,
    outdir: Path,
    period: str,
    by_commune: bool,
    day: dt.date,
    today: dt.date | None = None,
) -> ExportRun:
    """Assign every row to one list and write the Phụ lục 2 workbooks as one unit.

    Every row lands on exactly one list, and the people counted in each written workbook (read back) must
    equal the rows assigned to it, else nothing is written.
    """
    loaded = read_result_list(list_file)
    template = load_template(rules)
    assignment = assign_lists(loaded.frame, rules, today or day)
    with OutputUnit(outdir, "export", [list_file]) as unit:
        written = export_payout(assignment, rules, template, unit.folder, period, by_commune, day)
        for item in written:
            unit.check(item.path, lambda p, expected=item.people: people_in(p) == expected)
        _check_rows(len(loaded.frame), sum(w.people for w in written))
    final = [replace(w, path=unit.final(w.path)) for w in written]
    return ExportRun(len(loaded.frame), assignment, final, loaded.repairs, Outputs.of(unit))


def people_in(path: Path) -> int:
    """People rows of a written list workbook: rows of every sheet whose first cell is a running number."""
    import openpyxl  # here: `asxh match` never needs it, and it costs start-up time

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(
            1
            for sheet in book.worksheets
            if sheet.sheet_state == "visible"
            for row in sheet.iter_rows(max_col=1, values_only=True)
            if row and isinstance(row[0], int) and not isinstance(row[0], bool)
        )
    finally:
        book.close()


@dataclass
class SurveyReadRun:
    merged: pd.DataFrame
    applied: int
    problems: pd.DataFrame


def run_survey_read(files: Sequence[Path], list_file: Path, rules: Rules) -> SurveyReadRun:
    """Read filled-in surveys and merge each valid answer into the list row it belongs to (same person only)."""
    refuse_repeated(files)
    for path in files:
        check_input_file(path, {".xlsx", ".xlsm", ".xls"})
    frame = read_result_list(list_file).frame
    answers = read_surveys(list(files), rules, list_check_codes(frame))
    merged, applied = merge_answers(frame, answers)
    return SurveyReadRun(merged, applied, answers.problems)


def list_names(rules: Rules) -> dict[str, str]:
    """List code → the short name people know it by."""
    return {m.code: m.short for m in rules.methods} | {EXCEPTION: "Ngoại lệ phải xử lý"}


def _check_rows(rows_in: int, rows_out: int) -> None:
    if rows_in != rows_out:
        raise AsxhError("accounting.mismatch", rows_in=rows_in, rows_out=rows_out)


@dataclass
class DiffRun:
    diff: DiffResult
    repairs: list[str]
    outputs: Outputs


def run_diff(
    previous: Path,
    current: Path,
    output: Path,
    rules: Rules,
    register_file: Path | None = None,
    paid_through: Month | None = None,
    encoding: str | None = None,
) -> DiffRun:
    """Compare last month's matched list with this month's and write bien_dong.xlsx.

    The diff must balance (every row of each side followed once, or left / new) before anything is written.
    """
    inputs = [previous, current, *([register_file] if register_file else [])]
    refuse_inputs([output], inputs)
    before, after = _diff_side(previous, rules), _diff_side(current, rules)
    register = prepared_register(register_file, rules, encoding).register.people if register_file else None
    diff = compare(before.frame, after.frame, register, paid_through)
    problems = check_accounting(diff)
    if problems:
        raise AsxhError("diff.accounting", detail="; ".join(problems))
    import openpyxl  # here: `asxh match` never needs it, and it costs start-up time

    with OutputUnit.for_file(output, "diff", inputs) as unit:
        write_diff_workbook(diff, unit.path(), str(previous), str(current))
        unit.check(unit.path(), lambda p: openpyxl.load_workbook(p, read_only=True).sheetnames == list(DIFF_SHEETS))
    return DiffRun(diff, [*before.repairs, *after.repairs], Outputs.of(unit))


def _diff_side(path: Path, rules: Rules) -> ResultList:
    """A matched list (ket_qua_doi_sanh.csv), or a folder of Phụ lục 2 workbooks written by `asxh export`."""
    if Path(path).is_dir():
        return ResultList(read_payout_folder(path, rules, load_template(rules)))
    return read_result_list(path)
