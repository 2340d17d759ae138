"""The total read a third way: where the line items add up to the net of a net + tax = total
that holds, the total is the items' sum plus the tax (``extract._check_items``)."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {0: "Harlow Print Services Ltd", 1: "12 Mill Lane, Leeds LS1 4AB", 3: "Invoice No: HP-20417",
        4: "Invoice Date: 14/03/2026"}


ITEMS = {8: [(40, "Description"), (300, "Qty"), (360, "Price"), (450, "Amount")],
         9: [(40, "Toner cartridge"), (300, "2"), (360, "40.00"), (450, "80.00")],
         10: [(40, "Paper A4"), (300, "4"), (360, "5.00"), (450, "20.00")],
         12: [(300, "Net"), (450, "100.00")], 13: [(300, "VAT 20%"), (450, "20.00")],
         14: [(300, "Total"), (450, "120.00")]}


def test_items_adding_up_to_the_net_confirm_the_total_too():
    raw = extract_invoice(doc_from_rows({**HEAD, **ITEMS}), [])
    assert "lines" in raw.fields["net"].evidence and "lines" in raw.fields["total"].evidence


def test_items_that_miss_the_net_confirm_no_total():
    rows = {**ITEMS, 10: [(40, "Paper A4"), (300, "4"), (360, "5.00"), (450, "21.00")]}
    raw = extract_invoice(doc_from_rows({**HEAD, **rows}), [])
    assert "lines" not in raw.fields["total"].evidence
