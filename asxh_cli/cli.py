"""The `asxh` command line: parse options, call the core, print. No logic lives here."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from asxh_cli import __version__
from asxh_cli.errors import AsxhError, ExitCode, OutputError
from asxh_cli.failures import explain_failure, new_run
from asxh_cli.io.output import OutputUnit
from asxh_cli.io.writer import refuse_inputs
from asxh_cli.memory import keep_freed_memory
from asxh_cli.messages import msg, pick
from asxh_cli.rules import load_rules

if TYPE_CHECKING:  # the heavy modules (pandas, pandera, the writers) load inside the commands that use them
    from asxh_cli.io.reader import ReadResult
    from asxh_cli.match.register import Register
    from asxh_cli.pipeline import CleanRun, MatchRun, Outputs, ReadOptions
    from asxh_cli.rules import Rules

app = typer.Typer(
    name="asxh",
    help=pick(
        "Đối sánh, làm sạch danh sách chi trả an sinh xã hội không dùng tiền mặt với CSDLQG về dân cư.",
        "Reconcile and clean non-cash social-welfare payout lists against the national population register.",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

F = TypeVar("F", bound=Callable[..., Any])


def err_console() -> Console:
    return Console(stderr=True)


def out_console() -> Console:
    return Console()


def handles_errors(command: F) -> F:
    """Turn every failure into one clear message and an exit code (see asxh_cli/failures.py); no traceback.

    Usage errors raised inside a command (typer.BadParameter) are left to Typer: its message, exit code 2.
    ASXH_DEBUG=1 shows the traceback of an unexpected error instead.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        new_run()
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except (KeyboardInterrupt, Exception) as exc:
            if os.environ.get("ASXH_DEBUG") and not isinstance(exc, AsxhError | KeyboardInterrupt):
                raise
            text, code = explain_failure(exc, command.__name__)
            err_console().print(f"[bold red]{msg('error.prefix')}:[/] {text}", highlight=False)
            raise typer.Exit(int(code)) from None

    return wrapper  # type: ignore[return-value]


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help=pick(
            "Thư mục quy tắc của đơn vị (mặc định: bản kèm theo, hoặc $ASXH_RULES).",
            "Your office's rules folder (default: the shipped one, or $ASXH_RULES).",
        ),
    ),
]
SheetOption = Annotated[str | None, typer.Option("--sheet", help=pick("Chỉ đọc sheet này.", "Read only this sheet."))]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help=pick(
            'Gán cột lạ cho trường chuẩn, ví dụ --map "Cột lạ=full_name".',
            'Map an unknown column to a field, e.g. --map "Odd column=full_name".',
        ),
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help=pick("Bảng mã của tệp CSV (mặc định: tự nhận).", "Text encoding of CSV files (default: detected)."),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help=pick("In kết quả dạng JSON.", "Print the result as JSON."))]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help=pick("Không in bảng tóm tắt.", "No summary tables."))]
FilesArgument = Annotated[
    list[Path],
    typer.Argument(
        help=pick("Các tệp danh sách (.xlsx, .xls, .csv).", "List files (.xlsx, .xls, .csv)."), show_default=False
    ),
]


def _options(sheet: str | None, mapping: list[str] | None, encoding: str | None) -> ReadOptions:
    from asxh_cli.io.reader import parse_overrides
    from asxh_cli.pipeline import ReadOptions

    return ReadOptions(sheet, parse_overrides(mapping or []), encoding)


def _read(files: list[Path], rules: Rules, options: ReadOptions, quiet: bool = True) -> ReadResult:
    from rich.progress import Progress

    from asxh_cli.pipeline import read_lists

    if quiet or len(files) < 2:
        return read_lists(files, rules, options)
    with Progress(console=err_console(), transient=True) as progress:
        task = progress.add_task(pick("Đọc tệp", "Reading files"), total=len(files))

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=pick(f"Đọc {path.name}", f"Reading {path.name}"))

        return read_lists(files, rules, options, on_file=advance)


def _print_problem_summary(run: CleanRun, rows_out: int, quiet: bool) -> None:
    from asxh_cli.export.problems import problem_counts
    from asxh_cli.problems import severity_label

    console = err_console()
    data = run.cleaned.data
    with_errors = int((data["errors"] > 0).sum())
    if not quiet:
        counts = problem_counts(run.cleaned.problems)
        table = Table(title=pick("Kết quả kiểm tra", "Check results"), title_justify="left")
        table.add_column(pick("Mức độ", "Severity"))
        table.add_column(pick("Quy tắc", "Rule"))
        table.add_column(pick("Số dòng", "Count"), justify="right")
        table.add_column(pick("Giải thích", "Explanation"))
        for item in counts.itertuples(index=False):
            detail = item.detail.split(":")[0] if item.code == "duplicate" else item.detail
            table.add_row(severity_label(item.severity), item.code, str(item.count), detail)
        console.print(table)
    console.print(
        pick(
            f"Số người đọc vào: {len(data)} · số dòng ghi ra: {rows_out} · có lỗi: {with_errors} · "
            f"dòng bỏ qua: {len(run.skipped)}",
            f"People read: {len(data)} · rows out: {rows_out} · with errors: {with_errors} · "
            f"rows skipped: {len(run.skipped)}",
        ),
        highlight=False,
    )
    _print_read_messages(run.read)


