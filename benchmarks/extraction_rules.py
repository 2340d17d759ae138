"""CPU time of the extraction rules alone (``extract_invoice``) per digital invoice.

The text layer of every digital PDF of a labelled set is read once, outside the timing
(the reader has its own figures in ``extraction.py --text-layer``); then
``extract_invoice`` runs on each document against the set's vendor master
(``master/vendors.json``), ``--repeat`` times, and each run's thread CPU time is taken
(thread CPU, not wall time: the machine is shared). Before every run the text-keyed
parser caches of the extraction package (parsed amounts, IBANs, VAT ids, ...) are emptied,
so no document profits from having been seen before and the figure is what a new invoice
costs; caches of fixed data (the vendor master's index, the label patterns compiled per
first character, the spellings of numbers in words) stay, as they do in a long-lived
parse worker. Printed: the median over documents of each document's median run, the mean,
and the same for three parts timed on their own: the layout, labels and conventions
(``document_context``), the vendor resolution and the line items.

Without ``--set``, a digital set is generated (``fixtures/generate.py``, the throughput
benchmark's seed) into a temporary folder.

    .venv/bin/python benchmarks/extraction_rules.py [--set DIR] [--count 64] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import invoicepipe.domain.extraction as extraction  # noqa: E402
from invoicepipe.adapters.pdf import read_text_layer  # noqa: E402
from invoicepipe.domain.extraction import extract_invoice  # noqa: E402
from invoicepipe.domain.extraction.conventions import document_context  # noqa: E402
from invoicepipe.domain.extraction.items import read_line_items  # noqa: E402
from invoicepipe.domain.extraction.vendor import resolve_vendor  # noqa: E402
from invoicepipe.evaluation.corpus import load_corpus  # noqa: E402

# caches of fixed data, kept as a running worker keeps them (see the docstring)
FIXED_DATA_CACHES = {"vendor_index", "iban_length", "_label_scan", "_domestic_currency", "_number_words", "_spellings"}


def text_caches() -> list:
    """The lru caches of the extraction package keyed by document text."""
    found = []
    for info in pkgutil.iter_modules(extraction.__path__):
        module = importlib.import_module(f"{extraction.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if hasattr(obj, "cache_clear") and getattr(obj, "__module__", None) == module.__name__ and name not in FIXED_DATA_CACHES:
                found.append(obj)
    return found


def digital_documents(folder: Path) -> list[Path]:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [folder / r["file"] for r in rows if r.get("form", "digital") == "digital" and r["file"].endswith(".pdf")]


def thread_cpu_ms(fn, caches: list) -> float:
    for cache in caches:
        cache.cache_clear()
    started = time.thread_time()
    fn()
    return (time.thread_time() - started) * 1000


def measure(folder: Path, repeat: int) -> dict:
    vendors = load_corpus(folder).vendors or ()
    texts = [read_text_layer(p.read_bytes()) for p in digital_documents(folder)]
    caches = text_caches()
    for text in texts[:2]:  # first use compiles what a worker compiles once
        extract_invoice(text, vendors)
    parts = {
        "extract_invoice": lambda t: extract_invoice(t, vendors),
        "document_context": document_context,
        "resolve_vendor": lambda t: resolve_vendor(document_context(t)[0], vendors),
        "read_line_items": lambda t: read_line_items(t, document_context(t)[0], None),
    }
    runs: dict[str, list[list[float]]] = {name: [[] for _ in texts] for name in parts}
    for _ in range(repeat):
        for i, text in enumerate(texts):
            for name, fn in parts.items():
                runs[name][i].append(thread_cpu_ms(lambda: fn(text), caches))
    # the vendor and the line items are timed with the document context they need; it is taken off
    for name in ("resolve_vendor", "read_line_items"):
        runs[name] = [[max(0.0, a - b) for a, b in zip(own, ctx)] for own, ctx in zip(runs[name], runs["document_context"])]
    per_doc = {name: [statistics.median(r) for r in doc_runs] for name, doc_runs in runs.items()}
    return {"set": str(folder), "documents": len(texts), "repeat": repeat, "load_average": [round(x, 1) for x in os.getloadavg()],
            "cpu_ms_per_document": {name: {"median": round(statistics.median(v), 2), "mean": round(statistics.mean(v), 2)}
                                    for name, v in per_doc.items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", help="a labelled folder (manifest.csv, master/vendors.json); default: generate one")
    ap.add_argument("--count", type=int, default=64, help="documents to generate without --set")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="invoicepipe-rules-") as tmp:
        folder = Path(args.set) if args.set else Path(tmp) / "digital"
        if not args.set:
            subprocess.run([sys.executable, str(REPO / "fixtures" / "generate.py"), "--out", str(folder), "--count",
                            str(args.count), "--forms", "digital", "--seed", str(args.seed)], check=True, capture_output=True)
        report = measure(folder, args.repeat)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['documents']} digital documents of {report['set']}, {report['repeat']} runs each, "
          f"load average {report['load_average']}")
    for name, v in report["cpu_ms_per_document"].items():
        print(f"  {name:18} {v['median']:7.2f} ms thread CPU per document (median; mean {v['mean']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
