"""Drift math: labels from reviews, the CUSUM, PSI, straight-through and layout checks."""

import random

import pytest
import yaml

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.domain.drift import (BernoulliCusum, baseline_error_rate, DriftPolicy, FieldLabel, PrintedField, accuracy_findings, capture_form,
                                      confidence_findings, label_fields, layout_finding, psi, stp_finding, wilson)
from invoicepipe.domain.layout_memory import FieldSpot, VendorLayout
from tests.conftest import REPO

SMALL = DriftPolicy(min_baseline_labels=50, min_psi_samples=50, min_stp_documents=50)


def labels(docs, accuracy, rng, start=0, fields=("total", "invoice_number"), vendor="V1", form="digital"):
    return [FieldLabel(start + d, f, rng.random() < accuracy, 0.9, vendor, form) for d in range(docs) for f in fields]


def test_a_field_the_reviewer_left_is_correct_a_changed_or_filled_one_is_not():
    machine = {"total": {"value": "119.00", "confidence": 0.95}, "po_number": {"value": "4500999", "confidence": 0.6},
               "iban": {"value": "", "confidence": 0.0}, "due_date": {"value": "", "confidence": 0.0}}
    reviewed = {"total": {"value": "119.00"}, "po_number": {"value": "4500123"}, "iban": {"value": "DE89370400440532013000"},
                "due_date": {"value": ""}}
    got = {lab.field: (lab.correct, lab.confidence) for lab in label_fields(machine, reviewed, 7, "V1", "scan")}
    assert got == {"total": (True, 0.95), "po_number": (False, 0.6), "iban": (False, 0.0)}  # empty on both sides: no label


def test_capture_form_from_the_reader_and_the_xml():
    assert capture_form([{"method": "pdf_text"}], {"total": {"method": "label_right"}}) == "digital"
    assert capture_form([{"method": "pdf_text"}, {"method": "ocr_tesseract"}], {}) == "scan"
    assert capture_form([{"method": "pdf_text"}], {"total": {"method": "einvoice_xml"}}) == "einvoice"


def test_cusum_climbs_on_errors_falls_on_correct_fields_and_never_below_zero():
    c = BernoulliCusum(0.17, 0.02, h=3.0)
    assert c.up == pytest.approx(0.1112, abs=1e-4) and c.down == pytest.approx(-0.02439, abs=1e-4)
    assert not c.update(0, 8) and c.value == 0.0
    assert not c.update(8, 8)
    assert c.value == pytest.approx(8 * c.up)
    assert c.update(30, 30)  # a run of errors passes h


def test_a_small_baseline_is_held_to_a_more_cautious_error_rate():
    assert baseline_error_rate(170, 1000, 0.0) == pytest.approx(0.17)
    assert baseline_error_rate(170, 1000, 1.0) == pytest.approx(0.17 + (0.17 * 0.83 / 1000) ** 0.5)
    assert baseline_error_rate(1700, 10000, 1.0) - 0.17 < baseline_error_rate(170, 1000, 1.0) - 0.17
    assert baseline_error_rate(0, 100, 1.0) == pytest.approx(0.01)  # never zero: one error in n is possible


def test_accuracy_alarms_on_a_real_drop_and_not_on_stable_traffic():
    rng = random.Random(3)
    baseline = labels(3000, 0.85, rng)
    stable = accuracy_findings(baseline, labels(1500, 0.85, rng, start=10_000), SMALL)
    dropped = accuracy_findings(baseline, labels(1500, 0.75, rng, start=10_000), SMALL)
    assert [f.segment for f in stable if f.drifted] == []
    assert {"all", "field:total", "field:invoice_number", "vendor:V1", "form:digital"} <= {f.segment for f in dropped if f.drifted}
    overall = dropped[0]
    assert overall.segment == "all" and overall.detail["baseline_accuracy"] == pytest.approx(0.85, abs=0.01)
    assert overall.detail["window_accuracy"] == pytest.approx(0.75, abs=0.02) and overall.statistic > SMALL.cusum_h


def test_a_segment_with_too_small_a_baseline_is_reported_but_never_alarms():
    rng = random.Random(4)
    baseline = labels(10, 0.99, rng)
    window = labels(500, 0.2, rng, start=100)
    [overall, *_] = accuracy_findings(baseline, window, SMALL)
    assert not overall.drifted and overall.detail["enough_baseline"] is False and overall.detail["window_labels"] == 1000


