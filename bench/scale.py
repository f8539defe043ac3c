"""End-to-end scale bench: `asxh match` as a user runs it (reading the xlsx list and the register CSV, writing
the CSV and the workbook), first run (empty cache) and second run (the prepared register reused), with wall
time, peak memory of the process and F1 against the generator's truth; Splink 5 beside it with --engines asxh,splink.

    python bench/run.py generate --generator dense --register 1000000 --beneficiaries 100000   # data first
    python bench/scale.py dense_r1000000_b100000 dense_r10000000_b100000 [--engines asxh,splink]

Each data set is a folder of bench/data/ written by bench/generate_independent.py (list.xlsx, register.csv,
truth.csv). Run by hand on an idle machine, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak resident MB, exit code) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        sys.stderr.write(child.stderr.read().decode(errors="replace") if child.stderr else "")
    return round(wall, 1), round(usage.ru_maxrss / 1024), child.returncode


def quality(result_csv: Path, truth_csv: Path) -> dict[str, float]:
    """Precision and recall of the rows matched automatically, F1, and the share sent to review."""
    from asxh_cli.contract import Result

    result = pd.read_csv(result_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False).set_index("row")
    expected = truth.loc[result["Dòng gốc"], "expected_id"].to_numpy()
    matched = (result["Kết quả"] == Result.MATCHED.label_vi).to_numpy()
    correct = matched & (result["Số định danh CSDLQG"].to_numpy() == expected)
    precision = correct.sum() / max(1, matched.sum())
    recall = correct.sum() / max(1, (expected != "").sum())
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(2 * precision * recall / max(1e-12, precision + recall)), 4),
        "review": round(float((result["Kết quả"] == Result.REVIEW.label_vi).mean()), 4),
    }


def asxh_runs(folder: Path) -> list[dict[str, object]]:
    """First and second run of `asxh match` on one data set, each in a fresh process."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="asxh-scale-") as work:
        env = {**os.environ, "ASXH_CACHE": str(Path(work) / "cache")}
        for run in ("first", "second"):
            out = Path(work) / run
            command = [sys.executable, "-m", "asxh_cli", "match", str(folder / "list.xlsx")]
            command += ["-r", str(folder / "register.csv"), "-o", str(out), "-q"]
            wall, peak, code = run_measured(command, env)
            row = {"data": folder.name, "engine": f"asxh ({run} run)", "seconds": wall, "peak_mb": peak}
            row |= quality(out / "ket_qua_doi_sanh.csv", folder / "truth.csv") if code in (0, 1) else {"exit": code}
            rows.append(row)
    return rows


def splink_run(folder: Path) -> dict[str, object]:
    """Splink 5 on the same data, given asxh's cleaned list and prepared register (training + prediction)."""
    generator, sizes = folder.name.split("_", 1)
    register, beneficiaries = (int(part[1:]) for part in sizes.split("_"))
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "_scenario", "splink", str(register)]
    command += [str(beneficiaries), generator]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    found = json.loads(output.strip().splitlines()[-1])
    seconds = {k: v for k, v in found["seconds"].items() if not k.startswith("read_clean_prepare")}
    return {
        "data": folder.name,
        "engine": "Splink 5 (training + prediction)",
        "seconds": round(sum(seconds.values()), 1),
        "peak_mb": found["peak_mb"],
        **{k: round(found["quality"][k], 4) for k in ("precision", "recall", "f1")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", help="data sets under bench/data/")
    parser.add_argument("--engines", default="asxh", help="comma-separated: asxh, splink (Splink 5)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    options = parser.parse_args()
    rows = []
    print("| data | engine | seconds | peak MB | precision | recall | F1 | review |")
    print("|---|---|---|---|---|---|---|---|")
    for name in options.folders:
        folder = DATA / name
        engines = options.engines.split(",")
        found = (asxh_runs(folder) if "asxh" in engines else []) + ([splink_run(folder)] if "splink" in engines else [])
        for row in found:
            cells = [row.get(k, "–") for k in ("data", "engine", "seconds", "peak_mb", "precision", "recall", "f1")]
            review = f"{100 * row['review']:.1f} %" if "review" in row else "–"
            print("| " + " | ".join(str(c) for c in cells) + f" | {review} |", flush=True)
        rows += found
    if options.json:
        options.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
