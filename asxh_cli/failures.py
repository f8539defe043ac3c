"""What the command line says, and which exit code it returns, when a command fails.

AsxhError → its own message and code (1 or 2). Ctrl-C → 130. Disk full, no permission or a read-only disk →
the file named, 2. Anything else is a defect: exit 3 and "Lỗi không mong đợi" naming a log file holding the
traceback (code locations only: no local values, exception text scrubbed of values), written into the output
folder of the run (io.output.LAST_TARGET) or else the current folder. No other path says "Lỗi không mong đợi".
"""

from __future__ import annotations

from pathlib import Path

from asxh_cli.errors import AsxhError, ExitCode, write_crash_log
from asxh_cli.io.output import LAST_TARGET
from asxh_cli.io.writer import disk_error, disk_reason, shown_path
from asxh_cli.messages import msg


def new_run() -> None:
    """Forget the output folder of an earlier command run in this process."""
    LAST_TARGET.set(None)


def explain_failure(error: BaseException, command: str) -> tuple[str, ExitCode]:
    """The message to print and the exit code for a command that raised `error`."""
    if isinstance(error, AsxhError):
        return str(error), ExitCode(error.exit_code)
    if isinstance(error, KeyboardInterrupt):
        return msg("error.interrupted"), ExitCode.INTERRUPTED
    cause = disk_error(error)
    if cause is not None:
        shown = shown_path(Path(str(cause.filename))) if cause.filename else "?"
        return msg("file.os_error", file=shown, reason=disk_reason(cause)), ExitCode.UNUSABLE
    folders = [folder for folder in (LAST_TARGET.get(), Path.cwd()) if folder is not None]
    log = write_crash_log(error, command, folders)
    return msg("error.unexpected", kind=type(error).__name__, log=log or msg("error.no_log")), ExitCode.INTERNAL
