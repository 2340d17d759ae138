"""``invoicepipe eval extraction DIR``: measure extraction on a labelled folder.

Each document is read as the parse step reads it (text layer, else OCR; ``ignore_xml``
drops an embedded e-invoice so the printed text is measured), extracted with raw scores,
calibrated, and routed by the real router (``domain.routing.route_invoice``) under the
real policy. A field counts as right when (``evaluation.field_compare``): dates,
currency and document type are equal in normalised form; amounts are equal as decimals
(absolute values on credit notes); identifiers are equal ignoring case, spaces, dots,
dashes, slashes and a leading "#"; the vendor is the expected master id when the folder
has ``master/vendors.json`` (none resolved for a vendor outside the master), else the
printed name agrees after dropping case, punctuation and legal forms (equal, contained as
whole words, or a fuzzy ratio of at least 90). The figures are defined in
``evaluation.extraction_metrics``.
``--compare A B`` runs two configurations (``evaluation.configurations``) on the same
reads and fails when B is worse than A on a critical field by more than the margin.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Optional

from ..domain.calibration import apply_calibration, evidence_class, evidence_source
from ..domain.extraction import extract_invoice
from ..domain.extraction.bank_details import flag_unreadable_iban
from ..domain.extraction.number_series import refine_invoice_number
from ..domain.extraction.po_search import refine_po_number
from ..domain.layout_memory import VendorLayout
from ..domain.routing import AUTO, route_invoice
from . import extraction_metrics as m
from .configurations import Configuration, configuration
from .corpus import Corpus, LabelledDocument, load_corpus
from .extraction_run import ReadDocument, read_all
from .field_compare import is_correct
from .line_compare import LINE_FIELDS, lines_correct, predicted_lines


TEXT_SKIPPED = "plain text file: ingest accepts only PDFs and images (--include-text reads it)"
OTHER_INVOICE_PRINTED = "the printed page shows neither the XML's invoice number nor its total (manifest)"


def score_document(doc: LabelledDocument, read: ReadDocument, config: Configuration, corpus: Corpus,
                   memory: Optional[Mapping[str, VendorLayout]] = None) -> m.DocOutcome:
    """Extract, calibrate, route and compare one read document with its ground truth."""
    outcome = m.DocOutcome(doc.name, doc.form or read.form, read.pages, read.seconds, 0.0, doc.vendor_key, error=read.error)
    if read.text is None:
        outcome.fields = {n: m.FieldOutcome(v, None, 0.0, 0.0, False, n) for n, v in _expected(doc, corpus, True).items()}
        return outcome
    started = time.perf_counter()
    raw = extract_invoice(read.text, corpus.vendors or (), None, memory if config.use_memory else None)
    extraction = apply_calibration(raw, config.calibration, evidence_source(p.method for p in read.text.pages))
    # as the parse step does:
    vendor_id = extraction.value("vendor_id")
    extraction = flag_unreadable_iban(refine_po_number(extraction, read.text, corpus.pos_of(vendor_id)), read.text)
    earlier = corpus.numbers_before(doc, vendor_id) if config.use_history else []
    extraction = refine_invoice_number(extraction, read.text, earlier)
    outcome.extract_s = time.perf_counter() - started
    credit_note = doc.truth.get("document_type") == "credit_note"
    for name, expected in _expected(doc, corpus, read.text.einvoice_xml is None).items():
        if name in LINE_FIELDS:
            predicted, conf = predicted_lines(name, extraction.lines)
            raw_conf = predicted_lines(name, raw.lines)[1]
            outcome.fields[name] = m.FieldOutcome(expected, predicted, raw_conf, conf,
                                                  lines_correct(name, predicted, expected, credit_note), name)
            continue
        source = "vendor_id" if name == "vendor" and corpus.vendors is not None else name
        predicted = extraction.value(source)
        shown = extraction.fields.get(source)
        outcome.fields[name] = m.FieldOutcome(expected, predicted, raw.confidence(source), extraction.confidence(source),
                                              is_correct(source, predicted, expected, credit_note), "vendor_id" if name == "vendor" else name,
                                              evidence_class(shown.evidence) if shown else None)
    vendor = _vendor(corpus, extraction.value("vendor_id"))
    decision = route_invoice(extraction, vendor, config.policy)
    outcome.routed, outcome.reasons = decision.outcome, decision.reason_codes
    outcome.held = [(r.code, r.evidence.get("field")) for r in decision.reasons]
    outcome.route_input = (extraction, vendor)
    return outcome


def _expected(doc: LabelledDocument, corpus: Corpus, printed_only: bool) -> dict:
    """The fields to score; when only the printed text is read, values it does not show are left out."""
    truth = {k: v for k, v in doc.truth.items() if not (printed_only and k in doc.not_printed)}
    if corpus.vendors is not None:
        truth["vendor"] = truth.pop("vendor_id", "")
    else:
        truth.pop("vendor_id", None)
    return truth


def _vendor(corpus: Corpus, vendor_id: Optional[str]):
    return next((v for v in corpus.vendors or () if v.vendor_id == vendor_id), None)


def curve(docs: list[m.DocOutcome], config: Configuration) -> list[dict]:
    """Straight-through and auto error rates with one threshold for every routed field."""
    rows = []
    for threshold in m.CURVE:
        policy = m.uniform_threshold_policy(config.policy, threshold)
        auto = [d for d in docs if d.route_input and route_invoice(*d.route_input, policy).outcome == AUTO]
        wrong = [d for d in auto if not all(f.correct for n, f in d.fields.items() if n in m.CRITICAL)]
        rows.append({"threshold": threshold, "straight_through": round(len(auto) / len(docs), 4) if docs else None,
                     "auto_error_rate": round(len(wrong) / len(auto), 4) if auto else None})
    return rows


def report_for(corpus: Corpus, outcomes: list[m.DocOutcome], config: Configuration, ignore_xml: bool) -> dict:
    return {
        "set": str(corpus.folder), "configuration": config.name, "policy_version": config.policy.version,
        "calibration": config.calibration.version if config.calibration else None, "ignore_xml": ignore_xml,
        "vendor_master": corpus.vendors is not None, "vendor_history": config.use_history and corpus.vendors is not None,
        "documents": len(outcomes),
        "unreadable": [{"document": d.name, "reason": d.error} for d in outcomes if d.error],
        "fields": m.field_table(outcomes, config.policy),
        "calibration_table": {"raw": m.reliability(outcomes, True), "calibrated": m.reliability(outcomes, False)},
        "reliability_by_field": m.reliability_by_field(outcomes), "amount_evidence": m.by_evidence(outcomes),
        "high_confidence": m.high_confidence(outcomes, config.policy),
        "routing": {**m.routing_figures(outcomes), "curve": curve(outcomes, config)},
        "held": m.held_figures(outcomes),
        "by_form": m.by_form(outcomes), "speed": m.speed(outcomes), "mistakes": m.mistakes(outcomes),
    }


def run(folder: Path, config: Configuration, ignore_xml: bool = False, workers: int = 0, cache: Optional[Path] = None,
        limit: Optional[int] = None, reads: Optional[dict] = None, include_text: bool = False) -> tuple[dict, Corpus, dict]:
    """Evaluate one configuration; returns (report, corpus, reads) so reads can be reused.

    Skipped (and listed): plain-text files unless ``include_text`` (ingest accepts only PDFs
    and images), and with ``ignore_xml`` documents whose manifest says the printed page
    shows neither the XML's invoice number nor its total (the print is another invoice).
    """
    corpus = load_corpus(folder, limit)
    skipped = {d.name: TEXT_SKIPPED for d in corpus.documents if d.path.suffix.lower() == ".txt" and not include_text}
    if ignore_xml:
        skipped.update({d.name: OTHER_INVOICE_PRINTED for d in corpus.documents if {"invoice_number", "total"} <= d.not_printed})
    corpus = replace(corpus, documents=tuple(d for d in corpus.documents if d.name not in skipped))
    if reads is None:
        reads = read_all(list(corpus.documents), ignore_xml, config.ocr, config.policy.triage.min_text_chars_per_page, workers, cache)
    outcomes = [score_document(d, reads[d.name], config, corpus) for d in corpus.documents]
    report = report_for(corpus, outcomes, config, ignore_xml)
    report["skipped"] = [{"document": name, "reason": why} for name, why in skipped.items()]
    return report, corpus, reads


def evaluate(folder: Path, config_name: str = "default", policy: Optional[Path] = None, **options) -> dict:
    """The report of ``config_name`` on ``folder`` (options: ignore_xml, workers, cache, limit)."""
    return run(Path(folder), configuration(config_name, policy), **options)[0]


def compare(folder: Path, champion: str, challenger: str, margin: float = 0.01, policy: Optional[Path] = None,
            **options) -> tuple[dict, bool]:
    """Run both configurations on the same documents; (report, challenger is acceptable).

    The challenger fails when its accuracy on any critical field is lower than the
    champion's by more than ``margin`` (a fraction: 0.01 is one percentage point).
    """
    a, b = configuration(champion, policy), configuration(challenger, policy)
    report_a, _, reads = run(Path(folder), a, **options)
    if a.ocr != b.ocr:
        reads = None  # another OCR setting reads the scans again
    options.pop("reads", None)
    report_b = run(Path(folder), b, reads=reads, **options)[0]
    worse = []
    for name in m.CRITICAL:
        fa, fb = report_a["fields"].get(name), report_b["fields"].get(name)
        if fa and fb and fa["accuracy"] is not None and fb["accuracy"] is not None and fa["accuracy"] - fb["accuracy"] > margin:
            worse.append({"field": name, "champion": fa["accuracy"], "challenger": fb["accuracy"]})
    return {"champion": report_a, "challenger": report_b, "margin": margin, "worse": worse}, not worse
