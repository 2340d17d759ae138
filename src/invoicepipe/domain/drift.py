"""Drift: is the pipeline still as good as it was? Pure decisions over labels and counts.

Reviewer actions are labels: a field a reviewer left unchanged when approving was read
correctly, a changed one was not (``label_fields``). Four checks compare the newest window
of documents with the baseline window just before it:

- **field accuracy** per field, vendor and capture form (and overall): a one-sided
  Bernoulli CUSUM of the error rate against the baseline rate. CUSUM is the optimal test
  for a small persistent shift (Page 1954; Lorden 1971): it accumulates the log-likelihood
  ratio of "error rate rose by ``accuracy_shift``" against "unchanged" document by document
  and alarms when the sum, floored at 0, passes ``h``. A Wilson interval only compares two
  means and needs thousands of labels per side to see 2 points; CUSUM sees the same shift
  sooner at the same false-alarm rate (``benchmarks/drift.py`` measures both figures).
- **confidence distribution** per field: population stability index (PSI) over fixed
  bins of [0, 1], so a new reader or a changed layout shows before any label arrives.
- **straight-through rate**: two-proportion z-test of window vs baseline, with a minimum
  absolute drop so a large sample does not alarm on a meaningless wiggle.
- **vendor layout change**: the newest documents of a vendor whose fields are printed
  away from every place the vendor's layout memory knows.

Thresholds live in the policy (``DriftPolicy``); every function here is pure.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from .layout_memory import VendorLayout

ALL = "all"


@dataclass(frozen=True)
class DriftPolicy:
    """Drift thresholds (policy ``drift`` section). ``cusum_h`` and ``segment_cusum_h`` were
    chosen with ``benchmarks/drift.py``: documents to detect an 83 % -> 81 % drop against
    false alarms per 10 000 stable documents (README, "Drift detection")."""

    window_documents: int = 2000  # above the p90 documents-to-detect, so a drop stays in view until seen
    baseline_documents: int = 3000
    accuracy_shift: float = 0.02  # the smallest drop in field accuracy worth an alarm
    cusum_h: float = 7.0  # overall accuracy
    segment_cusum_h: float = 11.0  # one field, vendor or capture form (30-odd tests run side by side)
    min_baseline_labels: int = 200
    # The baseline error rate is taken this many standard errors above its estimate: a
    # vendor's baseline of a few hundred labels is uncertain by about the shift we look for,
    # and a CUSUM against an optimistic baseline alarms on noise (benchmarks/drift.py).
    baseline_z: float = 1.0
    psi_alert: float = 0.25
    psi_bins: int = 10
    min_psi_samples: int = 200
    stp_min_drop: float = 0.10
    stp_z: float = 3.5
    min_stp_documents: int = 100
    layout_tolerance: float = 0.05  # fraction of the page a field may move and still be "in place"
    layout_moved_fraction: float = 0.5  # a document is off-layout when this share of its known fields moved
    layout_documents: int = 3  # this many newest documents of the vendor, all off-layout
    # Share of invoices that would go straight through sent to review anyway (reason
    # audit_sample), so accuracy is also measured where the machine was sure. 0 = off.
    audit_sample_rate: float = 0.0


@dataclass(frozen=True)
class FieldLabel:
    """One field of one reviewed document: did the machine read it right?"""

    document_id: int
    field: str
    correct: bool
    confidence: float
    vendor: Optional[str] = None
    form: str = "digital"


@dataclass(frozen=True)
class Finding:
    check: str  # accuracy | confidence | stp | layout
    segment: str  # "all", "field:total", "vendor:V001", "form:scan"
    drifted: bool
    statistic: float
    threshold: float
    detail: Mapping = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"check": self.check, "segment": self.segment, "drifted": self.drifted, "statistic": round(self.statistic, 4),
                "threshold": self.threshold, **dict(self.detail)}


def label_fields(machine: Mapping[str, Mapping], reviewed: Mapping[str, Mapping], document_id: int,
                 vendor: Optional[str], form: str) -> list[FieldLabel]:
    """Labels from the machine's fields and the fields a reviewer approved: equal value =
    correct. A field the machine missed but the reviewer filled is wrong (confidence 0);
    fields neither side has are not labels."""
    out = []
    for name in sorted(set(machine) | set(reviewed)):
        got = machine.get(name) or {}
        want = reviewed.get(name) or {}
        if not (got.get("value") or want.get("value")):
            continue
        out.append(FieldLabel(document_id, name, (got.get("value") or "") == (want.get("value") or ""),
                              float(got.get("confidence") or 0.0), vendor, form))
    return out


def audit_sampled(document_id: int, rate: float) -> bool:
    """Whether the document is in the audit sample: a hash of its id below ``rate``, so the
    same document is always in or out however often it is decided."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"audit-sample:{document_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def capture_form(pages: Sequence[Mapping], fields: Mapping[str, Mapping]) -> str:
    """einvoice (embedded XML), scan (any page read by OCR) or digital (text layer)."""
    if any((f or {}).get("method") == "einvoice_xml" for f in fields.values()):
        return "einvoice"
    if any(str(p.get("method") or "").startswith("ocr") for p in pages):
        return "scan"
    return "digital"


class BernoulliCusum:
    """One-sided CUSUM for a rise of the error rate from ``p0`` to ``p0 + shift``.

    ``update`` takes one document's errors and labels in the segment (a block of Bernoulli
    trials: its log-likelihood ratio is the sum of the trials'), so a document counts once
    whatever order its fields are read in.
    """

    def __init__(self, p0: float, shift: float, h: float):
        p0 = min(max(p0, 1e-4), 1 - shift - 1e-4)
        p1 = p0 + shift
        self.h = h
        self.up = math.log(p1 / p0)  # an error: evidence for the worse rate
        self.down = math.log((1 - p1) / (1 - p0))  # a correct field: evidence against it
        self.value = 0.0

    def update(self, errors: int, labels: int) -> bool:
        self.value = max(0.0, self.value + errors * self.up + (labels - errors) * self.down)
        return self.value >= self.h


def baseline_error_rate(errors: float, labels: float, z: float) -> float:
    """The error rate a segment is held to: the baseline estimate plus ``z`` standard errors."""
    p = errors / labels
    return min(1.0, p + z * math.sqrt(max(p * (1 - p), 1.0 / labels) / labels))


def _segments(label: FieldLabel) -> tuple[str, ...]:
    keys = [ALL, f"field:{label.field}", f"form:{label.form}"]
    if label.vendor:
        keys.append(f"vendor:{label.vendor}")
    return tuple(keys)


def _per_document(labels: Iterable[FieldLabel]) -> dict[str, list[tuple[int, int]]]:
    """segment -> [(errors, labels) per document], in the order the labels came."""
    blocks: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for lab in labels:
        for seg in _segments(lab):
            block = blocks[seg].setdefault(lab.document_id, [0, 0])
            block[0] += not lab.correct
            block[1] += 1
    return {seg: [tuple(v) for v in docs.values()] for seg, docs in blocks.items()}


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def accuracy_findings(baseline: Sequence[FieldLabel], window: Sequence[FieldLabel], policy: DriftPolicy) -> list[Finding]:
    """Per segment: the window's CUSUM statistic against the baseline error rate. A segment
    with fewer than ``min_baseline_labels`` baseline labels is reported, never alarmed."""
    base = _per_document(baseline)
    recent = _per_document(window)
    out = []
    for seg in sorted(set(base) | set(recent), key=lambda s: (s != ALL, s)):
        b_err = sum(e for e, _ in base.get(seg, ()))
        b_n = sum(n for _, n in base.get(seg, ()))
        w_err = sum(e for e, _ in recent.get(seg, ()))
        w_n = sum(n for _, n in recent.get(seg, ()))
        h = policy.cusum_h if seg == ALL else policy.segment_cusum_h
        enough = b_n >= policy.min_baseline_labels
        statistic = 0.0
        if enough and w_n:
            cusum = BernoulliCusum(baseline_error_rate(b_err, b_n, policy.baseline_z), policy.accuracy_shift, h)
            for errors, labels in recent[seg]:
                cusum.update(errors, labels)
            statistic = cusum.value
        low, high = wilson(w_n - w_err, w_n)
        out.append(Finding("accuracy", seg, enough and statistic >= h, statistic, h, {
            "baseline_accuracy": round(1 - b_err / b_n, 4) if b_n else None, "baseline_labels": b_n,
            "window_accuracy": round(1 - w_err / w_n, 4) if w_n else None, "window_labels": w_n,
            "window_interval": [round(low, 4), round(high, 4)], "enough_baseline": enough}))
    return out


def psi(baseline: Sequence[float], window: Sequence[float], bins: int = 10) -> float:
    """Population stability index of two samples of values in [0, 1], fixed equal bins.
    Half a count is added to every bin so an empty bin does not make it infinite."""
    def shares(values: Sequence[float]) -> list[float]:
        counts = [0.5] * bins
        for v in values:
            counts[min(bins - 1, max(0, int(v * bins)))] += 1
        total = sum(counts)
        return [c / total for c in counts]

    b, w = shares(baseline), shares(window)
    return sum((wi - bi) * math.log(wi / bi) for bi, wi in zip(b, w))


def confidence_findings(baseline: Mapping[str, Sequence[float]], window: Mapping[str, Sequence[float]],
                        policy: DriftPolicy) -> list[Finding]:
    """PSI of each field's machine confidence, window vs baseline."""
    out = []
    for name in sorted(set(baseline) | set(window)):
        b, w = baseline.get(name, ()), window.get(name, ())
        enough = len(b) >= policy.min_psi_samples and len(w) >= policy.min_psi_samples
        value = psi(b, w, policy.psi_bins) if b and w else 0.0
        out.append(Finding("confidence", f"field:{name}", enough and value >= policy.psi_alert, value, policy.psi_alert,
                           {"baseline_samples": len(b), "window_samples": len(w), "enough_samples": enough}))
    return out


def stp_finding(baseline: tuple[int, int], window: tuple[int, int], policy: DriftPolicy) -> Finding:
    """(straight-through, decided) in each window: drift when the rate fell by at least
    ``stp_min_drop`` and the two-proportion z statistic passes ``stp_z``."""
    (bs, bn), (ws, wn) = baseline, window
    enough = bn >= policy.min_stp_documents and wn >= policy.min_stp_documents
    pb, pw = (bs / bn if bn else 0.0), (ws / wn if wn else 0.0)
    pooled = (bs + ws) / (bn + wn) if bn + wn else 0.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / bn + 1 / wn)) if bn and wn and 0 < pooled < 1 else 0.0
    z = (pb - pw) / se if se else 0.0
    drifted = enough and z >= policy.stp_z and pb - pw >= policy.stp_min_drop
    return Finding("stp", ALL, drifted, z, policy.stp_z, {"baseline_rate": round(pb, 4), "baseline_documents": bn,
                                                          "window_rate": round(pw, 4), "window_documents": wn, "enough_documents": enough})


