"""Render every output of a sample run to PDF (LibreOffice) and PNG (pdftoppm), to look at the printed pages.

Not part of CI. Needs `soffice` (Debian: libreoffice-calc-nogui) and `pdftoppm` (poppler-utils).

    python -m bench.render OUT_FOLDER [--dpi 60]

Runs the README's first command (match, then export) on sample_data/, plus `survey make` and `report`, then
writes OUT_FOLDER/pdf/*.pdf and OUT_FOLDER/png/<file>-<page>.png and prints the page count of each file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def asxh(*args: str) -> None:
    """Run one asxh command from this checkout; exit 1 (data problems) is expected for the sample."""
    result = subprocess.run([sys.executable, "-m", "asxh_cli", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"asxh {args[0]} failed ({result.returncode}):\n{result.stderr}")


def sample_run(out: Path) -> list[Path]:
    """Every workbook the sample run writes."""
    lists = [str(SAMPLE / name) for name in ("btxh.xlsx", "nguoi_co_cong.xlsx", "ho_ngheo.csv")]
    matched = out / "ket_qua"
    asxh("match", *lists, "--register", str(SAMPLE / "csdl_dan_cu.csv"), "-o", str(matched), "-q")
    table = str(matched / "ket_qua_doi_sanh.csv")
    asxh("export", table, "-o", str(out / "phu_luc_2"), "--ky", "Tết Bính Ngọ 2026", "-q")
    asxh("export", table, "-o", str(out / "phu_luc_2_theo_xa"), "--by", "commune", "-q")
    asxh("survey", "make", table, "-o", str(out / "phieu_khao_sat"))
    asxh("report", table, "-o", str(out / "bao_cao_tuan.xlsx"))
    return sorted(out.rglob("*.xlsx"))


def render(books: list[Path], out: Path, dpi: int) -> dict[Path, int]:
    """PDF and PNG pages of each workbook; returns the page count per workbook."""
    pdf_dir, png_dir = out / "pdf", out / "png"
    pdf_dir.mkdir(exist_ok=True)
    png_dir.mkdir(exist_ok=True)
    pages = {}
    for book in books:
        stem = f"{book.parent.name}__{book.stem}"
        staged = pdf_dir / f"{stem}.xlsx"
        shutil.copyfile(book, staged)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir), str(staged)],
            check=True,
            capture_output=True,
        )
        staged.unlink()
        pdf = pdf_dir / f"{stem}.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(png_dir / stem)], check=True)
        pages[book] = len(list(png_dir.glob(f"{stem}-*.png")))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (apt-get install libreoffice-calc-nogui poppler-utils)")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for book, count in render(sample_run(args.out), args.out, args.dpi).items():
        print(f"{count:4d} pages  {book.relative_to(args.out)}")


if __name__ == "__main__":
    main()
