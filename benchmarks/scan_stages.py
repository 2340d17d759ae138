"""Where a scanned page's parse CPU goes, stage by stage (``extraction.py --scan-stages``).

Runs the slow pool's parse (``parse_work.read_and_extract``: read with OCR, extract, content
print) on every scan PDF of a set, in this process and thread (Tesseract runs in-process, so
thread CPU counts it), with a thread-CPU clock around each stage; a stage nested in another
is taken out of its caller's time. Figures are per page over the set, after one warm-up
document (models loaded, regular expressions compiled).

Stages: ``tesseract page`` (the full reads), ``language pass`` (the quick English bands),
``amounts re-read`` (Tesseract on the amounts' region), ``garbled re-read`` (the garbled spots
found and read again, ``ocr_garbled``), ``narrow re-read`` (a till roll read as rows,
``ocr_narrow``), ``render`` (PDFium at 200 dpi), ``page finding``,
``skew``, ``keystone`` (measured on a page without an outline), ``lighting cleanup``, ``rule
eraser`` (``table_grid.erase_rules``), ``preparation (rest)`` (the rest of ``ocr.prepare``),
``ink test``, ``second engine``, ``unread search`` and ``unread read`` (print no sure word
covers, found and read by RapidOCR, ``ocr_unread``), ``text layer + thumbnails`` (the PDF's
empty text layer and the content print's thumbnails), ``extraction`` (the main one), ``re-read check`` (the
extraction without master data that decides on the amounts' re-read and names the identifiers to
read again: once per document unless the amounts were read again), ``content print``, ``model load`` (a language list's
Tesseract models loaded the first time a process reads with it); ``other`` is the total's remainder.
``process_cpu_ms_per_page`` is the whole process's CPU over the same runs: what it has beyond the
thread's total is helper threads' work (an inference or image library's own pool spinning on
the other core), which no stage's thread clock sees.
"""

from __future__ import annotations

import time
from pathlib import Path

from invoicepipe.adapters import (ocr, ocr_amounts, ocr_confirm, ocr_dates, ocr_engine, ocr_garbled, ocr_iban, ocr_items,
                                  ocr_narrow, ocr_unread, page_cleanup, page_geometry, page_keystone, page_skew, readers,
                                  table_grid)
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


# the callers whose Tesseract reads count as their own stage (not "tesseract page")
_READERS = ("language pass", "amounts re-read", "items re-read", "dates re-read", "identifiers confirmed", "IBANs re-read",
            "garbled re-read", "narrow re-read")


def _read_words_by_kind(clock: _Clock, read_words):
    """Tesseract calls told apart by who asks: the language pass, a re-read, or the page."""
    def read(image, px_per_pt, number, lang, psm=3):
        stage = next((s for s in reversed(clock.stack) if s in _READERS), "tesseract page")
        return clock.wrap(stage, read_words)(image, px_per_pt, number, lang, psm)
    return read


def scan_stage_figures(scans: list[Path]) -> dict:
    """CPU ms per page of each stage of the slow parse over ``scans``, and the total."""
    clock = _Clock()
    patches = [(ocr_engine, "read_words", lambda f: _read_words_by_kind(clock, f)),
               (ocr_engine, "_api", lambda f: clock.wrap("model load", f)),
               (ocr, "read_language_pass", lambda f: clock.wrap("language pass", f)),
               (ocr_amounts, "reread_amounts", lambda f: clock.wrap("amounts re-read", f)),
               (ocr_items, "reread_items", lambda f: clock.wrap("items re-read", f)),
               (ocr_dates, "reread_dates", lambda f: clock.wrap("dates re-read", f)),
               (ocr_confirm, "confirm_identifiers", lambda f: clock.wrap("identifiers confirmed", f)),
               (ocr_iban, "reread_ibans", lambda f: clock.wrap("IBANs re-read", f)),
               (ocr_garbled, "reread_garbled", lambda f: clock.wrap("garbled re-read", f)),
               (ocr_narrow, "reread_narrow", lambda f: clock.wrap("narrow re-read", f)),
               (page_geometry, "find_page", lambda f: clock.wrap("page finding", f)),
               (page_skew, "measure", lambda f: clock.wrap("skew", f)),
               (page_keystone, "measure", lambda f: clock.wrap("keystone", f)),
               (table_grid, "erase_rules", lambda f: clock.wrap("rule eraser", f)),
               (page_cleanup, "clean", lambda f: clock.wrap("lighting cleanup", f)),
               (ocr, "has_ink", lambda f: clock.wrap("ink test", f)),
               (ocr, "read_page_rapidocr", lambda f: clock.wrap("second engine", f)),
               (ocr_unread, "unread_regions", lambda f: clock.wrap("unread search", f)),
               (ocr, "read_block_rapidocr", lambda f: clock.wrap("unread read", f)),
               (ocr, "extract_invoice", lambda f: clock.wrap("re-read check", f)),
               (parse_work, "extract_invoice", lambda f: clock.wrap("extraction", f)),
               (parse_work, "_content_print", lambda f: clock.wrap("content print", f)),
               (ocr, "render_page", lambda f: clock.wrap("render", f)),
               (ocr, "prepare", lambda f: clock.wrap("preparation (rest)", f)),
               (readers, "read_text_layer_and_images", lambda f: clock.wrap("text layer + thumbnails", f))]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, wrapper in patches:
        setattr(module, name, wrapper(getattr(module, name)))
    try:
        run = lambda data: parse_work.read_and_extract(readers, data, "application/pdf", 20, ParseLimits(), [])
        run(scans[0].read_bytes())  # warm-up: models loaded, patterns compiled
        clock.seconds.clear()
        pages, started, process_started = 0, time.thread_time(), time.process_time()
        for path in scans:
            data = path.read_bytes()
            with open_pdfium(data) as pdf:
                pages += len(pdf)
            run(data)
        total, process_total = time.thread_time() - started, time.process_time() - process_started
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)
    clock.seconds["other"] = total - sum(clock.seconds.values())
    per_page = {k: round(v * 1000 / max(1, pages), 1) for k, v in sorted(clock.seconds.items(), key=lambda kv: -kv[1])}
    return {"documents": len(scans), "pages": pages, "cpu_ms_per_page": per_page,
            "total_cpu_ms_per_page": round(total * 1000 / max(1, pages), 1),
            "process_cpu_ms_per_page": round(process_total * 1000 / max(1, pages), 1)}
