"""Atomic output files and formula-safe cell text."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from asxh_cli.errors import OutputError
from asxh_cli.messages import msg
from asxh_cli.normalize.text import strip_controls

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

_FORMULA_START = ("=", "+", "-", "@")
_UNSAFE = r"[\x00-\x1f\x7f]|^\s*[=+\-@]"  # a control character, or what `safe_text` calls a formula
_UNSAFE_TEXT = re.compile(_UNSAFE)


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
    The bytes are those of `DataFrame.to_csv` after `_safe_column` on every column; a frame of the usual column
    types is written by whole columns (see `_csv_fields`), any other through pandas.
    """
    with atomic_path(path) as temp:
        if _vectorisable(frame):
            _write_columns(frame, temp)
        else:
            _write_pandas(frame, temp)


def _write_pandas(frame: pd.DataFrame, path: Path) -> None:
    """`write_csv` the straightforward way: `_safe_column` on every column, then `DataFrame.to_csv`."""
    safe = frame.copy()
    for position in range(frame.shape[1]):
        safe.isetitem(position, _safe_column(frame.iloc[:, position]))
    safe.to_csv(path, index=False, encoding="utf-8-sig")


def _write_columns(frame: pd.DataFrame, path: Path) -> None:
    """`write_csv` by whole columns, a chunk of rows at a time: the same bytes as `_write_pandas`."""
    import pyarrow.compute as pc

    with open(path, "wb") as out:
        header = io.StringIO()
        csv.writer(header, lineterminator=os.linesep).writerow([str(c) for c in frame.columns])
        out.write(header.getvalue().encode("utf-8-sig"))
        for start in range(0, len(frame), CSV_CHUNK):
            part = frame.iloc[start : start + CSV_CHUNK]
            fields = [_csv_fields(part.iloc[:, position]) for position in range(frame.shape[1])]
            lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*fields, ","), "", os.linesep)
            out.write(string_bytes(lines))


CSV_CHUNK = 65536  # rows joined at a time (bounds memory)
_NEEDS_QUOTES = r'[,"\r\n]'  # what the csv module quotes (QUOTE_MINIMAL: ',' and '"', any line end)
# object columns `_csv_fields` writes (`infer_dtype`): text, or what `_safe_column` maps to numbers or leaves alone
_OBJECTS = {"string", "empty", "mixed", "mixed-integer", "integer", "floating", "mixed-integer-float", "boolean"}


def _vectorisable(frame: pd.DataFrame) -> bool:
    """Whether every column has a type `_csv_fields` writes as pandas does (numbers, text, objects)."""
    import numpy as np
    import pandas as pd

    if frame.shape[1] < 2 or len(frame) == 0 or isinstance(frame.columns, pd.MultiIndex):
        return False  # (one column: an empty field is written '""'; nothing to gain on an empty frame)
    return all(
        (dtype.kind in "biuf" and (isinstance(dtype, np.dtype) or pd.api.types.is_extension_array_dtype(dtype)))
        or isinstance(dtype, pd.StringDtype)
        or (_is_object(dtype) and pd.api.types.infer_dtype(column, skipna=True) in _OBJECTS)
        for dtype, (_, column) in zip(frame.dtypes, frame.items(), strict=True)
    )


def _is_object(dtype: object) -> bool:
    return getattr(dtype, "kind", "") == "O" and getattr(dtype, "name", "") == "object"