def _print_read_messages(read: ReadResult, limit: int = 20) -> None:
    """The reader's warnings (no names or IDs in them) and notices, at most `limit` lines of each."""
    from asxh_cli.pipeline import read_messages

    console = err_console()
    messages = read_messages(read)
    for kind, style in (("warnings", "yellow"), ("notices", "cyan")):
        lines = messages[kind]
        label = pick("Cảnh báo", "Warning") if kind == "warnings" else pick("Lưu ý", "Note")
        for line in lines[:limit]:
            console.print(f"[{style}]{label}:[/] {line}", highlight=False)
        if len(lines) > limit:
            console.print(
                pick(
                    f"… và {len(lines) - limit} dòng khác (xem --json).",
                    f"… and {len(lines) - limit} more (see --json).",
                ),
                highlight=False,
            )


def _summary_json(run: CleanRun, outputs: list[Path]) -> str:
    from asxh_cli.export.problems import problem_counts
    from asxh_cli.pipeline import read_messages

    data = run.cleaned.data
    counts = problem_counts(run.cleaned.problems)
    return json.dumps(
        {
            "rows_in": len(data),
            "rows_out": len(data),
            "rows_with_errors": int((data["errors"] > 0).sum()),
            "skipped_rows": len(run.skipped),
            "skipped_like_person": int((run.skipped["Giống một người"] == "Có").sum()),
            **read_messages(run.read),
            "problems": [{"severity": r.severity, "code": r.code, "count": int(r.count)} for r in counts.itertuples()],
            "outputs": [str(p) for p in outputs],
        },
        ensure_ascii=False,
        indent=2,
    )


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"asxh {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help=pick("In phiên bản.", "Print the version.")
        ),
    ] = False,
) -> None:
    """asxh — đối sánh và làm sạch danh sách chi trả an sinh xã hội."""


def _reason(key: str) -> str:
    from asxh_cli.pipeline import SKIP_REASONS

    vi, en = SKIP_REASONS.get(key, (key, key))
    return pick(vi, en)


