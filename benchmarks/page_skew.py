"""Which pages would be turned level, and what measuring costs: the text angle and gain
(``page_skew``) of every page image without a found outline, per form, on labelled sets.

Straight pages must not be turned: digital documents are rendered at 200 dpi (as if they
were scanned without skew) and scans are read as the OCR reader sees them, so a turned page
among them is a false rotation unless its skew really is past ``MIN_TURN``.

    .venv/bin/python benchmarks/page_skew.py /tmp/core /tmp/photos [--limit N]

Prints per set and form: pages, pages with a found outline (warped instead), pages turned,
the largest angle and gain among pages left as they are, and the median CPU milliseconds of
the measurement (``time.process_time``, so the figure holds on a busy machine).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path
from statistics import median

import numpy as np

from invoicepipe.adapters import page_geometry, page_skew
from invoicepipe.adapters.ocr import _pages
from invoicepipe.domain.sniff import SNIFF_BYTES, sniff_media_type


def _form(row: dict, path: Path) -> str:
    form = row.get("form") or ""
    if form:
        return form
    return "pdf" if path.suffix.lower() == ".pdf" else "image"


def measure_set(folder: Path, limit: int) -> dict[str, dict]:
    rows = list(csv.DictReader(open(folder / "manifest.csv", encoding="utf-8")))[: limit or None]
    out: dict[str, dict] = {}
    for row in rows:
        path = folder / row["file"]
        data = path.read_bytes()
        media = sniff_media_type(data[:SNIFF_BYTES], path.name)
        stats = out.setdefault(_form(row, path), {"pages": 0, "outline": 0, "turned": [], "kept": [], "cpu_ms": []})
        for img, _px in _pages(data, media, 200):
            stats["pages"] += 1
            if page_geometry.find_page(img)[0] is not None:
                stats["outline"] += 1
                continue
            start = time.process_time()
            skew = page_skew.measure(page_geometry._to_gray(img))
            stats["cpu_ms"].append(1000 * (time.process_time() - start))
            (stats["turned"] if skew.clear else stats["kept"]).append((path.stem, skew))
    return out


def report(name: str, out: dict[str, dict]) -> None:
    print(f"{name}")
    print("  form        pages outline turned  kept: max |angle|  max gain   measure CPU ms (median)")
    for form, s in sorted(out.items()):
        kept = s["kept"]
        max_angle = max((abs(k.angle) for _, k in kept), default=0.0)
        max_gain = max((k.gain for _, k in kept), default=0.0)
        cpu = median(s["cpu_ms"]) if s["cpu_ms"] else 0.0
        print(f"  {form:<10} {s['pages']:>6} {s['outline']:>7} {len(s['turned']):>6}  {max_angle:>16.2f} {max_gain:>9.2f}   {cpu:>8.1f}")
        for stem, k in s["turned"]:
            print(f"      turned {stem}: {k.angle:+.2f} degrees, gain {k.gain:.2f}")
        angles = np.array([abs(k.angle) for _, k in kept])
        if len(angles):
            print(f"      kept |angle| quartiles {np.percentile(angles, 25):.2f} / {np.percentile(angles, 50):.2f} / "
                  f"{np.percentile(angles, 75):.2f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", type=Path, help="labelled sets (manifest.csv)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents of each set")
    args = ap.parse_args(argv)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; MIN_TURN {page_skew.MIN_TURN} degrees, "
          f"MIN_GAIN {page_skew.MIN_GAIN}")
    for folder in args.folders:
        report(str(folder), measure_set(folder, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
