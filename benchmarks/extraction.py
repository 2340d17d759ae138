"""Extraction speed per page, next to the bare libraries on the same pages.

For every digital PDF of a labelled set (``manifest.csv`` with a ``form`` column, or
every PDF with a text layer) it times our full read + extract (``read_text_layer`` +
``extract_invoice``) against bare pdfplumber ``extract_words`` on each page; for every
scanned PDF it times our full OCR read + extract (``read_with_ocr`` at 200 dpi +
``extract_invoice``) against bare Tesseract ``image_to_data`` on the same rendered pages.
It prints medians per page and the overhead ratios (ours / bare). One process, one OCR
thread (``OMP_THREAD_LIMIT=1``): the figures are per core.

Scans are timed twice over: wall time, and CPU time (this process plus its children, so
both the in-process engine and the ``tesseract`` program count) which a busy shared
machine disturbs far less; the CPU ratio is the one to trust when the load average is
above the core count. Bare Tesseract is the program started per page through pytesseract,
as before; ``in-process`` is the same engine ours uses (tesserocr) reading each page once
in English with its model already loaded, the floor for any reader built on it.

    .venv/bin/python benchmarks/extraction.py [--set fixtures/sample] [--repeat 3] [--json]

``--text-layer`` times only the digital pages' text layer, CPU time per page side by side in
one run: bare pypdfium2 text (``get_textpage`` + ``get_text_range``), bare pdfplumber
``extract_words``, our reader (``pdf_words.read_page``: words and ruled tables), and the
previous reader (pdfplumber words, and its tables on pages with drawings); then the
fast pool's parse per digital document (``read_and_extract``: read, extract, content print)
with our reader and with the previous one.

    .venv/bin/python benchmarks/extraction.py --text-layer [--set DIR] [--repeat 5] [--json]

``--stages`` splits a digital document's parse into the reader's stages, thread CPU per
document (median over documents of each document's fastest of ``--repeat`` runs):
``read_text_layer``, ``extract_invoice`` and, inside it, the line items
(``items.read_line_items``), and the content print (``page_thumbnails`` + ``content_print``).

    .venv/bin/python benchmarks/extraction.py --stages [--set DIR] [--repeat 3] [--json]

``--scan-stages`` splits the slow pool's parse of a scanned page the same way (thread CPU per
page: Tesseract's full reads, the language pass, the re-reads, render, page finding, skew,
keystone, lighting cleanup, the rule eraser, extraction, content print; ``scan_stages.py``).

Scans are timed with every language list ``auto`` can pick loaded first (``eng`` and
``<lang>+eng``), as in a worker process that has read a few documents (it keeps up to eight
loaded); ``--cold-models`` loads each when a document first needs it, inside the timing, as
the benchmark did before (a set's first document per language then carries 0.2-0.5 s).

    .venv/bin/python benchmarks/extraction.py --scan-stages [--set DIR] [--max-scans 12] [--json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
from pathlib import Path
from statistics import median

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pdfplumber  # noqa: E402
import pytesseract  # noqa: E402

from invoicepipe.adapters.calibration_store import load_calibration  # noqa: E402
from invoicepipe.adapters import ocr_engine  # noqa: E402
from invoicepipe.adapters.ocr import TESSERACT_CONFIG, OcrSettings, read_with_ocr  # noqa: E402
from invoicepipe.adapters import readers  # noqa: E402
from invoicepipe.adapters.pdf import WORD_SETTINGS, open_pdfium, read_text_layer, render_page  # noqa: E402
from invoicepipe.adapters.pdf_words import read_page  # noqa: E402
from invoicepipe.domain.models import Box, DocumentText, Page, Word  # noqa: E402
from invoicepipe.domain.policy import ParseLimits  # noqa: E402
from invoicepipe.services.parse_work import read_and_extract  # noqa: E402
from invoicepipe.domain.extraction import extract_invoice  # noqa: E402

DPI = 200


def documents(folder: Path) -> tuple[list[Path], list[Path]]:
    """(digital PDFs, scanned PDFs) of the set, by the manifest's form column when present."""
    manifest = folder / "manifest.csv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "form" in rows[0]:
            pick = lambda form: [folder / r["file"] for r in rows if r["form"] == form and r["file"].endswith(".pdf")]
            return pick("digital"), pick("scan")
    pdfs = sorted(folder.rglob("*.pdf"))
    with_text = [p for p in pdfs if sum(len(w.text) for pg in read_text_layer(p.read_bytes()).pages for w in pg.words) > 40]
    return with_text, [p for p in pdfs if p not in with_text]


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def digital_page_times(path: Path, repeat: int, calibration) -> tuple[list[float], list[float]]:
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    ours = best_of(repeat, lambda: extract_invoice(read_text_layer(data), [], calibration)) / pages

    def bare():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_words(**WORD_SETTINGS)
    return [ours] * pages, [best_of(repeat, bare) / pages] * pages


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its children) of ``fn()``."""
    wall, cpu = time.perf_counter(), _cpu()
    fn()
    return time.perf_counter() - wall, _cpu() - cpu


def scan_page_times(path: Path, calibration) -> dict[str, list[float]]:
    """Per page: ours and bare, wall and CPU; plus the in-process engine's bare read."""
    data = path.read_bytes()
    settings = OcrSettings.from_env()
    out: dict[str, list[float]] = {k: [] for k in ("ours", "ours_cpu", "bare", "bare_cpu", "inproc", "inproc_cpu")}
    holder = {}
    wall, cpu = _timed(lambda: holder.setdefault("text", read_with_ocr(data, "application/pdf", DPI, settings=settings)))
    text = holder["text"]
    wall2, cpu2 = _timed(lambda: extract_invoice(text, [], calibration))
    pages = len(text.pages)
    out["ours"] += [(wall + wall2) / pages] * pages
    out["ours_cpu"] += [(cpu + cpu2) / pages] * pages
    for i in range(pages):
        with open_pdfium(data) as pdf:
            image = render_page(pdf, i, DPI / 72, grayscale=True)
        image.format = "BMP"  # the quickest hand-over to the tesseract program, as the adapter does
        w, c = _timed(lambda: pytesseract.image_to_data(image, lang="eng", config=TESSERACT_CONFIG))
        out["bare"].append(w)
        out["bare_cpu"].append(c)
        if ocr_engine.usable("tesseract"):
            w, c = _timed(lambda: ocr_engine.read_words(image, DPI / 72, i + 1, "eng"))
            out["inproc"].append(w)
            out["inproc_cpu"].append(c)
    return out