@app.command(
    help=pick(
        "Xem công cụ hiểu tệp thế nào: dòng tiêu đề, ý nghĩa từng cột, số người và các dòng bỏ qua.",
        "See how the tool understood each file: header rows, column meaning, people and skipped rows.",
    )
)
@handles_errors
def inspect(
    files: FilesArgument,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Xem công cụ hiểu tệp thế nào: dòng tiêu đề, ý nghĩa từng cột, số người và các dòng bỏ qua."""
    from asxh_cli.normalize.lookup import category_index
    from asxh_cli.pipeline import category_rules, read_messages

    rules = load_rules(rules_dir)
    result = _read(files, rules, _options(sheet, mapping, encoding))
    categories = category_index(rules)
    if as_json:
        payload = [
            {
                "file": t.file,
                "sheet": t.sheet,
                "header_rows": list(t.header_rows),
                "encoding": t.encoding,
                "people": len(t.data),
                "columns": [
                    {"column": c.letter, "header": c.header, "field": c.field, "sex": c.sex} for c in t.columns
                ],
                "skipped": dict(t.skipped),
                "skipped_rows": t.skipped_rows,
                "notes": t.notes,
                "categories": [
                    {"text": text, "code": m.code, "rule": m.rule, "basis": m.basis}
                    for text, m in category_rules(t.data, categories).items()
                ],
            }
            for t in result.tables
        ]
        extra = [{"file": s.file, "sheet": s.sheet, "reason": s.reason} for s in result.skipped_sheets]
        hidden = [{"file": h.file, "sheet": h.sheet, "people": h.people} for h in result.hidden_sheets]
        document = {"sheets": payload, "sheets_without_list": extra, "hidden_sheets": hidden, **read_messages(result)}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console = out_console()
    for t in result.tables:
        table = Table(title=f"{t.file} — sheet '{t.sheet}'", title_justify="left")
        table.add_column(pick("Cột", "Column"))
        table.add_column(pick("Tiêu đề trong tệp", "Header in the file"))
        table.add_column(pick("Hiểu là", "Understood as"))
        for c in t.columns:
            meaning = (
                rules.field_labels.get(c.field, c.field)
                if c.field
                else pick("(giữ nguyên, cột thêm)", "(kept as extra)")
            )
            if c.sex:
                meaning += pick(f" — giới tính {c.sex} theo cột", f" — sex {c.sex} by column")
            table.add_row(c.letter, c.header, meaning)
        console.print(table)
        skipped = ", ".join(f"{_reason(k)}: {v}" for k, v in sorted(t.skipped.items())) or pick("không", "none")
        rows = ", ".join(map(str, t.header_rows))
        console.print(
            pick(
                f"Dòng tiêu đề: {rows} · Số người: {len(t.data)} · Bỏ qua: {skipped}",
                f"Header row(s): {rows} · People: {len(t.data)} · Skipped: {skipped}",
            ),
            highlight=False,
        )
        for note in t.notes:
            console.print(f"[cyan]{pick('Lưu ý', 'Note')}:[/] {note}", highlight=False)
        decided = category_rules(t.data, categories)
        if decided:
            groups = Table(title=pick("Nhóm đối tượng", "Categories"), title_justify="left")
            for column in (pick("Ghi trong tệp", "As written"), pick("Nhóm", "Group"), pick("Căn cứ", "Basis")):
                groups.add_column(column)
            for text, m in decided.items():
                basis = pick("đúng tên nhóm trong rules", "a listed alias") if m.rule == "alias" else m.basis or m.rule
                groups.add_row(text, m.code or pick("(không rõ)", "(unknown)"), basis or "")
            console.print(groups)
    for s in result.skipped_sheets:
        console.print(
            pick(
                f"[yellow]Bỏ qua[/] {s.file} — sheet '{s.sheet}': {s.reason}",
                f"[yellow]Skipped[/] {s.file} — sheet '{s.sheet}': {s.reason}",
            ),
            highlight=False,
        )
    _print_read_messages(result)


@app.command(
    help=pick(
        "Sinh dữ liệu mẫu tổng hợp (không phải người thật): CSDLQG, danh sách lộn xộn và đáp án.",
        "Write synthetic sample data (no real people): a register extract, messy lists and their answer key.",
    )
)
@handles_errors
def sample(
    outdir: Annotated[Path, typer.Argument(help=pick("Thư mục ghi dữ liệu mẫu.", "Folder for the sample data."))],
    register_size: Annotated[
        int,
        typer.Option(
            "--register-size", min=10, help=pick("Số người trong trích xuất CSDLQG.", "People in the register extract.")
        ),
    ] = 2000,
    beneficiaries: Annotated[
        int, typer.Option("--beneficiaries", min=1, help=pick("Số dòng danh sách hưởng.", "Beneficiary rows."))
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help=pick("Hạt giống ngẫu nhiên.", "Random seed."))] = 2026,
    months: Annotated[
        int,
        typer.Option(
            "--months",
            min=1,
            max=2,
            help=pick(
                "2: thêm tháng sau (thư mục thang_2/) có người chết, chuyển đi, CMND → CCCD, đổi tài khoản, "
                "thêm, bớt, chuyển sheet — để chạy asxh diff.",
                "2: also the next month (thang_2/) with deaths, moves, CMND → CCCD, new accounts, additions, "
                "removals and rows moved to another sheet — for asxh diff.",
            ),
        ),
    ] = 1,
) -> None:
    """Sinh dữ liệu mẫu tổng hợp (không phải người thật): CSDLQG, danh sách lộn xộn và đáp án."""
    from asxh_cli.sample import write_sample

    if outdir.exists() and not outdir.is_dir():
        raise OutputError("output.not_a_folder", file=outdir)
    for files in write_sample(outdir, register_size, beneficiaries, seed, months):
        for path in [files.register, *files.beneficiaries, files.truth]:
            typer.echo(str(path))


@app.command(
    help=pick(
        "Kiểm tra danh sách: mỗi lỗi ghi rõ tệp, sheet, dòng, cột, giá trị và cách sửa. Mã thoát 1 nếu có lỗi.",
        "Check lists: each problem names the file, sheet, row, column, value and fix. Exit 1 on errors.",
    )
)
@handles_errors
def validate(
    files: FilesArgument,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help=pick(
                "Ghi danh sách lỗi ra tệp .xlsx (một dòng mỗi lỗi).", "Write the problems to an .xlsx (one row each)."
            ),
        ),
    ] = None,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Kiểm tra danh sách: mỗi lỗi ghi rõ tệp, sheet, dòng, cột, giá trị và cách sửa. Mã thoát 1 nếu có lỗi."""
    from asxh_cli.export.problems import write_problem_report
    from asxh_cli.pipeline import run_clean

    if report is not None:
        refuse_inputs([report], files)
    rules = load_rules(rules_dir)
    run = run_clean(files, rules, _options(sheet, mapping, encoding))
    if report is not None:
        with OutputUnit.for_file(report, "validate", files) as unit:
            write_problem_report(run.cleaned.problems, unit.path())
    if as_json:
        typer.echo(_summary_json(run, [report] if report else []))
    else:
        _print_problem_summary(run, len(run.cleaned.data), quiet)
        if report is not None:
            err_console().print(pick(f"Đã ghi: {report}", f"Written: {report}"), highlight=False)
    if len(run.cleaned.errors):
        raise typer.Exit(int(ExitCode.PROBLEMS))


class OutputFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    parquet = "parquet"


@app.command(
    help=pick(
        "Làm sạch danh sách: mỗi dòng đầu vào ra đúng một dòng, giữ giá trị gốc bên cạnh giá trị đã sửa.",
        "Clean lists: one output row per input row, the original beside each repaired value.",
    )
)
@handles_errors
def clean(
    files: FilesArgument,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=pick(
                "Tệp danh sách sạch (mặc định danh_sach_sach.xlsx).", "Cleaned list file (default danh_sach_sach.xlsx)."
            ),
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help=pick("Định dạng tệp ra (mặc định theo đuôi tệp).", "Output format (default: from the file name)."),
        ),
    ] = None,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Làm sạch danh sách: mỗi dòng đầu vào ra đúng một dòng, giữ giá trị gốc bên cạnh giá trị đã sửa."""
    from asxh_cli.export.columns import present, write_clean_list
    from asxh_cli.pipeline import run_clean

    fmt = output_format.value if output_format else (output.suffix.lstrip(".").lower() if output else "xlsx")
    if fmt not in {f.value for f in OutputFormat}:
        raise AsxhError("output.bad_format", file=output, formats="xlsx, csv, parquet")
    target = output or Path(f"danh_sach_sach.{fmt}")
    if target.suffix.lower() != f".{fmt}":
        target = target.with_suffix(f".{fmt}")
    refuse_inputs([target], files)
    rules = load_rules(rules_dir)
    run = run_clean(files, rules, _options(sheet, mapping, encoding))
    shown = present(run.cleaned.data)
    with OutputUnit.for_file(target, "clean", files) as unit:
        write_clean_list(shown, run.cleaned.problems, unit.path(), run.skipped)
    if as_json:
        typer.echo(_summary_json(run, [target]))
    else:
        _print_problem_summary(run, len(shown), quiet)
        err_console().print(pick(f"Đã ghi: {target}", f"Written: {target}"), highlight=False)
    if quiet and not as_json:
        typer.echo(str(target))


@app.command(
    help=pick(
        "Đối sánh danh sách với CSDLQG: Khớp / Cần xác minh / Không tìm thấy, kèm lý do cho từng dòng.",
        "Match lists with the population register: matched / to review / not found, with a reason per row.",
    )
)
@handles_errors
def match(
    files: FilesArgument,
    register_file: Annotated[
        Path,
        typer.Option(
            "--register",
            "-r",
            help=pick("Trích xuất CSDLQG về dân cư (.csv, .parquet).", "Population-register extract (.csv, .parquet)."),
            show_default=False,
        ),
    ],
    outdir: Annotated[
        Path, typer.Option("--output", "-o", help=pick("Thư mục ghi kết quả.", "Folder for the results."))
    ] = Path("ket_qua"),
    decisions_file: Annotated[
        Path | None,
        typer.Option(
            "--decisions",
            help=pick(
                "Tệp ket_qua_doi_sanh.xlsx đã điền cột 'Quyết định' ở sheet 'Cần xác minh'.",
                "A ket_qua_doi_sanh.xlsx whose 'Cần xác minh' sheet has the 'Quyết định' column filled in.",
            ),
        ),
    ] = None,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Đối sánh danh sách với CSDLQG: Khớp / Cần xác minh / Không tìm thấy, kèm lý do cho từng dòng."""
    from asxh_cli.pipeline import match_counts, match_inputs, run_match, write_match

    inputs = match_inputs(files, register_file, decisions_file, outdir)
    rules = load_rules(rules_dir)
    labels = {
        "read": pick("Đọc danh sách", "Reading lists"),
        "clean": pick("Làm sạch", "Cleaning"),
        "register": pick("Đọc CSDLQG", "Reading the register"),
        "match": pick("Đối sánh", "Matching"),
    }
    with _steps(quiet or as_json) as step:
        run = run_match(
            files, register_file, rules, _options(sheet, mapping, encoding), decisions_file, lambda k: step(labels[k])
        )
        step(pick("Ghi kết quả", "Writing results"))
        outputs = write_match(run, outdir, inputs)
    summary = match_counts(run) | _outputs_json(outputs)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_match_summary(run, summary, quiet)
    _print_outputs(outputs)


