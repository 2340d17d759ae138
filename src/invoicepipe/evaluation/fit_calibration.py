"""Fit the confidence calibration table from a labelled calibration set.

    # the calibration split (seed 7, both regions; evaluation sets use other seeds and the
    # shared real corpora, which are never fitted on)
    python fixtures/generate.py --out var/cal_core --split 100,24,12 --seed 7 --region core
    python fixtures/generate.py --out var/cal_world --split 100,24,12 --seed 7 --region world
    git show HEAD~1:src/invoicepipe/domain/calibration_table.json > var/cal-kv-2.3.json  # the previous table
    python -m invoicepipe.evaluation.fit_calibration var/cal_core var/cal_world \\
        --carry-over var/cal-kv-2.3.json --workers 2 --out src/invoicepipe/domain/calibration_table.json

(kv-2.2 changed only how net, tax and total are scored, so the maps of the other fields were
carried over from the kv-2.1 table, fitted on 1,092 documents of seeds 7, 8 and 9; kv-2.3
changed how amounts are chosen (tax per rate, rounding rows, remainders) and is fitted and
carried over the same way from the kv-2.2 table; kv-2.4 (currency and number labels, the
currency of an invoice that prints none at a low score, bracketed amounts with their
currency, and the text layer read from PDFium) is refitted the same way from the kv-2.3
table, its amount maps came out unchanged; kv-2.5 (an OCR document whose total nothing
agrees with has its amounts' region read again, ``adapters/ocr_amounts``) is refitted the
same way from the kv-2.4 table: three OCR totals of the split moved from ``alone`` to
``two``; kv-2.6 (on a mixed-rate invoice, per-rate rows or rated item lines that add up
count as the rate check, ``extraction/rate_split``) is fitted on the same two folders plus
``cal_more`` (196 documents of the "more" region's layouts, 160 digital:
``python fixtures/generate.py --out cal_more --split 160,24,0,12 --seed 7 --region more --part dev``)
and carried over from the kv-2.5 table:
42 totals of the three folders moved from ``one`` to ``two``, all of them right; kv-2.7
(number labels ending in "n.º", one-letter number series, a bare "Invoice" heading a
header-row column, a value past an unexplained word, IBANs repaired by their country's
format and read when on file) was refitted on the same three folders with
``--carry-over cal-kv-2.6.json --refit invoice_number,po_number,iban``; the 466 invoice
numbers, 340 PO numbers and 359 IBANs gave maps that agree with kv-2.6's where both have
samples, but too few low-score samples for steps below raw 0.4 (text) and 0.7 (OCR), so
right numbers read under a weak label went to 0; and the amounts' OCR class maps crossed
100 samples and replaced the pooled ones (total 0.993 -> 0.969 on more-region scans) with
no change to how amounts are scored. So kv-2.7 ships kv-2.6's maps, all carried over
(``carried_over`` in the table says so), until a larger split is fitted. kv-2.8 (a large
title alone on its line, a boxed label's own column, a bare number box under the title, "note
de crédit", a value OCR read twice over itself) reads the same values on the core, world and
more sets and on the shared corpora, and changes values only on HTML-printed layouts, which
the calibration split does not have: it ships the same maps, carried over from kv-2.7.
kv-2.9 (a series code before a number that opens with letters, "FT A2026/49", is kept; a
short capital code one space before the chosen invoice number holds it under the routing
threshold) changes only numbers printed after such a code, which the split does not print:
the same maps again, carried over from kv-2.8. kv-2.10 (a line crediting another invoice
makes a credit note, a tax id wrapped after its hyphen is joined when the whole is valid, a
label whose OCR box spans two rows reads its value beside it, French due-date labels) changes
values only where those are printed: the maps of kv-2.9, carried over. kv-2.11 (a series code
with a digit read with its number, "B2 004512", and any number with a number-like word one
space after it held; the customer's tax-id labels; Czech and Slovak labels and spaced dates;
an OCR due-date label one letter off, a due date from the printed terms where its value went
unread, held; a label wrapped in its box) changes values only where those are printed: the
maps of kv-2.10, carried over.)

Use a set generated with another seed than the evaluation sets, so the figures the
evaluation prints are measured on documents the table never saw. Every field the
extractor returned becomes one sample (raw score, right or wrong) under ``field|source``
(source: text layer or OCR) and under ``field``; amounts under ``field|source|class`` and
``field|class`` (their evidence class, see ``domain/calibration.py``) instead. The generated ground truth lists every
printed value, so a value extracted for a field the truth lacks counts as wrong (a PO
number read on an invoice without one); for other corpora use ``--partial-truth``,
which only scores fields the truth has.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from ..domain.calibration import (
    EXACT_METHODS, UNMEASURED_METHODS, evidence_class, evidence_source, fit_table, table_from_dict, table_to_dict)
from ..domain.extraction import EXTRACTOR_VERSION, extract_invoice
from .configurations import configuration
from .corpus import load_corpus
from .extraction_run import read_all
from .field_compare import is_correct, names_agree


def _right(name: str, value: str, truth: dict, extraction, has_master: bool) -> bool:
    credit_note = truth.get("document_type") == "credit_note"
    if name == "vendor" and has_master and extraction.fields[name].method == "vendor_master":
        return is_correct("vendor_id", extraction.value("vendor_id"), truth.get("vendor_id", ""))
    if name == "vendor":
        return names_agree(value, truth.get("vendor", ""))
    if name not in truth:
        return False
    return is_correct(name, value, truth[name], credit_note)


def collect_samples(folders: list[Path], partial_truth: bool, cache, workers: int) -> dict[str, list[tuple[float, bool]]]:
    """(raw score, right) per ``field|source`` and per ``field`` over every document."""
    config = configuration("no-calibration")
    samples: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for folder in folders:
        corpus = load_corpus(folder)
        reads = read_all(list(corpus.documents), False, config.ocr, config.policy.triage.min_text_chars_per_page, workers, cache)
        for doc in corpus.documents:
            read = reads[doc.name]
            if read.text is None:
                continue
            extraction = extract_invoice(read.text, corpus.vendors or ())
            source = evidence_source(p.method for p in read.text.pages)
            for name, f in extraction.fields.items():
                if f.method in EXACT_METHODS | UNMEASURED_METHODS or (partial_truth and name not in doc.truth and name != "vendor"):
                    continue
                ok = _right(name, f.value, doc.truth, extraction, corpus.vendors is not None)
                cls = evidence_class(f.evidence)
                if cls is not None:  # amounts: fitted per evidence class (domain/calibration.py)
                    samples[f"{name}|{source}|{cls}"].append((f.confidence, ok))
                    samples[f"{name}|{cls}"].append((f.confidence, ok))
                    continue
                samples[f"{name}|{source}"].append((f.confidence, ok))
                samples[name].append((f.confidence, ok))
    return samples


AMOUNTS = ("net", "tax", "total")


def carry_over(data: dict, earlier: dict, refit: frozenset = frozenset()) -> dict:
    """``data`` with the maps of every field but the amounts (and ``refit``) taken from ``earlier``."""
    fitted = set(AMOUNTS) | set(refit)
    kept = {k: m for k, m in earlier["maps"].items() if k.split("|", 1)[0] not in fitted}
    maps = {k: m for k, m in data["maps"].items() if k.split("|", 1)[0] in fitted}
    return {**data, "maps": dict(sorted({**maps, **kept}.items())),
            "carried_over": {"from": earlier["version"], "fitted_on": earlier.get("fitted_on", {}).get("folders"), "maps": sorted(kept)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicepipe.evaluation.fit_calibration", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "domain" / "calibration_table.json")
    parser.add_argument("--version", default=None, help="table version (default: cal-<extractor version>-<today>)")
    parser.add_argument("--partial-truth", action="store_true")
    parser.add_argument("--min-samples", type=int, default=30)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--carry-over", type=Path, default=None,
                        help="a table of an earlier extractor version whose maps of fields other than the amounts are kept "
                             "(for a version that changed only how amounts are scored, and a larger set the maps came from)")
    parser.add_argument("--refit", default="", help="comma-separated fields whose scoring changed: fitted anew, "
                                                      "not carried over (the amounts always are)")
    args = parser.parse_args(argv)
    samples = collect_samples(args.folders, args.partial_truth, args.cache, args.workers)
    version = args.version or f"cal-{EXTRACTOR_VERSION}-{date.today().isoformat()}"
    table = fit_table(samples, version, EXTRACTOR_VERSION, args.min_samples)
    data = table_to_dict(table)
    data["fitted_on"] = {"folders": [f.name for f in args.folders], "samples": {k: len(v) for k, v in sorted(samples.items())}}
    if args.carry_over:
        refit = frozenset(f for f in args.refit.split(",") if f)
        data = carry_over(data, json.loads(args.carry_over.read_text(encoding="utf-8")), refit)
        table = table_from_dict(data)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(table.maps)} maps, version {version}")
    for key, m in sorted(table.maps.items()):
        print(f"  {key:<28} n={m.samples:<5} " + "  ".join(f"{low:.3f}->{v:.3f}" for low, v in m.steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