def test_psi_is_zero_for_one_distribution_and_large_for_a_shift():
    rng = random.Random(5)
    a = [rng.betavariate(8, 2) for _ in range(2000)]
    b = [rng.betavariate(8, 2) for _ in range(2000)]
    low = [rng.betavariate(2, 3) for _ in range(2000)]
    assert psi(a, b) < 0.05
    assert psi(a, low) > 1.0
    # By hand: all of one sample in bin 9 and all of the other in bin 0 (half counts elsewhere).
    assert psi([0.95] * 100, [0.05] * 100, bins=10) == pytest.approx(2 * (100.5 - 0.5) / 105 * __import__("math").log(100.5 / 0.5), rel=1e-6)
    found = confidence_findings({"total": a}, {"total": low}, SMALL)
    assert found[0].drifted and found[0].segment == "field:total"
    assert not confidence_findings({"total": a[:10]}, {"total": low[:10]}, SMALL)[0].drifted  # too few values


def test_straight_through_drop_needs_both_significance_and_size():
    assert stp_finding((600, 1000), (300, 1000), SMALL).drifted
    assert not stp_finding((600, 1000), (580, 1000), SMALL).drifted  # a wiggle
    assert not stp_finding((6000, 10000), (5800, 10000), SMALL).drifted  # significant, but under stp_min_drop
    assert not stp_finding((30, 50), (0, 10), SMALL).drifted  # too few documents
    assert wilson(50, 100) == pytest.approx((0.4038, 0.5962), abs=1e-3)


def test_a_vendor_whose_newest_documents_print_elsewhere_changed_its_layout():
    layout = VendorLayout("V1", (FieldSpot("total", -1, (0.7, 0.8, 0.85, 0.82), "total"),
                                 FieldSpot("invoice_number", 1, (0.6, 0.1, 0.8, 0.12), "invoice no")), documents=5)
    same = [PrintedField("total", 2, (0.71, 0.8, 0.86, 0.82)), PrintedField("invoice_number", 1, (0.6, 0.11, 0.8, 0.13))]
    moved = [PrintedField("total", 1, (0.1, 0.5, 0.2, 0.52)), PrintedField("invoice_number", 1, (0.1, 0.3, 0.3, 0.32))]
    assert not layout_finding("V1", layout, [(same, 2)] * 3, SMALL).drifted
    changed = layout_finding("V1", layout, [(moved, 1)] * 3, SMALL)
    assert changed.drifted and changed.segment == "vendor:V1" and changed.detail["moved_shares"] == [1.0, 1.0, 1.0]
    assert not layout_finding("V1", layout, [(moved, 1), (same, 2), (moved, 1)], SMALL).drifted  # one odd document
    assert not layout_finding("V1", layout, [(moved, 1)] * 2, SMALL).drifted  # not enough documents yet


def test_drift_thresholds_are_policy_validated_by_the_schema(tmp_path):
    raw = yaml.safe_load((REPO / "policy" / "default.yaml").read_text())
    assert load_policy(REPO / "policy" / "default.yaml", REPO / "schemas").drift == DriftPolicy(**(raw.get("drift") or {}))
    raw["drift"] = {"cusum_h": 6.5, "window_documents": 800}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(raw))
    policy = load_policy(tmp_path / "p.yaml", REPO / "schemas")
    assert (policy.drift.cusum_h, policy.drift.window_documents, policy.drift.psi_alert) == (6.5, 800, DriftPolicy().psi_alert)
    raw["drift"] = {"cusum_h": -1}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(Exception, match="cusum_h|-1"):
        load_policy(tmp_path / "bad.yaml", REPO / "schemas")


def test_the_audit_sample_is_a_stable_share_of_documents():
    from invoicepipe.domain.drift import audit_sampled

    assert not any(audit_sampled(i, 0.0) for i in range(1000))
    picked = [i for i in range(20_000) if audit_sampled(i, 0.05)]
    assert 850 <= len(picked) <= 1150  # 5 % of 20 000, give or take 3.5 standard deviations
    assert picked == [i for i in range(20_000) if audit_sampled(i, 0.05)]  # the same documents every time
    assert all(audit_sampled(i, 1.0) for i in range(100))
