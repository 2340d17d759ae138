"""Fit the confidence calibration table from a labelled calibration set.

The recipe is one command, ``scripts/fit_calibration.sh`` (see it for the details)::

    scripts/fit_calibration.sh                      # fit and ship in place
    OUT=var/new-table.json scripts/fit_calibration.sh   # fit beside, to compare first:
    invoicepipe eval extraction SET --config var/new-table.json

It generates the calibration split into ``var/calibration`` once (seeds 701-705, which no
evaluation set uses, 2,020 documents of every region's development layouts: core, world,
the more and fresh regions' ``--part dev`` and till receipts' dev countries, each digital,
scanned and photographed), reads it into ``var/calibration/cache`` and fits every map
anew, so a refit after an extractor change reads nothing again and takes minutes. Holdout
layouts and the shared real corpora are never fitted on. The table records each folder's
generator arguments under ``fitted_on.recipes``.

History: before this recipe the shipped maps came from two small fits carried over
(``--carry-over``) version after version: the amounts' from kv-2.6 (seed 7 of the core and
world regions, ``--split 100,24,12``, and of the more region's dev layouts: 468 documents),
every other field's from kv-2.1 (seeds 7, 8 and 9 of core and world: 1,092 documents).
kv-2.7's refit of that split had too few low-score samples: steps below raw 0.4 (text) and
0.7 (OCR) were missing, so right numbers read under a weak label went to 0. ``--carry-over``
and ``--refit`` are kept for a version that changes how only some fields are scored.
kv-2.7 to kv-2.11 shipped kv-2.6's maps carried over (each changed values only where the
old split prints nothing like it). kv-2.12 ships the first fit of this recipe's split
(``cal-kv-2.12-split7xx``: 2,020 documents read by readers-1.12), compared with the
carried-over maps on every evaluation set first: 0 wrong values auto-approved with either,
the high-confidence values right as often, straight-through a few points lower on core,
world and fresh dev (the README Benchmarks row has the figures). kv-2.13 ships
``cal-kv-2.13-split7xx``, the same split read again by readers-1.13 (the scanned invoice and
PO numbers' second reading), with the ``field|read`` maps of the OCR identifiers and dates
(``calibration.fit_read_maps``): against kv-2.12's maps on the same kv-2.13 code, 0 wrong
auto-approved with either and straight-through the same or higher on every set. kv-2.14
(wrapped and stacked labels, summary rows, carry-forward pages) ships its refit from the
same cache, ``cal-kv-2.14-split7xx``; kv-2.15 (series codes and broken numbers on scans,
correcting documents, GSTIN repair, the amount due, datelines, wrapped IBANs, buyer
references) ships ``cal-kv-2.15-split7xx``, refitted from the same cache. kv-2.16 (misread
ordinals and "TTC", due dates, unmatched label POs, the harbor region's layouts, regrouped
amounts) first carried those maps over unrefitted, stamped with its version; with
readers-1.21 (print no sure word covers read by RapidOCR, ``adapters/ocr_unread``) it ships
``cal-kv-2.16-split7xx``, fitted on a split that takes the novel, atlas and harbor regions'
development layouts too (seeds 706-708, 2,410 documents), read by readers-1.21: against the
carried-over maps, 0 wrong values auto-approved with either on every evaluation set and
straight-through the same or higher.

Use a set generated with another seed than the evaluation sets, so the figures the
evaluation prints are measured on documents the table never saw. Every field the
extractor returned becomes one sample (raw score, right or wrong) under ``field|source``
(source: text layer or OCR) and under ``field``; amounts under ``field|source|class`` and
``field|class`` (their evidence class, see ``domain/calibration.py``) instead; an OCR
identifier or date with its reading factor (``read:``) also gives a (score without the
factor, factor, right) sample, from which ``fit_read_maps`` fits ``field|read``. The generated ground truth lists every
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
    EXACT_METHODS, UNMEASURED_METHODS, evidence_class, evidence_source, fit_read_maps, fit_table, read_factor,
    table_from_dict, table_to_dict)
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


def collect_samples(folders: list[Path], partial_truth: bool, cache, workers: int
                    ) -> tuple[dict[str, list[tuple[float, bool]]], dict[str, list[tuple[float, float, bool]]]]:
    """(raw score, right) per ``field|source`` and per ``field`` over every document; and per
    field, its OCR values' (score without the reading factor, reading factor, right), for the
    ``field|read`` maps (``calibration.fit_read_maps``)."""
    config = configuration("no-calibration")
    samples: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    readings: dict[str, list[tuple[float, float, bool]]] = defaultdict(list)
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
                read = read_factor(f.evidence)
                if source == "ocr" and read:
                    readings[name].append((min(1.0, f.confidence / read), read, ok))
    return samples, readings


AMOUNTS = ("net", "tax", "total")


def _recipes(folders: list[Path]) -> dict[str, str]:
    """The generator arguments of each folder that ``scripts/fit_calibration.sh`` generated."""
    return {f.name: (f / ".recipe").read_text(encoding="utf-8").strip() for f in folders if (f / ".recipe").is_file()}


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
    samples, reads = collect_samples(args.folders, args.partial_truth, args.cache, args.workers)
    version = args.version or f"cal-{EXTRACTOR_VERSION}-{date.today().isoformat()}"
    table = fit_read_maps(fit_table(samples, version, EXTRACTOR_VERSION, args.min_samples), reads, args.min_samples)
    data = table_to_dict(table)
    data["fitted_on"] = {"folders": [f.name for f in args.folders], "recipes": _recipes(args.folders),
                         "samples": {**{k: len(v) for k, v in sorted(samples.items())},
                                     **{f"{k}|read": m.samples for k in reads
                                        if (m := table.maps.get(f"{k}|read")) is not None}}}
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
