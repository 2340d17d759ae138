#!/usr/bin/env python3
"""How well content prints separate copies of one invoice from other invoices.

    .venv/bin/python benchmarks/content_prints.py --count 40 --work /tmp/content-prints

Figures (40 invoices, seed 20260314, 348 documents, 1,169 pairs; min / p50 / max per group;
"band" = pairs sharing an index band key, i.e. found by ``content_candidates``):

    group                                 pairs  text            numbers         amounts         image           dates disjoint  band  classify
    copy: scan of the digital                38  0.73/0.89/1.00  0.75/0.96/1.00  0.66/1.00/1.00  0.70/0.84/0.97   0             38   copy 38
    copy: image (png/jpg/tif) of it          38  0.52/0.89/1.00  0.64/0.95/1.00  0.76/1.00/1.00  0.66/0.81/1.00   0             38   copy 38
    copy: scan vs image                      38  0.53/0.89/1.00  0.61/0.92/1.00  0.64/1.00/1.00  0.88/0.94/1.00   0             38   copy 38
    copy: bytes appended / re-saved       38+38  1.00            1.00            1.00            1.00             0             76   copy 76
    copy: COPY-stamped re-send (3 forms)      6  0.73/0.92/0.95  0.79/0.97/1.00  0.83/1.00/1.00  0.75/0.88/0.94   0              6   copy 6
    copy: renumbered                         38  0.94/0.98/1.00  0.91/1.00/1.00  1.00            0.97/1.00/1.00   0             38   copy 38
    copy: renumbered, scanned                38  0.72/0.89/0.98  0.76/0.94/1.00  0.43/1.00/1.00  0.70/0.81/0.95   0             38   copy 38
    recurring (next month, same lines)       38  0.88/0.95/1.00  0.76/0.91/1.00  1.00            0.97/1.00/1.00  38             38   recurring 38
    recurring, scanned / vs original scan 38+38  0.56/0.86/0.98  0.66/0.89/1.00  0.62/1.00/1.00  0.70/0.84/0.97  76             76   recurring 76
    other invoice, same vendor               30  0.19/0.50/0.77  0.08/0.33/0.57  0.00/0.02/0.37  0.72/0.84/0.97  30             18   not copy 30
    other invoice, same vendor, vs scan      30  0.19/0.42/0.73  0.08/0.31/0.55  0.00/0.02/0.36  0.56/0.72/0.94  30             13   not copy 30
    other vendor, same layout (+ vs scan) 20+20  0.12/0.27/0.41  0.03/0.09/0.11  0.00/0.00/0.01  0.66/0.84/1.00  38             12   not copy 40
    other vendor, other layout              653  0.00/0.05/0.50  0.00/0.04/0.28  0.00/0.00/0.26  0.47/0.66/0.94 641             37   not copy 653

    print cost per page (thumbnail render of the first 2 pages + print; the read excluded,
    load average about 4 on 2 cores): digital p50 11.7 ms, p95 35.6 ms; OCR'd p50 29.3 ms.

Recommendation (``fingerprints.classify``):

- Same content = wording alike (``text >= 0.45``) AND the same amounts (``amounts >= 0.5``,
  Jaccard of the numbers printed with decimals) OR, for a document printing few amounts,
  most numbers in common (``numbers >= 0.6``). Worst copy: amounts 0.43 but numbers 0.76
  (an OCR misread on a renumbered scan); best non-copy: amounts 0.37, numbers 0.57, text
  0.77 (two credit notes of one vendor: few lines, the vendor's fixed numbers dominate).
- Same content with disjoint printed dates (both print dates, none shared) is a recurring
  invoice, never a copy: every recurring pair had disjoint dates, no copy had.
- The page image separates nothing: another vendor's invoice on the same layout reaches
  1.00 while a scanned copy can be 0.70. It says "same template" and, with no words at all
  (OCR failed), is the only signal left; never a duplicate on its own.
- Every copy shared at least one band key with its original (all 272 copy pairs), so
  the index lookup loses nothing; many same-vendor invoices are candidates too and are
  sorted out by ``compare``.

It writes a generated set with ``fixtures/generate.py``'s generator (every invoice in
digital, scan and image form), then builds the other kinds of copy from the generator's own
invoice records: the digital PDF with bytes appended, the digital PDF re-saved through
pypdfium2, a renumbered copy (same invoice rendered with another number, digital and
scanned) and the COPY-stamped re-sends of the schedule (case 13, in every form). Against
them it builds what must *not* look like a copy: a recurring invoice (same vendor, lines and
amount, another number and the next month's dates, digital and scanned), the other invoices
of the same vendor, invoices of other vendors on the same layout and invoices on other layouts.

Every document is read as the pipeline reads it (text layer for digital PDFs, OCR for
scans and images), printed with ``adapters.content_prints.document_print``, and every pair
of a group is compared with ``domain.fingerprints.compare``. Printed per group and signal:
min, p5, p50, p95, max; how many pairs have disjoint dates; how many share an index band
(candidate recall of ``band_keys``); how ``classify`` labels them. Then the print's cost
per document (thumbnail render + print, the read itself excluded), digital and OCR.

Reading the scans takes a few minutes (Tesseract, one process); the prints are cached in
``WORK/prints.json``, so a second run only compares (``--fresh`` recomputes).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "fixtures"))

import generate as fixture_generator  # noqa: E402
from gen.raster import image_file, scan_pdf  # noqa: E402
from gen.render_pdf import render_pdf  # noqa: E402
from gen.scenarios import Planner  # noqa: E402

from invoicepipe.adapters.content_prints import document_print  # noqa: E402
from invoicepipe.adapters.readers import read_text_layer, read_with_ocr  # noqa: E402
from invoicepipe.domain.fingerprints import ContentPrint, band_keys, classify, compare  # noqa: E402

MEDIA = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "tif": "image/tiff"}
SIGNALS = ("text", "numbers", "amounts", "image")


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=min(day.day, 28))


def _bump(number: str, by: int) -> str:
    """The number with its last digit group increased (width kept): another invoice's number."""
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    end = digits[-1] + 1
    start = end
    while start > 0 and number[start - 1].isdigit():
        start -= 1
    group = number[start:end]
    return number[:start] + str(int(group) + by).zfill(len(group)) + number[end:]


