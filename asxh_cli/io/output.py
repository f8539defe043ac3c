"""A command's outputs written as one unit: all of them, checked, or none.

Several files into a folder (``match``, ``export``, ``survey make``)::

    with OutputUnit(outdir, command="match", inputs=[*files, register], protect=has_decisions) as unit:
        csv_path = unit.path("ket_qua_doi_sanh.csv")   # a path inside the unit's temporary folder
        write_result_csv(table, csv_path)
        unit.check(csv_path, lambda p: len(read_back(p)) == len(table))
        write_result_workbook(..., unit.path("ket_qua_doi_sanh.xlsx"))
    unit.written   # final paths, in the order named
    unit.kept      # [(path, kept_as)]: protected files moved aside instead of overwritten
    unit.removed   # files the previous run of this command wrote and this run did not

One file (``validate --report``, ``clean -o``, ``survey read -o``, ``report -o``)::

    with OutputUnit.for_file(report, command="validate", inputs=files) as unit:
        write_problem_report(problems, unit.path())

What the unit guarantees:

- Every file is written into a hidden temporary folder inside the target folder (same file system), so the
  target changes only when the block ends without error: then each file is chmod 0600 and moved into place
  with ``os.replace``. On any exception — KeyboardInterrupt and SIGTERM included — the temporary folder is
  removed and the target is unchanged. Ctrl-C during the final moves is held back until they are done.
  Writers that take a folder may write into ``unit.folder`` directly; every plain file found there is moved.
- Folders the unit creates are 0700 and files 0600, whatever the umask.
- A path equal to an input file is refused (``output.is_input``); names must be single file names.
- ``check(path, reader)`` reads a written file back; the reader raises, or returns False, to fail the unit.
- Any exception leaving the block discards the run, ``typer.Exit`` included: decide the exit code (e.g. 1
  for "problems found") after the block, once the outputs are in place.
- ``protect`` (a predicate on an existing target file, e.g. "holds a reviewer's filled Quyết định") keeps
  that file under a dated name, ``ket_qua_doi_sanh (2026-12-01 1430).xlsx`` (its own modification time),
  instead of overwriting or removing it; ``unit.kept`` lists these so the command can tell the user.
- A folder unit keeps ``.asxh_manifest.json`` in the target: per command, the files it wrote. Files an
  earlier run of the same command wrote and this run did not are removed; no other file is ever removed.
- A folder unit holds ``.asxh.lock`` (an OS file lock, released by the system if the process dies, so a
  stale lock left by a killed run is simply taken over); a second run on the same folder fails at once
  with ``output.locked`` (exit 2). A one-file unit takes no lock and keeps no manifest.
- Disk full, no permission or a read-only disk while writing become ``output.cannot_write`` naming the file
  (exit 2). Temporary folders of runs that were killed are removed by the next unit in that folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any

from asxh_cli.errors import AsxhError, OutputError
from asxh_cli.io.writer import TEMP_PREFIX, disk_error, disk_reason, make_private_folder, refuse_inputs, shown_path

MANIFEST = ".asxh_manifest.json"
LOCK = ".asxh.lock"
_STALE_SECONDS = 24 * 3600

# The folder of the unit entered last: where an internal-error log goes (see cli.handles_errors).
LAST_TARGET: ContextVar[Path | None] = ContextVar("asxh_last_output_target", default=None)

Reader = Callable[[Path], object]
Protect = Callable[[Path], bool]


class OutputUnit:
    """Write a command's outputs into a temporary folder; move them into `target` only if all succeeded."""

    def __init__(
        self,
        target: Path,
        command: str,
        inputs: Iterable[Path] = (),
        protect: Protect | None = None,
        *,
        manifest: bool = True,
        lock: bool = True,
    ) -> None:
        self.target = Path(target)
        self.command = command
        self.inputs = [Path(p) for p in inputs]
        self.protect = protect
        self.manifest = manifest
        self.lock = lock
        self.written: list[Path] = []
        self.kept: list[tuple[Path, Path]] = []
        self.removed: list[Path] = []
        self._folder: Path | None = None
        self._names: dict[str, None] = {}
        self._only: str | None = None
        self._lock_handle: Any = None
        self._signals: dict[int, Any] = {}

    @classmethod
    def for_file(
        cls, path: Path, command: str, inputs: Iterable[Path] = (), protect: Protect | None = None
    ) -> OutputUnit:
        """A unit for a command that writes the one file `path`: ``unit.path()`` is where to write it."""
        path = Path(path)
        unit = cls(path.parent, command, inputs, protect, manifest=False, lock=False)
        unit._only = path.name
        return unit

    @property
    def folder(self) -> Path:
        """The temporary folder this run writes into."""
        if self._folder is None:
            raise RuntimeError("OutputUnit used outside its 'with' block")
        return self._folder

    def path(self, name: str | None = None) -> Path:
        """Where to write the output `name` (a single file name) during the run."""
        name = name if name is not None else self._only
        if name is None or not _single_name(name):
            raise OutputError("output.bad_name", name=name, folder=self.target)
        refuse_inputs([self.target / name], self.inputs)
        final = self.target / name
        if final.exists() and not final.is_file():
            raise OutputError("output.not_a_file", file=final)
        self._names[name] = None
        return self.folder / name

    def final(self, path: Path) -> Path:
        """The place a file written at `path` (inside the unit's folder) will have once the unit succeeds."""
        return self.target / Path(path).name

    def check(self, path: Path, reader: Reader) -> None:
        """Read a written file back with `reader`; if it raises or returns False, the whole unit fails."""
        if not Path(path).is_file() or reader(Path(path)) is False:
            raise OutputError("output.check_failed", file=self.final(path))

    def __enter__(self) -> OutputUnit:
        refuse_inputs([self.target], self.inputs)
        try:
            make_private_folder(self.target)
        except OSError as exc:
            raise _write_error(self.target, exc) from None
        if self.lock:
            self._lock_handle = _acquire(self.target / LOCK, self.command)
        try:
            _sweep(self.target)
            self._folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=self.target))
        except OSError as exc:
            self._release()
            raise _write_error(self.target, exc) from None
        LAST_TARGET.set(self.target)
        self._trap_sigterm()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if error is None:
                with _interrupts_held():
                    self._commit()
            elif not isinstance(error, AsxhError) and (cause := disk_error(error)) is not None:
                raise _write_error(shown_path(Path(cause.filename or self.target)), cause) from None
        except OSError as exc:
            raise _write_error(self.target, exc) from None
        finally:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None
            self._restore_sigterm()
            self._release()

    def _commit(self) -> None:
        files = sorted(
            (p for p in self.folder.iterdir() if p.is_file() and not p.is_symlink() and _single_name(p.name)),
            key=lambda p: (list(self._names).index(p.name) if p.name in self._names else len(self._names), p.name),
        )
        names = [f.name for f in files]
        for file in files:
            refuse_inputs([self.target / file.name], self.inputs)
            os.chmod(file, 0o600)
        previous: list[str] = []
        record = self.folder / MANIFEST
        if self.manifest:  # written before anything moves, so a full disk fails the unit with the target intact
            manifest = _read_manifest(self.target)
            entry = manifest.get(self.command)
            listed = entry.get("files") if isinstance(entry, dict) else None
            previous = list(dict.fromkeys(n for n in listed if isinstance(n, str))) if isinstance(listed, list) else []
            for other in manifest.values():
                if isinstance(other, dict) and isinstance(other.get("files"), list):
                    other["files"] = [n for n in other["files"] if n not in names]
            manifest[self.command] = {"files": names, "written": dt.datetime.now().isoformat(timespec="seconds")}
            record.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            os.chmod(record, 0o600)
        stale = [
            self.target / n
            for n in previous
            if n not in names and _single_name(n) and (self.target / n).is_file() and not (self.target / n).is_symlink()
        ]
        aside = [p for p in [*(self.target / n for n in names), *stale] if p.is_file() and self._protected(p)]
        for path in aside:
            kept = _dated_name(path)
            os.replace(path, kept)
            self.kept.append((path, kept))
        for file in files:
            os.replace(file, self.target / file.name)
            self.written.append(self.target / file.name)
        for path in stale:
            if path not in aside:
                path.unlink()
                self.removed.append(path)
        if self.manifest:
            os.replace(record, self.target / MANIFEST)

    def _protected(self, path: Path) -> bool:
        """Whether an existing file must be kept; a file the predicate cannot judge is kept too."""
        if self.protect is None:
            return False
        try:
            return bool(self.protect(path))
        except Exception:  # a damaged workbook, say: keeping it is the safe side
            return True

    def _release(self) -> None:
        if self._lock_handle is not None:
            _release(self.target / LOCK, self._lock_handle)
            self._lock_handle = None

    def _trap_sigterm(self) -> None:
        """A kill (SIGTERM) ends the run like Ctrl-C, so the temporary folder is removed."""
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
            self._signals[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_interrupt)

    def _restore_sigterm(self) -> None:
        for number, handler in self._signals.items():
            signal.signal(number, handler)
        self._signals.clear()


