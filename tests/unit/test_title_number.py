"""The invoice number printed only in the title, "RECHNUNG 2026-0183"
(``extraction.title_number``): a heading set larger than the text, with nothing but the
document word and the number, names the number when no number label is on the page."""

from dataclasses import replace

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box
from tests.unit.test_extraction_fields import doc_from_rows

ROWS = {
    0: "KESSLER ELEKTROTECHNIK",
    2: "Meridian Werkstoffe GmbH",
    3: "Friedrichstraße 123, 10117 Berlin",
    6: "RECHNUNG 2026-0183",
    8: [(40, "Datum"), (140, "Kunden-Nr."), (240, "Ihre Bestellung")],
    9: [(40, "7. Jan. 2026"), (140, "71134"), (240, "4500010808")],
    11: [(40, "Pos. Art.-Nr. Bezeichnung"), (300, "Menge"), (360, "E-Preis"), (450, "Betrag")],
    12: [(40, "1 NYM-1013 Mantelleitung NYM-J 3x1,5"), (300, "120,5"), (360, "1,53"), (450, "184,37")],
    14: [(300, "Summe netto"), (450, "184,37")],
    15: [(300, "MwSt 19 %"), (450, "35,03")],
    16: [(300, "Summe brutto"), (450, "EUR 219,40")],
}


def _doc(heading_height: float):
    doc = doc_from_rows(ROWS)
    page = doc.pages[0]
    top = 40 + 6 * 14.0
    words = tuple(replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + heading_height))
                  if w.box.top == top else w for w in page.words)
    return replace(doc, pages=(replace(page, words=words),))


def test_a_large_heading_names_the_number():
    ex = extract_invoice(_doc(18.0), [])
    assert ex.value("invoice_number") == "2026-0183"
    assert ex.fields["invoice_number"].method == "title_number"


def test_a_title_word_in_body_text_stays_weak():
    ex = extract_invoice(_doc(10.0), [])
    assert ex.fields["invoice_number"].method != "title_number"
