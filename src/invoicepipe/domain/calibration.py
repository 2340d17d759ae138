"""Confidence calibration: raw extractor scores mapped to observed accuracy.

The extractor's raw score ranks candidates well but is not a probability (a correct total
at 0.94 and a wrong one at 0.93 look alike to a 0.95 threshold). A ``CalibrationTable``
holds, per field and evidence source (text layer or OCR), a monotone step function from
raw score to the accuracy observed on a labelled calibration set. It is fitted by isotonic
regression over raw-score bins (pool adjacent violators) and made conservative: a bin with
fewer than ten samples never forms a step of its own (the lowest such bins are pooled with
one another until they have ten), each step takes the lower Wilson bound of its accuracy
with a prior of five pseudo-observations at its raw score, capped by the step above, and
the lowest bin never borrows the bound of the many samples above it, so a value of 0.99
means "at least 99 % of such fields were right, on plenty of evidence". The calibration
split and the one command that refits it are ``scripts/fit_calibration.sh``
(``evaluation/fit_calibration.py``). Tables are tied to one extractor version: a table
fitted for another version must not be applied.

Amounts carry an evidence class (``class:two|one|alone|conflict`` among the field's
``evidence``, see ``extraction/amount_checks``): how many independent checks agree with the
value. Their maps are fitted per ``field|source|class``; a class without a map of its own
is not lifted (``UNCALIBRATED_CAP``), and two classes are capped whatever a calibration set
says, because a synthetic set cannot show how they fail on unseen documents: an amount
whose digits conflict with another printed amount (a lost thousands group), and an amount
that nothing agrees with (``CLASS_CEILINGS``).

An OCR identifier or date whose characters nothing contradicts carries its reading factor
(``read:0.97``, see ``extraction/agreement``): the part of its score that says whether its
characters were read right, apart from label, placement and format, which say whether it is
the field. Its confidence is the product of the two, each measured where it can be
(``CalibrationTable.split_calibration``): the rest of the score through the text layer's map,
the reading factor through ``field|read``, fitted on the split's OCR values that were surely
the field. A field without both maps, or with a doubt on its reading, keeps ``field|ocr``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Optional, Sequence

from .models import DERIVED_DUE_METHOD, DERIVED_ISSUE_METHOD, Extraction

CALIBRATION_FORMAT = 1
UNCALIBRATED_CAP = 0.8  # fields without a fitted map never pass a routing threshold on raw scores
EXACT_METHODS = frozenset({"einvoice_xml", "review"})
# Guesses the calibration set cannot measure (its vendors always print a clean legal name;
# it holds no till receipts): they keep their raw score.
UNMEASURED_METHODS = frozenset({"legal_form_line", "letterhead", "receipt_head", DERIVED_ISSUE_METHOD})
MAX_LIFT = 0.4
BIN_EDGES = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99)
PRIOR_STRENGTH = 5.0
MIN_BIN = 10
# Below every routing threshold: such a value always goes to a person.
CLASS_CEILINGS = {"conflict": 0.5, "alone": 0.8}
POOL_BELOW = 100
# an OCR identifier's or date's reading factor (``extraction.agreement.read_evidence``) and the
# key of the maps fitted on it
READ_TAG = "read:"
READ_KEY = "read"
# an OCR value whose score without its reading factor calibrates at least this high through
# the text layer's map was surely the field: its rightness measures the reading alone
SURELY_THE_FIELD = 0.99


@dataclass(frozen=True)
class CalibrationMap:
    """Monotone step function: ``steps`` are (lowest raw score of the step, calibrated value)."""

    steps: tuple[tuple[float, float], ...]
    samples: int = 0

    def __call__(self, raw: float) -> float:
        value = 0.0
        for low, calibrated in self.steps:
            if raw + 1e-9 < low:
                break
            value = calibrated
        return value


@dataclass(frozen=True)
class CalibrationTable:
    version: str
    extractor_version: str
    maps: Mapping[str, CalibrationMap]

    def calibrate(self, field: str, source: str, raw: float, evidence: Optional[str] = None,
                  read: Optional[float] = None) -> float:
        """The calibrated confidence; never more than ``MAX_LIFT`` above the raw score, since a
        synthetic calibration set cannot show every way an unfamiliar document fails.
        ``evidence`` is the amount's evidence class (None for fields without cross-checks);
        ``read`` the OCR factor of an identifier's or date's score (its ``read:`` tag), which
        splits its calibration in two (``split_calibration``)."""
        if read is not None and evidence is None and source == "ocr":
            split = self.split_calibration(field, raw, read)
            if split is not None:
                return round(min(split, raw + MAX_LIFT), 4)
        if evidence is not None:
            own = self.maps.get(f"{field}|{source}|{evidence}")
            # a per-source map from few samples is too wide a bound to route on; the class
            # pooled over sources is: the class already carries what OCR risks (conflicts,
            # low word confidence)
            mapping = own if own is not None and own.samples >= POOL_BELOW else self.maps.get(f"{field}|{evidence}") or own
        else:
            mapping = self.maps.get(f"{field}|{source}") or self.maps.get(field)
        value = round(min(mapping(raw), raw + MAX_LIFT), 4) if mapping else min(raw, UNCALIBRATED_CAP)
        return min(value, CLASS_CEILINGS.get(evidence or "", 1.0))

    def split_calibration(self, field: str, raw: float, read: float) -> Optional[float]:
        """An OCR value's confidence as the product of two measured chances: that it is the
        field (its score without the OCR factor, through the text layer's map, where the
        characters are exact) and that its characters were read right (the OCR factor, through
        the ``field|read`` map fitted on OCR values that were surely the field). One map over
        the product of the two mixes them: a boxed number read exactly at word confidence
        0.97 under a middling label scores like a guessed one under a strong label, and both
        calibrate to the accuracy of their mixture. None without both maps, and for a reading
        factor below the ``field|read`` map's top step: a scan reads most values that are
        surely the field at 0.9 or more, so the steps under it rest on a handful of samples
        (17 of 435 invoice numbers on the split) whose lower bounds say little; there the one
        map, fitted on every OCR value, decides as before."""
        text, chars = self.maps.get(f"{field}|text"), self.maps.get(f"{field}|{READ_KEY}")
        if text is None or chars is None or not chars.steps or read + 1e-9 < chars.steps[-1][0]:
            return None
        return text(min(1.0, raw / read)) * chars(read)


def read_factor(tags: Sequence[str]) -> Optional[float]:
    """The OCR factor among a field's evidence tags (``read:0.970`` -> 0.97), or None."""
    for t in tags:
        if t.startswith(READ_TAG):
            try:
                return float(t[len(READ_TAG):])
            except ValueError:
                return None
    return None


