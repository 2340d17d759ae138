from decimal import Decimal

import pytest

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.models import ExtractedField, Extraction, Vendor
from invoicepipe.domain.policy import VendorRouting
from invoicepipe.domain.routing import AUTO, REVIEW, route_invoice


@pytest.fixture(scope="module")
def policy():
    return load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")


VENDOR = Vendor("V1", "Acme GmbH")


def extraction(conf=0.99, total="120.00", drop=(), warnings=()):
    # a net and a (zero) tax that add up to the total: a total read alone is held (arithmetic)
    values = {"vendor_id": "V1", "invoice_number": "A-1", "invoice_date": "2026-03-14", "total": total, "currency": "EUR",
              "net": total, "tax": "0.00"}
    fields = {k: ExtractedField(k, v, conf, "test") for k, v in values.items() if k not in drop}
    return Extraction(fields, warnings=tuple(warnings))


def test_confident_complete_invoice_goes_auto_with_no_reasons(policy):
    decision = route_invoice(extraction(), VENDOR, policy)
    assert decision.outcome == AUTO and decision.reasons == ()
    assert decision.policy_version == policy.version


def test_missing_required_field_goes_to_review(policy):
    decision = route_invoice(extraction(drop=("invoice_number",)), VENDOR, policy)
    assert decision.outcome == REVIEW
    assert decision.reason_codes == ["missing_field"]
    assert decision.reasons[0].evidence == {"field": "invoice_number"}


def test_unresolved_vendor_is_reported_as_unknown_vendor(policy):
    decision = route_invoice(extraction(drop=("vendor_id",)), None, policy)
    assert decision.reason_codes == ["unknown_vendor"]


def test_each_field_below_its_threshold_is_a_reason(policy):
    decision = route_invoice(extraction(conf=0.9), VENDOR, policy)
    # 0.9 passes invoice_number (0.9), vendor_id, date and currency, not total (0.95)
    assert decision.reason_codes == ["low_confidence"]
    assert decision.reasons[0].evidence["field"] == "total"


def test_amount_band_raises_thresholds_then_forces_review(policy):
    assert route_invoice(extraction(conf=0.96, total="9000.00"), VENDOR, policy).outcome == AUTO
    raised = route_invoice(extraction(conf=0.96, total="20000.00"), VENDOR, policy)
    assert raised.outcome == REVIEW and set(raised.reason_codes) == {"low_confidence"}
    huge = route_invoice(extraction(conf=1.0, total="60000.00"), VENDOR, policy)
    assert huge.reason_codes == ["amount_above_review_limit"]


def test_vendor_override_forces_review_and_caps_amount(policy):
    from dataclasses import replace

    routing = replace(policy.routing, vendor_overrides={"V1": VendorRouting(always_review=True, max_auto_amount=Decimal("100"))})
    strict = replace(policy, routing=routing)
    decision = route_invoice(extraction(), VENDOR, strict)
    assert decision.reason_codes == ["vendor_always_review", "amount_above_vendor_limit"]


def test_einvoice_disagreement_is_a_review_reason(policy):
    decision = route_invoice(extraction(warnings=["einvoice_text_mismatch:total"]), VENDOR, policy)
    assert decision.reason_codes == ["einvoice_text_mismatch"]
    assert "total" in decision.reasons[0].message


def test_inactive_vendor_goes_to_review(policy):
    decision = route_invoice(extraction(), Vendor("V1", "Acme GmbH", active=False), policy)
    assert decision.reason_codes == ["vendor_inactive"]


def test_arithmetic_does_not_lift_a_total_whose_digits_conflict_with_the_page(policy):
    from dataclasses import replace as _replace

    from invoicepipe.domain.routing import field_reasons
    ext = extraction(total="8.78")
    low = _replace(ext.fields["total"], confidence=0.5)
    plain = _replace(ext, fields={**ext.fields, "total": low})
    conflicted = _replace(ext, fields={**ext.fields, "total": _replace(low, evidence=("class:conflict", "arithmetic", "suffix_of:6018.78"))})
    reasons = field_reasons(conflicted, "V1", 0.0, policy, frozenset({"net", "tax", "total"}))
    assert [r.evidence["field"] for r in reasons] == ["total"]
    assert "6018.78" in reasons[0].message
    # the same total without the conflict is lifted by the arithmetic
    assert field_reasons(plain, "V1", 0.0, policy, frozenset({"total"})) == []


def test_a_due_date_computed_from_the_terms_does_not_corroborate_the_invoice_date(policy):
    # the invoice date below its threshold; a due date 30 days later matches the master's terms
    from dataclasses import replace
    from invoicepipe.domain.models import DERIVED_DUE_METHOD
    vendor = replace(VENDOR, payment_terms_days=30)
    ext = extraction()
    low = {**ext.fields, "invoice_date": ExtractedField("invoice_date", "2026-03-14", 0.8, "test")}
    read = {**low, "due_date": ExtractedField("due_date", "2026-04-13", 0.9, "label_right")}
    assert route_invoice(Extraction(read), vendor, policy).outcome == AUTO  # two dates read apart agree
    derived = {**low, "due_date": ExtractedField("due_date", "2026-04-13", 0.0, DERIVED_DUE_METHOD)}
    decision = route_invoice(Extraction(derived), vendor, policy)
    assert decision.outcome == REVIEW and decision.reason_codes == ["low_confidence"]


def test_the_extractions_own_arithmetic_routes_as_the_full_decision_does(policy):
    # route_invoice (what `eval extraction` measures) takes the arithmetic as decide does:
    # amounts that close three ways lift a total read below its threshold ...
    from invoicepipe.domain.models import LineItem
    ext = extraction()
    fields = {**ext.fields, "total": ExtractedField("total", "120.00", 0.6, "test"),
              "net": ExtractedField("net", "100.00", 0.9, "test"), "tax": ExtractedField("tax", "20.00", 0.9, "test")}
    lines = (LineItem("Widget", Decimal("4"), Decimal("25.00"), Decimal("100.00")),)
    assert route_invoice(Extraction(fields, lines=lines), VENDOR, policy).outcome == AUTO
    # ... and amounts that do not add up hold the invoice, however confidently each was read
    off = {**fields, "total": ExtractedField("total", "120.00", 0.99, "test"), "tax": ExtractedField("tax", "19.00", 0.99, "test")}
    decision = route_invoice(Extraction(off, lines=lines), VENDOR, policy)
    assert decision.outcome == REVIEW and "totals_inconsistent" in decision.reason_codes
