"""The parse child's work on a digital invoice: triage's probe and the parse, thread CPU per
document, in one process.

    .venv/bin/python benchmarks/parse_child.py [--set DIR ...] [--count 40] [--rounds 5] [--json]

Per document, as the fast pool's ``triage_and_parse`` asks its parse child for them, one
after the other: ``parse_work.probe_document`` (page count, text-layer size, embedded XML)
and ``parse_work.parse_document`` (reading, extraction against the set's vendor master,
content print; the vendor's context answered with no layout memory and no purchase
orders), each call and its result pickled and unpickled as the pipe to the child does.
Nothing of the worker's side (transactions, the pipe, the polling) is here
(``extraction_fast_pool.py``, ``throughput.py``), nor the split of the reading by part
(``reader_parts.py``) or of the rules (``extraction_rules.py``).

Without ``--set`` the documents are generated (``fixtures/generate.py --forms digital``);
with ``--set`` (repeatable) every PDF under each folder's ``pdf/`` is used, with that
folder's ``master/vendors.json``. Five documents warm up first (the label patterns are
compiled at their first use); each round runs every document once, and the median round is
printed (mean ms per document: probe, parse, both). Text-keyed caches of the extraction
are kept, as in a long-lived child: a later round meets line texts it saw, as a child meets
a layout it read before. The machine is shared: compare trees by running this from each in
turn, alternating, and compare medians and the ratio of each pair; no assertions
(benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
WARMUP = 5


def generate(out: Path, count: int, seed: int) -> Path:
    subprocess.run([sys.executable, str(REPO / "fixtures" / "generate.py"), "--out", str(out), "--count", str(count + WARMUP),
                    "--forms", "digital", "--seed", str(seed)], check=True, capture_output=True)
    return out


def documents(folders: list[Path]) -> list[tuple[bytes, list]]:
    """(bytes, the folder's vendor master) of every PDF of the folders, in name order."""
    from invoicepipe.evaluation.corpus import load_corpus

    docs = []
    for folder in folders:
        vendors = list(load_corpus(folder).vendors or ())
        docs += [(path.read_bytes(), vendors) for path in sorted((folder / "pdf").glob("*.pdf"))]
    return docs


def _wire(message):
    """A message as the pipe delivers it: pickled and unpickled."""
    return pickle.loads(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def one_document(data: bytes, vendors: list) -> tuple[float, float]:
    """Thread CPU (s) of the probe and of the parse of one document, their messages included."""
    from invoicepipe.adapters import readers
    from invoicepipe.domain.policy import ParseLimits
    from invoicepipe.services.parse_work import parse_document, probe_document

    def ask(vendor_id):
        _wire(("ask", vendor_id))
        return _wire(("answer", (None, [])))[1]

    started = time.thread_time()
    _, fn, args = _wire(("call", probe_document, (data, "application/pdf", ParseLimits())))
    _wire(("ok", fn(readers, *args)))
    probed = time.thread_time()
    _, fn, args = _wire(("call", parse_document, (data, "application/pdf", 40, ParseLimits(), vendors, None, None)))
    _wire(("ok", fn(readers, *args, ask=ask)))
    return probed - started, time.thread_time() - probed


def run(docs: list[tuple[bytes, list]], rounds: int) -> dict:
    for data, vendors in docs[:WARMUP]:
        one_document(data, vendors)
    measured = docs[WARMUP:] if len(docs) > 2 * WARMUP else docs
    per_round = []
    for _ in range(rounds):
        probe_s = parse_s = 0.0
        for data, vendors in measured:
            p, q = one_document(data, vendors)
            probe_s, parse_s = probe_s + p, parse_s + q
        n = len(measured)
        per_round.append({"probe_ms": round(probe_s * 1000 / n, 2), "parse_ms": round(parse_s * 1000 / n, 2),
                          "total_ms": round((probe_s + parse_s) * 1000 / n, 2)})
    chosen = sorted(per_round, key=lambda r: r["total_ms"])[len(per_round) // 2]
    return {"documents": len(measured), "rounds": per_round, "median_round": chosen,
            "median_probe_ms": statistics.median(r["probe_ms"] for r in per_round),
            "median_parse_ms": statistics.median(r["parse_ms"] for r in per_round)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", type=Path, help="a folder with pdf/ and master/ (repeatable)")
    parser.add_argument("--count", type=int, default=40, help="generated documents measured (without --set)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="invoicepipe-parse-child-") as tmp:
        folders = args.set or [generate(Path(tmp) / "set", args.count, args.seed)]
        out = run(documents(folders), args.rounds)
    out["load"] = round(os.getloadavg()[0], 1)
    if args.json:
        print(json.dumps(out))
        return 0
    m = out["median_round"]
    print(f"parse child, {out['documents']} digital documents, {args.rounds} rounds, load {out['load']}")
    print(f"CPU ms per document (median round): probe {m['probe_ms']}  parse {m['parse_ms']}  both {m['total_ms']}")
    print("rounds (both): " + " / ".join(str(r["total_ms"]) for r in out["rounds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
