"""Speed figures for issue 13 outside the matching core, each in a fresh Python (run by hand, not in tests).

    python bench/speed.py startup              # `asxh --help`, `asxh COMMAND --help`: best of 7 wall seconds
    python bench/speed.py write --register 200000 --beneficiaries 100000  # ket_qua_doi_sanh.csv + .xlsx
    python bench/speed.py register --register 1000000   # preparing the register: no cache, first run, reuse
    python bench/speed.py clean --beneficiaries 100000  # cleaning (the data of bench/run.py)

Startup is measured as a user runs it (`python -m asxh_cli ...`), with a bare `python -c pass` beside it
so that the share of the interpreter itself on a busy machine is visible.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
COMMANDS = [[], ["match"], ["clean"], ["validate"], ["inspect"], ["survey", "make"], ["export"], ["report"]]


def best_wall(argv: list[str], repeat: int = 7) -> float:
    """Smallest wall time of `repeat` runs of a command (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def startup() -> dict[str, object]:
    """Wall time of the help screens, and which heavy libraries a bare `import asxh_cli.cli` loads."""
    python = sys.executable
    result: dict[str, object] = {"python -c pass": best_wall([python, "-c", "pass"])}
    for command in COMMANDS:
        result[" ".join(["asxh", *command, "--help"])] = best_wall([python, "-m", "asxh_cli", *command, "--help"])
    probe = (
        "import sys, asxh_cli.cli; "
        "print([m for m in ('pandas', 'pandera', 'openpyxl', 'xlsxwriter', 'rapidfuzz', 'pydantic') if m in sys.modules])"
    )
    loaded = subprocess.run([python, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result["heavy modules after import asxh_cli.cli"] = loaded.strip()
    return result


def _fresh(stage: str, *args: object, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run one stage of this file in a fresh Python (its own imports, caches and peak memory)."""
    command = [sys.executable, __file__, "_stage", stage, *map(str, args)]
    done = subprocess.run(
        command, cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mb() -> int:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def register(size: int) -> dict[str, object]:
    """Preparing the register: without the cache, then first run (prepare + store) and second run (reuse)."""
    from bench.run import generate, paths

    if not paths(size, 1000)["register"].exists():
        generate(size, 1000)
    extract = paths(size, 1000)["register"]
    with tempfile.TemporaryDirectory() as folder:
        return {
            "register rows": size,
            "no cache (read + prepare)": _fresh("register", extract, env={"ASXH_CACHE": "off"}),
            "first run (read + prepare + store)": _fresh("register", extract, env={"ASXH_CACHE": folder}),
            "second run (from the cache)": _fresh("register", extract, env={"ASXH_CACHE": folder}),
        }


def _match_run(register_size: int, beneficiaries: int) -> Path:
    """A MatchRun of the bench data, pickled once so that writing can be timed on its own."""
    from bench.run import generate, paths

    stored = DATA / f"matchrun_r{register_size}_b{beneficiaries}.pkl"
    if not stored.exists():
        files = paths(register_size, beneficiaries)
        if not files["beneficiaries"].exists():
            generate(register_size, beneficiaries)
        _fresh("matchrun", files["beneficiaries"], files["register"], stored, env={"ASXH_CACHE": "off"})
    return stored


def write(register_size: int, beneficiaries: int) -> dict[str, object]:
    """Writing ket_qua_doi_sanh.csv and .xlsx for a matched bench list (as `asxh match` does)."""
    return _fresh("write", _match_run(register_size, beneficiaries))


def clean(beneficiaries: int) -> dict[str, object]:
    """Cleaning the beneficiary rows of bench/run.py (reading is not counted)."""
    from bench.run import generate, paths

    files = paths(200_000, beneficiaries)
    if not files["beneficiaries"].exists():
        generate(200_000, beneficiaries)
    return _fresh("clean", files["beneficiaries"])


def stage(name: str, args: list[str]) -> dict[str, object]:
    """One measured stage, inside the fresh Python."""
    from asxh_cli.rules import load_rules

    rules = load_rules()
    started, cpu = time.perf_counter(), time.process_time()
    out: dict[str, object] = {}
    if name == "register":
        from asxh_cli.match.register_cache import prepared_register

        prepared = prepared_register(Path(args[0]), rules)
        out["reused"] = prepared.reused
    elif name == "matchrun":
        from asxh_cli.pipeline import ReadOptions, run_match

        run = run_match([Path(args[0])], Path(args[1]), rules, ReadOptions())
        Path(args[2]).write_bytes(pickle.dumps(run))
    elif name == "write":
        from asxh_cli.pipeline import write_match

        run = pickle.loads(Path(args[0]).read_bytes())
        started, cpu = time.perf_counter(), time.process_time()
        with tempfile.TemporaryDirectory() as folder:
            write_match(run, Path(folder) / "ket_qua", [])
        out["rows"] = len(run.table)
    elif name == "clean":
        from asxh_cli.clean import clean_beneficiaries, column_names
        from asxh_cli.io.reader import read_beneficiaries

        read = read_beneficiaries([Path(args[0])], rules)
        started, cpu = time.perf_counter(), time.process_time()
        cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
        out["rows"] = len(cleaned.data)
    out["seconds"] = round(time.perf_counter() - started, 2)
    out["cpu_seconds"] = round(time.process_time() - cpu, 2)  # on a shared machine, the steadier figure
    out["peak_mb"] = _peak_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["startup", "register", "write", "clean", "_stage"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--register", type=int, default=200_000)
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    options = parser.parse_args()
    if options.command == "_stage":
        print(json.dumps(stage(options.args[0], options.args[1:])))
        return
    runs = {
        "startup": startup,
        "register": lambda: register(options.register),
        "write": lambda: write(options.register, options.beneficiaries),
        "clean": lambda: clean(options.beneficiaries),
    }
    print(json.dumps(runs[options.command](), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
