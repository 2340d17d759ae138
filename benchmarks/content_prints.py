#!/usr/bin/env python3
"""How well content prints separate copies of one invoice from other invoices.

    .venv/bin/python benchmarks/content_prints.py --count 40 --work /tmp/content-prints

FIGURES (filled in from the last run; see "Recommendation" below)

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
