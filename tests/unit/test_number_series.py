"""The invoice number checked against the vendor's own numbering (``number_series``): the
numbers of its earlier approved invoices say which printed value is this invoice's."""

from invoicepipe.domain.extraction.number_series import (CONTINUES, FOUND, SERIES_DOUBT, continues, digit_lost,
                                                         refine_invoice_number)
from invoicepipe.domain.models import ExtractedField, Extraction
from tests.unit.test_extraction_fields import doc_from_rows

EARLIER = ["RE-2026-00851", "RE-2026-00840"]


def _page(*lines):
    return doc_from_rows({k: line for k, line in enumerate(lines)})


def _extraction(number=None, confidence=0.0, document_type="invoice"):
    fields = {"document_type": ExtractedField("document_type", document_type, 0.9, "label")}
    if number is not None:
        fields["invoice_number"] = ExtractedField("invoice_number", number, confidence, "label_below")
    return Extraction(fields=fields)


def test_what_continues_a_series():
    assert continues("RE-2026-00857", EARLIER) == "RE-2026-00851"
    assert continues("re-2026-00857", EARLIER) == "RE-2026-00851"  # case is the print's
    assert continues("256/2026", ["253/2026"]) == "253/2026"  # the counter is not the last group
    assert continues("KNM 000374", ["KNM 000370"]) == "KNM 000370"
    assert continues("FT A2026/593", ["FT A2026/590"]) == "FT A2026/590"
    assert continues("RE-2026-00851", EARLIER) is None  # the same number: a copy, not the next
    assert continues("RE-2027-00001", EARLIER) is None  # a new year's series: two groups moved
    assert continues("LS-2026-00857", EARLIER) is None  # another paper's letters
    assert continues("RE-2026-09851", EARLIER) is None  # too far on
    assert continues("RE-2026-0857", EARLIER) is None  # a zero-padded counter keeps its width
    assert continues("4500", ["4498"]) is None  # short digits alone: a quantity, a postcode
    assert continues("000618", ["000612"]) == "000612"


def test_a_lost_digit_in_a_padded_counter():
    assert digit_lost("POS00487", ["POS000480", "POS000483"]) == "POS000480"
    assert digit_lost("POS0000487", ["POS000480"]) == "POS000480"
    assert digit_lost("POS000487", ["POS000480"]) is None
    assert digit_lost("INV10000", ["INV9999"]) is None  # an unpadded counter grows a digit


def test_the_number_that_continues_the_series_is_confirmed():
    page = _page("Hanse Bürobedarf", "Rechnung RE-2026-00857", "Kunden-Nr. 36248", "Summe 120,00 EUR")
    out = refine_invoice_number(_extraction("RE-2026-00857", 0.6), page, EARLIER)
    field = out.fields["invoice_number"]
    assert field.confidence == CONTINUES and "series:RE-2026-00851" in field.evidence


def test_a_guess_gives_way_to_the_one_value_that_continues_the_series():
    page = _page("Hanse Bürobedarf", "Beleg RE-2026-00857", "Kunden-Nr. 36248", "Summe 120,00 EUR")
    out = refine_invoice_number(_extraction("36248", 0.3), page, EARLIER)
    assert (out.value("invoice_number"), out.confidence("invoice_number")) == ("RE-2026-00857", FOUND)
    missing = refine_invoice_number(_extraction(), page, EARLIER)
    assert missing.value("invoice_number") == "RE-2026-00857"


def test_a_sure_number_the_series_contradicts_is_held():
    page = _page("Hanse Bürobedarf", "Rechnung Nr. 36248", "Beleg RE-2026-00857", "Summe 120,00 EUR")
    out = refine_invoice_number(_extraction("36248", 0.99), page, EARLIER)
    assert (out.value("invoice_number"), out.confidence("invoice_number")) == ("36248", SERIES_DOUBT)