def _cpu_best(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def pdfplumber_reader(data: bytes) -> DocumentText:
    """The text layer as the previous reader made it (pdfplumber words; tables on pages
    with drawn lines), kept here as the yardstick."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            words = tuple(Word(w["text"], Box(float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])), number)
                          for w in page.extract_words(**WORD_SETTINGS))
            ruled = bool(page.lines or page.rects or page.curves)
            tables = tuple(tuple(tuple(r) for r in t) for t in page.extract_tables()) if words and ruled else ()
            pages.append(Page(number, float(page.width), float(page.height), words, "pdf_text", tables))
    return DocumentText(tuple(pages), None, f"pdfplumber {pdfplumber.__version__}")


class _PreviousReaders:
    """The readers module with the previous text-layer reader."""

    def __getattr__(self, name):
        return getattr(readers, name)

    @staticmethod
    def read_text_layer(data: bytes) -> DocumentText:
        return pdfplumber_reader(data)


def text_layer_figures(digital: list[Path], repeat: int, calibration) -> dict:
    """Per page CPU ms: bare pypdfium2 text, bare pdfplumber words, ours, previous reader;
    per document CPU ms of the fast pool's parse with ours and with the previous reader."""
    per_page: dict[str, list[float]] = {k: [] for k in ("pypdfium2_text", "pdfplumber_words", "ours", "previous")}
    per_doc: dict[str, list[float]] = {"ours": [], "previous": []}
    limits = ParseLimits()
    for path in digital:
        data = path.read_bytes()
        with open_pdfium(data) as pdf:
            count = len(pdf)

            def bare_pdfium():
                for i in range(count):
                    page = pdf[i]
                    textpage = page.get_textpage()
                    textpage.get_text_range()
                    textpage.close()
                    page.close()

            def ours():
                for i in range(count):
                    page = pdf[i]
                    read_page(page)
                    page.close()
            per_page["pypdfium2_text"] += [_cpu_best(repeat, bare_pdfium) / count] * count
            per_page["ours"] += [_cpu_best(repeat, ours) / count] * count

        def bare_pdfplumber():
            with pdfplumber.open(io.BytesIO(data)) as doc:
                for page in doc.pages:
                    page.extract_words(**WORD_SETTINGS)
        per_page["pdfplumber_words"] += [_cpu_best(repeat, bare_pdfplumber) / count] * count
        per_page["previous"] += [_cpu_best(repeat, lambda: pdfplumber_reader(data)) / count] * count
        for key, shim in (("ours", readers), ("previous", _PreviousReaders())):
            per_doc[key].append(_cpu_best(repeat, lambda: read_and_extract(shim, data, "application/pdf", 20, limits, [], calibration)))
    base = per_page["pypdfium2_text"]
    return {"pages": len(base), "documents": len(per_doc["ours"]),
            "per_page_cpu_ms": {k: _ms(v) for k, v in per_page.items()},
            "per_page_ratio_to_pypdfium2_text": {k: _ratio(v, base) for k, v in per_page.items()},
            "ours_vs_pdfplumber_words": _ratio(per_page["ours"], per_page["pdfplumber_words"]),
            "parse_cpu_ms_per_document": {k: _ms(v) for k, v in per_doc.items()},
            "parse_ours_vs_previous": _ratio(per_doc["ours"], per_doc["previous"])}


def print_text_layer(folder: Path, figures: dict) -> None:
    p, r = figures["per_page_cpu_ms"], figures["per_page_ratio_to_pypdfium2_text"]
    print(f"text layer on {folder} ({figures['pages']} digital pages, load average {figures['load_average']}), "
          f"median CPU ms per page (ratio to bare pypdfium2 text)")
    for key, label in (("pypdfium2_text", "bare pypdfium2 text"), ("pdfplumber_words", "bare pdfplumber extract_words"),
                       ("ours", "ours: words + ruled tables"), ("previous", "previous: pdfplumber words + tables")):
        print(f"  {label:38} {p[key]:>7} ms   x{r[key]}")
    print(f"  ours / bare pdfplumber words: x{figures['ours_vs_pdfplumber_words']}")
    d = figures["parse_cpu_ms_per_document"]
    print(f"fast-pool parse (read + extract + content print), median CPU ms per digital document "
          f"({figures['documents']} documents): ours {d['ours']}   previous reader {d['previous']}   "
          f"x{figures['parse_ours_vs_previous']}")


def stage_figures(digital: list[Path], repeat: int, calibration) -> dict:
    """Median thread-CPU ms per digital document of each parse stage."""
    from invoicepipe.adapters.content_prints import page_thumbnails
    from invoicepipe.domain.extraction import extract as extract_module
    from invoicepipe.domain.fingerprints import content_print

    items_cpu = [0.0]
    read_line_items = extract_module.read_line_items

    def timed_items(*args, **kwargs):
        started = time.thread_time()
        try:
            return read_line_items(*args, **kwargs)
        finally:
            items_cpu[0] += time.thread_time() - started

    per_doc: dict[str, list[float]] = {"read_text_layer": [], "extract_invoice": [], "line_items": [], "content_print": []}
    extract_module.read_line_items = timed_items
    try:
        for path in digital:
            data = path.read_bytes()
            best: dict[str, float] = {}
            for _ in range(repeat):
                items_cpu[0] = 0.0
                t0 = time.thread_time()
                text = read_text_layer(data)
                t1 = time.thread_time()
                extract_invoice(text, [], calibration)
                t2 = time.thread_time()
                content_print([w for page in text.pages for w in page.words], page_thumbnails(data, "application/pdf"))
                t3 = time.thread_time()
                run = {"read_text_layer": t1 - t0, "extract_invoice": t2 - t1, "line_items": items_cpu[0], "content_print": t3 - t2}
                best = {k: min(v, best.get(k, v)) for k, v in run.items()}
            for key, value in best.items():
                per_doc[key].append(value)
    finally:
        extract_module.read_line_items = read_line_items
    return {"documents": len(digital), "cpu_ms_per_document": {k: _ms(v) for k, v in per_doc.items()}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=Path("fixtures/sample"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per digital document (the fastest counts)")
    parser.add_argument("--max-scans", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--text-layer", action="store_true", help="only the digital pages' text layer, CPU per page")
    parser.add_argument("--stages", action="store_true", help="a digital document's parse by stage, CPU per document")
    parser.add_argument("--scan-stages", action="store_true", help="a scanned page's parse by stage, CPU per page")
    parser.add_argument("--cold-models", action="store_true",
                        help="scans: load a language's models when a document first needs it (inside the timing), "
                             "not before")
    args = parser.parse_args(argv)
    calibration = load_calibration()
    digital, scans = documents(args.set)
    if args.stages:
        figures = {"set": str(args.set), **stage_figures(digital, args.repeat, calibration),
                   "load_average": [round(x, 2) for x in os.getloadavg()]}
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            print(f"parse stages on {args.set} ({figures['documents']} digital documents, load average "
                  f"{figures['load_average']}), median thread CPU ms per document: "
                  + ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_document"].items()))
        return 0
    if args.scan_stages:
        from scan_stages import scan_stage_figures

        if ocr_engine.usable("tesseract") and not args.cold_models:
            preload_languages()
        figures = {"set": str(args.set), **scan_stage_figures(scans[: args.max_scans]),
                   "load_average": [round(x, 2) for x in os.getloadavg()]}
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            print(f"slow-pool parse stages on {args.set} ({figures['documents']} scans, {figures['pages']} pages, load "
                  f"average {figures['load_average']}), thread CPU ms per page: total {figures['total_cpu_ms_per_page']} "
                  f"(the process, helper threads too: {figures['process_cpu_ms_per_page']}); "
                  + ", ".join(f"{k} {v}" for k, v in figures["cpu_ms_per_page"].items()))
        return 0
    if args.text_layer:
        figures = {"set": str(args.set), **text_layer_figures(digital, args.repeat, calibration),
                   "load_average": [round(x, 2) for x in os.getloadavg()]}
        print(json.dumps(figures, indent=2)) if args.json else print_text_layer(args.set, figures)
        return 0
    ours_d, bare_d = [], []
    scan: dict[str, list[float]] = {}
    for path in digital:
        o, b = digital_page_times(path, args.repeat, calibration)
        ours_d += o
        bare_d += b
    if scans and ocr_engine.usable("tesseract") and not args.cold_models:
        ocr_engine.read_words(render_page_of(scans[0]), DPI / 72, 1, "eng")  # the model load is once per process
        preload_languages()
    for path in scans[: args.max_scans]:
        for key, values in scan_page_times(path, calibration).items():
            scan.setdefault(key, []).extend(values)
    ours_s, bare_s = scan.get("ours", []), scan.get("bare", [])
    figures = {"set": str(args.set), "load_average": [round(x, 2) for x in os.getloadavg()], "dpi": DPI,
               "digital": {"pages": len(ours_d), "ours_ms": _ms(ours_d), "pdfplumber_extract_words_ms": _ms(bare_d),
                           "overhead": _ratio(ours_d, bare_d), "goal_ms": 150},
               "scan": {"pages": len(ours_s), "ours_ms": _ms(ours_s), "tesseract_image_to_data_ms": _ms(bare_s),
                        "overhead": _ratio(ours_s, bare_s), "goal_ms": 2000,
                        "ours_cpu_ms": _ms(scan.get("ours_cpu", [])), "tesseract_cpu_ms": _ms(scan.get("bare_cpu", [])),
                        "overhead_cpu": _ratio(scan.get("ours_cpu", []), scan.get("bare_cpu", [])),
                        "in_process_eng_ms": _ms(scan.get("inproc", [])), "in_process_eng_cpu_ms": _ms(scan.get("inproc_cpu", [])),
                        "overhead_cpu_vs_in_process": _ratio(scan.get("ours_cpu", []), scan.get("inproc_cpu", []))}}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    d, s = figures["digital"], figures["scan"]
    print(f"extraction speed on {args.set} (load average {figures['load_average']}), median per page")
    if d["pages"]:
        print(f"  digital ({d['pages']} pages): ours {d['ours_ms']} ms   bare pdfplumber extract_words "
              f"{d['pdfplumber_extract_words_ms']} ms   overhead x{d['overhead']}   (goal <= 150 ms)")
    if s["pages"]:
        print(f"  scanned at {DPI} dpi ({s['pages']} pages): ours {s['ours_ms']} ms   bare Tesseract image_to_data "
              f"{s['tesseract_image_to_data_ms']} ms   overhead x{s['overhead']}   (goal <= 2000 ms)")
        print(f"    CPU time: ours {s['ours_cpu_ms']} ms   bare Tesseract {s['tesseract_cpu_ms']} ms   overhead "
              f"x{s['overhead_cpu']}   (in-process English read {s['in_process_eng_cpu_ms']} ms: x{s['overhead_cpu_vs_in_process']})")
    if not d["pages"] and not s["pages"]:
        print("  no digital or scanned PDF pages in this set")
    return 0


def preload_languages() -> None:
    """Every language list ``auto`` can pick loaded before the timing, as in a worker that has
    read a few documents: otherwise a set's first document in each language carries its
    model load (0.2-0.5 s of CPU, once per process and language), which no later page pays."""
    from PIL import Image

    from invoicepipe.adapters.ocr_languages import installed_languages

    blank = Image.new("L", (64, 32), 255)  # reading it loads the models and finds nothing
    for lang in sorted(installed_languages("tesseract") - {"eng", "osd"}):
        ocr_engine.read_words(blank, 1.0, 1, f"{lang}+eng")


def render_page_of(path: Path):
    with open_pdfium(path.read_bytes()) as pdf:
        return render_page(pdf, 0, DPI / 72, grayscale=True)


def _ms(values: list[float]):
    return round(1000 * median(values), 1) if values else None


def _ratio(ours: list[float], bare: list[float]):
    return round(median(ours) / median(bare), 2) if ours and bare and median(bare) > 0 else None


if __name__ == "__main__":
    sys.exit(main())