def _resaved(pdf: bytes) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    try:
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    finally:
        doc.close()


def documents(work: Path, count: int, seed: int) -> dict[str, tuple[bytes, str, dict]]:
    """name -> (bytes, media type, facts) for every document of the measurement."""
    if not (work / "manifest.csv").exists():
        plan = {i: fixture_generator.FORMS for i in range(1, count + 1)}
        fixture_generator.generate(work, seed, plan)
    planner = Planner(seed)
    invoices = [planner.add(i) for i in range(1, count + 1)]
    docs = {}
    for path in sorted((work / "pdf").glob("*.pdf")) + sorted((work / "img").glob("*")):
        index, layout, form = path.stem.split("-")
        docs[path.stem] = (path.read_bytes(), MEDIA[path.suffix[1:]], {"index": int(index), "form": form})
    for inv in invoices:
        facts = {"index": inv.index, "vendor": inv.vendor.name, "layout": inv.layout_name, "original": inv.duplicate_of or inv.index}
        for name, (data, media, more) in list(docs.items()):
            if more["index"] == inv.index:
                more.update(facts)
        if inv.duplicate_of:
            continue
        digital, _ = render_pdf(inv, seed)
        assert digital == docs[f"{inv.index:04d}-{inv.layout_name}-digital"][0], "generator output differs from its records"
        rng = random.Random(f"{seed}:variants:{inv.index}")
        renumbered, _ = render_pdf(replace(inv, number=_bump(inv.number, 17)), seed)
        issue = _next_month(inv.issue_date)
        recurring, _ = render_pdf(replace(inv, number=_bump(inv.number, 3), issue_date=issue,
                                          due_date=issue + (inv.due_date - inv.issue_date) if inv.due_date else None), seed)
        variants = {
            "appended": (digital + b"\n%% re-sent through the portal " + bytes(rng.randbytes(64)) + b"\n", "copy"),
            "resaved": (_resaved(digital), "copy"),
            "renumbered": (renumbered, "copy"),
            "renumbered_scan": (scan_pdf(renumbered, rng), "copy"),
            "recurring": (recurring, "recurring"),
            "recurring_scan": (scan_pdf(recurring, rng), "recurring"),
        }
        for kind, (data, _) in variants.items():
            docs[f"{inv.index:04d}-{inv.layout_name}-{kind}"] = (data, "application/pdf", {**facts, "form": kind})
    return docs


def _read(data: bytes, media: str):
    """As the parse step reads: the text layer when it has text, OCR otherwise."""
    if media == "application/pdf":
        text = read_text_layer(data)
        if sum(len(w.text) for p in text.pages for w in p.words) >= 50 * len(text.pages):
            return text, True
    return read_with_ocr(data, media), False


def compute_prints(docs, cache: Path, fresh: bool) -> tuple[dict[str, ContentPrint], dict[str, list[float]]]:
    known = {} if fresh or not cache.exists() else json.loads(cache.read_text())
    prints, cost = {}, {"digital": [], "ocr": []}
    for k, (name, (data, media, facts)) in enumerate(sorted(docs.items()), start=1):
        if name in known:
            prints[name] = ContentPrint.from_json(known[name]["print"])
            cost[known[name]["path"]].append(known[name]["ms"])
            continue
        text, digital = _read(data, media)
        started = time.perf_counter()
        prints[name] = document_print(text, data, media)
        ms = (time.perf_counter() - started) * 1000 / max(1, len(text.pages))
        path = "digital" if digital else "ocr"
        cost[path].append(ms)
        known[name] = {"print": prints[name].to_json(), "ms": ms, "path": path}
        print(f"\r  printed {k}/{len(docs)} documents", end="", flush=True)
        if k % 10 == 0:
            cache.write_text(json.dumps(known))
    print()
    cache.write_text(json.dumps(known))
    return prints, cost


