"""Speed and quality benchmarks for asxh, on generated data with known truth.

Run by hand (not in tests):

    python bench/run.py generate --register 200000 --beneficiaries 10000
    python bench/run.py read     --register 2000000 --beneficiaries 100000
    python bench/run.py clean    --beneficiaries 100000
    python bench/run.py match    --register 200000 --beneficiaries 10000 [--splink]

Each timed scenario runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own.
Data goes to bench/data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def paths(register: int, beneficiaries: int) -> dict[str, Path]:
    stem = f"r{register}_b{beneficiaries}"
    return {
        "register": DATA / f"register_{register}.csv",
        "beneficiaries": DATA / f"{stem}.xlsx",
        "truth": DATA / f"{stem}_truth.csv",
    }


def generate(register_size: int, beneficiary_size: int) -> dict[str, Path]:
    """Write a register CSV and one beneficiary workbook (NCC layout: numeric IDs, serial dates) with truth."""
    from asxh_cli.sample import make_beneficiaries, make_register, write_ncc_workbook, write_register_csv

    files = paths(register_size, beneficiary_size)
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    people = make_register(register_size, seed=2026)
    if not files["register"].exists():
        write_register_csv(people, files["register"])
    rows, truth = make_beneficiaries(people, beneficiary_size, seed=7)
    placed = write_ncc_workbook([(i, row, row["category_code"]) for i, row in enumerate(rows)], files["beneficiaries"])
    with files["truth"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "damage", "expected_id", "status"])
        for index, _sheet, row in placed:
            item = truth[index]
            writer.writerow([row, item["damage"], item["expected_id"], item["status"]])
    print(
        f"generated {files['beneficiaries'].name} and {files['register'].name} in {time.perf_counter() - started:.1f} s"
    )
    return files


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scenario(name: str, register_size: int, beneficiary_size: int) -> dict[str, object]:
    """One timed scenario, run inside this process (called through a subprocess by `timed`)."""
    from asxh_cli.clean import clean_beneficiaries, column_names
    from asxh_cli.io.reader import read_beneficiaries, read_register
    from asxh_cli.match.engine import match_beneficiaries
    from asxh_cli.match.register import prepare_register
    from asxh_cli.rules import load_rules

    files = paths(register_size, beneficiary_size)
    rules = load_rules()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[label] = round(now - clock, 2)
        clock = now

    result: dict[str, object] = {"scenario": name, "register": register_size, "beneficiaries": beneficiary_size}
    if name in ("read", "clean", "match"):
        read = read_beneficiaries([files["beneficiaries"]], rules)
        lap("read_xlsx")
        result["rows"] = len(read.data)
    if name in ("clean", "match"):
        cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
        lap("clean")
    if name in ("read", "match"):
        raw_register = read_register(files["register"], rules)
        lap("read_register_csv")
    if name == "match":
        register = prepare_register(raw_register, rules)
        lap("prepare_register")
        matched = match_beneficiaries(cleaned.data, register, rules)
        lap("match")
        result["quality"] = quality(cleaned.data, matched.decisions, register.people, files["truth"])
    if name == "splink":
        import pandas as pd

        from asxh_cli.match.engine import beneficiary_features
        from bench.splink_compare import splink_decisions, splink_quality

        read = read_beneficiaries([files["beneficiaries"]], rules)
        cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
        register = prepare_register(read_register(files["register"], rules), rules)
        lap("read_clean_prepare (shared with asxh)")
        decided, splink_times = splink_decisions(beneficiary_features(cleaned.data, rules), register.people)
        timings.update(splink_times)
        truth = pd.read_csv(files["truth"], dtype=str, keep_default_na=False).set_index("row")
        result["quality"] = splink_quality(decided, cleaned.data["source_row"], register.people, truth)
        clock = time.perf_counter()
    result["seconds"] = timings
    result["total_seconds"] = round(sum(timings.values()), 2)
    result["peak_mb"] = round(_peak_mb())
    return result


def quality(data, decisions, people, truth_path: Path) -> dict[str, float]:
    """Precision and recall of `Khớp`, share sent to review, deceased people caught."""
    import pandas as pd

    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False).set_index("row")
    rows = data["source_row"].astype(str).to_numpy()
    expected = truth.loc[rows, "expected_id"].to_numpy()
    status = truth.loc[rows, "status"].to_numpy()
    found = [people["national_id"].iat[int(r)] if r == r else "" for r in decisions["r"]]
    matched = (decisions["result"] == "Khớp").to_numpy()
    correct = matched & (pd.Series(found).to_numpy() == expected)
    in_register = expected != ""
    dead = status == "Đã chết"
    return {
        "precision": round(correct.sum() / max(1, matched.sum()), 5),
        "recall": round(correct.sum() / max(1, in_register.sum()), 5),
        "review_share": round(float((decisions["result"] == "Cần xác minh").mean()), 4),
        "not_found_share": round(float((decisions["result"] == "Không tìm thấy").mean()), 4),
        "dead_in_list": int(dead.sum()),
        "dead_matched": int((correct & dead).sum()),
        "dead_flagged_or_review": int(((correct | (decisions["result"] == "Cần xác minh").to_numpy()) & dead).sum()),
    }


def timed(name: str, register_size: int, beneficiary_size: int) -> dict[str, object]:
    """Run a scenario in a fresh Python so that peak memory belongs to it alone."""
    command = [sys.executable, __file__, "_scenario", name, str(register_size), str(beneficiary_size)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "read", "clean", "match", "splink", "scaling", "_scenario"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--register", type=int, default=200_000)
    parser.add_argument("--beneficiaries", type=int, default=10_000)
    parser.add_argument("--splink", action="store_true", help="also run Splink (DuckDB) on the same data")
    options = parser.parse_args()
    if options.command == "_scenario":
        name, register_size, beneficiary_size = options.args
        print(json.dumps(scenario(name, int(register_size), int(beneficiary_size)), ensure_ascii=False))
        return
    if options.command == "generate":
        generate(options.register, options.beneficiaries)
        return
    if not paths(options.register, options.beneficiaries)["beneficiaries"].exists():
        generate(options.register, options.beneficiaries)
    if options.command == "scaling":
        for size in (200_000, 500_000, 1_000_000, 2_000_000):
            if not paths(size, options.beneficiaries)["beneficiaries"].exists():
                generate(size, options.beneficiaries)
            print(json.dumps(timed("match", size, options.beneficiaries), ensure_ascii=False))
        return
    print(json.dumps(timed(options.command, options.register, options.beneficiaries), ensure_ascii=False, indent=2))
    if options.command == "match" and options.splink:
        print(json.dumps(timed("splink", options.register, options.beneficiaries), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