@dataclass(frozen=True)
class PrintedField:
    """Where a document printed one field: page (1-based), box as fractions of the page."""

    field: str
    page: int
    box: tuple[float, float, float, float]


def moved_share(layout: VendorLayout, printed: Sequence[PrintedField], last_page: int, tolerance: float) -> Optional[float]:
    """Share of the fields the layout knows that this document printed away from every known
    spot of that field; None when the document prints none of them."""
    known = [p for p in printed if layout.spots_for(p.field)]
    if not known:
        return None
    moved = 0
    for p in known:
        def near(spot) -> bool:
            page = last_page if spot.page == -1 else spot.page
            return page == p.page and all(abs(a - b) <= tolerance for a, b in zip(spot.box, p.box))
        moved += not any(near(s) for s in layout.spots_for(p.field))
    return moved / len(known)


def layout_finding(vendor: str, layout: VendorLayout, newest: Sequence[tuple[Sequence[PrintedField], int]],
                   policy: DriftPolicy) -> Finding:
    """A vendor changed its layout when each of its ``layout_documents`` newest documents
    (newest first: fields, last page) moved at least ``layout_moved_fraction`` of its known
    fields. One odd document is not a change; a run of them is."""
    shares = [moved_share(layout, fields, last, policy.layout_tolerance) for fields, last in newest[:policy.layout_documents]]
    shares = [s for s in shares if s is not None]
    drifted = len(shares) >= policy.layout_documents and min(shares) >= policy.layout_moved_fraction
    return Finding("layout", f"vendor:{vendor}", drifted, min(shares) if shares else 0.0, policy.layout_moved_fraction,
                   {"documents": len(shares), "moved_shares": [round(s, 3) for s in shares], "layout_documents": layout.documents})


@dataclass(frozen=True)
class DriftReport:
    findings: tuple[Finding, ...]
    window_documents: int
    baseline_documents: int

    @property
    def drifted(self) -> list[Finding]:
        return [f for f in self.findings if f.drifted]

    def as_dict(self) -> dict:
        return {"drift": bool(self.drifted), "window_documents": self.window_documents, "baseline_documents": self.baseline_documents,
                "drifted": [f.as_dict() for f in self.drifted], "findings": [f.as_dict() for f in self.findings]}