def pair_groups(docs) -> dict[str, list[tuple[str, str]]]:
    """The pairs to compare, by what they really are."""
    groups: dict[str, list] = {}
    by_original: dict[int, list[str]] = {}
    for name, (_, _, f) in docs.items():
        by_original.setdefault(f["original"], []).append(name)

    def add(group, a, b):
        groups.setdefault(group, []).append((a, b))

    for original, names in by_original.items():
        base = [n for n in names if docs[n][2]["form"] == "digital" and docs[n][2]["index"] == original]
        if not base:
            continue
        digital = base[0]
        scans = [n for n in names if docs[n][2]["form"] == "scan" and docs[n][2]["index"] == original]
        for name in names:
            f = docs[name][2]
            if name == digital:
                continue
            if f["index"] != original:
                add("copy: COPY-stamped re-send", digital, name)
            elif f["form"] in ("scan", "image"):
                add(f"copy: {f['form']} of the digital", digital, name)
            elif f["form"] in ("appended", "resaved"):
                add(f"copy: {'bytes appended' if f['form'] == 'appended' else 're-saved by pdfium'}", digital, name)
            elif f["form"].startswith("renumbered"):
                add(f"copy: renumbered{' (scanned)' if 'scan' in f['form'] else ''}", digital, name)
            elif f["form"].startswith("recurring"):
                add(f"recurring{' (scanned)' if 'scan' in f['form'] else ''}", digital, name)
                for scan in scans:
                    if f["form"] == "recurring":
                        add("recurring (vs the original's scan)", scan, name)
        for scan in scans:
            image = [n for n in names if docs[n][2]["form"] == "image" and docs[n][2]["index"] == original]
            for img in image:
                add("copy: scan vs image", scan, img)

    originals = sorted({f["original"] for _, _, f in docs.values()})
    digital_of = {docs[n][2]["original"]: n for n in docs if docs[n][2]["form"] == "digital" and docs[n][2]["index"] == docs[n][2]["original"]}
    scan_of = {docs[n][2]["original"]: n for n in docs if docs[n][2]["form"] == "scan" and docs[n][2]["index"] == docs[n][2]["original"]}
    for i, j in itertools.combinations(originals, 2):
        a, b = docs[digital_of[i]][2], docs[digital_of[j]][2]
        group = ("other invoice, same vendor" if a["vendor"] == b["vendor"] else
                 "other vendor, same layout" if a["layout"] == b["layout"] else "other vendor, other layout")
        add(group, digital_of[i], digital_of[j])
        if group != "other vendor, other layout" and j in scan_of:
            add(group + " (vs scan)", digital_of[i], scan_of[j])
    return groups


def _quantiles(values: list[float]) -> str:
    if not values:
        return "n/a"
    values = sorted(values)
    q = lambda p: values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]  # noqa: E731
    return f"{values[0]:.2f} {q(0.05):.2f} {q(0.5):.2f} {q(0.95):.2f} {values[-1]:.2f}"


def report(prints, groups) -> None:
    keys = {name: set(band_keys(p)) for name, p in prints.items()}
    print(f"{'group':42} {'pairs':>5}  {'text min/p5/p50/p95/max':25}  {'numbers':25}  {'amounts':25}  {'image':25}  "
          f"{'dates disjoint':>14}  {'share a band':>12}  classify")
    for group in sorted(groups):
        pairs = groups[group]
        sims = [compare(prints[a], prints[b]) for a, b in pairs]
        columns = [_quantiles([getattr(s, signal) for s in sims if getattr(s, signal) is not None]) for signal in SIGNALS]
        disjoint = sum(s.dates_disjoint for s in sims)
        banded = sum(bool(keys[a] & keys[b]) for a, b in pairs)
        counts = {label: sum(classify(s) == label for s in sims) for label in ("copy", "recurring", "same_layout", "unrelated")}
        shown = " ".join(f"{k}={v}" for k, v in counts.items() if v)
        print(f"{group:42} {len(pairs):5}  {columns[0]:25}  {columns[1]:25}  {columns[2]:25}  {columns[3]:25}  "
              f"{disjoint:>14}  {banded:>12}  {shown}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="separation of content prints: copies against other invoices")
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "content-prints")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20260314)
    ap.add_argument("--fresh", action="store_true", help="recompute the prints instead of reading WORK/prints.json")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"building {args.count} invoices and their copies in {args.work} ...")
    docs = documents(args.work, args.count, args.seed)
    print(f"  {len(docs)} documents; reading and printing them ...")
    prints, cost = compute_prints(docs, args.work / "prints.json", args.fresh)
    report(prints, pair_groups(docs))
    for path, values in cost.items():
        if values:
            q = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
            print(f"print cost per page, {path:7}: p50 {statistics.median(values):.1f} ms  p95 {q[18]:.1f} ms  max {max(values):.1f} ms  "
                  f"({len(values)} documents; render of the first pages + print, the read excluded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