def evidence_class(tags: Sequence[str]) -> Optional[str]:
    """The evidence class among a field's evidence tags (``class:two`` -> ``two``), or None."""
    return next((t.split(":", 1)[1] for t in tags if t.startswith("class:")), None)


def evidence_source(methods: Iterable[str]) -> str:
    """``ocr`` when any page was read by an OCR engine, else ``text``."""
    return "ocr" if any(m.startswith("ocr") for m in methods) else "text"


def apply_calibration(extraction: Extraction, table: Optional[CalibrationTable], source: str) -> Extraction:
    """Replace raw confidences with calibrated ones (exact sources such as the e-invoice XML
    keep theirs). ValueError when the table belongs to another extractor version."""
    if table is None:
        return extraction
    base = extraction.extractor_version.split("+", 1)[0]
    if table.extractor_version != base:
        raise ValueError(f"calibration {table.version} is for extractor {table.extractor_version}, not {base}")
    fields = {
        name: f if f.method in EXACT_METHODS | UNMEASURED_METHODS
        else replace(f, confidence=table.calibrate(name, source, f.confidence, evidence_class(f.evidence),
                                                   read_factor(f.evidence)))
        for name, f in extraction.fields.items()
    }
    due, issued = fields.get("due_date"), fields.get("invoice_date")
    if due is not None and issued is not None and due.method == DERIVED_DUE_METHOD:
        # a due date counted from the invoice date by the printed terms is no surer than the
        # date it counts from: a misread year moves both (calibrated, so both are on one scale)
        fields["due_date"] = replace(due, confidence=min(due.confidence, issued.confidence))
    return replace(extraction, fields=fields)