def _outputs_json(outputs: Outputs) -> dict[str, object]:
    return {
        "outputs": [str(p) for p in outputs.written],
        "kept": [{"file": str(a), "kept_as": str(b)} for a, b in outputs.kept],
        "removed": [str(p) for p in outputs.removed],
    }


def _print_outputs(outputs: Outputs) -> None:
    """Paths on stdout for scripts; what was kept aside or removed on stderr for people."""
    console = err_console()
    for original, kept in outputs.kept:
        console.print(
            pick(
                f"[yellow]Giữ lại:[/] {original} có quyết định của người rà soát, đã đổi tên thành {kept.name}",
                f"[yellow]Kept:[/] {original} holds a reviewer's decisions; renamed to {kept.name}",
            ),
            highlight=False,
        )
    for path in outputs.removed:
        console.print(
            pick(f"Đã xóa tệp cũ của lần chạy trước: {path}", f"Removed an earlier run's file: {path}"),
            highlight=False,
        )
    for path in outputs.written:
        typer.echo(str(path))


def _print_match_summary(run: MatchRun, summary: dict[str, Any], quiet: bool) -> None:
    from asxh_cli.contract import Result, Status
    from asxh_cli.pipeline import counts_by_file

    console = err_console()
    if run.register_reused:
        console.print(_REUSED, highlight=False)
    if not quiet:
        by_file = Table(title=pick("Kết quả đối sánh", "Matching results"), title_justify="left")
        by_file.add_column(pick("Tệp", "File"))
        for result in Result:
            by_file.add_column(result.label, justify="right")
        by_file.add_column(Status.DEAD.label, justify="right")
        by_file.add_column(pick("Tổng", "Total"), justify="right")
        for row in counts_by_file(run).itertuples(index=False):
            by_file.add_row(str(row[0]), *(str(int(v)) for v in row[1:]))
        console.print(by_file)
        for problem in run.review_problems:
            console.print(f"[yellow]{pick('Quyết định rà soát', 'Review decision')}:[/] {problem}", highlight=False)
    register = run.register
    console.print(
        pick(
            f"Số người đọc vào: {summary['rows_in']} · số dòng ghi ra: {summary['rows_out']} · "
            f"dòng bỏ qua: {summary['skipped_rows']} · CSDLQG: {register.rows_in} dòng "
            f"({register.unusable} dòng không dùng được)",
            f"People read: {summary['rows_in']} · rows out: {summary['rows_out']} · "
            f"rows skipped: {summary['skipped_rows']} · register: {register.rows_in} rows "
            f"({register.unusable} unusable)",
        ),
        highlight=False,
    )
    _print_read_messages(run.read)
    _warn_register(register)


