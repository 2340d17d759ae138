"""The PO number from the vendor's own purchase orders printed on the page."""

from decimal import Decimal

from invoicepipe.domain.extraction.po_search import refine_po_number
from invoicepipe.domain.models import Box, DocumentText, ExtractedField, Extraction, Page, POLine, PurchaseOrder, Word


def page(*lines: str) -> DocumentText:
    words = []
    for row, text in enumerate(lines):
        x = 50.0
        for token in text.split():
            words.append(Word(token, Box(x, 100 + row * 14, x + 6 * len(token), 110 + row * 14), 1))
            x += 6 * len(token) + 5
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),))


def po(number: str, status: str = "open") -> PurchaseOrder:
    return PurchaseOrder(number, "V1", "EUR", (POLine("10", "Widget", Decimal(1), Decimal(1)),), status=status)


def with_po(value=None, confidence=0.7) -> Extraction:
    fields = {"vendor_id": ExtractedField("vendor_id", "V1", 0.99, "vendor_master")}
    if value:
        fields["po_number"] = ExtractedField("po_number", value, confidence, "label_right")
    return Extraction(fields)


VENDOR_POS = [po("4500010521"), po("4500010777"), po("4500009999", status="closed")]


def found(extraction):
    f = extraction.fields.get("po_number")
    return (f.value, f.confidence, f.method) if f else None


def test_a_labelled_open_po_of_the_vendor_is_confirmed():
    assert found(refine_po_number(with_po("4500-010521"), page("Order: 4500-010521"), VENDOR_POS)) == ("4500010521", 0.98, "label_right")


def test_a_delivery_note_number_taken_by_the_label_gives_way_to_the_vendor_po_on_the_page():
    doc = page("Delivery note / Order 8800123 4500010777")
    value, confidence, method = found(refine_po_number(with_po("8800123"), doc, VENDOR_POS))
    assert (value, method) == ("4500010777", "vendor_open_po") and confidence >= 0.95


def test_a_po_printed_in_groups_or_with_ocr_confusions_is_found_without_a_label():
    assert found(refine_po_number(with_po(), page("Your ref 4500 0105 21"), VENDOR_POS))[0] == "4500010521"
    assert found(refine_po_number(with_po(), page("Bestellung: 45OO01O777"), VENDOR_POS))[0] == "4500010777"


def test_a_po_with_a_scans_quote_or_a_table_rule_at_its_edge_is_found():
    # the label's column took the customer number; the PO carries a speck read as a quote
    doc = page('Cliente Su Pedido Albarán', '27563 "4500010777 86458850.')
    value, confidence, method = found(refine_po_number(with_po("27563"), doc, VENDOR_POS))
    assert (value, method) == ("4500010777", "vendor_open_po") and confidence >= 0.95
    assert found(refine_po_number(with_po(), page("PO |4500010521|"), VENDOR_POS))[0] == "4500010521"


def test_a_label_that_read_a_po_cut_short_takes_the_one_open_po_it_begins():
    doc = page("Su pedido 450001077 00 7")  # the last digit read apart, behind a second reading
    assert found(refine_po_number(with_po("450001077", 0.12), doc, VENDOR_POS)) == (
        "4500010777", 0.8, "vendor_open_po_fragment")


def test_a_po_glued_to_a_label_a_prefix_or_its_line_number_is_found():
    for printed in ("Ref PO-4500010777", "Order:4500010777", "Pos 4500010777/20", "PO4500010777"):
        assert found(refine_po_number(with_po(), page(printed), VENDOR_POS))[0] == "4500010777", printed
    # a longer number that merely contains a PO's digits is none of them
    assert found(refine_po_number(with_po(), page("IBAN 944500010777"), VENDOR_POS)) is None


def test_two_open_pos_printed_decide_nothing_and_a_known_closed_po_stands():
    both = page("Orders 4500010521 and 4500010777")
    assert found(refine_po_number(with_po(), both, VENDOR_POS)) is None
    closed = refine_po_number(with_po("4500009999"), page("PO 4500009999 4500010521"), VENDOR_POS)
    assert found(closed) == ("4500009999", 0.7, "label_right")  # the decision says it is closed


def test_a_fragment_cut_by_a_scan_is_taken_with_less_confidence_only_when_unique():
    value, confidence, method = found(refine_po_number(with_po(), page("PO 45000107"), VENDOR_POS))
    assert (value, method) == ("4500010777", "vendor_open_po_fragment") and confidence < 0.85
    assert found(refine_po_number(with_po(), page("PO 4500010"), VENDOR_POS)) is None  # begins both open POs
    assert refine_po_number(with_po(), page("nothing here"), []) == with_po()


def test_numbers_and_statuses_alone_check_a_po_as_the_full_orders_do():
    """A parse gets the vendor's POs without their lines (``PurchaseOrderNumber``): every
    outcome is the one the full purchase orders give."""
    from invoicepipe.domain.models import PurchaseOrderNumber

    numbers = [PurchaseOrderNumber(p.po_number, p.status) for p in VENDOR_POS]
    cases = [(with_po("4500-010521"), page("Order: 4500-010521")), (with_po("8800123"), page("PO 8800123 ref 4500010777")),
             (with_po(), page("Orders 4500010521 and 4500010777")), (with_po("4500009999"), page("PO 4500009999")),
             (with_po(), page("PO 45000107"))]
    for extraction, doc in cases:
        assert refine_po_number(extraction, doc, numbers) == refine_po_number(extraction, doc, VENDOR_POS)


def _scan(*lines: str) -> DocumentText:
    doc = page(*lines)
    return DocumentText(tuple(Page(p.number, p.width, p.height, p.words, "ocr_tesseract") for p in doc.pages))


def test_an_ocr_label_value_one_digit_off_one_open_po_is_that_po_for_a_person_to_confirm():
    refined = refine_po_number(with_po("4500610777", 0.9), _scan("Your PO 4500610777"), VENDOR_POS)
    assert found(refined) == ("4500010777", 0.5, "vendor_open_po_near")


def test_a_text_layer_value_one_digit_off_stays_as_printed_unconfirmed():
    refined = refine_po_number(with_po("4500610777", 0.9), page("Your PO 4500610777"), VENDOR_POS)
    assert found(refined) == ("4500610777", 0.5, "label_right")


def test_a_value_one_digit_off_two_open_pos_is_left_alone():
    pos = [po("4500010777"), po("4500010778")]
    refined = refine_po_number(with_po("4500010779", 0.9), _scan("Your PO 4500010779"), pos)
    assert found(refined) == ("4500010779", 0.5, "label_right")


def test_a_sure_reading_that_is_none_of_the_vendors_open_pos_is_no_sure_po():
    # a garbled header put the customer number in the order column; the vendor's open POs
    # are not printed at all: the value stands for a person, under every routing threshold
    refined = refine_po_number(with_po("27563", 0.97), _scan("Su pedido 27563"), VENDOR_POS)
    assert found(refined) == ("27563", 0.5, "label_right")


def test_a_vendor_without_open_pos_leaves_the_label_alone():
    refined = refine_po_number(with_po("27563", 0.97), _scan("Su pedido 27563"), [po("4500009999", status="closed")])
    assert found(refined) == ("27563", 0.97, "label_right")
