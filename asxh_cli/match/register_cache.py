"""The prepared register, kept between runs: one extract is matched against many lists over a month.

Preparing a province's extract (reading millions of rows, folding names, parsing dates and IDs) costs more than
matching a list against it. The prepared frame is stored as an uncompressed Arrow file (read back by memory
mapping, without decoding: a 10M-row register loads in a few seconds) in a private cache folder, keyed by the
extract's content (size, modification time and a hash of sampled bytes), how it was read (encoding), the rules'
content, the source of the code that prepares it, and the year (two-digit years and the oldest plausible age
depend on it; a birth date "in the future" is judged on the day the copy was made). A changed extract, rules or
code give another key, so a stale copy is never used; the copies of the same extract under other keys are
deleted when a new one is stored. The cache holds personal data: folder 0700, files 0600.

`$ASXH_CACHE` names the folder (`off` turns caching off); default: the user's cache folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from asxh_cli.errors import AsxhError
from asxh_cli.io.reader import read_register
from asxh_cli.io.writer import atomic_path, make_private_folder
from asxh_cli.match.register import Register, prepare_register
from asxh_cli.rules import Rules

FORMAT = 3  # bump when the stored files' layout changes
DATA = ".arrow"
# The code that reads and prepares the register, every asxh_cli module this one imports (a test holds the list to
# the imports): any change to it (a new column, another normaliser) is another key.
PREPARING = (
    "__init__.py",
    "contract.py",
    "errors.py",
    "frames.py",
    "io/grid.py",
    "io/layout.py",
    "io/reader.py",
    "io/writer.py",
    "match/features.py",
    "match/id_numbers.py",
    "match/register.py",
    "match/register_cache.py",
    "messages.py",
    "normalize/dates.py",
    "normalize/ids.py",
    "normalize/legacy.py",
    "normalize/lookup.py",
    "normalize/status.py",
    "normalize/text.py",
    "normalize/values.py",
    "rules.py",
    "schema.py",
    "values.py",
)
SAMPLE_BLOCK = 1 << 16
SAMPLE_BLOCKS = 64
PREFIX = "register-"


@dataclass(frozen=True)
class PreparedRegister:
    """The register ready for matching, and whether it came from the cache (`reused`) or was stored there."""

    register: Register
    reused: bool
    stored: bool
    storing: threading.Thread | None = None  # the copy still being written (`store_later`)

    def wait_stored(self) -> None:
        """Return once the copy for the next run is written (or has failed)."""
        if self.storing is not None:
            self.storing.join()


def cache_folder() -> Path | None:
    """`$ASXH_CACHE`, else the user's cache folder; None when caching is off."""
    chosen = os.environ.get("ASXH_CACHE", "").strip()
    if chosen.lower() in {"off", "0", "no"}:
        return None
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "asxh" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "asxh"


def content_hash(path: Path) -> str:
    """Size, modification time and sampled bytes (start, end, evenly spaced blocks) of a file, hashed."""
    stat = path.stat()
    digest = hashlib.blake2b(f"{stat.st_size}:{stat.st_mtime_ns}".encode(), digest_size=16)
    with path.open("rb") as handle:
        if stat.st_size <= SAMPLE_BLOCK * SAMPLE_BLOCKS:
            digest.update(handle.read())
        else:
            step = (stat.st_size - SAMPLE_BLOCK) // (SAMPLE_BLOCKS - 1)
            for i in range(SAMPLE_BLOCKS):
                handle.seek(i * step)
                digest.update(handle.read(SAMPLE_BLOCK))
    return digest.hexdigest()


def rules_version(rules: Rules) -> str:
    """A hash of the content of every rules file (names included), in a stable order."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(rules.source)
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def code_version() -> str:
    """A hash of the source of the modules that prepare the register."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(str(FORMAT).encode(), digest_size=16)
    for name in PREPARING:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def _names(path: Path, rules: Rules, encoding: str | None, today: dt.date) -> tuple[str, str]:
    """(prefix shared by every copy of this extract, full key of this copy)."""
    where = hashlib.blake2b(str(path.resolve()).encode(), digest_size=8).hexdigest()
    parts = [code_version(), content_hash(path), rules_version(rules), encoding or "", str(today.year)]
    key = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
    return f"{PREFIX}{where}-", f"{PREFIX}{where}-{key}"