def _warn_register(register: Register) -> None:
    """Loud warnings for a register that cannot say who is alive."""
    console = err_console()
    if not register.has_status:
        console.print(
            pick(
                "[bold yellow]Cảnh báo:[/] trích xuất CSDLQG không có cột tình trạng: không biết ai còn sống, "
                "nên không ai được đưa vào danh sách chi trả.",
                "[bold yellow]Warning:[/] the register extract has no status column: nobody is known to be alive, "
                "so nobody goes on a payment list.",
            ),
            highlight=False,
        )
    for text, count in register.unknown_statuses.items():
        console.print(
            pick(
                f"[yellow]Cảnh báo:[/] tình trạng CSDLQG không rõ '{text or '(trống)'}' ở {count} dòng: "
                "những người này không được chi; thêm cách ghi này vào rules/matching.toml [status] nếu đúng.",
                f"[yellow]Warning:[/] unknown register status '{text or '(blank)'}' on {count} rows: "
                "not paid; add it to rules/matching.toml [status] if it is a known state.",
            ),
            highlight=False,
        )
    if register.duplicate_ids:
        console.print(
            pick(
                f"[yellow]Cảnh báo:[/] {register.duplicate_ids} số định danh xuất hiện nhiều lần trong CSDLQG; "
                "mỗi người lấy tình trạng chặt nhất (đã chết > đã chuyển đi > không rõ > còn sống).",
                f"[yellow]Warning:[/] {register.duplicate_ids} IDs appear more than once in the register; "
                "each takes its strictest status (dead > moved > unknown > alive).",
            ),
            highlight=False,
        )


