"""Figures of an extraction run: per-field accuracy and coverage, reliability tables,
straight-through and auto-routed error rates (with their curve over thresholds), a
breakdown by form and the time per document and page.

Definitions, over the documents whose ground truth has the field:

- coverage: share with a value extracted; accuracy: share with the right value (a missing
  value counts as wrong); precision: right values among those extracted;
- above threshold: fields whose confidence reaches the policy's routing threshold for the
  field, and the share of them that is right (the router trusts exactly these);
- straight-through: documents the real router sends on without review; auto error rate:
  auto-routed documents with at least one critical field wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from statistics import median
from typing import Optional

from ..domain.calibration import wilson_lower
from ..domain.policy import Policy
from .line_compare import LINE_FIELDS

CRITICAL = ("vendor", "invoice_number", "invoice_date", "total", "currency")
BINS = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0001)
CURVE = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)


@dataclass
class FieldOutcome:
    expected: str
    predicted: Optional[str]
    raw: float
    confidence: float
    correct: bool
    threshold_name: str  # the routing field whose threshold applies ("vendor_id" for the vendor)
    evidence: Optional[str] = None  # amounts: the evidence class (two, one, alone, conflict)


@dataclass
class DocOutcome:
    name: str
    form: str
    pages: int
    read_s: float
    extract_s: float
    vendor_key: str
    fields: dict = field(default_factory=dict)  # name -> FieldOutcome
    routed: str = "review"
    reasons: list = field(default_factory=list)
    held: list = field(default_factory=list)  # (reason code, routed field or None) of each reason that held it
    error: Optional[str] = None
    # confidences of the routed fields, kept to re-route under other thresholds
    route_input: Optional[tuple] = None


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def field_table(docs: list[DocOutcome], policy: Policy) -> dict:
    names = sorted({n for d in docs for n in d.fields}, key=lambda n: (n not in CRITICAL, n))
    out = {}
    for name in names:
        rows = [d.fields[name] for d in docs if name in d.fields]
        got = [r for r in rows if r.predicted not in (None, "")]
        right = [r for r in rows if r.correct]
        threshold = policy.routing.threshold(rows[0].threshold_name)
        above = [r for r in rows if r.predicted not in (None, "") and r.confidence >= threshold]
        out[name] = {"n": len(rows), "accuracy": _share(len(right), len(rows)), "coverage": _share(len(got), len(rows)),
                     "precision": _share(sum(r.correct for r in got), len(got)), "critical": name in CRITICAL,
                     "threshold": threshold, "above_threshold": len(above),
                     "above_threshold_accuracy": _share(sum(r.correct for r in above), len(above))}
    return out


def reliability(docs: list[DocOutcome], use_raw: bool, names: Optional[tuple] = None) -> list[dict]:
    """Confidence bins -> how many fields, their mean confidence and the share right."""
    rows = [f for d in docs for n, f in d.fields.items() if f.predicted not in (None, "")
            and (n in names if names is not None else n not in LINE_FIELDS)]
    table = []
    for low, high in zip(BINS, BINS[1:]):
        inside = [f for f in rows if low <= (f.raw if use_raw else f.confidence) < high]
        if not inside:
            continue
        mean = sum(f.raw if use_raw else f.confidence for f in inside) / len(inside)
        table.append({"bin": f"{low:.2f}-{min(high, 1.0):.2f}", "n": len(inside), "mean_confidence": round(mean, 4),
                      "accuracy": _share(sum(f.correct for f in inside), len(inside))})
    return table


FIELD_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0001)


def reliability_by_field(docs: list[DocOutcome]) -> dict:
    """Per field: calibrated-confidence bins with count and observed accuracy (the table a
    router's thresholds are read from)."""
    out = {}
    names = sorted({n for d in docs for n, f in d.fields.items() if f.predicted not in (None, "")}, key=lambda n: (n not in CRITICAL, n))
    for name in names:
        rows = [d.fields[name] for d in docs if name in d.fields and d.fields[name].predicted not in (None, "")]
        table = []
        for low, high in zip(FIELD_BINS, FIELD_BINS[1:]):
            inside = [f for f in rows if low <= f.confidence < high]
            if inside:
                table.append({"bin": f"{low:.2f}-{min(high, 1.0):.2f}", "n": len(inside),
                              "accuracy": _share(sum(f.correct for f in inside), len(inside))})
        out[name] = table
    return out


def by_evidence(docs: list[DocOutcome]) -> dict:
    """Amounts per evidence class: how many, how many right, how many at or above threshold."""
    out: dict = {}
    for d in docs:
        for name, f in d.fields.items():
            if f.evidence and f.predicted not in (None, ""):
                row = out.setdefault(name, {}).setdefault(f.evidence, {"n": 0, "right": 0})
                row["n"] += 1
                row["right"] += int(f.correct)
    return out


def high_confidence(docs: list[DocOutcome], policy: Policy) -> dict:
    """Every routed field read at or above its routing threshold: how many, the share right
    (the router's promise; the target is at least 99.5 %) and the lower one-sided 95 % Wilson
    bound of that share: what the set proves rather than what it happened to show (200
    values all right prove only 98.7 %; it takes about 540 to prove 99.5 %)."""
    rows = [(d.name, n, f) for d in docs for n, f in d.fields.items()
            if f.predicted not in (None, "") and f.threshold_name in policy.routing.required_fields
            and f.confidence >= policy.routing.threshold(f.threshold_name)]
    wrong = [f"{name}:{n}" for name, n, f in rows if not f.correct]
    right = sum(f.correct for _, _, f in rows)
    return {"n": len(rows), "accuracy": _share(right, len(rows)),
            "lower_bound": round(wilson_lower(right, len(rows)), 4) if rows else None, "wrong": wrong[:20]}


def _critical_ok(doc: DocOutcome) -> bool:
    return all(f.correct for n, f in doc.fields.items() if n in CRITICAL)


def routing_figures(docs: list[DocOutcome]) -> dict:
    scored = [d for d in docs if d.error is None]
    auto = [d for d in scored if d.routed == "auto"]
    wrong = [d.name for d in auto if not _critical_ok(d)]
    return {"documents": len(docs), "auto": len(auto), "straight_through": _share(len(auto), len(docs)),
            "auto_error_rate": _share(len(wrong), len(auto)), "auto_wrong": wrong[:20]}


def held_figures(docs: list[DocOutcome]) -> dict:
    """Why documents were held, and whether holding them caught anything: per reason code and
    field, the documents it held and, for a field-specific reason, how often the held value
    was right anyway. "Held clean" are held documents whose critical fields were all right:
    the straight-through the router's caution cost, to weigh against the errors it stopped."""
    held = [d for d in docs if d.error is None and d.routed != "auto"]
    by_reason: dict[str, dict] = {}
    for d in held:
        for code, name in dict.fromkeys(d.held):  # a document counts once per reason and field
            row = by_reason.setdefault(f"{code}:{name}" if name else code, {"documents": 0, "value_right": 0, "scored": 0})
            row["documents"] += 1
            shown = next((f for f in d.fields.values() if f.threshold_name == name), None) if name else None
            if shown is not None and shown.predicted not in (None, ""):
                row["scored"] += 1
                row["value_right"] += int(shown.correct)
    clean = [d for d in held if _critical_ok(d)]
    # per document too (JSON only): which invoice a reason held, to read it page by page
    documents = [{"document": d.name, "form": d.form, "clean": _critical_ok(d),
                  "reasons": list(dict.fromkeys(f"{code}:{name}" if name else code for code, name in d.held))} for d in held]
    return {"held": len(held), "held_clean": len(clean),
            "by_reason": dict(sorted(by_reason.items(), key=lambda kv: -kv[1]["documents"])), "documents": documents}


def uniform_threshold_policy(policy: Policy, threshold: float) -> Policy:
    """The policy with every routing threshold set to ``threshold`` (bands and overrides kept)."""
    routing = replace(policy.routing, default_threshold=threshold,
                      thresholds={k: threshold for k in (*policy.routing.thresholds, *policy.routing.required_fields)})
    return replace(policy, routing=routing, version=f"{policy.version}@{threshold}")


def by_form(docs: list[DocOutcome]) -> dict:
    out = {}
    for form in sorted({d.form for d in docs}):
        group = [d for d in docs if d.form == form]
        fields = {}
        for name in (*CRITICAL, *LINE_FIELDS):
            rows = [d.fields[name] for d in group if name in d.fields]
            if rows:
                fields[name] = _share(sum(r.correct for r in rows), len(rows))
        out[form] = {"documents": len(group), "critical_accuracy": fields, **routing_figures(group), **speed(group)}
        out[form].pop("auto_wrong", None)
    return out


def speed(docs: list[DocOutcome]) -> dict:
    done = [d for d in docs if d.pages]
    if not done:
        return {}
    per_doc = [d.read_s + d.extract_s for d in done]
    per_page = [(d.read_s + d.extract_s) / d.pages for d in done]
    return {"seconds_per_document": round(sum(per_doc) / len(per_doc), 3), "median_seconds_per_document": round(median(per_doc), 3),
            "median_ms_per_page": round(1000 * median(per_page), 1),
            "median_extract_ms_per_document": round(1000 * median(d.extract_s for d in done), 1)}


def mistakes(docs: list[DocOutcome], limit: int = 300) -> list[dict]:
    out = [{"document": d.name, "field": n, "expected": f.expected, "predicted": f.predicted, "confidence": f.confidence, "raw": f.raw}
           for d in docs for n, f in d.fields.items() if not f.correct]
    return sorted(out, key=lambda m: -m["confidence"])[:limit]
