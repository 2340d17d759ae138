"""Reading stand-alone e-invoice XML vs. reading e-invoice PDFs, and refusing hostile XML.

Side by side in one run, each document read ``--repeat`` times (median of the repeats per
document, then the median over documents):

- **xml**: every ``.xml`` of an XML corpus (default ``../shared/corpus/xrechnung-dev``)
  through what the parse step does: sniff the content, ``read_einvoice_file`` (safe parse),
  ``extract_invoice`` (EN 16931 model, rules, vendor resolution);
- **pdf**: every PDF of a Factur-X/ZUGFeRD corpus (default ``../shared/corpus/zugferd-dev``)
  through ``read_text_layer`` (PDFium words and the embedded XML) and ``extract_invoice``;
- **refusal**: an entity-expansion bomb (billion laughs, 10 levels) and an XXE document
  refused by ``read_einvoice_file``, to show the refusal costs nothing like the expansion.

Usage: ``.venv/bin/python benchmarks/einvoice_xml.py [--xml DIR] [--pdf DIR] [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from invoicepipe.adapters.einvoice_file import read_einvoice_file
from invoicepipe.adapters.pdf import read_text_layer
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.sniff import SNIFF_BYTES, sniff_media_type
from invoicepipe.errors import UnreadableDocument

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


def _median_ms(work, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work(data)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def read_xml(data: bytes) -> None:
    sniff_media_type(data[:SNIFF_BYTES])
    extract_invoice(read_einvoice_file(data), [])


def read_pdf(data: bytes) -> None:
    extract_invoice(read_text_layer(data), [])


def refuse(data: bytes) -> None:
    try:
        read_einvoice_file(data)
    except UnreadableDocument:
        return
    raise AssertionError("hostile XML was not refused")


def bombs() -> dict[str, bytes]:
    levels = "".join(f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY l0 "lol">{levels}]>'
              '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&l9;</ID></Invoice>').encode()
    xxe = (b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
           b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&s;</ID></Invoice>')
    return {"billion laughs (10^9 'lol')": laughs, "XXE (file:///etc/passwd)": xxe}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xml", type=Path, default=CORPUS / "xrechnung-dev" / "xml")
    parser.add_argument("--pdf", type=Path, default=CORPUS / "zugferd-dev" / "pdf")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; median of {args.repeat} repeats per document")
    xml = [_median_ms(read_xml, p.read_bytes(), args.repeat) for p in sorted(args.xml.glob("*.xml"))]
    pdf = [_median_ms(read_pdf, p.read_bytes(), args.repeat) for p in sorted(args.pdf.glob("*.pdf"))]
    x, p = statistics.median(xml), statistics.median(pdf)
    print(f"stand-alone XML  {len(xml):3d} documents  median {x:8.2f} ms per document (read + extract)")
    print(f"e-invoice PDF    {len(pdf):3d} documents  median {p:8.2f} ms per document (text layer + embedded XML + extract)")
    print(f"ratio PDF / XML: {p / x:.1f}x")
    for name, data in bombs().items():
        print(f"refused: {name:30s} {len(data):5d} bytes  median {_median_ms(refuse, data, args.repeat):.3f} ms")


if __name__ == "__main__":
    main()
