"""CPU of reading a set's phone photos as the parse step reads them, per page.

`extraction.py` times digital and scanned PDFs against the bare libraries; a phone photo has
no bare counterpart worth timing (Tesseract on the raw photo reads the desk), so this times
our reading alone: ``evaluation.extraction_run.read_one`` (page finding, warping, stamps,
lighting, rules, Tesseract and the re-reads, RapidOCR where it is asked) on each photo of a
labelled set, in this process, after one warm-up document (models loaded once per process).
Run the old and the new code alternately (``PYTHONPATH`` at each tree's ``src``) and compare
the medians; the machine's load is printed with them.

    .venv/bin/python benchmarks/photo_read_cpu.py --set sets/harbor-dev-photo [--max 8] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import time
from pathlib import Path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def photos(folder: Path) -> list[Path]:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return [folder / r["file"] for r in csv.DictReader(handle) if r.get("form") == "photo"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--max", type=int, default=8, help="photos timed (after one warm-up)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from invoicepipe.adapters import readers
    from invoicepipe.adapters.ocr import OcrSettings
    from invoicepipe.evaluation.extraction_run import read_one

    paths = photos(args.set)
    settings = OcrSettings()
    read_one(paths[0], False, settings, 20)  # warm-up: models, RapidOCR sessions
    per_page, per_doc = [], []
    for path in paths[1: args.max + 1]:
        started = _cpu()
        wall = time.perf_counter()
        read = read_one(path, False, settings, 20)
        spent = _cpu() - started
        per_doc.append((path.name, round(spent, 3), round(time.perf_counter() - wall, 3), read.pages))
        per_page.append(spent / max(1, read.pages))
    figures = {"set": str(args.set), "reader": readers.READER_VERSION, "photos": len(per_doc),
               "cpu_ms_per_page_median": round(1000 * statistics.median(per_page)),
               "cpu_ms_per_page_mean": round(1000 * statistics.fmean(per_page)),
               "load_average": [round(x, 2) for x in os.getloadavg()], "documents": per_doc}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['reader']} on {args.set}: {figures['photos']} photos, CPU per page median "
              f"{figures['cpu_ms_per_page_median']} ms (mean {figures['cpu_ms_per_page_mean']}), load {figures['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