def wilson_lower(correct: float, n: float, z: float = 1.645) -> float:
    """Lower bound of the Wilson score interval (one-sided 95 % by default)."""
    if n <= 0:
        return 0.0
    p = correct / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def pool_adjacent_violators(blocks: Sequence[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Merge neighbouring (lowest raw, correct, n) blocks until accuracy never falls as the raw
    score rises (isotonic regression, weighted by n)."""
    out: list[list] = []
    for low, c, n in blocks:
        out.append([low, c, n])
        while len(out) > 1 and out[-2][1] / out[-2][2] >= out[-1][1] / out[-1][2]:
            _, c2, n2 = out.pop()
            out[-1][1] += c2
            out[-1][2] += n2
    return [(b[0], b[1], b[2]) for b in out]


def binned_counts(samples: Sequence[tuple[float, bool]], min_bin: int = MIN_BIN) -> list[tuple[float, int, int, float]]:
    """(lower edge, correct, n, sum of raw scores) per raw-score bin with samples. A bin with
    fewer than ``min_bin`` samples joins the bin below it. The lowest bins, while each is too
    small, are pooled with one another until they have ``min_bin`` samples together; what is
    still short of it when a full bin follows is dropped (those raw scores calibrate to 0).
    A small bin is never pooled with a full bin above it: a few lucky samples never borrow
    the accuracy of higher scores, nor lift a range of scores on their own."""
    sums: dict[int, list[float]] = {}
    for raw, ok in samples:
        i = max(k for k, edge in enumerate(BIN_EDGES) if raw + 1e-9 >= edge)
        acc = sums.setdefault(i, [0, 0, 0.0])
        acc[0] += int(ok)
        acc[1] += 1
        acc[2] += raw
    kept: list[list] = []
    low: Optional[list] = None  # the lowest bins, too small alone, pooled while they stay small
    for i in sorted(sums):
        c, n, raw_sum = sums[i]
        if kept and n < min_bin:
            kept[-1][1:] = [kept[-1][1] + c, kept[-1][2] + n, kept[-1][3] + raw_sum]
        elif kept or n >= min_bin:
            kept.append([BIN_EDGES[i], c, n, raw_sum])
        else:
            low = [BIN_EDGES[i], c, n, raw_sum] if low is None else [low[0], low[1] + c, low[2] + n, low[3] + raw_sum]
            if low[2] >= min_bin:
                kept.append(low)
    return [tuple(b) for b in kept]


def fit_map(samples: Sequence[tuple[float, bool]], z: float = 1.645, prior: float = PRIOR_STRENGTH) -> CalibrationMap:
    """A conservative monotone map from (raw score, was correct) samples: binned counts,
    pooled adjacent violators, then per pooled block the lower Wilson bound of its accuracy
    with ``prior`` pseudo-observations at the block's mean raw score, each step capped by
    the step above it. The lowest bin, when pooled with bins above it, keeps a step of its
    own at no more than its own samples' bound: nothing below it vouches for it, and the
    many samples at high scores must not lift a few at low ones."""
    bins = binned_counts(samples)
    raw_sums = {low: raw_sum for low, _, _, raw_sum in bins}
    pooled = pool_adjacent_violators([(low, c, n) for low, c, n, _ in bins])
    edges = [low for low, _, _ in pooled] + [2.0]
    values = []
    for (low, c, n), high in zip(pooled, edges[1:]):
        mean_raw = min(1.0, sum(v for k, v in raw_sums.items() if low <= k < high) / n)
        values.append(wilson_lower(c + prior * mean_raw, n + prior, z))
    if bins and pooled[0][2] > bins[0][2]:
        _, c, n, raw_sum = bins[0]
        own = wilson_lower(c + prior * min(1.0, raw_sum / n), n + prior, z)
        if own < values[0]:
            edges.insert(1, bins[1][0])
            values.insert(0, own)
    for i in range(len(values) - 2, -1, -1):
        values[i] = min(values[i], values[i + 1])
    steps: list[tuple[float, float]] = []
    for low, v in zip(edges, values):
        if not steps or steps[-1][1] != round(v, 4):
            steps.append((round(low, 4), round(v, 4)))
    return CalibrationMap(tuple(steps), len(samples))


def fit_table(samples: Mapping[str, Sequence[tuple[float, bool]]], version: str, extractor_version: str,
              min_samples: int = 30) -> CalibrationTable:
    """Fit one map per key (``field`` or ``field|source``) that has at least ``min_samples``."""
    maps = {key: fit_map(rows) for key, rows in samples.items() if len(rows) >= min_samples}
    return CalibrationTable(version, extractor_version, maps)


def fit_read_maps(table: CalibrationTable, reads: Mapping[str, Sequence[tuple[float, float, bool]]],
                  min_samples: int = 30) -> CalibrationTable:
    """``table`` with a ``field|read`` map per field from its OCR values' (score without the
    reading factor, reading factor, right) samples: only those the field's text-layer map
    says were surely the field (``SURELY_THE_FIELD``) are counted, so what goes wrong among
    them is the reading. A field without a text-layer map or with too few such samples gets
    none (its OCR values keep ``field|ocr``)."""
    maps = dict(table.maps)
    for name, rows in reads.items():
        text = table.maps.get(f"{name}|text")
        if text is None:
            continue
        sure = [(read, ok) for identity, read, ok in rows if text(identity) >= SURELY_THE_FIELD]
        if len(sure) >= min_samples:
            maps[f"{name}|{READ_KEY}"] = fit_map(sure)
    return replace(table, maps=maps)


def table_to_dict(table: CalibrationTable) -> dict:
    return {"format": CALIBRATION_FORMAT, "version": table.version, "extractor_version": table.extractor_version,
            "maps": {k: {"samples": m.samples, "steps": [list(s) for s in m.steps]} for k, m in sorted(table.maps.items())}}


def table_from_dict(raw: Mapping) -> CalibrationTable:
    """Inverse of ``table_to_dict``; ValueError for an unknown format or a non-monotone map."""
    if raw.get("format") != CALIBRATION_FORMAT:
        raise ValueError(f"unknown calibration format {raw.get('format')!r}")
    maps = {}
    for key, m in raw["maps"].items():
        steps = tuple((float(a), float(b)) for a, b in m["steps"])
        if any(b0 > b1 or a0 >= a1 for (a0, b0), (a1, b1) in zip(steps, steps[1:])) or any(not 0 <= b <= 1 for _, b in steps):
            raise ValueError(f"calibration map {key} is not monotone within [0, 1]")
        maps[key] = CalibrationMap(steps, int(m.get("samples", 0)))
    return CalibrationTable(str(raw["version"]), str(raw["extractor_version"]), maps)

