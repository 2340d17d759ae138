"""The parse of digital invoices, read + extract, on the digital PDFs of labelled sets:
its thread CPU per document, or its full output for comparing two code versions.

Every ``form=digital`` PDF of each set's ``manifest.csv`` is read (``readers.read_text_layer``)
and extracted (``extract_invoice`` with the set's vendor master and the shipped calibration),
in this process, with the code on ``PYTHONPATH``: run it from two checkouts to compare them.

- ``dump --out FILE``: one line per document: its name, a SHA-256 of the text layer's ``repr``, and
  the ``repr`` of the whole ``Extraction`` (every field's value, confidence, method, page,
  box and evidence, every line item, the warnings). Two dumps are equal byte for byte when
  both versions read and extract every document alike (``cmp``).
- ``time``: thread CPU of the reading and of the extraction per document, each document's
  median over ``--repeat`` passes, the extraction package's text-keyed caches emptied before
  each document (as ``extraction_rules.py`` does: a new invoice's cost); prints one JSON line.
- ``work --stage none|read|extract``: a fixed workload for ``valgrind --tool=callgrind``,
  whose instruction counts do not move with the machine's load: two warm-up documents read
  and extracted, then (``read``) 40 more read, or (``extract``) read and extracted, the
  text caches emptied before each; the documents are evenly spaced over the sets. The
  instructions of the reading per document are (read - none) / 40, of the extraction
  (extract - read) / 40.

    PYTHONPATH=src .venv/bin/python benchmarks/digital_parse.py dump --out /tmp/new.tsv --root DIR SET...
    PYTHONPATH=src .venv/bin/python benchmarks/digital_parse.py time --repeat 3 --root DIR SET...
    PYTHONPATH=src valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.read .venv/bin/python \
        benchmarks/digital_parse.py work --stage read --root DIR SET...
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib
import json
import os
import pkgutil
import statistics
import time
from pathlib import Path

import invoicepipe.domain.extraction as extraction
from invoicepipe.adapters import readers
from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.evaluation.corpus import load_corpus

# caches of fixed data, kept as a running worker keeps them (``extraction_rules.py``)
FIXED_DATA_CACHES = {"vendor_index", "iban_length", "_label_scan", "_domestic_currency", "_number_words", "_spellings"}


def documents(root: Path, sets: list[str]) -> list[tuple[str, bytes, tuple]]:
    out = []
    for name in sets:
        folder = root / name
        vendors = load_corpus(folder).vendors or ()
        with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("form") == "digital" and row["file"].endswith(".pdf"):
                    out.append((f"{name}/{Path(row['file']).name}", (folder / row["file"]).read_bytes(), vendors))
    return out


def text_caches() -> list:
    found = []
    for info in pkgutil.iter_modules(extraction.__path__):
        module = importlib.import_module(f"{extraction.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if hasattr(obj, "cache_clear") and getattr(obj, "__module__", None) == module.__name__ \
                    and name not in FIXED_DATA_CACHES:
                found.append(obj)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("dump", "time", "work"))
    ap.add_argument("--out", help="dump: the file to write")
    ap.add_argument("sets", nargs="+", help="set folders under --root")
    ap.add_argument("--root", default=".", help="the folder holding the sets")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stage", choices=("none", "read", "extract"), default="extract", help="work: what the 40 documents go through")
    args = ap.parse_args()
    docs = documents(Path(args.root), args.sets)
    calibration = load_calibration()
    if args.mode == "dump":
        if not args.out:
            ap.error("dump needs --out FILE")
        with open(args.out, "w", encoding="utf-8") as out:
            for name, data, vendors in docs:
                text = readers.read_text_layer(data)
                result = extract_invoice(text, vendors, calibration)
                out.write(f"{name}\t{hashlib.sha256(repr(text).encode()).hexdigest()}\t{result!r}\n")
        return 0
    caches = text_caches()
    if args.mode == "work":
        return work(docs, calibration, caches, args.stage)
    for _, data, vendors in docs[:3]:  # first use compiles what a worker compiles once
        extract_invoice(readers.read_text_layer(data), vendors, calibration)
    read_ms: list[list[float]] = [[] for _ in docs]
    extract_ms: list[list[float]] = [[] for _ in docs]
    for _ in range(args.repeat):
        for i, (_, data, vendors) in enumerate(docs):
            for cache in caches:
                cache.cache_clear()
            started = time.thread_time()
            text = readers.read_text_layer(data)
            read = time.thread_time()
            extract_invoice(text, vendors, calibration)
            done = time.thread_time()
            read_ms[i].append((read - started) * 1000)
            extract_ms[i].append((done - read) * 1000)
    reads = [statistics.median(r) for r in read_ms]
    extracts = [statistics.median(e) for e in extract_ms]
    print(json.dumps({"documents": len(docs), "load_average": round(os.getloadavg()[0], 1),
                      "read_mean": round(statistics.mean(reads), 2), "read_median": round(statistics.median(reads), 2),
                      "extract_mean": round(statistics.mean(extracts), 2),
                      "extract_median": round(statistics.median(extracts), 2),
                      "parse_mean": round(statistics.mean(r + e for r, e in zip(reads, extracts)), 2)}))
    return 0


def work(docs: list, calibration, caches: list, stage: str, count: int = 40, warm_up: int = 2) -> int:
    """``work``'s documents: every k-th, warm-up first, then the 40 measured."""
    picked = docs[::max(1, len(docs) // (warm_up + count))][:warm_up + count]
    for _, data, vendors in picked[:warm_up]:
        extract_invoice(readers.read_text_layer(data), vendors, calibration)
    if stage == "none":
        return 0
    for _, data, vendors in picked[warm_up:]:
        for cache in caches:
            cache.cache_clear()
        text = readers.read_text_layer(data)
        if stage == "extract":
            extract_invoice(text, vendors, calibration)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