def _raise_interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while files are moved into place, then act on them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    numbers = [n for n in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if n is not None]
    previous = {n: signal.signal(n, lambda number, _frame: received.append(number)) for n in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        raise KeyboardInterrupt


def _single_name(name: str) -> bool:
    """A plain file name: no folder part, not hidden, not one of the unit's own files."""
    return (
        bool(name.strip())
        and name not in (".", "..")
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and Path(name).name == name
    )


def _write_error(path: Path, exc: OSError) -> OutputError:
    return OutputError("output.cannot_write", file=path, detail=disk_reason(exc))


def _dated_name(path: Path) -> Path:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H%M")
    candidate = path.with_name(f"{path.stem} ({stamp}){path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({stamp} {number}){path.suffix}")
        number += 1
    return candidate


def _read_manifest(target: Path) -> dict[str, Any]:
    """The manifest, or {} when missing or unreadable (then nothing is removed)."""
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process on Windows; age decides there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sweep(target: Path) -> None:
    """Remove temporary folders left by runs that were killed (their process is gone, or a day old)."""
    for folder in target.glob(f"{TEMP_PREFIX}*"):
        pid = folder.name[len(TEMP_PREFIX) :].split("-")[0]
        try:
            old = time.time() - folder.stat().st_mtime > _STALE_SECONDS
        except OSError:
            continue
        if folder.is_dir() and (old or (pid.isdigit() and not _pid_alive(int(pid)))):
            shutil.rmtree(folder, ignore_errors=True)


def _acquire(path: Path, command: str) -> Any:
    """Take the folder's lock or fail with `output.locked`; a lock whose process died is taken over."""
    while True:
        try:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until _release
        except OSError as exc:
            raise _write_error(path, exc) from None
        if not _try_lock(handle):
            handle.seek(0)
            holder = _lock_holder(handle.read())
            handle.close()
            raise OutputError("output.locked", folder=path.parent, lock=path, **holder)
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file another run removed while we waited for it
            break
        handle.close()
    os.chmod(path, 0o600)
    handle.seek(0)
    handle.truncate()
    started = dt.datetime.now().isoformat(sep=" ", timespec="seconds")
    handle.write(json.dumps({"pid": os.getpid(), "command": command, "started": started}))
    handle.flush()
    return handle


def _lock_holder(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    return {key: data.get(key, "?") for key in ("pid", "command", "started")}


def _try_lock(handle: Any) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _release(path: Path, handle: Any) -> None:
    if os.name != "nt":
        path.unlink(missing_ok=True)  # while still holding the lock, so no one locks the removed file
    handle.close()
    if os.name == "nt":
        with contextlib.suppress(OSError):
            path.unlink()
