"""A GSTIN misread on a scan (S for 5, O for 0 in its digits; 2 for its fixed Z) is read
back by its format when its check character then holds, and stays the seller's tax id
rather than the buyer's well-read one."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.parsing import find_vat_ids
from invoicepipe.domain.extraction.tax_id_repair import repaired_gstin
from tests.unit.test_extraction_fields import doc_from_rows

SELLER, BUYER = "27URXKA5164N1ZT", "27AAPFU0939F1ZV"


@pytest.mark.parametrize("read", ["27URXKAS164N1ZT", "27URXKA5I64N1ZT", "Z7URXKA5164N1ZT", "27URXKA5164N12T"])
def test_lookalikes_at_positions_of_one_class_are_read_back(read):
    assert repaired_gstin(read) == SELLER


@pytest.mark.parametrize("read", [
    SELLER,              # valid as read: nothing to repair
    "27URXKA5164N1ZA",   # the check character refutes it
    "27URXKA5164NIZT",   # the entity number admits a letter: an I there is not read as 1
    "2OURXKAS1G4N1ZT",   # more lookalikes than a misread GSTIN shows
])
def test_no_repair_without_the_check_character_or_with_too_many_changes(read):
    assert repaired_gstin(read) is None


def test_a_word_of_another_kind_is_no_gstin():
    assert find_vat_ids("Order 2026INV0001234Z5") == []


def test_the_sellers_misread_gstin_beats_the_buyers_valid_one():
    ex = extract_invoice(doc_from_rows({
        0: "Shree Traders Pvt Ltd",
        1: "GSTIN: 27URXKAS164N1ZT",
        3: "TAX INVOICE",
        4: "Invoice No.: ST/2026/118",
        6: "Bill To: Kumar Industries",
        7: f"GSTIN: {BUYER}",
        12: [(300, "Taxable Value"), (450, "1,000.00")],
        13: [(300, "IGST 18%"), (450, "180.00")],
        14: [(300, "Grand Total"), (450, "1,180.00")],
    }), [])
    assert ex.value("vendor_vat_id") == SELLER
    assert "checksum_repaired" in ex.fields["vendor_vat_id"].evidence
