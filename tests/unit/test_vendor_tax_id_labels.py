"""Whose tax id a label names (issue 9): the customer's ("Buyer TIN", "Ihre UID", "TVA
client") is never read as the vendor's, and the seller's sales-tax registration ("SST Reg.
No.", "GST Reg. No.") is a vendor tax-id label."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from tests.unit.test_extraction_fields import doc_from_rows

MALAYSIAN = {
    0: "Selangor Precision Parts Sdn. Bhd.",
    1: "Lot 12, Jalan Perindustrian 3, 40000 Shah Alam",
    2: "SST Reg. No.: W10-3062-84866005",
    4: [(40, "Invoice No: SPP-2026-00352"), (330, "Bill to")],
    5: [(40, "Invoice date: 12-Jan-2026"), (330, "Meridian Materials (M) Sdn. Bhd.")],
    6: [(40, "Due date: 11-Feb-2026"), (330, "50470 Kuala Lumpur")],
    8: [(40, "Your P/O No.: 4500010629"), (330, "Buyer TIN: W10-7128-17488122")],
    10: [(300, "Total excl. SST"), (450, "RM763.20")],
    11: [(300, "SST 10%"), (450, "RM76.32")],
    12: [(300, "Total payable"), (450, "RM839.52")],
}


def vat(rows: dict):
    return extract_invoice(doc_from_rows(rows), []).value("vendor_vat_id")


def test_the_buyers_labelled_tax_id_is_not_the_vendors():
    assert vat(MALAYSIAN) == "W10-3062-84866005"
    # without the seller's label the buyer's id is still not taken (it is labelled as the buyer's)
    assert vat({**MALAYSIAN, 2: "Company No. 201901012345"}) is None


def test_a_buyers_eu_vat_id_beside_the_sellers_is_left_out():
    rows = {0: "Muster GmbH", 2: "Rechnungsnummer: RE-1", 3: "Ihre UID: ATU12345678",
            6: [(300, "Gesamtbetrag"), (450, "100,00 €")], 9: "USt-IdNr. DE123456789"}
    assert vat(rows) == "DE123456789"
    rows = {0: "Quincaillerie SA", 2: "Facture n° F-1", 3: "N° TVA client : BE0123456749",
            6: [(300, "Total TTC"), (450, "100,00 €")], 9: "TVA intracom. FR40303265045"}
    assert vat(rows) == "FR40303265045"


def test_buyer_tax_id_labels_win_over_the_seller_words_inside_them():
    for text in ("Buyer TIN: X", "Customer VAT No.: X", "Ihre UID: X", "N° TVA client: X", "NIF cliente: X",
                 "P.IVA cliente: X", "Uw btw-nr.: X", "NIF adquirente: X", "NIP nabywcy: X"):
        fields = [h.field for h in find_labels(build_layout(doc_from_rows({0: text})).lines[0])]
        assert fields == ["buyer_vat_id"], (text, fields)
    for text in ("SST Reg. No.: X", "GST Reg. No.: X", "VAT Reg. No.: X"):
        fields = [h.field for h in find_labels(build_layout(doc_from_rows({0: text})).lines[0])]
        assert fields == ["vendor_vat_id"], (text, fields)
