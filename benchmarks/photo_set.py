"""Build a phone-photo evaluation set from a generated digital set, with our own synthetic
photos (``tests/photo_synth.py``: perspective, desk background, side light, blur, noise,
JPEG; every seventh page upside down). One-page invoices only: one photo, one page.

    .venv/bin/python fixtures/generate.py --out /tmp/dig --count 24 --forms digital
    .venv/bin/python benchmarks/photo_set.py /tmp/dig /tmp/photos
    .venv/bin/invoicepipe eval extraction /tmp/photos --workers 2

``--no-edge`` photographs each page on a white table, close up and turned in the frame by
2 to 7 degrees either way (a little perspective, no page turned upside down): the page
edge cannot be found, so only the text itself can straighten it: its skew (``page_skew``)
and its rows' convergence (``page_keystone``). ``--tilt`` sets the perspective (each corner
moved at random by up to that share of the page size; 0.03 makes rows converge by 1-4
degrees across the page):

    .venv/bin/python benchmarks/photo_set.py /tmp/dig /tmp/slanted --no-edge --tilt 0.03
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Optional

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.photo_synth import photograph, render_pdf_page  # noqa: E402


def _shot(pdf: bytes, i: int, no_edge: bool, tilt: Optional[float]) -> bytes:
    page = render_pdf_page(pdf)
    if not no_edge:
        return photograph(page, seed=i, rotate180=(i % 7 == 3), tilt=0.08 if tilt is None else tilt)[0]
    rng = random.Random(i)
    spin = rng.uniform(2.0, 7.0) * rng.choice((-1, 1))
    return photograph(page, seed=i, tilt=0.01 if tilt is None else tilt, spin=spin, white=True, share=(0.8, 0.9))[0]


def main(src: Path, out: Path, no_edge: bool = False, tilt: Optional[float] = None) -> int:
    (out / "img").mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(exist_ok=True)
    shutil.copytree(src / "master", out / "master", dirs_exist_ok=True)
    rows = list(csv.DictReader(open(src / "manifest.csv", encoding="utf-8")))
    written = 0
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for i, row in enumerate(rows):
            if not row["file"].lower().endswith(".pdf"):
                continue  # a set generated with several forms: only its digital PDFs are photographed
            pdf = (src / row["file"]).read_bytes()
            if len(pypdfium2.PdfDocument(pdf)) != 1:
                continue
            stem = Path(row["file"]).stem.replace("-digital", "-photo")
            (out / "img" / f"{stem}.jpg").write_bytes(_shot(pdf, i, no_edge, tilt))
            gt = json.loads((src / "gt" / (Path(row["file"]).stem + ".json")).read_text(encoding="utf-8"))
            gt["file"], gt["form"] = f"img/{stem}.jpg", "photo"  # the eval's by-form table reads it
            (out / "gt" / f"{stem}.json").write_text(json.dumps(gt), encoding="utf-8")
            writer.writerow({**row, "file": f"img/{stem}.jpg", "form": "photo"})
            written += 1
    print(f"wrote {written} photos to {out}")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path, help="a generated set with digital documents")
    ap.add_argument("out", type=Path)
    ap.add_argument("--no-edge", action="store_true", help="close-up photos on a white table, turned 2-7 degrees")
    ap.add_argument("--tilt", type=float, default=None,
                    help="corner jitter as a share of the page size (perspective): 0.08, or 0.01 with --no-edge")
    args = ap.parse_args()
    sys.exit(main(args.src, args.out, args.no_edge, args.tilt))
