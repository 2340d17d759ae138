"""Orientation of photographed pages: each photo read as taken and turned 180 degrees.

For every photo (``*.jpg`` / ``*.png`` under the given folders, one page each) the page is
found, warped and turned by ``page_geometry.correct`` with Tesseract's OSD as the reader
passes it, once for the photo as it is and once for the photo turned 180 degrees (the
same page photographed upside down). Give it sets whose photos are all taken upright,
such as the generated photo form (``fixtures/gen/photo.py``), not ``photo_set.py`` output
(which turns every seventh page on purpose): then the truth is known for both turns.

    .venv/bin/python fixtures/generate.py --out /tmp/ph --region more --part dev --count 12 --forms photo
    .venv/bin/python benchmarks/page_orientation.py /tmp/ph

Prints the pages upright after correction, those left or turned upside down, and the CPU
seconds per decision (this process and its children: OSD runs the tesseract program).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from invoicepipe.adapters import page_geometry  # noqa: E402
from invoicepipe.adapters.ocr import _osd  # noqa: E402


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(folders: list[Path]) -> int:
    detect = _osd("tesseract")
    right = wrong = unsure = 0
    cpu: list[float] = []
    for folder in folders:
        photos = sorted(p for p in (folder / "img" if (folder / "img").exists() else folder).iterdir()
                        if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        for path in photos:
            with Image.open(path) as img:
                img.load()
                photo = img.convert("RGB")
            for turned in (False, True):
                shot = photo.rotate(180) if turned else photo
                start = _cpu()
                page, _, geometry = page_geometry.correct(shot, 1.0, detect)
                cpu.append(_cpu() - start)
                if not geometry.warped:
                    unsure += 1
                    continue
                # upright when the reader undid exactly the benchmark's turn
                upside = turned != (geometry.rotation == 180)
                if upside:
                    wrong += 1
                    print(f"  upside down after correction: {path.name} (benchmark turn {180 if turned else 0})")
                else:
                    right += 1
    total = right + wrong + unsure
    print(f"pages: {total}; upright after correction {right}, upside down {wrong}, no page found {unsure}")
    print(f"CPU per page (find, warp, orientation; median / mean): {statistics.median(cpu):.3f} / {statistics.mean(cpu):.3f} s")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", type=Path)
    sys.exit(main(ap.parse_args().folders))