def _load(data: Path, meta: Path) -> Register | None:
    """The stored register, or None when it is missing or unreadable (then it is simply prepared again)."""
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        table = feather.read_table(data, memory_map=True)
        people = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
        for name in table.column_names:  # one by one: columns of one type are not copied into one block
            people[name] = _column(table.column(name))
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None
    for column, dtype in info["dtypes"].items():
        if dtype == "object" and people[column].dtype != object:
            values = people[column].astype(object)
            people[column] = values.where(values.notna(), None)
        elif dtype not in ("object", "category") and str(people[column].dtype) != dtype:
            people[column] = people[column].astype(dtype)  # Int64 birth parts, say
    return Register(
        people,
        info["rows_in"],
        info["unusable"],
        info["unknown_statuses"],
        info["duplicate_ids"],
        info["has_status"],
    )


def _column(values: pa.ChunkedArray) -> pd.Series | pd.Categorical:
    """A stored column as the prepared register holds it: a dictionary column becomes a categorical whose
    categories are plain Python text (its codes are taken as they are, never looked up again; without a missing
    value, straight from the mapped file, so that the frame's own copy is the only one)."""
    if pa.types.is_null(values.type):  # a column the extract did not have: Arrow would make NaN, then objects
        return pd.Series(np.full(len(values), None, dtype=object), copy=False)
    if not pa.types.is_dictionary(values.type):
        return values.to_pandas()
    chunks = values.chunks
    dictionary = chunks[0].dictionary if chunks else pa.array([], type=pa.string())
    categories = pd.Index(dictionary.to_numpy(zero_copy_only=False), dtype=object)
    if len(chunks) == 1 and chunks[0].null_count == 0:
        return pd.Categorical.from_codes(chunks[0].indices.to_numpy(), categories)
    codes = [chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False) for chunk in chunks]
    return pd.Categorical.from_codes(np.concatenate(codes) if codes else np.empty(0, dtype=np.int8), categories)


def _store(folder: Path, prefix: str, name: str, register: Register) -> None:
    """Write the data and its description atomically (0600), then drop older copies of the same extract."""
    make_private_folder(folder)
    os.chmod(folder, 0o700)
    for unfinished in folder.glob(f".{prefix}*.tmp"):  # a copy of this extract a run ended mid-write left behind
        unfinished.unlink(missing_ok=True)
    info = {
        "rows_in": register.rows_in,
        "unusable": register.unusable,
        "unknown_statuses": register.unknown_statuses,
        "duplicate_ids": register.duplicate_ids,
        "has_status": register.has_status,
        "dtypes": {str(c): str(t) for c, t in register.people.dtypes.items()},
    }
    table = pa.Table.from_pandas(register.people, preserve_index=False).combine_chunks()
    with atomic_path(folder / f"{name}{DATA}") as temp:  # one chunk: every column's codes in one piece
        feather.write_feather(table, temp, compression="uncompressed", chunksize=max(1, table.num_rows))
    with atomic_path(folder / f"{name}.json") as temp:
        temp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    for old in folder.glob(f"{prefix}*"):
        if not old.name.startswith(name):
            old.unlink(missing_ok=True)


def prepared_register(
    path: Path, rules: Rules, encoding: str | None = None, today: dt.date | None = None, store_later: bool = False
) -> PreparedRegister:
    """The extract at `path` prepared for matching: from the cache when this exact extract was prepared with
    these rules before, else read, prepared and stored (when caching is on). With `store_later`, the copy is
    written on a thread of its own while the caller goes on matching (the process waits for it at exit)."""
    path = Path(path)
    today = today or dt.date.today()
    folder = cache_folder()
    if folder is None or not path.is_file():
        return PreparedRegister(prepare_register(read_register(path, rules, encoding), rules, today), False, False)
    prefix, name = _names(path, rules, encoding, today)
    data, meta = folder / f"{name}{DATA}", folder / f"{name}.json"
    if data.is_file() and meta.is_file():
        cached = _load(data, meta)
        if cached is not None:
            return PreparedRegister(cached, True, False)
    register = prepare_register(read_register(path, rules, encoding), rules, today)
    if store_later:
        storing = threading.Thread(target=_store_quietly, args=(folder, prefix, name, register), name="asxh-cache")
        storing.start()
        return PreparedRegister(register, False, True, storing)
    return PreparedRegister(register, False, _store_quietly(folder, prefix, name, register))


def _store_quietly(folder: Path, prefix: str, name: str, register: Register) -> bool:
    """`_store`, reporting whether it worked: a cache that cannot be written only costs time next run."""
    try:
        _store(folder, prefix, name, register)
    except (OSError, AsxhError, ValueError):  # ValueError: pyarrow refusing a column
        return False
    return True
