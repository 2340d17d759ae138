"""Does the measured cleanup choice help? Tesseract words found and their mean confidence
per cleanup variant (contrast stretch only, flattened by the fitted paper surface, OpenCV
adaptive threshold), on corrected phone photos and on scans/images of a generated set,
next to what ``page_cleanup.clean`` chose for each page.

    .venv/bin/python benchmarks/capture_cleanup.py --photos /tmp/photos --scans /tmp/set [--count 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from statistics import mean

import cv2
import numpy as np
from PIL import Image, ImageOps

from invoicepipe.adapters import ocr_engine, page_cleanup, page_geometry
from invoicepipe.adapters.pdf import open_pdfium, render_page


def pages(kind: str, folder: Path, count: int):
    if kind == "photo":
        for f in sorted(folder.glob("img/*.jpg"))[:count]:
            img = Image.open(f)
            img.load()
            yield page_geometry.correct(img, 1.0)[:2]
    elif kind == "scan":
        for f in sorted(folder.glob("pdf/*scan.pdf"))[:count]:
            with open_pdfium(f.read_bytes()) as pdf:
                yield render_page(pdf, 0, 200 / 72, grayscale=True), 200 / 72
    else:
        for f in sorted(folder.glob("img/*-image.*"))[:count]:
            img = Image.open(f)
            img.load()
            yield img, float(img.info.get("dpi", (72, 72))[0]) / 72


def variants(img: Image.Image):
    gray = ImageOps.grayscale(img.convert("RGB") if img.mode != "L" else img)
    arr = np.asarray(gray)
    yield "contrast", ImageOps.autocontrast(gray, cutoff=1)
    yield "flattened", ImageOps.autocontrast(Image.fromarray(page_cleanup.flatten(arr)), cutoff=1)
    yield "adaptive threshold", Image.fromarray(
        cv2.adaptiveThreshold(arr, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 51, 15))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--scans", type=Path, required=True, help="a generated set with scan and image forms")
    parser.add_argument("--count", type=int, default=5)
    args = parser.parse_args(argv)
    if not ocr_engine.usable("tesseract"):
        print("needs tesserocr and tesseract's language data")
        return 1
    for kind, folder in (("photo", args.photos), ("scan", args.scans), ("image", args.scans)):
        found: dict[str, list[tuple[int, float]]] = {}
        chosen = []
        for img, px in pages(kind, folder, args.count):
            chosen.append(page_cleanup.clean(img)[1]["cleanup"])
            for name, variant in variants(img):
                words = ocr_engine.read_words(variant, px, 1, "eng")
                found.setdefault(name, []).append((len(words), mean(w.confidence for w in words) if words else 0.0))
        for name, values in found.items():
            print(f"{kind:6s} {name:20s} words {mean(a for a, _ in values):6.1f}   mean confidence {mean(b for _, b in values):.3f}")
        print(f"{kind:6s} chosen: {', '.join(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
