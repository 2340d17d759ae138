"""Copies found from content when their fields were read differently, and what is never one."""

from datetime import date
from decimal import Decimal

from invoicepipe.domain.content_duplicates import content_duplicate
from invoicepipe.domain.duplicates import InvoiceKey
from invoicepipe.domain.fingerprints import ContentSimilarity
from tests.reconcile_builders import default_policy

POLICY = default_policy().reconcile
ORIGINAL = InvoiceKey(7, "V1", "INV-2026-0412", date(2026, 3, 14), Decimal("6018.78"), "EUR", "invoice", "email")


def alike(text=0.8, amounts=0.9, numbers=0.8, shared=("2026-03-14",), disjoint=False) -> ContentSimilarity:
    return ContentSimilarity(text, 0.9, numbers, amounts, shared, (), disjoint, "wording 80% alike")


def key(**changes) -> InvoiceKey:
    values = {**ORIGINAL.__dict__, "document_id": 9, "channel": "scan", **changes}
    return InvoiceKey(**values)


def test_a_scan_whose_total_lost_its_thousands_and_whose_vendor_was_not_resolved_is_a_copy():
    match = content_duplicate(key(vendor_id=None, total=Decimal("18.78"), invoice_number="INV-2O26-04l2"), ORIGINAL, alike(), POLICY)
    assert match is not None and match.original_id == 7 and match.kind == "content" and match.score >= 0.8
    assert any("misread" in s for s in match.reasons)


def test_a_renumbered_copy_with_the_same_dates_printed_is_a_copy():
    assert content_duplicate(key(invoice_number="INV-2026-0999"), ORIGINAL, alike(), POLICY) is not None


def test_the_next_period_of_a_recurring_invoice_is_not_a_copy():
    recurring = key(invoice_number="INV-2026-0513", invoice_date=date(2026, 4, 14))
    assert content_duplicate(recurring, ORIGINAL, alike(shared=(), disjoint=True), POLICY) is None
    assert content_duplicate(recurring, ORIGINAL, alike(shared=()), POLICY) is None  # other number and date, no date in common
    # the next month shares one date with its predecessor (the predecessor's due date), not its date of issue
    assert content_duplicate(recurring, ORIGINAL, alike(shared=("2026-04-14",)), POLICY) is None


def test_a_scan_whose_date_was_misread_still_prints_the_originals_date():
    misread = key(invoice_date=date(2026, 3, 19), invoice_number="INV-2026-O412")
    assert content_duplicate(misread, ORIGINAL, alike(shared=("2026-03-14",)), POLICY) is not None


def test_likeness_of_template_or_contradicting_facts_is_not_a_copy():
    assert content_duplicate(key(), ORIGINAL, alike(amounts=0.2, numbers=0.4), POLICY) is None  # same template, other amounts
    assert content_duplicate(key(), ORIGINAL, alike(text=0.3), POLICY) is None
    assert content_duplicate(key(vendor_id="V2"), ORIGINAL, alike(), POLICY) is None
    assert content_duplicate(key(document_type="credit_note"), ORIGINAL, alike(), POLICY) is None
    assert content_duplicate(key(total=Decimal("5210.00")), ORIGINAL, alike(), POLICY) is None  # no misread explains it
