"""Atomic output files and formula-safe cell text."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from asxh_cli.errors import OutputError
from asxh_cli.messages import msg
from asxh_cli.normalize.text import strip_controls

if TYPE_CHECKING:
    import pandas as pd

_FORMULA_START = ("=", "+", "-", "@")
_UNSAFE = r"[\x00-\x1f\x7f]|^\s*[=+\-@]"  # a control character, or what `safe_text` calls a formula


TEMP_PREFIX = ".asxh-tmp-"  # temporary folders of output units (io/output.py)
DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG}


def disk_error(error: BaseException) -> OSError | None:
    """The disk-full / no-permission / read-only OSError behind `error` (xlsxwriter wraps it), if any."""
    seen: list[BaseException] = []
    candidates: list[object] = [error]
    while candidates:
        found = candidates.pop()
        if not isinstance(found, BaseException) or any(found is s for s in seen):
            continue
        seen.append(found)
        if isinstance(found, OSError) and found.errno in DISK_ERRORS:
            return found
        candidates.extend([found.__cause__, found.__context__, *found.args])
    return None


def disk_reason(error: OSError) -> str:
    """Why an OSError happened, in the interface language where it is a common case."""
    keys = {errno.ENOSPC: "os.no_space", errno.EDQUOT: "os.no_space", errno.EROFS: "os.read_only"}
    keys |= {errno.EACCES: "os.no_permission", errno.EPERM: "os.no_permission"}
    key = keys.get(error.errno or 0)
    return msg(key) if key else (error.strerror or type(error).__name__)


def make_private_folder(path: Path) -> None:
    """Create `path` and any missing parents owner-only (0700), whatever the umask; existing folders untouched."""
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    if not Path(path).is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))


def shown_path(path: Path) -> Path:
    """The path a user knows: a file inside an output unit's temporary folder is shown at its final place."""
    path = Path(path)
    for parent in path.parents:
        if parent.name.startswith(TEMP_PREFIX):
            return parent.parent / path.relative_to(parent)
    return path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only if the block succeeds."""
    target = Path(target)
    try:
        make_private_folder(target.parent)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError("output.cannot_write", file=shown_path(target), detail=disk_reason(exc)) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o600)  # lists hold personal data: owner-only by default
        os.replace(temp, target)
    except Exception as exc:
        cause = exc if isinstance(exc, OSError) else disk_error(exc)  # xlsxwriter wraps a full disk
        if cause is None:
            raise
        raise OutputError("output.cannot_write", file=shown_path(target), detail=disk_reason(cause)) from None
    finally:
        temp.unlink(missing_ok=True)


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise when an output path is one of the input files."""
    resolved = {Path(p).resolve() for p in inputs}
    for output in outputs:
        if Path(output).resolve() in resolved:
            raise OutputError("output.is_input", file=output)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM (Excel opens it with the right letters), formula-like text neutralised, written atomically.

    Control characters (CR, LF, NUL...) never reach the file, so it always reads back to the same number of rows.
    """
    safe = frame.copy()
    for position in range(frame.shape[1]):
        safe.isetitem(position, _safe_column(frame.iloc[:, position]))
    with atomic_path(path) as temp:
        safe.to_csv(temp, index=False, encoding="utf-8-sig")


def _safe_column(column: pd.Series) -> pd.Series:
    """`safe_text` over a column, called only on the cells that need it (found by one vectorised search)."""
    if column.dtype.kind in "biufcmM":
        return column  # numbers and dates: nothing to neutralise
    try:
        flagged = column.astype(object).str.contains(_UNSAFE, regex=True, na=False).to_numpy(dtype=bool)
    except AttributeError:  # no text in the column at all
        return column.map(safe_text)
    if not flagged.any():
        return column
    out = column.astype(object)
    out[flagged] = [safe_text(v) for v in out[flagged]]
    return out


def safe_text(value: object) -> object:
    """CSV cell text: control characters replaced, and text a spreadsheet would run as a formula prefixed with '.

    Workbook outputs write such cells as explicit strings instead, so they keep their text unchanged.
    """
    if not isinstance(value, str):
        return value
    text = strip_controls(value)[0]
    return "'" + text if text.lstrip().startswith(_FORMULA_START) else text
