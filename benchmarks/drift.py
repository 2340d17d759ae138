"""Drift detection on simulated review labels: documents to detect 83 % -> 81 %, false alarms.

Simulated traffic: each document has ``--fields`` labelled fields, each read correctly with
probability 0.83 (Bernoulli), a vendor out of ``--vendors`` and a capture form (30 % scans).
Per seed, a baseline of ``baseline_documents`` (the policy's) estimates every segment's error
rate; then the detector of ``invoicepipe drift`` (``domain/drift.BernoulliCusum`` per segment:
overall, each field, each form, each vendor; thresholds ``cusum_h`` overall and
``segment_cusum_h`` per segment) runs document by document:

- **stable**: ``--stable`` documents at 0.83; every alarm (any segment) is a false alarm,
  after which that segment restarts; reported per 10 000 documents.
- **drift**: 1 000 documents at 0.83, then every field at 0.81; documents from the change
  to the first alarm (alarms before it count as false and restart the segment).
- **one vendor**: the same, but only vendor 0 (1 of 20, 5 % of traffic) falls, to
  ``--vendor-drop`` (0.70: a layout change the extractor does not follow).

Streaming is an upper bound on the CLI's false alarms: the CLI restarts the CUSUM at its
window's start, and a CUSUM started from 0 is never above one started earlier.

``.venv/bin/python benchmarks/drift.py [--seeds 300] [--sweep] [--json]`` (numpy,
vectorised over seeds; ~1 min on the shared 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from invoicepipe.domain.drift import BernoulliCusum, DriftPolicy, baseline_error_rate  # noqa: E402

P_BEFORE, P_AFTER, SCAN_SHARE, PRE_CHANGE = 0.83, 0.81, 0.30, 1000


def _rates(errors: np.ndarray, labels, policy: DriftPolicy) -> tuple[np.ndarray, np.ndarray]:
    """BernoulliCusum increments (error, correct) for every seed's baseline, as accuracy_findings makes them."""
    labels = np.broadcast_to(np.maximum(labels, 1), errors.shape)
    cusums = np.vectorize(lambda e, n: BernoulliCusum(baseline_error_rate(e, n, policy.baseline_z), policy.accuracy_shift, 1),
                          otypes=[object])(errors, labels)
    return np.vectorize(lambda c: c.up)(cusums), np.vectorize(lambda c: c.down)(cusums)


class Traffic:
    def __init__(self, seeds: int, fields: int, vendors: int, rng: np.random.Generator):
        self.s, self.f, self.v, self.rng = seeds, fields, vendors, rng

    def documents(self, n: int, p: float, vendor0_p: Optional[float] = None):
        """``n`` documents per seed; vendor 0's fields are read right with ``vendor0_p`` when given."""
        for _ in range(n):
            vendor = self.rng.integers(self.v, size=self.s)
            rate = p if vendor0_p is None else np.where(vendor == 0, vendor0_p, p)[:, None]
            errors = self.rng.random((self.s, self.f)) >= rate
            yield errors, (self.rng.random(self.s) < SCAN_SHARE).astype(int), vendor


class Detector:
    """Every segment's CUSUM for every seed at once; baselines estimated from traffic."""

    def __init__(self, traffic: Traffic, policy: DriftPolicy, baseline_docs: int, overall_only: bool):
        s, f, v = traffic.s, traffic.f, traffic.v
        err_all, n_all = np.zeros(s), np.zeros(s)
        err_f, err_form, n_form = np.zeros((s, f)), np.zeros((s, 2)), np.zeros((s, 2))
        err_v, n_v = np.zeros((s, v)), np.zeros((s, v))
        rows = np.arange(s)
        for errors, form, vendor in traffic.documents(baseline_docs, P_BEFORE):
            e = errors.sum(1)
            err_all += e
            n_all += f
            err_f += errors
            np.add.at(err_form, (rows, form), e)
            np.add.at(n_form, (rows, form), f)
            np.add.at(err_v, (rows, vendor), e)
            np.add.at(n_v, (rows, vendor), f)
        self.up_all, self.down_all = _rates(err_all, n_all, policy)
        self.up_f, self.down_f = _rates(err_f, baseline_docs, policy)
        self.up_form, self.down_form = _rates(err_form, n_form, policy)
        self.up_v, self.down_v = _rates(err_v, n_v, policy)
        # A segment with too few baseline labels is never alarmed (as in accuracy_findings).
        self.live_form = n_form >= policy.min_baseline_labels
        self.live_v = n_v >= policy.min_baseline_labels
        self.h, self.hs, self.overall_only, self.rows, self.f = policy.cusum_h, policy.segment_cusum_h, overall_only, rows, f
        self.all, self.fld = np.zeros(s), np.zeros((s, f))
        self.form, self.ven = np.zeros((s, 2)), np.zeros((s, v))

    def step(self, errors, form, vendor) -> np.ndarray:
        """Update every segment with one document per seed; True where any segment alarmed
        (alarmed segments restart from 0)."""
        e = errors.sum(1)
        f, rows = self.f, self.rows
        self.all = np.maximum(0, self.all + e * self.up_all + (f - e) * self.down_all)
        alarm = self.all >= self.h
        self.all[alarm] = 0
        if self.overall_only:
            return alarm
        self.fld = np.maximum(0, self.fld + np.where(errors, self.up_f, self.down_f))
        hit = self.fld >= self.hs
        alarm |= hit.any(1)
        self.fld[hit] = 0
        for stat, up, down, idx, live in ((self.form, self.up_form, self.down_form, form, self.live_form),
                                          (self.ven, self.up_v, self.down_v, vendor, self.live_v)):
            cur = np.maximum(0, stat[rows, idx] + e * up[rows, idx] + (f - e) * down[rows, idx])
            hit = (cur >= self.hs) & live[rows, idx]
            stat[rows, idx] = np.where(hit, 0, cur)
            alarm |= hit
        return alarm


