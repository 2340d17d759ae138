from dataclasses import replace
from decimal import Decimal

from invoicepipe.domain.extraction import EXTRACTOR_VERSION, extract_invoice
from invoicepipe.domain.models import BankAccount, Box, DocumentText, Page, Vendor, Word

CHAR_W = 5.0
ROW_H = 14.0


def row_words(text: str, row: int, x: float = 40.0, page: int = 1, confidence: float = 1.0) -> list[Word]:
    """Words of ``text`` on row ``row``; runs of 3+ spaces become a wide column gap."""
    words = []
    for chunk in text.split("   "):
        stripped = chunk.strip()
        if stripped:
            for token in stripped.split(" "):
                if token:
                    w = len(token) * CHAR_W
                    top = 40 + row * ROW_H
                    words.append(Word(token, Box(x, top, x + w, top + 10), page, confidence))
                    x += w + 0.6 * CHAR_W  # a typical word space is ~0.6 character wide
        x += 30 * CHAR_W
    return words


def doc_from_rows(rows: dict, einvoice_xml: bytes = None, confidence: float = 1.0) -> DocumentText:
    """``rows`` maps row number to text or to (x, text) for column-placed text."""
    words = []
    for row, spec in rows.items():
        items = spec if isinstance(spec, list) else [spec]
        for item in items:
            x, text = item if isinstance(item, tuple) else (40.0, item)
            words.extend(row_words(text, row, x, confidence=confidence))
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), einvoice_xml, "test")



def doc_with_tall_word(rows: dict, word: str, height: float = 18.0) -> DocumentText:
    """``rows`` as ``doc_from_rows`` makes them, each word ``word`` set ``height`` tall: a
    page's heading among words of the text's size."""
    doc = doc_from_rows(rows)
    page = doc.pages[0]
    words = tuple(replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + height)) if w.text == word else w
                  for w in page.words)
    return replace(doc, pages=(replace(page, words=words),))


GERMAN = {
    0: "Muster Bürobedarf GmbH",
    1: "Musterweg 1, 80333 München",
    3: "Rechnungsnummer: RE-2026-0042",
    4: "Rechnungsdatum: 14.03.2026",
    5: "Fällig am: 13.04.2026",
    6: "Ihre Bestellung: PO-7781",
    8: [(40, "Pos Beschreibung"), (300, "Menge"), (360, "Einzelpreis"), (450, "Betrag")],
    9: [(40, "1 Papier A4"), (300, "10"), (360, "4,50"), (450, "45,00 €")],
    10: [(40, "2 Toner"), (300, "2"), (360, "1.000,00"), (450, "2.000,00 €")],
    12: [(300, "Summe netto"), (450, "2.045,00 €")],
    13: [(300, "MwSt. 19 %"), (450, "388,55 €")],
    14: [(300, "Gesamtbetrag"), (450, "2.433,55 €")],
    16: "IBAN DE89 3704 0044 0532 0130 00   USt-IdNr. DE123456789",
}


def test_german_invoice_fields_right_of_labels():
    ex = extract_invoice(doc_from_rows(GERMAN), [])
    assert ex.extractor_version == EXTRACTOR_VERSION
    assert ex.value("invoice_number") == "RE-2026-0042"
    assert ex.value("invoice_date") == "2026-03-14"
    assert ex.value("due_date") == "2026-04-13"
    assert ex.value("po_number") == "PO-7781"
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("2045.00", "388.55", "2433.55")
    assert ex.value("currency") == "EUR"
    assert ex.value("iban") == "DE89370400440532013000"
    assert ex.value("vendor_vat_id") == "DE123456789"
    assert ex.value("document_type") == "invoice"
    assert ex.fields["invoice_number"].method == "label_right"
    assert ex.confidence("total") >= 0.9  # arithmetic agrees
    f = ex.fields["total"]
    assert f.page == 1 and f.box is not None and f.box.x0 >= 440


def test_line_items_from_aligned_rows_check_quantity_times_price():
    ex = extract_invoice(doc_from_rows(GERMAN), [])
    amounts = [i.amount for i in ex.lines]
    assert amounts == [Decimal("45.00"), Decimal("2000.00")]
    assert ex.lines[1].quantity == Decimal("2") and ex.lines[1].unit_price == Decimal("1000.00")
    # qty x price = amount (0.9), and the lines add up to the net (+0.05)
    assert ex.lines[1].confidence == 0.95


def test_value_below_label_in_its_column():
    doc = doc_from_rows({
        0: [(40, "Invoice No."), (250, "Invoice Date")],
        1: [(40, "INV-981"), (250, "03/20/2023")],
        3: [(300, "Total"), (450, "$ 99.00")],
    })
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "INV-981"
    assert ex.fields["invoice_number"].method == "label_below"
    assert ex.value("invoice_date") == "2023-03-20"
    assert ex.value("currency") == "USD"