def _csv_fields(column: pd.Series) -> pa.Array:
    """Each cell of `column` as `_safe_column` then `to_csv` write it: the field's text, quoted if it must be."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from asxh_cli.values import exact_distinct

    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        texts = column.to_numpy().astype(str)  # what pandas writes: numpy's text of each number
        if dtype.kind == "f":
            texts[np.isnan(column.to_numpy())] = ""
        return pa.array(texts, type=pa.string())
    if isinstance(dtype, pd.StringDtype):
        texts = pa.array(column.array)
        texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
        return _text_fields(texts.cast(pa.string()))
    inferred = pd.api.types.infer_dtype(column, skipna=True) if _is_object(dtype) else ""
    if inferred in ("string", "empty"):
        return _text_fields(pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True))
    if _is_object(dtype) and inferred not in ("mixed", "mixed-integer"):
        column = column.map(safe_text)  # no text in it: `_safe_column` maps it (pandas infers numbers)
        if not _is_object(column.dtype):
            return _csv_fields(column)
    codes, uniques = exact_distinct(column)
    fields = [_object_field(v) for v in uniques]
    return pa.array([*fields, ""], type=pa.string()).take(pa.array(np.where(codes < 0, len(fields), codes)))


def _object_field(value: object) -> str:
    """One cell of a column of mixed objects as written: text made safe, a float as repr, else str; quoted."""
    if isinstance(value, str):
        text = safe_text(value) if _UNSAFE_TEXT.search(value) else value
    else:
        text = repr(value) if isinstance(value, float) else str(value)  # as the csv module does
    return '"' + text.replace('"', '""') + '"' if re.search(_NEEDS_QUOTES, text) else text


def _text_fields(texts: pa.Array) -> pa.Array:
    """Text cells as written: made safe where `_UNSAFE` finds something, quoted where needed, missing empty.

    The cells that may need either are found from the UTF-8 bytes (a control byte, a first character that may
    be a space or a formula sign, a quote, comma or line end); only those are looked at one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data, offsets = _utf8(texts)
    valid = texts.is_valid().to_numpy(zero_copy_only=False)
    candidates = _formula_like(data, offsets)
    if len(data) and (data.min() < 0x20 or (data == 0x7F).any()):
        candidates |= _with_bytes(data, offsets, lambda d: (d < 0x20) | (d == 0x7F))
    candidates &= valid
    if candidates.any():
        mask = pa.array(candidates)
        found = texts.filter(mask).to_pylist()
        safe = {t: safe_text(t) if _UNSAFE_TEXT.search(t) else t for t in set(found)}
        texts = pc.replace_with_mask(texts, mask, pa.array([safe[t] for t in found], type=pa.string()))
        data, offsets = _utf8(texts)
    quote = _with_bytes(data, offsets, lambda d: (d == 0x2C) | (d == 0x22) | (d == 0x0A) | (d == 0x0D)) & valid
    if quote.any():
        mask = pa.array(quote)
        chosen = texts.filter(mask)
        if pc.any(pc.match_substring(chosen, '"')).as_py():
            chosen = pc.replace_substring(chosen, '"', '""')
        texts = pc.replace_with_mask(texts, mask, pc.binary_join_element_wise('"', chosen, '"', ""))
    return pc.fill_null(texts, "")


def _formula_like(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per text, whether its first character may be whitespace (as Python's `str.isspace`) or a formula sign:
    a control byte or space, = + - @, or the first byte of U+0080–U+00BF, U+1680–U+16BF, U+2000–U+3FFF."""
    import numpy as np

    starts = offsets[:-1]
    filled = starts < offsets[1:]
    out = np.zeros(len(starts), dtype=bool)
    if not filled.any():
        return out
    first = data[starts[filled]]
    second = data[np.minimum(starts[filled] + 1, len(data) - 1)]
    signs = (first <= 0x20) | (first == 0x3D) | (first == 0x2B) | (first == 0x2D) | (first == 0x40)
    out[filled] = signs | (first == 0xC2) | (first == 0xE2) | (first == 0xE3) | ((first == 0xE1) & (second == 0x9A))
    return out


def _utf8(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a string array and each text's start and end in them (len + 1 offsets)."""
    import numpy as np
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    offsets = np.frombuffer(texts.buffers()[1], dtype=width)[texts.offset : texts.offset + len(texts) + 1]
    buffer = texts.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, dtype=np.uint8)
    return data, offsets.astype(np.int64)


def _with_bytes(data: np.ndarray, offsets: np.ndarray, marked: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Per text, whether it holds any byte `marked` picks."""
    import numpy as np

    hits = np.flatnonzero(marked(data[offsets[0] : offsets[-1]])) + offsets[0]
    out = np.zeros(len(offsets) - 1, dtype=bool)
    out[np.searchsorted(offsets, hits, side="right") - 1] = True
    return out


def string_bytes(texts: pa.Array | pa.ChunkedArray) -> bytes:
    """The UTF-8 bytes of every text of an array without missing values, one after another."""
    import numpy as np
    import pyarrow as pa

    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    out = []
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        out.append(chunk.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]])
    return b"".join(out)


def csv_rows(path: Path) -> int:
    """Records in a CSV file written by `write_csv` (header excluded), counted by a real CSV parser (every record
    must have as many fields as the first): fast when no field holds a line end, else read again allowing them."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    read = pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True, block_size=1 << 22)
    only_first = pacsv.ConvertOptions(include_columns=["f0"], column_types={"f0": pa.string()})
    try:
        table = pacsv.read_csv(path, read_options=read, convert_options=only_first)
    except pa.ArrowInvalid:
        parse = pacsv.ParseOptions(newlines_in_values=True)
        table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=only_first)
    return table.num_rows


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