def run(policy: DriftPolicy, seeds: int, fields: int, vendors: int, stable: int, max_docs: int, overall_only: bool, seed: int,
        vendor0_p: Optional[float] = None) -> dict:
    rng = np.random.default_rng(seed)
    traffic = Traffic(seeds, fields, vendors, rng)
    det = Detector(traffic, policy, policy.baseline_documents, overall_only)
    false = 0
    for doc in traffic.documents(stable, P_BEFORE):
        false += int(det.step(*doc).sum())
    det = Detector(traffic, policy, policy.baseline_documents, overall_only)
    for doc in traffic.documents(PRE_CHANGE, P_BEFORE):
        false += int(det.step(*doc).sum())
    delay = np.full(seeds, np.inf)
    after = (P_BEFORE, vendor0_p) if vendor0_p is not None else (P_AFTER, None)
    for i, doc in enumerate(traffic.documents(max_docs, *after), start=1):
        hit = det.step(*doc) & np.isinf(delay)
        delay[hit] = i
        if not np.isinf(delay).any():
            break
    found = delay[np.isfinite(delay)]
    stable_docs = seeds * (stable + PRE_CHANGE)
    return {"scenario": f"one vendor {P_BEFORE:.2f} -> {vendor0_p:.2f}" if vendor0_p is not None else f"all {P_BEFORE:.2f} -> {P_AFTER:.2f}",
            "baseline_z": policy.baseline_z, "cusum_h": policy.cusum_h, "segment_cusum_h": None if overall_only else policy.segment_cusum_h,
            "detected": f"{len(found)}/{seeds}", "median_documents": float(np.median(found)) if len(found) else None,
            "p90_documents": round(float(np.percentile(delay, 90))) if np.isfinite(np.percentile(delay, 90)) else None,
            "false_alarms_per_10k": round(false / stable_docs * 10_000, 3), "stable_documents": stable_docs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=300)
    ap.add_argument("--fields", type=int, default=8, help="labelled fields per document")
    ap.add_argument("--vendors", type=int, default=20)
    ap.add_argument("--stable", type=int, default=10_000, help="stable documents per seed for the false-alarm rate")
    ap.add_argument("--max-documents", type=int, default=10_000, help="give up on a seed after this many drifted documents")
    ap.add_argument("--sweep", action="store_true", help="also try other thresholds (the trade-off the policy's were chosen by)")
    ap.add_argument("--vendor-drop", type=float, default=0.70, metavar="P",
                    help="also: one vendor of --vendors (its layout changed) falls to P, the rest stay at 0.83")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    policy = DriftPolicy()
    rows = []
    grid = [(policy.cusum_h, None, policy.baseline_z), (policy.cusum_h, policy.segment_cusum_h, policy.baseline_z)]
    if args.sweep:
        grid = [(h, None, z) for z in (0.0, 1.0) for h in (6.0, 7.0, 8.0, 9.0)]
        grid += [(9.0, hs, z) for z in (0.0, 1.0, 2.0) for hs in (9.0, 11.0, 13.0)]
    for h, hs, z in grid:
        p = DriftPolicy(cusum_h=h, segment_cusum_h=hs or policy.segment_cusum_h, baseline_z=z)
        rows.append(run(p, args.seeds, args.fields, args.vendors, args.stable, args.max_documents, hs is None, seed=11))
    if args.vendor_drop and not args.sweep:
        rows.append(run(policy, args.seeds, args.fields, args.vendors, args.stable, args.max_documents, False, seed=11,
                        vendor0_p=args.vendor_drop))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{args.seeds} seeds, {args.fields} fields/document, {args.vendors} vendors, baseline {policy.baseline_documents} documents, "
          f"shift {P_BEFORE:.2f} -> {P_AFTER:.2f}")
    print(f"{'scenario':<24} {'z':>4} {'h':>5} {'segment h':>12} {'detected':>9} {'median docs':>11} {'p90 docs':>9} {'false/10k docs':>14}")
    for r in rows:
        print(f"{r['scenario']:<24} {r['baseline_z']:>4} {r['cusum_h']:>5} {str(r['segment_cusum_h'] or 'overall only'):>12} {r['detected']:>9} "
              f"{r['median_documents'] or '-':>11} {r['p90_documents'] or '-':>9} {r['false_alarms_per_10k']:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