def test_arithmetic_prefers_consistent_total_over_stronger_label():
    doc = doc_from_rows({
        0: "Invoice number 77",
        2: [(300, "Subtotal"), (450, "100.00")],
        3: [(300, "VAT 20%"), (450, "20.00")],
        4: [(300, "Total"), (450, "125.00")],  # a misprint or another total
        5: [(300, "Amount due"), (450, "120.00")],
    })
    ex = extract_invoice(doc, [])
    assert ex.value("total") == "120.00"
    assert ex.value("net") == "100.00" and ex.value("tax") == "20.00"


def test_largest_amount_is_a_low_confidence_fallback():
    ex = extract_invoice(doc_from_rows({0: "Invoice number 5", 1: "Widget   12.00", 2: "Gadget   30.00"}), [])
    assert ex.value("total") == "30.00"
    assert ex.fields["total"].method == "largest_amount"
    assert ex.confidence("total") <= 0.3


def test_french_labels_and_written_dates():
    doc = doc_from_rows({
        0: "Facture n° F-2026-17 du 14 mars 2026",
        1: "Date d'échéance : 13/04/2026",
        3: [(300, "Total HT"), (450, "1 000,00 €")],
        4: [(300, "TVA 20 %"), (450, "200,00 €")],
        5: [(300, "Total TTC"), (450, "1 200,00 €")],
    })
    ex = extract_invoice(doc, [])
    assert ex.value("invoice_number") == "F-2026-17"
    assert ex.value("invoice_date") == "2026-03-14"
    assert ex.value("due_date") == "2026-04-13"
    assert ex.value("total") == "1200.00"


def test_ocr_confidence_lowers_field_confidence():
    rows = {0: "Invoice number: 4711", 1: "Invoice date: 2026-01-05", 2: "Total 10.00"}
    clean = extract_invoice(doc_from_rows(rows), [])
    noisy = extract_invoice(doc_from_rows(rows, confidence=0.5), [])
    assert noisy.confidence("invoice_number") < clean.confidence("invoice_number")


def test_credit_note_detected():
    ex = extract_invoice(doc_from_rows({0: "Gutschrift Nr. G-12", 1: "Gesamtbetrag 50,00 EUR"}), [])
    assert ex.value("document_type") == "credit_note"
    assert ex.value("invoice_number") == "G-12"


VENDORS = [
    Vendor("V-1", "Muster Bürobedarf GmbH", aliases=("Muster Office",), tax_id="DE 123 456 789"),
    Vendor("V-2", "Acme Corporation", aliases=("ACME",), bank_accounts=(BankAccount("GB82 WEST 1234 5698 7654 32"),)),
    Vendor("V-3", "Globex Ltd"),
]


def test_vendor_resolved_by_vat_id():
    ex = extract_invoice(doc_from_rows({0: "Some Letterhead", 2: "USt-IdNr. DE123456789", 3: "Total 5.00"}), VENDORS)
    assert ex.value("vendor_id") == "V-1"
    assert ex.fields["vendor_id"].method == "vendor_master"
    assert ex.confidence("vendor_id") >= 0.9


def test_vendor_resolved_by_alias_and_iban():
    ex = extract_invoice(doc_from_rows({0: "ACME", 2: "Invoice number 9", 3: "Total 5.00"}), VENDORS)
    assert ex.value("vendor_id") == "V-2"
    ex = extract_invoice(doc_from_rows({0: "Pay to IBAN GB82 WEST 1234 5698 7654 32", 1: "Total 5.00"}), VENDORS)
    assert ex.value("vendor_id") == "V-2"


def test_no_vendor_when_nothing_matches():
    ex = extract_invoice(doc_from_rows({0: "Initech Inc.", 1: "Invoice number 3", 2: "Total 5.00"}), VENDORS)
    assert ex.value("vendor_id") is None
    assert ex.value("vendor") == "Initech Inc."


def test_ambiguous_date_confidence_depends_on_evidence():
    guessed = extract_invoice(doc_from_rows({0: "Invoice date: 03/04/2026", 1: "Total 5.00 EUR"}), [])
    proven = extract_invoice(doc_from_rows({0: "Invoice date: 03/04/2026", 1: "Due date: 03/25/2026", 2: "Total 5.00 EUR"}), [])
    assert guessed.value("invoice_date") == "2026-04-03"  # day-first outside US-dollar English
    assert proven.value("invoice_date") == "2026-03-04"  # 03/25 proves month-first
    assert guessed.confidence("invoice_date") < proven.confidence("invoice_date")
