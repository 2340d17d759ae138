"""Build a phone-photo evaluation set from a generated digital set, with our own synthetic
photos (``tests/photo_synth.py``: perspective, desk background, side light, blur, noise,
JPEG; every seventh page upside down). One-page invoices only: one photo, one page.

    .venv/bin/python fixtures/generate.py --out /tmp/dig --count 24 --forms digital
    .venv/bin/python benchmarks/photo_set.py /tmp/dig /tmp/photos
    .venv/bin/invoicepipe eval extraction /tmp/photos --workers 2
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.photo_synth import photograph, render_pdf_page  # noqa: E402


def main(src: Path, out: Path) -> int:
    (out / "img").mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(exist_ok=True)
    shutil.copytree(src / "master", out / "master", dirs_exist_ok=True)
    rows = list(csv.DictReader(open(src / "manifest.csv", encoding="utf-8")))
    written = 0
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        for i, row in enumerate(rows):
            pdf = (src / row["file"]).read_bytes()
            if len(pypdfium2.PdfDocument(pdf)) != 1:
                continue
            stem = Path(row["file"]).stem.replace("-digital", "-photo")
            data, _ = photograph(render_pdf_page(pdf), seed=i, rotate180=(i % 7 == 3))
            (out / "img" / f"{stem}.jpg").write_bytes(data)
            gt = json.loads((src / "gt" / (Path(row["file"]).stem + ".json")).read_text(encoding="utf-8"))
            gt["file"] = f"img/{stem}.jpg"
            (out / "gt" / f"{stem}.json").write_text(json.dumps(gt), encoding="utf-8")
            writer.writerow({**row, "file": f"img/{stem}.jpg", "form": "image"})
            written += 1
    print(f"wrote {written} photos to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
