"""Confidence calibration: raw extractor scores mapped to observed accuracy.

The extractor's raw score ranks candidates well but is not a probability (a correct total
at 0.94 and a wrong one at 0.93 look alike to a 0.95 threshold). A ``CalibrationTable``
holds, per field and evidence source (text layer or OCR), a monotone step function from
raw score to the accuracy observed on a labelled calibration set. It is fitted by isotonic
regression (pool adjacent violators) and made conservative: each step takes the lower
Wilson bound of its accuracy, capped by the step above, so a value of 0.99 means "at least
99 % of such fields were right". Tables are tied to one extractor version: a table fitted
for another version must not be applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Optional, Sequence

from .models import ExtractedField, Extraction

CALIBRATION_FORMAT = 1
UNCALIBRATED_CAP = 0.8  # fields without a fitted map never pass a routing threshold on raw scores
EXACT_METHODS = frozenset({"einvoice_xml", "review"})


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

    def calibrate(self, field: str, source: str, raw: float) -> float:
        mapping = self.maps.get(f"{field}|{source}") or self.maps.get(field)
        return round(mapping(raw), 4) if mapping else min(raw, UNCALIBRATED_CAP)


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
        name: f if f.method in EXACT_METHODS else replace(f, confidence=table.calibrate(name, source, f.confidence))
        for name, f in extraction.fields.items()
    }
    return replace(extraction, fields=fields)


def wilson_lower(correct: float, n: float, z: float = 1.645) -> float:
    """Lower bound of the Wilson score interval (one-sided 95 % by default)."""
    if n <= 0:
        return 0.0
    p = correct / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def isotonic_blocks(samples: Sequence[tuple[float, bool]]) -> list[tuple[float, int, int]]:
    """Pool adjacent violators over samples sorted by raw score: (lowest raw, correct, n) blocks
    whose accuracy never decreases with the raw score. Equal raw scores share a block."""
    blocks: list[list] = []
    for raw, ok in sorted(samples):
        if blocks and blocks[-1][0] == raw:
            blocks[-1][1] += int(ok)
            blocks[-1][2] += 1
        else:
            blocks.append([raw, int(ok), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            low, c, n = blocks.pop()
            blocks[-1][1] += c
            blocks[-1][2] += n
    return [(b[0], b[1], b[2]) for b in blocks]


def fit_map(samples: Sequence[tuple[float, bool]], z: float = 1.645) -> CalibrationMap:
    """A conservative monotone map from (raw score, was correct) samples."""
    blocks = isotonic_blocks(samples)
    values = [wilson_lower(c, n, z) for _, c, n in blocks]
    for i in range(len(values) - 2, -1, -1):
        values[i] = min(values[i], values[i + 1])
    steps = tuple((round(low, 4), round(v, 4)) for (low, _, _), v in zip(blocks, values))
    merged: list[tuple[float, float]] = []
    for low, v in steps:
        if merged and merged[-1][1] == v:
            continue
        merged.append((low, v))
    return CalibrationMap(tuple(merged), len(samples))


def fit_table(samples: Mapping[str, Sequence[tuple[float, bool]]], version: str, extractor_version: str,
              min_samples: int = 30) -> CalibrationTable:
    """Fit one map per key (``field`` or ``field|source``) that has at least ``min_samples``."""
    maps = {key: fit_map(rows) for key, rows in samples.items() if len(rows) >= min_samples}
    return CalibrationTable(version, extractor_version, maps)


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


def recalibrated(field: ExtractedField, value: float) -> ExtractedField:
    return replace(field, confidence=value)
