"""Speed and quality benchmarks for asxh, on generated data with known truth.

Run by hand (not in tests):

    python bench/run.py generate --register 200000 --beneficiaries 10000
    python bench/run.py read     --register 2000000 --beneficiaries 100000
    python bench/run.py clean    --beneficiaries 100000
    python bench/run.py match    --register 200000 --beneficiaries 10000 [--splink]
    python bench/run.py quality  --register 200000 --beneficiaries 10000 [--splink]

`--generator sample` (default) uses the project's own generator; `--generator independent` uses
bench/generate_independent.py, written without it. `quality` runs both generators side by side and prints
one table (precision, recall, review share, F1, time, peak memory; Splink too with --splink), the weights
learned on each and the misses by kind.

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


GENERATOR = "sample"
# Independent data sets: share absent from the register, share of given names used, share of IDs without structure.
DENSITY = {"independent": (0.15, 1.0, 0.08), "dense": (0.2, 0.35, 0.5)}


def paths(register: int, beneficiaries: int) -> dict[str, Path]:
    stem = f"r{register}_b{beneficiaries}"
    if GENERATOR in DENSITY:
        folder = DATA / f"{GENERATOR}_{stem}"
        return {
            "register": folder / "register.csv",
            "beneficiaries": folder / "list.xlsx",
            "truth": folder / "truth.csv",
        }
    return {
        "register": DATA / f"register_{register}.csv",
        "beneficiaries": DATA / f"{stem}.xlsx",
        "truth": DATA / f"{stem}_truth.csv",
    }


def generate(register_size: int, beneficiary_size: int) -> dict[str, Path]:
    """Write a register CSV and one beneficiary workbook (NCC layout: numeric IDs, serial dates) with truth."""
    if GENERATOR in DENSITY:
        from bench.generate_independent import generate as generate_independent

        started = time.perf_counter()
        folder = paths(register_size, beneficiary_size)["truth"].parent
        files = generate_independent(register_size, beneficiary_size, folder, *DENSITY[GENERATOR])
        print(f"generated independent data in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        return files
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
    from asxh_cli.match.register import prepare_register
    from asxh_cli.pipeline import ReadOptions, run_match, write_match
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
    if name in ("read", "clean"):
        read = read_beneficiaries([files["beneficiaries"]], rules)
        lap("read_xlsx")
        result["rows"] = len(read.data)
    if name == "clean":
        clean_beneficiaries(read.data, rules, column_names(read.tables))
        lap("clean")
    if name == "read":
        read_register(files["register"], rules)
        lap("read_register_csv")
    if name == "match":  # the same application layer the CLI runs, outputs included
        stage: list[str] = []

        def step(label: str) -> None:
            if stage:
                lap(stage.pop())
            stage.append({"read": "read_xlsx", "register": "read_prepare_register"}.get(label, label))

        run = run_match([files["beneficiaries"]], files["register"], rules, ReadOptions(), step=step)
        lap(stage.pop())
        out = DATA / "out" / f"{files['beneficiaries'].parent.name}_{files['beneficiaries'].stem}"
        write_match(run, out, [files["beneficiaries"], files["register"]])
        lap("write_outputs")
        cleaned, matched, register = run.cleaned, run.result, run.register
        result["rows"] = len(run.table)
        result["quality"] = quality(cleaned.data, matched.decisions, register.people, files["truth"])
        result["misses"] = misses(cleaned.data, matched.decisions, register.people, files["truth"])
        result["weights"] = matched.weights.bits() if matched.weights else {}
        result["in_register"] = round(matched.weights.in_register, 3) if matched.weights else None
    if name == "splink":
        import pandas as pd

        from asxh_cli.match.engine import beneficiary_features
        from bench.splink_compare import splink_decisions, splink_quality

        read = read_beneficiaries([files["beneficiaries"]], rules)
        cleaned = clean_beneficiaries(read.data, rules, column_names(read.tables))
        register = prepare_register(read_register(files["register"], rules), rules)
        lap("read_clean_prepare (shared with asxh)")
        decided, splink_times, splink_weights = splink_decisions(
            beneficiary_features(cleaned.data, rules), register.people
        )
        timings.update(splink_times)
        truth = pd.read_csv(files["truth"], dtype=str, keep_default_na=False).set_index("row")
        result["quality"] = splink_quality(decided, cleaned.data["source_row"], register.people, truth)
        result["weights"] = splink_weights
        clock = time.perf_counter()
    result["seconds"] = timings
    result["total_seconds"] = round(sum(timings.values()), 2)
    result["peak_mb"] = round(_peak_mb())
    return result


def _outcome(data, decisions, people, truth_path: Path):
    import pandas as pd

    from asxh_cli.contract import Result

    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False).set_index("row")
    rows = data["source_row"].astype(str).to_numpy()
    frame = truth.loc[rows].reset_index()
    r = decisions["r"].to_numpy(dtype="float64")
    ids = people["national_id"].to_numpy(dtype=object)
    frame["found"] = [ids[int(v)] if v == v else "" for v in r]
    frame["kind"] = [people["status_kind"].iat[int(v)] if v == v else "" for v in r]
    frame["result"] = decisions["result"].astype(str).to_numpy()
    frame["matched"] = frame["result"] == Result.MATCHED
    frame["correct"] = frame["matched"] & (frame["found"] == frame["expected_id"])
    return frame


def f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / max(1e-12, precision + recall), 5)


def quality(data, decisions, people, truth_path: Path) -> dict[str, float]:
    """Precision and recall of `matched`, F1, share sent to review, deceased people caught and flagged."""
    from asxh_cli.contract import Result

    frame = _outcome(data, decisions, people, truth_path)
    correct, matched = frame["correct"], frame["matched"]
    dead = frame["status"] == "Đã chết"
    precision = round(correct.sum() / max(1, matched.sum()), 5)
    recall = round(correct.sum() / max(1, (frame["expected_id"] != "").sum()), 5)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1(precision, recall),
        "review_share": round(float((frame["result"] == Result.REVIEW).mean()), 4),
        "not_found_share": round(float((frame["result"] == Result.NOT_FOUND).mean()), 4),
        "dead_in_list": int(dead.sum()),
        "dead_matched": int((correct & dead).sum()),
        "dead_matched_flagged": int((correct & dead & (frame["kind"] == "dead")).sum()),
    }


def misses(data, decisions, people, truth_path: Path) -> dict[str, dict[str, int]]:
    """Rows not matched correctly, by outcome (wrong person, review, not found) and by the damage done to them."""
    frame = _outcome(data, decisions, people, truth_path)
    wrong = frame["matched"] & ~frame["correct"]
    missed = ~frame["matched"] & (frame["expected_id"] != "")
    out: dict[str, dict[str, int]] = {}
    for label, mask in (
        ("false_match", wrong),
        ("missed_review", missed & (frame["result"] == "review")),
        ("missed_not_found", missed & (frame["result"] == "not_found")),
    ):
        kinds = frame.loc[mask, "damage"].str.split("+").explode().value_counts()
        out[label] = {"rows": int(mask.sum()), **{k: int(v) for k, v in kinds.head(12).items()}}
    return out


def timed(name: str, register_size: int, beneficiary_size: int) -> dict[str, object]:
    """Run a scenario in a fresh Python so that peak memory belongs to it alone."""
    command = [sys.executable, __file__, "_scenario", name, str(register_size), str(beneficiary_size), GENERATOR]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def side_by_side(register_size: int, beneficiary_size: int, with_splink: bool, generators: list[str]) -> None:
    """Both generators, asxh (and Splink), one table; then the weights learned and the misses by kind."""
    global GENERATOR
    lines = [
        "| data | engine | precision | recall | F1 | review | seconds | peak MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details = {}
    for generator in generators:
        GENERATOR = generator
        if not paths(register_size, beneficiary_size)["beneficiaries"].exists():
            generate(register_size, beneficiary_size)
        runs = [("asxh", timed("match", register_size, beneficiary_size))]
        if with_splink:
            runs.append(("splink", timed("splink", register_size, beneficiary_size)))
        for engine, run in runs:
            q = run["quality"]
            review = f"{100 * q['review_share']:.1f} %" if "review_share" in q else "–"
            lines.append(
                f"| {generator} {beneficiary_size}×{register_size} | {engine} | {q['precision']:.4f} | "
                f"{q['recall']:.4f} | {q['f1']:.4f} | {review} | {run['total_seconds']} | {run['peak_mb']} |"
            )
            details[f"{generator}/{engine}"] = {
                k: run.get(k) for k in ("quality", "weights", "in_register", "misses", "seconds")
            }
    print("\n".join(lines))
    print(json.dumps(details, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "command", choices=["generate", "read", "clean", "match", "splink", "scaling", "quality", "_scenario"]
    )
    parser.add_argument("args", nargs="*")
    parser.add_argument("--register", type=int, default=200_000)
    parser.add_argument("--beneficiaries", type=int, default=10_000)
    parser.add_argument("--splink", action="store_true", help="also run Splink (DuckDB) on the same data")
    parser.add_argument("--generator", choices=["sample", *DENSITY], default="sample")
    parser.add_argument(
        "--generators", default="sample,independent,dense", help="for quality: data sets, comma-separated"
    )
    options = parser.parse_args()
    global GENERATOR
    GENERATOR = options.generator
    if options.command == "_scenario":
        name, register_size, beneficiary_size, GENERATOR = options.args
        print(json.dumps(scenario(name, int(register_size), int(beneficiary_size)), ensure_ascii=False))
        return
    if options.command == "generate":
        generate(options.register, options.beneficiaries)
        return
    if options.command == "quality":
        side_by_side(options.register, options.beneficiaries, options.splink, options.generators.split(","))
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
