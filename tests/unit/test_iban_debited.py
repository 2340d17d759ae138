"""An IBAN a direct debit collects from is the buyer's, not the one the vendor is paid into
(``extraction.iban_field``): seller and buyer blocks side by side, both with an IBAN."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

SELLER, BUYER = "FR76 3000 6000 0112 3456 7890 189", "DE89 3704 0044 0532 0130 00"


def test_the_debited_account_is_not_the_vendors_iban():
    rows = {
        0: [(40, "VENDEUR"), (320, "CLIENT")],
        1: [(40, "Tuyauterie Normande SARL"), (320, "Meridian France SAS")],
        2: [(40, f"IBAN {SELLER}")],
        3: [(320, f"IBAN (prélèvement) {BUYER}")],
        4: [(320, "Facture N° F2600204")],
        5: [(320, "Date 9 janv. 2026")],
        8: [(300, "Total HT"), (460, "313,59")],
        9: [(300, "TVA 20 %"), (460, "62,72")],
        10: [(300, "Total TTC"), (460, "376,31 €")],
        12: f"Règlement par prélèvement SEPA le 8 févr. 2026 sur le compte {BUYER}.",
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("iban") == SELLER.replace(" ", "")
