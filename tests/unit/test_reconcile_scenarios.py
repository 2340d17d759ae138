"""Decision scenarios on the pure decision: each asserts the exact outcome and reason codes.

Shared facts (tests/reconcile_builders.py): vendor V1 (IBAN on file since 2020), PO 4500123
with line 1 (10 x widget at 12.50, SKU W-1) and line 2 (100 x bolt at 0.40, SKU B-8), both
fully received on GR-1. The default policy: price 2 % and at most 0.50 (the stricter of the
two), quantity exact, header 0.05, no charges allowed, duplicate window 45 days, bank-change
window 30 days.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from invoicepipe.domain.models import BankAccount, POLine, PurchaseOrder
from invoicepipe.domain.decide import decide
from tests.reconcile_builders import (PO, VENDOR, commitment, default_policy, invoice, line, prior, receipt, scenario,
                                      with_reconcile)


def reconcile_invoice(evidence, policy):
    """The decision report (the same one function the pipeline calls)."""
    return decide(evidence, policy)

POLICY = default_policy()
REVIEW, OK = "needs_review", "approved"
SERVICE_PO = PurchaseOrder("4500900", "V1", "EUR", (POLine("1", "Consulting hours", Decimal(40), Decimal("95.00")),), kind="service")
CLOSED_PO = replace(PO, status="closed")
BOLTS = line("Hex bolt M8 zinc", "100", "0.40", sku="B-8", po_line="2")


def widgets(qty="10", price="12.50", **kw):
    return line("Widget standard", qty, price, **{"sku": "W-1", "po_line": "1", **kw})


def on_po(*lines, **kw):
    return scenario(invoice(lines=lines, **kw))


MATCHING = [
    # A misread table (row numbers taken for quantities) is not matched line by line: the
    # header check (net 125.00 + 40.00 against 165.00 received) decides.
    ("garbled_lines_fall_back_to_the_header", lambda: on_po(line("Widget standard", "1", "12.50", amount="125.00"),
                                                             line("Hex bolt M8 zinc", "2", "0.40", amount="40.00")), {}, OK, []),
    ("garbled_lines_over_the_received_value", lambda: on_po(line("Widget standard", "1", "12.50", amount="125.00"),
                                                             line("Hex bolt M8 zinc", "2", "0.40", amount="80.00")),
     {}, REVIEW, ["amount_over_received"]),
    ("clean_full_match", lambda: on_po(widgets(), BOLTS), {}, OK, []),
    ("paired_by_po_line_number", lambda: on_po(line("Item A", "10", "12.50", po_line="01")), {}, OK, []),
    ("paired_by_sku", lambda: on_po(line("Art. 4711", "10", "12.50", sku="w-1")), {}, OK, []),
    ("paired_by_fuzzy_description", lambda: on_po(line("standard widget", "10", "12.50")), {}, OK, []),
    ("price_within_percent_tolerance", lambda: on_po(widgets(price="12.70")), {}, OK, []),
    # The stricter of 2 % and 0.50: 0.45 over a 0.40 bolt is +112 %, not "within 0.50".
    ("price_within_absolute_but_over_percent", lambda: on_po(line("Hex bolt M8 zinc", "100", "0.85", sku="B-8")), {}, REVIEW, ["price_variance"]),
    ("price_12_6_percent_over_under_the_absolute", lambda: scenario(invoice(lines=[line("Widget small", "25", "3.97", sku="S-1")]),
                                                                   po=replace(PO, lines=(POLine("1", "Widget small", Decimal(25), Decimal("3.53"), "S-1"),)),
                                                                   receipts=[receipt(("1", "25"))]), {}, REVIEW, ["price_variance"]),
    ("price_within_absolute_when_looser", lambda: on_po(line("Hex bolt M8 zinc", "100", "0.85", sku="B-8")),
     {"tolerances": {"combine": "looser"}}, OK, []),
    ("price_over_tolerance", lambda: on_po(widgets(price="13.50")), {}, REVIEW, ["price_variance"]),
    ("price_below_the_po_is_not_a_variance", lambda: on_po(widgets(price="11.00")), {}, OK, []),
    ("price_from_amount_when_unit_price_missing", lambda: on_po(line("Widget standard", "10", None, sku="W-1", amount="150.00")),
     {}, REVIEW, ["price_variance"]),
    ("vendor_override_widens_price_tolerance", lambda: on_po(widgets(price="13.50")),
     {"vendor_overrides": {"V1": {"price_percent": 10, "price_absolute": 2}}}, OK, []),
    ("qty_over_received", lambda: on_po(widgets(qty="12")), {}, REVIEW, ["quantity_over_received"]),
    ("qty_within_quantity_tolerance", lambda: on_po(widgets(qty="11")), {"tolerances": {"quantity_absolute": 1}}, OK, []),
    ("partial_receipt_billed_as_received", lambda: scenario(invoice(lines=[widgets(qty="6")]), receipts=[receipt(("1", "6"))]), {}, OK, []),
    ("partial_receipt_billed_in_full", lambda: scenario(invoice(lines=[widgets()]), receipts=[receipt(("1", "6"))]),
     {}, REVIEW, ["quantity_over_received"]),
    ("several_receipts_add_up", lambda: scenario(invoice(lines=[widgets()]),
                                                 receipts=[receipt(("1", "4")), receipt(("1", "6"), receipt_id="GR-2")]), {}, OK, []),
    ("nothing_received", lambda: scenario(invoice(lines=[widgets()]), receipts=[]), {}, REVIEW, ["not_received"]),
    ("second_invoice_for_the_rest", lambda: scenario(invoice(lines=[widgets(qty="4")]), billed={"1": "6"}), {}, OK, []),
    ("second_invoice_same_line_overbills", lambda: scenario(invoice(lines=[widgets(qty="2")]), billed={"1": "10"}),
     {}, REVIEW, ["cumulative_overbilling"]),
    ("first_invoice_still_in_review_counts", lambda: scenario(invoice(lines=[widgets(qty="6")]),
                                                              commitments=[commitment(5, {"1": "6"}, "75.00", status="needs_review")]),
     {}, REVIEW, ["cumulative_overbilling"]),
    ("a_pending_suspected_copy_does_not_count", lambda: scenario(invoice(lines=[widgets(qty="6")]),
                                                                 commitments=[commitment(5, {"1": "6"}, "75.00", status="needs_review", suspected_copy=True)]),
     {}, OK, []),
    ("two_lines_of_one_invoice_on_one_po_line", lambda: on_po(widgets(qty="6"), widgets(qty="6")), {}, REVIEW, ["cumulative_overbilling"]),
    ("line_not_on_po", lambda: on_po(widgets(), line("Gold plated widget deluxe", "1", "99.00")), {}, REVIEW, ["line_not_on_po"]),
    ("freight_not_on_po", lambda: on_po(widgets(), line("Freight", "1", "45.00")), {}, REVIEW, ["charge_not_on_po"]),
    ("freight_german", lambda: on_po(widgets(), line("Frachtkosten pauschal", "1", "25.00")), {}, REVIEW, ["charge_not_on_po"]),
    ("freight_french", lambda: on_po(widgets(), line("Frais de port", "1", "12.00")), {}, REVIEW, ["charge_not_on_po"]),
    ("freight_within_charge_allowance", lambda: on_po(widgets(), line("Shipping & handling", "1", "45.00")),
     {"tolerances": {"charges_absolute": 50}}, OK, []),
    ("freight_over_percent_allowance", lambda: on_po(widgets(), line("Versandkosten", "1", "45.00")),
     {"tolerances": {"charges_percent": 10}}, REVIEW, ["charge_not_on_po"]),
    ("freight_on_the_po_is_matched", lambda: scenario(invoice(lines=[widgets(), line("Freight", "1", "45.00")]),
                                                      po=replace(PO, lines=PO.lines + (POLine("3", "Freight", Decimal(1), Decimal("45.00")),)),
                                                      receipts=[receipt(("1", "10"), ("3", "1"))]), {}, OK, []),
    ("discount_line_lowers_the_amount", lambda: on_po(widgets(), line("Rabatt 2 %", None, None, amount="-2.50")), {}, OK, []),
    ("header_net_exceeds_lines", lambda: scenario(invoice(lines=[widgets()], net="135.00")), {}, REVIEW, ["totals_inconsistent"]),
    ("header_rounding_within_tolerance", lambda: scenario(invoice(lines=[widgets()], net="125.03")), {}, OK, []),
    ("currency_mismatch", lambda: on_po(widgets(), currency="USD"), {}, REVIEW, ["currency_mismatch"]),
    ("closed_po", lambda: scenario(invoice(lines=[widgets()]), po=CLOSED_PO), {}, REVIEW, ["po_closed"]),
    ("unknown_po", lambda: scenario(invoice(po="4599999", lines=[widgets()]), po=None), {}, REVIEW, ["po_unknown"]),
    ("po_of_another_vendor", lambda: scenario(invoice(lines=[widgets()]), po=replace(PO, vendor_id="V2")), {}, REVIEW, ["po_vendor_mismatch"]),
    ("non_po_invoice_goes_to_review", lambda: scenario(invoice(po=None), po=None), {}, REVIEW, ["no_po"]),
    ("non_po_invoice_routed_to_approval", lambda: scenario(invoice(po=None), po=None), {"non_po_invoices": "approval"}, REVIEW, ["no_po"]),
    ("service_po_two_way", lambda: scenario(invoice(po="4500900", lines=[line("Consulting hours March", "32", "95.00")]),
                                            po=SERVICE_PO, receipts=[]), {}, OK, []),
    ("service_po_over_ordered", lambda: scenario(invoice(po="4500900", lines=[line("Consulting hours", "45", "95.00")]),
                                                 po=SERVICE_PO, receipts=[]), {}, REVIEW, ["quantity_over_ordered"]),
    ("header_only_within_received_value", lambda: scenario(invoice(lines=[], net="125.00")), {}, OK, []),
    ("header_only_over_received_value", lambda: scenario(invoice(lines=[], net="300.00")), {}, REVIEW, ["amount_over_received"]),
    ("credit_note_is_held_not_matched", lambda: scenario(invoice(number="CN-7", lines=[widgets()], document_type="credit_note")),
     {}, REVIEW, ["credit_note"]),
]

BANK_AND_VENDOR = [
    ("iban_fails_checksum", lambda: on_po(widgets(), iban="DE89370400440532013001"), {}, REVIEW, ["bank_mismatch"]),
    ("iban_not_in_vendor_master", lambda: on_po(widgets(), iban="GB82WEST12345698765432"), {}, REVIEW, ["bank_mismatch"]),
    ("iban_with_spaces_matches", lambda: on_po(widgets(), iban="de89 3704 0044 0532 0130 00"), {}, OK, []),
    ("bank_changed_within_window", lambda: scenario(invoice(), vendor=replace(VENDOR, bank_accounts=(BankAccount(VENDOR.bank_accounts[0].iban, date(2026, 3, 1)),))),
     {}, REVIEW, ["bank_recently_changed"]),
    ("bank_changed_before_window", lambda: scenario(invoice(), vendor=replace(VENDOR, bank_accounts=(BankAccount(VENDOR.bank_accounts[0].iban, date(2026, 1, 2)),))),
     {}, OK, []),
    ("unknown_vendor", lambda: scenario(invoice(vendor_id=None, vendor="Nobody Ltd"), vendor=None), {}, REVIEW, ["unknown_vendor"]),
    ("unknown_vendor_without_po", lambda: scenario(invoice(vendor_id=None, vendor="Nobody Ltd", po=None), vendor=None, po=None), {}, REVIEW, ["unknown_vendor"]),
    ("inactive_vendor", lambda: scenario(invoice(), vendor=replace(VENDOR, active=False)), {}, REVIEW, ["vendor_inactive"]),
]

DUPLICATES = [
    ("exact_resubmission_by_email", lambda: dup("INV-1001", "2026-03-14"), REVIEW, ["duplicate_suspected"]),
    ("ocr_o_for_zero", lambda: dup("INV-1OO1", "2026-03-14"), REVIEW, ["duplicate_suspected"]),
    ("ocr_i_and_l_for_one", lambda: dup("lNV-100I", "2026-03-14"), REVIEW, ["duplicate_suspected"]),
    ("ocr_s_for_five", lambda: dup("INV-S55", "2026-03-14", original="INV-555"), REVIEW, ["duplicate_suspected"]),
    ("ocr_b_for_eight", lambda: dup("INV-1B8", "2026-03-14", original="INV-188"), REVIEW, ["duplicate_suspected"]),
    ("case_punctuation_leading_zeros", lambda: dup("inv 001001", "2026-03-14"), REVIEW, ["duplicate_suspected"]),
    ("prefix_dropped_same_amount_near_date", lambda: dup("2026-1001", "2026-03-20", original="INV-2026-1001"), REVIEW, ["duplicate_suspected"]),
    ("digits_swapped_same_amount_near_date", lambda: dup("INV-1010", "2026-03-16"), REVIEW, ["duplicate_suspected"]),
    ("same_number_and_amount_years_later", lambda: dup("INV-1001", "2029-03-14"), REVIEW, ["duplicate_suspected"]),
    ("recurring_monthly_same_amount", lambda: dup("INV-1002", "2026-04-14"), OK, []),
    ("same_number_other_vendor", lambda: dup("INV-1001", "2026-03-14", prior_vendor="V2"), OK, []),
    ("same_number_other_amount_next_year", lambda: dup("INV-1001", "2027-03-14", prior_total="980.00"), OK, []),
    ("same_number_other_amount_same_month", lambda: dup("INV-1001", "2026-03-20", prior_total="980.00"), REVIEW, ["invoice_number_reused"]),
    ("near_number_other_amount_far_apart", lambda: dup("INV-1010", "2026-09-14", prior_total="980.00"), OK, []),
    ("same_amount_far_apart_similar_number", lambda: dup("INV-1010", "2026-09-14"), OK, []),
    ("credit_note_against_its_invoice", lambda: dup("CN-1001", "2026-03-18", document_type="credit_note"), REVIEW, ["credit_note"]),
    ("vendor_printed_as_alias", lambda: dup("INV-1001", "2026-03-14", printed="ACME INDUSTRIES"), REVIEW, ["duplicate_suspected"]),
    ("other_currency_same_figures", lambda: dup("INV-1002", "2026-03-15", prior_currency="USD"), OK, []),
]


def dup(number, day, original="INV-1001", prior_total=None, prior_vendor="V1", document_type="invoice", printed=VENDOR.name,
        prior_currency="EUR"):
    """A clean PO invoice against one prior invoice dated 2026-03-14 (the original)."""
    new = invoice(number=number, day=day, document_type=document_type, vendor=printed)
    total = prior_total or new.value("total")
    priors = [prior(7, original, total, "2026-03-14", vendor_id=prior_vendor, currency=prior_currency)]
    return scenario(new, priors=priors)


@pytest.mark.parametrize("build,changes,outcome,codes", [pytest.param(*row[1:], id=row[0]) for row in MATCHING + BANK_AND_VENDOR])
def test_matching_bank_and_vendor_scenarios(build, changes, outcome, codes):
    decision = reconcile_invoice(build(), with_reconcile(POLICY, **changes)).decision
    assert (decision.outcome, decision.reason_codes) == (outcome, codes), [r.message for r in decision.reasons]


@pytest.mark.parametrize("build,outcome,codes", [pytest.param(*row[1:], id=row[0]) for row in DUPLICATES])
def test_duplicate_scenarios(build, outcome, codes):
    decision = reconcile_invoice(build(), POLICY).decision
    assert (decision.outcome, decision.reason_codes) == (outcome, codes), [r.message for r in decision.reasons]


def test_every_line_explains_expected_found_and_tolerance():
    outcome = reconcile_invoice(on_po(widgets(qty="12", price="12.60"), BOLTS), POLICY)
    first, second = (m.explanation for m in outcome.match.lines)
    assert "qty 12 billed, 10 received on PO 4500123 line 1 (tolerance 0.0% and at most 0)" in first
    assert "unit price 12.60 billed, 12.50 on PO 4500123 line 1 (variance +0.10, tolerance 2.0% and at most 0.5, 0.25 allowed): ok" in first
    assert "paired by po line" in first and "qty 100 billed, 100 received on PO 4500123 line 2: ok" in second
    [over] = outcome.decision.reasons
    assert over.message == "qty 12 billed, 10 received on PO 4500123 line 1 (tolerance 0.0% and at most 0)"
    assert over.evidence["received"] == "10" and over.evidence["billed"] == "12"


def test_second_invoice_message_names_both_quantities():
    [reason] = reconcile_invoice(scenario(invoice(lines=[widgets(qty="3")]), billed={"1": "8"}), POLICY).decision.reasons
    assert reason.message == "qty 3 billed now plus 8 billed before is 11, 10 received on PO 4500123 line 1 (tolerance 0.0% and at most 0)"


def test_duplicate_links_the_earliest_original_and_tells_exact_from_fuzzy():
    new = invoice()
    priors = [prior(9, "INV-1001", new.value("total"), "2026-03-14", channel="scan"),
              prior(4, "INV-1001", new.value("total"), "2026-03-14", channel="email")]
    [exact] = reconcile_invoice(scenario(new, priors=priors), POLICY).decision.reasons
    assert exact.evidence["original_id"] == 4 and exact.evidence["exact"] is True and exact.evidence["score"] == 1.0
    assert "arrived by portal, the original by email" in exact.message
    [fuzzy] = reconcile_invoice(scenario(invoice(number="INV-1OO1"), priors=priors[1:]), POLICY).decision.reasons
    assert fuzzy.evidence["exact"] is False and 0.8 <= fuzzy.evidence["score"] < 1.0


def test_bank_mismatch_names_the_role_that_may_release_it():
    [reason] = reconcile_invoice(on_po(widgets(), iban="GB82WEST12345698765432"), POLICY).decision.reasons
    assert reason.evidence["requires_role"] == "controller"
    assert reason.evidence["known"] == [VENDOR.bank_accounts[0].iban]


def test_every_finding_is_reported_not_only_the_first():
    build = scenario(invoice(lines=[widgets(qty="12", price="14.00"), line("Freight", "1", "30.00")], iban="DE00123", currency="USD"),
                     po=CLOSED_PO, vendor=None)
    codes = reconcile_invoice(build, POLICY).decision.reason_codes
    assert codes == ["unknown_vendor", "bank_mismatch", "po_closed", "currency_mismatch", "quantity_over_received", "charge_not_on_po"]
    # ...and each code once: 35 lines not on the PO are one reason carrying all 35.
    many = scenario(invoice(lines=[line(f"Gadget model {i}", "1", "9.00") for i in range(35)]))
    [reason] = reconcile_invoice(many, POLICY).decision.reasons
    assert reason.code == "line_not_on_po" and reason.evidence["count"] == 35 and len(reason.evidence["items"]) == 35
    assert "and 30 more" in reason.message


def test_a_copy_is_matched_with_its_originals_billing_counted():
    new = invoice()
    original = prior(7, "INV-1001", new.value("total"), "2026-03-14")
    other = prior(8, "INV-0999", "999.00", "2026-03-01")
    billed = [commitment(7, {"1": "10"}, "125.00")]
    copy = scenario(new, priors=[original, other], commitments=billed)
    # Overriding the duplicate finding alone must not pay the goods twice.
    assert reconcile_invoice(copy, POLICY).decision.reason_codes == ["duplicate_suspected", "cumulative_overbilling"]
    not_a_copy = scenario(invoice(number="INV-1002", day="2026-03-16"), priors=[original, other], commitments=billed)
    assert reconcile_invoice(not_a_copy, POLICY).decision.reason_codes == ["cumulative_overbilling"]


def test_invoices_of_an_unresolved_vendor_are_compared_on_number_and_amount_only():
    new = invoice(vendor_id=None, vendor="Nobody Ltd", po=None)
    same = prior(7, "INV-1001", new.value("total"), "2026-03-14", vendor_id=None)
    near = prior(8, "INV-1010", new.value("total"), "2026-03-14", vendor_id=None)
    assert reconcile_invoice(scenario(new, vendor=None, po=None, priors=[same]), POLICY).decision.reason_codes == ["unknown_vendor", "duplicate_suspected"]
    assert reconcile_invoice(scenario(new, vendor=None, po=None, priors=[near]), POLICY).decision.reason_codes == ["unknown_vendor"]


@pytest.mark.parametrize("printed,original,similar", [
    ("INV-2026-0412", "inv 2026/412", "same"), ("RE-2O26-OO4l2", "RE-2026-00412", "same"), ("S58", "558", "same"),
    ("2026-00412", "INV-2026-00412", "prefix"), ("412", "FA-000412", "prefix"), ("00561", "F2026-00561", "prefix"),
    ("INV-2026-00421", "INV-2026-00412", "swapped"), ("INV-2026-0412", "INV-2026-0413", None),
    ("RENT-JAN-2026", "RENT-FEB-2026", None), ("12", "112", None),
])
def test_invoice_number_likeness(printed, original, similar):
    from invoicepipe.domain.invoice_numbers import normalise_invoice_number, similar_numbers

    why = similar_numbers(printed, original) or ""
    found = "same" if normalise_invoice_number(printed) == normalise_invoice_number(original) else (
        "prefix" if "prefix" in why else "swapped" if "swapped" in why else why or None)
    assert found == similar


def test_a_copy_whose_vendor_was_not_resolved_still_finds_its_original():
    new = invoice(vendor_id=None, vendor="ACME lNDUSTRlAL", po=None)
    original = prior(7, "INV-1001", new.value("total"), "2026-03-14", vendor_id="V1")
    codes = reconcile_invoice(scenario(new, vendor=None, po=None, priors=[original]), POLICY).decision.reason_codes
    assert codes == ["unknown_vendor", "duplicate_suspected"]
    other_amount = prior(8, "INV-1001", "999.00", "2026-03-14", vendor_id="V1")
    assert reconcile_invoice(scenario(new, vendor=None, po=None, priors=[other_amount]), POLICY).decision.reason_codes == ["unknown_vendor"]
