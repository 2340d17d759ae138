"""Where a scanned page's parse CPU goes, stage by stage (``extraction.py --scan-stages``).

Runs the slow pool's parse (``parse_work.read_and_extract``: read with OCR, extract, content
print) on every scan PDF of a set, in this process and thread (Tesseract runs in-process, so
thread CPU counts it), with a thread-CPU clock around each stage; a stage nested in another
is taken out of its caller's time. Figures are per page over the set, after one warm-up
document (models loaded, regular expressions compiled).

Stages: ``tesseract page`` (the full reads), ``language pass`` (the quick English bands),
``amounts re-read`` (Tesseract on the amounts' region), ``render`` (PDFium at 200 dpi and the
rest of the reading), ``page finding``, ``lighting cleanup``, ``ink test``, ``second engine``,
``extraction`` (the main one), ``re-read check`` (the extraction deciding on a re-read),
``content print``.
"""

from __future__ import annotations

import time
from pathlib import Path

from invoicepipe.adapters import ocr, ocr_amounts, ocr_engine, ocr_first_pass, page_cleanup, page_geometry, readers
from invoicepipe.adapters.pdf import open_pdfium
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.services import parse_work


class _Clock:
    """Exclusive thread CPU per stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.stack: list[str] = []

    def wrap(self, stage: str, fn):
        def timed(*args, **kwargs):
            started = time.thread_time()
            self.stack.append(stage)
            try:
                return fn(*args, **kwargs)
            finally:
                self.stack.pop()
                spent = time.thread_time() - started
                self.seconds[stage] = self.seconds.get(stage, 0.0) + spent
                if self.stack:
                    self.seconds[self.stack[-1]] = self.seconds.get(self.stack[-1], 0.0) - spent
        return timed


def _read_words_by_kind(clock: _Clock, read_words):
    """Tesseract calls told apart by who asks: the language pass, the re-read, or the page."""
    def read(image, px_per_pt, number, lang, psm=3):
        if "language pass" in clock.stack:
            stage = "language pass"
        elif psm == ocr_amounts.BLOCK_PSM:
            stage = "amounts re-read"
        else:
            stage = "tesseract page"
        return clock.wrap(stage, read_words)(image, px_per_pt, number, lang, psm)
    return read


def scan_stage_figures(scans: list[Path]) -> dict:
    """CPU ms per page of each stage of the slow parse over ``scans``, and the total."""
    clock = _Clock()
    patches = [(ocr_engine, "read_words", lambda f: _read_words_by_kind(clock, f)),
               (ocr, "read_language_pass", lambda f: clock.wrap("language pass", f)),
               (page_geometry, "find_page", lambda f: clock.wrap("page finding", f)),
               (page_cleanup, "clean", lambda f: clock.wrap("lighting cleanup", f)),
               (ocr, "has_ink", lambda f: clock.wrap("ink test", f)),
               (ocr, "read_page_rapidocr", lambda f: clock.wrap("second engine", f)),
               (ocr_amounts, "extract_invoice", lambda f: clock.wrap("re-read check", f)),
               (parse_work, "extract_invoice", lambda f: clock.wrap("extraction", f)),
               (parse_work, "_content_print", lambda f: clock.wrap("content print", f)),
               (parse_work, "read_document", lambda f: clock.wrap("render", f))]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, wrapper in patches:
        setattr(module, name, wrapper(getattr(module, name)))
    try:
        run = lambda data: parse_work.read_and_extract(readers, data, "application/pdf", 20, ParseLimits(), [])
        run(scans[0].read_bytes())  # warm-up: models loaded, patterns compiled
        clock.seconds.clear()
        pages, started = 0, time.thread_time()
        for path in scans:
            data = path.read_bytes()
            with open_pdfium(data) as pdf:
                pages += len(pdf)
            run(data)
        total = time.thread_time() - started
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)
    per_page = {k: round(v * 1000 / max(1, pages), 1) for k, v in sorted(clock.seconds.items(), key=lambda kv: -kv[1])}
    return {"documents": len(scans), "pages": pages, "cpu_ms_per_page": per_page,
            "total_cpu_ms_per_page": round(total * 1000 / max(1, pages), 1)}