def test_what_decides_nothing():
    # two values continue the series (delivery notes counted with the invoices)
    page = _page("Hanse Bürobedarf", "Rechnung RE-2026-00857", "Lieferschein RE-2026-00855", "Summe 120,00 EUR")
    assert refine_invoice_number(_extraction("RE-2026-00857", 0.6), page, EARLIER).confidence("invoice_number") == 0.6
    # a credit note prints the invoice it corrects: its own number is never replaced
    page = _page("Hanse Bürobedarf", "Gutschrift GS-2026-00012", "zu Rechnung RE-2026-00855", "Summe -120,00 EUR")
    out = refine_invoice_number(_extraction("GS-2026-00012", 0.3, "credit_note"), page, EARLIER)
    assert out.value("invoice_number") == "GS-2026-00012"
    # a vendor without earlier invoices, and a number a person entered
    assert refine_invoice_number(_extraction("36248", 0.3), page, []) == _extraction("36248", 0.3)
    typed = Extraction(fields={"invoice_number": ExtractedField("invoice_number", "36248", 1.0, "review", by="clerk")})
    assert refine_invoice_number(typed, page, EARLIER) == typed


def test_a_padded_counter_read_a_digit_short_is_held():
    page = _page("Pennine Office Supplies", "Invoice POS00487", "Total 120.00 GBP")
    out = refine_invoice_number(_extraction("POS00487", 0.99), page, ["POS000480", "POS000483"])
    assert out.confidence("invoice_number") == SERIES_DOUBT


def test_the_page_is_searched_in_the_series_frame():
    # glued to its caption, in any case, and in parts on one line; a line's end and the next
    # line's start are no value; a longer word holding the frame is another value
    page = _page("Hanse Bürobedarf", "Rechnung Nr.:re-2026-00857", "Summe 120,00 EUR")
    assert refine_invoice_number(_extraction(), page, EARLIER).value("invoice_number") == "re-2026-00857"
    page = _page("Biuro Prekes", "Sąskaita KNM 000374", "Iš viso 120,00 EUR")
    assert refine_invoice_number(_extraction(), page, ["KNM 000370"]).value("invoice_number") == "KNM 000374"
    page = _page("Biuro Prekes", "Sąskaita KNM", "000374 Iš viso 120,00 EUR")
    assert refine_invoice_number(_extraction(), page, ["KNM 000370"]).fields.get("invoice_number") is None
    page = _page("Hanse Bürobedarf", "Beleg XRE-2026-00857", "Summe 120,00 EUR")
    assert refine_invoice_number(_extraction(), page, EARLIER).fields.get("invoice_number") is None


def test_a_credit_note_counted_with_the_invoices_is_the_later_of_the_two_numbers():
    # the credit note's own number and the corrected invoice's both continue the series, the
    # reference worded in a language no caption list holds: the earlier one is the invoice's
    page = _page("Hanse Bürobedarf", "Kreditnota RE-2026-00857", "koskee laskua RE-2026-00853", "Summe -120,00 EUR")
    out = refine_invoice_number(_extraction("RE-2026-00857", 0.45, "credit_note"), page, EARLIER)
    field = out.fields["invoice_number"]
    assert field.confidence == FOUND and "credits:RE-2026-00853" in field.evidence
    # the corrected invoice's number taken for the credit note's own: held, whatever its caption said
    took_reference = refine_invoice_number(_extraction("RE-2026-00853", 0.99, "credit_note"), page, EARLIER)
    assert (took_reference.value("invoice_number"), took_reference.confidence("invoice_number")) == ("RE-2026-00853", SERIES_DOUBT)
    assert "series_credited_by:RE-2026-00857" in took_reference.fields["invoice_number"].evidence
    # an invoice printing two numbers of the series says nothing (a delivery note counted with them)
    assert refine_invoice_number(_extraction("RE-2026-00857", 0.45), page, EARLIER).confidence("invoice_number") == 0.45


def test_a_series_that_counts_the_month_continues_into_the_next_month():
    assert continues("FS 581/02/2026", ["FS 578/01/2026"]) == "FS 578/01/2026"
    assert continues("FV/800/02/2026", ["FV/790/01/2026"]) == "FV/790/01/2026"
    assert continues("FS 581/01/2026", ["FS 578/02/2026"]) is None  # an earlier month is no later invoice
    assert continues("FS 581/02/2027", ["FS 578/01/2026"]) is None  # three groups moved
    assert continues("28/02/2026", ["30/01/2026"]) is None  # without letters, a date
