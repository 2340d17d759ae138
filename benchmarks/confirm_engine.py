"""CPU per scanned document with the unsurely read invoice and PO numbers read again by
RapidOCR's recognizer (``ocr_confirm``, readers-1.14) against by Tesseract (as in readers-1.13).

Each scanned PDF of the given sets is read whole (``read_with_ocr``, as the slow pool does)
``--rounds`` times with each engine, the two alternated and their order swapped every
document, so a busy neighbour slows both alike; the figure is the process CPU of the read
(Tesseract runs in process). Prints per document the medians and the crops RapidOCR read, then the
median ratio over documents, the ratio of the sums, and the median ratio over the documents
where a crop was read at all. The recognizer's model is loaded once before timing: a worker
process pays that (under a second of CPU) once, not per document.

Usage: ``.venv/bin/python benchmarks/confirm_reader.py [SET_DIR ...] [--per-set N] [--rounds N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from invoicepipe.adapters.ocr import OcrSettings, read_with_ocr
from invoicepipe.adapters.ocr_fallback import _engine, rapidocr_available


def _cpu(data: bytes, settings: OcrSettings) -> tuple[float, int]:
    started = time.process_time()
    doc = read_with_ocr(data, "application/pdf", 200, settings)
    return time.process_time() - started, sum((p.capture or {}).get("ids_reread", 0) for p in doc.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=["/work/sets/novel/dev", "/work/sets/fresh"])
    parser.add_argument("--per-set", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if rapidocr_available() is None:
        raise SystemExit("rapidocr is not installed: nothing to compare")
    started = time.process_time()
    _engine()._load_rec_model()
    print(f"recognizer model loaded once: {time.process_time() - started:.2f} s CPU")
    engines = {"tesseract": OcrSettings(confirm_reader="tesseract"), "rapidocr": OcrSettings(confirm_reader="rapidocr")}
    ratios, fired, sums = [], [], {"tesseract": 0.0, "rapidocr": 0.0}
    files = [f for s in args.sets for f in sorted(Path(s, "pdf").glob("*-scan.pdf"))[: args.per_set]]
    for i, path in enumerate(files):
        data = path.read_bytes()
        times: dict[str, list[float]] = {"tesseract": [], "rapidocr": []}
        crops = 0
        for r in range(args.rounds):
            order = ["tesseract", "rapidocr"] if (i + r) % 2 == 0 else ["rapidocr", "tesseract"]
            for name in order:
                cpu, read = _cpu(data, engines[name])
                times[name].append(cpu)
                crops = read if name == "rapidocr" else crops
        tess, rapid = statistics.median(times["tesseract"]), statistics.median(times["rapidocr"])
        sums["tesseract"] += tess
        sums["rapidocr"] += rapid
        ratios.append(rapid / tess)
        if crops:
            fired.append(rapid / tess)
        print(f"{path.name:45s} tesseract {tess:6.2f} s  rapidocr {rapid:6.2f} s  crops {crops}", flush=True)
    print(f"documents {len(files)}: median ratio rapidocr/tesseract {statistics.median(ratios):.3f}, "
          f"sum ratio {sums['rapidocr'] / sums['tesseract']:.3f}; with a crop read ({len(fired)}): "
          f"median ratio {statistics.median(fired) if fired else float('nan'):.3f}")


if __name__ == "__main__":
    main()
