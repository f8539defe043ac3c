"""Speed figures for issue 13 outside the matching core, each in a fresh Python (run by hand, not in tests).

    python bench/speed.py startup              # `asxh --help`, `asxh COMMAND --help`: best of 7 wall seconds
    python bench/speed.py write --rows 100000  # writing ket_qua_doi_sanh.xlsx + .csv for a generated result
    python bench/speed.py register --register 1000000   # preparing the register: first run, then from cache
    python bench/speed.py clean --beneficiaries 100000  # cleaning (the data of bench/run.py)

Startup is measured as a user runs it (`python -m asxh_cli ...`), with a bare `python -c pass` beside it
so that the share of the interpreter itself on a busy machine is visible.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["startup"])
    options = parser.parse_args()
    if options.command == "startup":
        print(json.dumps(startup(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