@contextlib.contextmanager
def _steps(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar over the named steps of a long command (nothing when quiet)."""
    from rich.progress import Progress

    if quiet:
        yield lambda _label: None
        return
    with Progress(console=err_console(), transient=True) as progress:
        task = progress.add_task("", total=None)

        def step(label: str) -> None:
            progress.update(task, description=label, advance=1)

        yield step


survey_app = typer.Typer(
    help=pick(
        "Phụ lục 1: phiếu khảo sát phương thức nhận và đọc lại câu trả lời.",
        "Phụ lục 1: payment-method surveys and reading the answers back.",
    ),
    no_args_is_help=True,
)
app.add_typer(survey_app, name="survey")
ListArgument = Annotated[
    Path,
    typer.Argument(
        help=pick(
            "Danh sách đã đối sánh (ket_qua_doi_sanh.csv) hoặc đã ghép khảo sát.",
            "The matched list (ket_qua_doi_sanh.csv), or one with survey answers merged.",
        ),
        show_default=False,
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--ngay",
        help=pick(
            "Ngày ghi trên biểu (dd/mm/yyyy, mặc định hôm nay).",
            "Date printed on the forms (dd/mm/yyyy, default today).",
        ),
    ),
]


def _form_date(text: str | None) -> dt.date:
    from asxh_cli.normalize.dates import parse_date

    if not text:
        return dt.date.today()
    result = parse_date(text, dt.date(2100, 1, 1))
    if result.precision != "day":
        raise typer.BadParameter(pick("cần dạng dd/mm/yyyy", "expected dd/mm/yyyy"), param_hint="--ngay")
    return dt.date(result.year, result.month, result.day)


@survey_app.command(
    "make",
    help=pick(
        "Tạo phiếu khảo sát Phụ lục 1 theo từng xã/phường để đi khảo sát tại nhà.",
        "Write Phụ lục 1 survey workbooks per commune for the home visits.",
    ),
)
@handles_errors
def survey_make(
    list_file: ListArgument,
    outdir: Annotated[
        Path, typer.Option("--output", "-o", help=pick("Thư mục ghi phiếu.", "Folder for the surveys."))
    ] = Path("phieu_khao_sat"),
    one_file: Annotated[
        bool,
        typer.Option(
            "--one-file", help=pick("Một tệp, mỗi xã/phường một sheet.", "One workbook, one sheet per commune.")
        ),
    ] = False,
    show_pii: Annotated[
        bool,
        typer.Option(
            "--show-pii",
            help=pick(
                "Ghi đầy đủ số định danh và số tài khoản (mặc định che bớt).",
                "Write full ID and account numbers (masked by default).",
            ),
        ),
    ] = False,
    day: DateOption = None,
    rules_dir: RulesOption = None,
) -> None:
    """Tạo phiếu khảo sát Phụ lục 1 theo từng xã/phường để đi khảo sát tại nhà."""
    from asxh_cli.export.template import load_template
    from asxh_cli.payout import load_list
    from asxh_cli.pipeline import Outputs
    from asxh_cli.survey import make_surveys

    rules = load_rules(rules_dir)
    frame = load_list(list_file)
    with OutputUnit(outdir, "survey-make", [list_file]) as unit:
        written = make_surveys(frame, rules, load_template(rules), unit.folder, one_file, show_pii, _form_date(day))
    _print_outputs(Outputs.of(unit))
    err_console().print(
        pick(
            f"Đã tạo {len(written)} tệp phiếu cho {sum(w.people for w in written)} người.",
            f"Wrote {len(written)} survey files for {sum(w.people for w in written)} people.",
        ),
        highlight=False,
    )


@survey_app.command(
    "read",
    help=pick(
        "Đọc phiếu khảo sát đã điền, kiểm tra từng câu trả lời và ghép câu trả lời hợp lệ vào danh sách.",
        "Read filled-in surveys, check every answer and merge the valid ones into the list.",
    ),
)
@handles_errors
def survey_read(
    files: Annotated[
        list[Path],
        typer.Argument(help=pick("Các phiếu đã điền (.xlsx).", "Filled-in surveys (.xlsx)."), show_default=False),
    ],
    list_file: Annotated[
        Path,
        typer.Option(
            "--list",
            "-l",
            help=pick("Danh sách đã đối sánh để ghép câu trả lời vào.", "The matched list to merge the answers into."),
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=pick("Danh sách sau khi ghép (.csv).", "The merged list (.csv)."))
    ] = Path("danh_sach_da_khao_sat.csv"),
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help=pick("Ghi lỗi của phiếu ra tệp .xlsx.", "Write the survey problems to an .xlsx.")
        ),
    ] = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Đọc phiếu khảo sát đã điền, kiểm tra từng câu trả lời và ghép câu trả lời hợp lệ vào danh sách."""
    from asxh_cli.export.problems import write_problem_report
    from asxh_cli.payout import write_list
    from asxh_cli.pipeline import run_survey_read

    refuse_inputs([output, *([report] if report else [])], [*files, list_file])
    rules = load_rules(rules_dir)
    run = run_survey_read(files, list_file, rules)
    with OutputUnit.for_file(output, "survey-read", [*files, list_file]) as unit:
        write_list(run.merged, unit.path())
    if report is not None:
        with OutputUnit.for_file(report, "survey-read-report", [*files, list_file]) as unit:
            write_problem_report(run.problems, unit.path())
    applied, problems, rows = run.applied, len(run.problems), len(run.merged)
    summary = {
        "answers_applied": applied,
        "problems": problems,
        "rows": rows,
        "outputs": [str(output), *([str(report)] if report else [])],
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        err_console().print(
            pick(
                f"Đã ghép {applied} câu trả lời hợp lệ · {problems} lỗi (không áp dụng) · {rows} dòng",
                f"Merged {applied} valid answers · {problems} problems (not applied) · {rows} rows",
            ),
            highlight=False,
        )
        typer.echo(str(output))
    if problems:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command(
    "export",
    help=pick(
        "Xuất Phụ lục 2: mỗi phương thức nhận một tệp, cùng danh sách các trường hợp phải xử lý.",
        "Write Phụ lục 2: one workbook per payment method, plus the exceptions to correct.",
    ),
)
@handles_errors
def export_lists(
    list_file: ListArgument,
    outdir: Annotated[
        Path, typer.Option("--output", "-o", help=pick("Thư mục ghi danh sách.", "Output folder."))
    ] = Path("phu_luc_2"),
    ky: Annotated[
        str,
        typer.Option(
            "--ky",
            help=pick(
                'Kỳ chi trả ghi trên biểu, ví dụ "Tết Bính Ngọ 2026" hoặc "tháng 02/2026".',
                "Payment period printed on the lists.",
            ),
        ),
    ] = "",
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help=pick("'commune': tách theo từng xã/phường.", "'commune': one file per commune and method.")
        ),
    ] = None,
    day: DateOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Xuất Phụ lục 2: mỗi phương thức nhận một tệp, cùng danh sách các trường hợp phải xử lý."""
    from asxh_cli.payout import EXCEPTION
    from asxh_cli.pipeline import list_names, run_export

    if by not in (None, "commune"):
        raise typer.BadParameter(pick("chỉ nhận 'commune'", "only 'commune'"), param_hint="--by")
    rules = load_rules(rules_dir)
    form_day = _form_date(day)
    run = run_export(
        list_file, rules, outdir, ky or f"tháng {form_day.month:02d}/{form_day.year}", by == "commune", form_day
    )
    frame = run.assignment.frame
    pending = int(frame["pending"].notna().sum())
    payable = int(frame["payable"].sum())
    if as_json:
        payload = {
            "rows_in": run.rows_in,
            "rows_out": sum(w.people for w in run.written),
            "payable": payable,
            "pending_survey": pending,
            "exceptions": int((frame["list"] == EXCEPTION).sum()),
            "repairs": run.repairs,
            **_outputs_json(run.outputs),
            "files": [
                {
                    "path": str(w.path),
                    "list": w.list_code,
                    "commune": w.commune,
                    "people": w.people,
                    "amount": w.amount,
                    "pending_survey": w.pending,
                    "identity_corrected": w.corrected,
                }
                for w in run.written
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = err_console()
    for repair in run.repairs:
        console.print(f"[yellow]{pick('Đã sửa', 'Repaired')}:[/] {repair}", highlight=False)
    if not quiet:
        names = list_names(rules) | {EXCEPTION: pick("Ngoại lệ phải xử lý", "Exceptions")}
        table = Table(title=pick("Danh sách đã xuất", "Lists written"), title_justify="left")
        for column in (
            pick("Danh sách", "List"),
            pick("Xã/phường", "Commune"),
            pick("Số người", "People"),
            pick("Tổng tiền (đồng)", "Amount (VND)"),
            pick("Tệp", "File"),
        ):
            table.add_column(column)
        for w in run.written:
            table.add_row(names[w.list_code], w.commune or "", str(w.people), f"{w.amount:,}", w.path.name)
        console.print(table)
    console.print(
        pick(
            f"Số người đầu vào: {run.rows_in} · tổng số người trong các danh sách: {sum(w.people for w in run.written)}"
            f" · đủ điều kiện chi: {payable} · chờ khảo sát: {pending}",
            f"People in: {run.rows_in} · people across the lists: {sum(w.people for w in run.written)}"
            f" · payable: {payable} · pending survey: {pending}",
        ),
        highlight=False,
    )
    _print_outputs(run.outputs)


@app.command(
    help=pick(
        "Báo cáo tiến độ hằng tuần: theo xã/phường, đối tượng, phương thức; tỷ lệ không dùng tiền mặt.",
        "Weekly progress report by commune, category and method, with the non-cash share.",
    )
)
@handles_errors
def report(
    list_file: ListArgument,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help=pick(
                "Danh sách của lần báo cáo trước, để tính thay đổi.", "The list of the previous report, for the change."
            ),
        ),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help=pick("Tệp báo cáo .xlsx.", "Report workbook."))] = Path(
        "bao_cao_tuan.xlsx"
    ),
    day: DateOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Báo cáo tiến độ hằng tuần: theo xã/phường, đối tượng, phương thức; tỷ lệ không dùng tiền mặt."""
    from asxh_cli.payout import load_list
    from asxh_cli.report import weekly_report, write_report

    refuse_inputs([output], [list_file, *([previous] if previous else [])])
    if output.suffix.lower() != ".xlsx":
        raise OutputError("output.bad_format", file=output, formats="xlsx")
    rules = load_rules(rules_dir)
    weekly = weekly_report(
        load_list(list_file), rules, load_list(previous) if previous else None, _form_date(day) if day else None
    )
    title = pick(
        "BÁO CÁO TIẾN ĐỘ CHI TRẢ AN SINH XÃ HỘI KHÔNG DÙNG TIỀN MẶT", "NON-CASH SOCIAL WELFARE PAYOUT PROGRESS REPORT"
    )
    with OutputUnit.for_file(output, "report", [list_file, *([previous] if previous else [])]) as unit:
        write_report(weekly, unit.path(), title)
    if as_json:
        typer.echo(weekly.by_commune.to_json(orient="records", force_ascii=False, indent=2))
        return
    from asxh_cli.report import COMMUNE, TERMINAL_COLUMNS

    shown = [c for c in TERMINAL_COLUMNS if c in weekly.by_commune.columns]
    table = Table(title=pick("Tiến độ theo xã/phường", "Progress by commune"), title_justify="left")
    for column in shown:
        table.add_column(str(column), justify="left" if column == COMMUNE else "right")
    for values in weekly.by_commune[shown].itertuples(index=False):
        table.add_row(*(str(v) for v in values))
    err_console().print(table)
    typer.echo(str(output))


def _payout_side(vi: str, en: str) -> Any:
    """One side of `asxh diff`: a result CSV or the Phụ lục 2 folder export wrote."""
    return typer.Argument(
        help=pick(
            f"{vi}: ket_qua_doi_sanh.csv, hoặc thư mục Phụ lục 2 do asxh export ghi.",
            f"{en}: ket_qua_doi_sanh.csv, or the Phụ lục 2 folder asxh export wrote.",
        ),
        show_default=False,
    )


SHOWN_STOPS = 20  # deaths and moves listed on the terminal; the workbook has them all


@app.command(
    help=pick(
        "So sánh kết quả đối sánh hai kỳ: người mới, thôi hưởng, đã chết, chuyển đi, thay đổi thông tin và chi trả. "
        "Mã thoát 1 nếu có người đã chết hoặc chuyển đi.",
        "Compare two payouts' matched lists: new, left, died, moved, changed details and payment. "
        "Exit 1 when someone died or moved away.",
    )
)
@handles_errors
def diff(
    previous: Annotated[Path, _payout_side("Kỳ trước", "Last payout")],
    current: Annotated[Path, _payout_side("Kỳ này", "This payout")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=pick("Tệp biến động .xlsx.", "The changes workbook."))
    ] = Path("bien_dong.xlsx"),
    register_file: Annotated[
        Path | None,
        typer.Option(
            "--register",
            "-r",
            help=pick(
                "Trích xuất CSDLQG kỳ này: ngày mất, nơi chuyển đến, lý do thôi hưởng.",
                "This month's register extract: death dates, new places, why people left.",
            ),
        ),
    ] = None,
    paid_through: Annotated[
        str | None,
        typer.Option(
            "--paid-through",
            help=pick(
                "Tháng đã chi trả đến (MM/YYYY): tính số tháng đã chi sau khi mất và số tiền phải thu hồi.",
                "Last month paid (MM/YYYY): months paid after a death and the amount to recover.",
            ),
        ),
    ] = None,
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """So sánh kết quả đối sánh hai kỳ: người mới, thôi hưởng, đã chết, chuyển đi, thay đổi thông tin và chi trả."""
    from asxh_cli.diff import COUNT_LABELS, parse_month
    from asxh_cli.pipeline import run_diff
    from asxh_cli.survey import mask_id

    month = parse_month(paid_through) if paid_through else None
    if paid_through and month is None:
        raise typer.BadParameter(pick("cần dạng MM/YYYY", "expected MM/YYYY"), param_hint="--paid-through")
    rules = load_rules(rules_dir)
    run = run_diff(previous, current, output, rules, register_file, month, encoding)
    result = run.diff
    counts = result.counts.as_dict()
    stops = [("died", row) for row in result.died.to_dict("records")]
    stops += [("moved", row) for row in result.moved.to_dict("records")]
    kinds = {"died": pick("Đã chết", "Died"), "moved": pick("Chuyển đi", "Moved away")}
    if as_json:
        payload = {
            "counts": counts,
            "balanced": True,
            "blocking": result.blocking,
            "stop_or_recover": [
                {
                    "change": kind,
                    "row": row["row_key"],
                    "register_id": mask_id(row["register_id"]),
                    "on_list": bool(row["on_list"]),
                    "months_after": row.get("months_after"),
                    "to_recover": row.get("to_recover"),
                }
                for kind, row in stops
            ],
            "repairs": run.repairs,
            **_outputs_json(run.outputs),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        console = err_console()
        for repair in run.repairs:
            console.print(f"[yellow]{pick('Đã sửa', 'Repaired')}:[/] {repair}", highlight=False)
        if not quiet:
            table = Table(title=pick("Biến động giữa hai kỳ", "Changes between the payouts"), title_justify="left")
            table.add_column(pick("Nội dung", "What"))
            table.add_column(pick("Số", "Count"), justify="right")
            for name, labels in COUNT_LABELS.items():
                table.add_row(pick(*labels), f"{counts[name]:,}")
            console.print(table)
            if stops:
                people = Table(
                    title=pick(f"Dừng chi / thu hồi (xem {output.name})", f"Stop or recover (see {output.name})"),
                    title_justify="left",
                )
                for column in (
                    pick("Biến động", "Change"),
                    pick("Dòng gốc", "Row"),
                    pick("Số định danh CSDLQG", "Register ID"),
                    pick("Còn trong danh sách", "Still listed"),
                ):
                    people.add_column(column)
                for kind, row in stops[:SHOWN_STOPS]:
                    listed = pick("Có", "Yes") if row["on_list"] else pick("Không", "No")
                    people.add_row(kinds[kind], str(row["row_key"]), str(mask_id(row["register_id"]) or ""), listed)
                console.print(people)
                if len(stops) > SHOWN_STOPS:
                    console.print(
                        pick(
                            f"… và {len(stops) - SHOWN_STOPS} dòng nữa (xem {output.name}).",
                            f"… and {len(stops) - SHOWN_STOPS} more rows (see {output.name}).",
                        ),
                        highlight=False,
                    )
        console.print(
            pick(
                f"Kỳ trước {counts['previous']} = {counts['unchanged']} không đổi + {counts['changed']} thay đổi"
                f" + {counts['left']} thôi hưởng · kỳ này {counts['current']} = {counts['unchanged']}"
                f" + {counts['changed']} + {counts['new']} mới (khớp)",
                f"Last time {counts['previous']} = {counts['unchanged']} unchanged + {counts['changed']} changed"
                f" + {counts['left']} left · this time {counts['current']} = {counts['unchanged']}"
                f" + {counts['changed']} + {counts['new']} new (balanced)",
            ),
            highlight=False,
        )
        _print_outputs(run.outputs)
    if result.blocking:
        raise typer.Exit(int(ExitCode.PROBLEMS))


_REUSED = pick(
    "CSDLQG: dùng bản đã chuẩn bị ở lần chạy trước (cùng tệp trích xuất, cùng quy tắc).",
    "Register: reusing the copy prepared on an earlier run (same extract, same rules).",
)
register_app = typer.Typer(
    help=pick(
        "Chuẩn bị trước trích xuất CSDLQG để các lần đối sánh sau nhanh hơn.",
        "Prepare the register extract once so later matching runs are faster.",
    ),
    no_args_is_help=True,
)
app.add_typer(register_app, name="register")


@register_app.command(
    "prepare",
    help=pick(
        "Đọc và chuẩn bị trích xuất CSDLQG, lưu vào bộ nhớ đệm riêng ($ASXH_CACHE) cho các lần đối sánh sau.",
        "Read and prepare the register extract, kept in a private cache ($ASXH_CACHE) for later matching runs.",
    ),
)
@handles_errors
def register_prepare(
    register_file: Annotated[
        Path, typer.Argument(help=pick("Trích xuất CSDLQG (.csv, .parquet).", "Register extract (.csv, .parquet)."))
    ],
    encoding: EncodingOption = None,
    rules_dir: RulesOption = None,
) -> None:
    """Đọc và chuẩn bị trích xuất CSDLQG, lưu vào bộ nhớ đệm riêng cho các lần đối sánh sau."""
    from asxh_cli.match.register_cache import prepared_register

    prepared = prepared_register(register_file, load_rules(rules_dir), encoding)
    register = prepared.register
    if prepared.reused:
        state = _REUSED
    elif prepared.stored:
        state = pick("Đã chuẩn bị và lưu để dùng lại.", "Prepared and kept for reuse.")
    else:
        state = pick("Đã chuẩn bị (bộ nhớ đệm đang tắt).", "Prepared (the cache is off).")
    err_console().print(
        pick(
            f"{state} {register.rows_in} dòng, {len(register.people)} người dùng được.",
            f"{state} {register.rows_in} rows, {len(register.people)} usable people.",
        ),
        highlight=False,
    )
    _warn_register(register)


def main() -> None:
    """Console-script entry point. The process ends as soon as the command has: its outputs are closed by then,
    and tearing down a province-sized run object by object took up to a second more."""
    keep_freed_memory()
    try:
        app(prog_name="asxh")
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: object) -> NoReturn:
    """Flush the terminal streams and end the process with `code` (as `sys.exit` takes it), skipping teardown."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream has nothing left to show
            stream.flush()
    os._exit(code)
