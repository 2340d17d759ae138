"""A scanned table that lost one row's figures is read again, and the second reading's words
fill the gap only when the items then add up to the net the first reading confirmed
(``domain/extraction/item_reread``, ``adapters/ocr_items``)."""

from dataclasses import replace
from decimal import Decimal

from PIL import Image

from invoicepipe.adapters.ocr_items import reread_items
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.item_reread import fill_gaps, items_region, needs_item_reread
from invoicepipe.domain.models import Box, Word
from tests.unit.test_document_charges import _italian
from tests.unit.test_extraction_fields import doc_from_rows

PX = 2.0  # pixels per point of the fake page image
ROWS = {
    0: "Tornillería Levante S.L.", 2: "Factura nº A-2026/0412", 3: "Fecha: 14/03/2026",
    6: [(40, "Código"), (100, "Descripción"), (330, "Cant."), (390, "Precio"), (460, "Importe")],
    7: [(40, "THX-1195"), (100, "Tornillo hexagonal M8x30"), (330, "8"), (390, "28,44"), (460, "227,52")],
    8: [(40, "AGU-1016"), (100, "Agua mineral con gas"), (330, "40"), (390, "4,52"), (460, "180,80")],
    9: [(40, "THX-1146"), (100, "Tornillo hexagonal M6x40"), (330, "20"), (390, "23,40"), (460, "468,00")],
    11: [(330, "Importe neto"), (460, "876,32 €")],
    12: [(330, "IVA 21%"), (460, "184,03 €")],
    13: [(330, "Importe total"), (460, "1.060,35 €")],
}
LOST = ("23,40", "468,00")  # the last row's figures, read as nothing at page scale


def _first_reading():
    doc = doc_from_rows(ROWS)
    page = doc.pages[0]
    kept = tuple(w for w in page.words if w.text not in LOST)
    return replace(doc, pages=(replace(page, words=kept),)), [w for w in page.words if w.text in LOST]


def _extract(doc):
    return extract_invoice(doc, ())


def _reread(first, returned):
    """``reread_items`` with a region reader that returns ``returned`` (page words) in the
    crop's coordinates, as Tesseract does; and whether it was called."""
    _, region = items_region(first, _extract(first))
    left, top = int(region.x0 * PX) / PX, int(region.top * PX) / PX  # the crop's origin, as the adapter cuts it
    calls = []

    def read(image, px, number):
        calls.append(number)
        return [Word(w.text, Box(w.box.x0 - left, w.box.top - top, w.box.x1 - left, w.box.bottom - top), number, 0.9)
                for w in returned]
    image = Image.new("L", (int(first.pages[0].width * PX), int(first.pages[0].height * PX)), 255)
    return reread_items(first, {1: (image, PX)}, read, _extract), calls


def test_a_row_whose_figures_were_lost_is_read_again_and_the_items_add_up():
    first, lost = _first_reading()
    assert needs_item_reread(_extract(first))
    again, calls = _reread(first, lost)
    after = _extract(again)
    assert calls == [1]
    assert sorted(li.amount for li in after.lines) == [Decimal("180.80"), Decimal("227.52"), Decimal("468.00")]
    assert sum(li.amount for li in after.lines) == Decimal(after.value("net"))


def test_a_second_reading_that_does_not_add_up_is_not_taken():
    first, lost = _first_reading()
    misread = [replace(w, text="486,00") if w.text == "468,00" else w for w in lost]
    again, calls = _reread(first, misread)
    assert calls == [1] and again is first


def test_items_that_add_up_are_not_read_again():
    doc = doc_from_rows(ROWS)
    assert not needs_item_reread(_extract(doc))


def test_the_gaps_only_are_filled():
    first, lost = _first_reading()
    page = first.pages[0]
    again = [*lost, Word("227,5Z", next(w for w in page.words if w.text == "227,52").box, 1, 0.5)]
    filled = fill_gaps(first, 1, Box(0, 0, page.width, page.height), again)
    texts = [w.text for w in filled.pages[0].words]
    assert "468,00" in texts and "23,40" in texts
    assert "227,52" in texts and "227,5Z" not in texts  # the first reading's word stays


def _garbled_reading():
    """The first reading with the last row's figures read as garbage where they are printed
    (a rule under a skewed row read with them), as Tesseract returns it at low confidence."""
    first, lost = _first_reading()
    page = first.pages[0]
    garbage = [Word(t, w.box, 1, c) for t, w, c in zip(("See", "eke"), lost, (0.25, 0.31))]
    return replace(first, pages=(replace(page, words=(*page.words, *garbage)),)), lost


def test_garbage_read_where_a_rows_figures_are_printed_gives_way_to_a_sure_second_reading():
    first, lost = _garbled_reading()
    assert needs_item_reread(_extract(first))
    again, calls = _reread(first, lost)  # read again at 0.9
    texts = [w.text for w in again.pages[0].words]
    assert "468,00" in texts and "See" not in texts and "eke" not in texts
    after = _extract(again)
    assert sorted(li.amount for li in after.lines) == [Decimal("180.80"), Decimal("227.52"), Decimal("468.00")]


def test_an_unsure_second_reading_does_not_replace_even_garbage():
    first, lost = _garbled_reading()
    page = first.pages[0]
    unsure = [replace(w, confidence=0.5) for w in lost]
    filled = fill_gaps(first, 1, Box(0, 0, page.width, page.height), unsure)
    texts = [w.text for w in filled.pages[0].words]
    assert "See" in texts and "468,00" not in texts


def test_items_that_reconcile_through_a_discount_row_are_not_read_again():
    extraction = _extract(doc_from_rows(_italian()))  # "Sconto" and "Spese di trasporto" bridge the items to the net
    assert any(t.startswith("bridged:") for t in extraction.fields["net"].evidence)
    assert not needs_item_reread(extraction)
