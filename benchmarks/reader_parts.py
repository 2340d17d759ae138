"""Where a digital invoice's text-layer reading goes: thread CPU per part of
``read_text_layer_and_images`` and of the content print, per document.

    .venv/bin/python benchmarks/reader_parts.py [--set DIR] [--count 40] [--rounds 5] [--json]

The reader's steps are run one by one, as ``adapters/pdf.read_text_layer_and_images`` and
``services/parse_work`` run them, each timed with ``time.thread_time``: opening the PDF,
the e-invoice attachment, loading each page, its objects (listed once for the spaces drawn
alone and the drawn edges), PDFium's text page, the glyph facts
(``pdf_glyphs.read_glyphs``: one call into PDFium per character and fact), the box
arithmetic, the spaces PDFium left out and the overprinted ones, the drawn edges (those
the table finder looks at, as ``pdf_words.page_drawing`` reads them), the
content print's thumbnail (first two pages, rendered while the page is loaded), closing,
then (pure Python) the words, the ruled tables, the ``Word`` objects and the content print.
Extraction is not here (``extraction_rules.py``), nor the parse step's database work
(``throughput.py``'s stage pass, ``extraction_fast_pool.py``).

Without ``--set`` the documents are generated (``fixtures/generate.py --forms digital``).
Five documents warm up first; each round reads every document once, and the median round
per part is printed (ms per document). The machine is shared: compare trees by running
this from each in turn, alternating; no assertions (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def generate(out: Path, count: int, seed: int) -> list[Path]:
    subprocess.run([sys.executable, str(REPO / "fixtures" / "generate.py"), "--out", str(out), "--count", str(count + 5),
                    "--forms", "digital", "--seed", str(seed)], check=True, capture_output=True)
    return [out / r["file"] for r in csv.DictReader(open(out / "manifest.csv", encoding="utf-8"))]


def read_parts(data: bytes, spent: dict[str, float]) -> None:
    """One document read as the parse child reads it, each part's thread CPU added to ``spent``."""
    import pypdfium2 as pdfium

    from invoicepipe.adapters import char_words, pdf, pdf_glyphs, pdf_rules, pdf_words, pdfium_calls
    from invoicepipe.adapters.content_prints import pdf_thumbnail
    from invoicepipe.domain.fingerprints import MAX_PAGES, content_print
    from invoicepipe.domain.models import Box, Word

    def timed(part, fn, *args):
        started = time.thread_time()
        try:
            return fn(*args)
        finally:
            spent[part] = spent.get(part, 0.0) + time.thread_time() - started

    with pdf.PDFIUM_LOCK:
        doc = timed("open document", pdfium.PdfDocument, data)
        timed("e-invoice attachment", pdf._einvoice_attachment, doc)  # noqa: SLF001 - the reader's own step
        drawings, images = [], []
        for index in range(len(doc)):
            page = timed("load page", doc.__getitem__, index)
            view, width, height, mb_x0, mb_top = timed("view transform", pdf_words._view_transform, page)  # noqa: SLF001
            objects = timed("page objects", pdfium_calls.page_objects, page)
            textpage = timed("text page (PDFium)", page.get_textpage)
            texts, glyphs, made_up = timed("glyph facts (read_glyphs)", pdf_glyphs.read_glyphs, textpage)
            columns = timed("box arithmetic (page_boxes)", pdf_glyphs.page_boxes, glyphs, view, height, mb_x0, mb_top)
            chars = timed("characters as tuples", lambda: list(zip(texts, *columns)))
            if made_up:
                chars.extend(timed("spaces drawn alone", pdf_words._spaces_drawn_alone, objects, chars, view, height,  # noqa: SLF001
                                   mb_x0, mb_top, columns))
            chars = timed("overprinted spaces", pdf_words._without_overprinted_spaces, chars)  # noqa: SLF001
            timed("close", textpage.close)
            edges = timed("drawn edges", pdf_rules.page_edges, page, view, height, mb_x0, mb_top, objects,
                          pdf_rules.TABLE_EDGE_MIN_LENGTH) if chars else []
            drawings.append(pdf_words.PageDrawing(width, height, chars, edges))
            if index < MAX_PAGES:
                images.append(timed("thumbnail render", pdf_thumbnail, page))
            timed("close", page.close)
        timed("close", doc.close)
    words = []
    for number, drawing in enumerate(drawings, start=1):
        found = timed("words (char_words)", char_words.words, drawing.chars) if drawing.chars else []
        if found:
            timed("ruled tables", pdf_rules.find_tables, drawing.edges, drawing.chars, drawing.width, drawing.height)
        words += timed("Word objects", lambda: [Word(t, Box(x0, top, x1, bottom), number) for t, x0, top, x1, bottom in found])
    timed("content print (hashing)", content_print, words, images)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", help="a folder of digital invoices (manifest.csv or *.pdf under pdf/); default: generated")
    parser.add_argument("--count", type=int, default=40, help="documents to generate (without --set)")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="invoicepipe-reader-parts-") as tmp:
        if args.set:
            files = sorted(Path(args.set).glob("**/*.pdf"))
        else:
            files = generate(Path(tmp) / "set", args.count, args.seed)
        datas = [f.read_bytes() for f in files]
    for data in datas[:5]:
        read_parts(data, {})
    datas = datas[5:] or datas
    rounds: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        spent: dict[str, float] = {}
        for data in datas:
            read_parts(data, spent)
        for part, seconds in spent.items():
            rounds.setdefault(part, []).append(seconds * 1000 / len(datas))
        rounds.setdefault("total", []).append(sum(spent.values()) * 1000 / len(datas))
    medians = {part: round(statistics.median(v), 2) for part, v in rounds.items()}
    report = {"documents": len(datas), "rounds": args.rounds, "load_average": round(os.getloadavg()[0], 1),
              "cpu_ms_per_document": medians}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"text-layer reading by part, {len(datas)} digital invoices, median of {args.rounds} rounds, "
          f"load {report['load_average']}: thread CPU ms per document")
    for part, ms in sorted(medians.items(), key=lambda kv: (kv[0] == "total", -kv[1])):
        print(f"  {ms:7.2f}  {part}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
