"""A second reading of the amounts' region: asked for only when the total disagrees, kept
only when the cross-checks back its total better."""

from invoicepipe.adapters.ocr_amounts import reread_amounts
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.amount_reread import amount_rows, better_reading, needs_reread, reread_region, splice_words
from invoicepipe.domain.models import Box, DocumentText, Page, Word

from .test_extraction_fields import row_words


def _scan(total: str) -> DocumentText:
    rows = {0: [(40.0, "Acme Tools Ltd")], 2: [(40.0, "Invoice No: INV-7781")], 3: [(40.0, "Invoice Date: 04/03/2026")],
            6: [(40, "1 Drill press"), (300, "1"), (450, "1,445.70")],
            7: [(40, "2 Saw blades"), (300, "10"), (450, "1,000.00")],
            8: [(40.0, "Delivered to site")],
            10: [(300, "Subtotal"), (450, "2,445.70")],
            11: [(300, "VAT 10%"), (450, "244.57")],
            12: [(300, "Total"), (450, total)]}
    words = [w for row, spec in rows.items() for x, text in spec for w in row_words(text, row, x, confidence=0.9)]
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


def _rows_from(doc: DocumentText, region: Box) -> list[Word]:
    """The words of ``doc`` inside ``region``, as a second reading of that region gives them."""
    return [w for w in doc.pages[0].words if region.top <= (w.box.top + w.box.bottom) / 2 <= region.bottom]


def test_a_total_nothing_agrees_with_asks_for_a_second_reading_of_the_amounts_rows():
    misread = extract_invoice(_scan("2.690.27"), ())
    assert needs_reread(misread)
    page, region = reread_region(_scan("2.690.27"), misread)
    assert page == 1 and region.x0 == 0 and region.x1 == 595
    subtotal_top, total_top = 40 + 10 * 14, 40 + 12 * 14
    assert region.top < subtotal_top and region.bottom > total_top + 10
    assert not needs_reread(extract_invoice(_scan("2,690.27"), ()))


def test_a_reading_is_kept_only_when_the_arithmetic_backs_its_total():
    misread = _scan("2.690.27")
    first = extract_invoice(misread, ())
    page, region = reread_region(misread, first)
    right = splice_words(misread, page, region, _rows_from(_scan("2,690.27"), region))
    assert better_reading(first, extract_invoice(right, ()))
    assert extract_invoice(right, ()).value("total") == "2690.27"
    other_wrong = splice_words(misread, page, region, _rows_from(_scan("2,696.27"), region))
    assert not better_reading(first, extract_invoice(other_wrong, ()))


def test_splicing_replaces_only_the_words_inside_the_region():
    doc = _scan("2.690.27")
    region = Box(0, 40 + 12 * 14 - 2, 595, 40 + 12 * 14 + 12)
    spliced = splice_words(doc, 1, region, [Word("X", Box(450, 210, 460, 216), 1, 0.9)])
    texts = [w.text for w in spliced.pages[0].words]
    assert "X" in texts and "2.690.27" not in texts and "Total" not in texts
    assert len(texts) == len(doc.pages[0].words) - 2 + 1


def _reader(replies: list[list[Word]], calls: list):
    def read(image, px, number):
        calls.append((image.size, px, number))
        return replies.pop(0) if replies else []
    return read


def _images(doc: DocumentText, px: float = 2.0):
    from PIL import Image

    page = doc.pages[0]
    return {1: (Image.new("L", (round(page.width * px), round(page.height * px)), 255), px)}


def _in_region(words: list[Word], region: Box) -> list[Word]:
    """``words`` as the reader sees them: boxes relative to the region's corner."""
    return [Word(w.text, Box(w.box.x0 - region.x0, w.box.top - region.top, w.box.x1 - region.x0, w.box.bottom - region.top),
                 w.page, w.confidence) for w in words]


def test_the_adapter_keeps_a_region_reading_that_makes_the_total_agree():
    doc = _scan("2.690.27")
    _, region = reread_region(doc, extract_invoice(doc, ()))
    calls = []
    region_px = (int(region.top * 2.0)) / 2.0  # the crop starts on a whole pixel
    region = Box(0, region_px, region.x1, region.bottom)
    read = reread_amounts(doc, _images(doc), _reader([_in_region(_rows_from(_scan("2,690.27"), region), region)], calls))
    assert extract_invoice(read, ()).value("total") == "2690.27"
    (size, px, number), = calls
    assert px == 4.0 and number == 1 and size[0] == round(595 * 2.0) * 2  # the region at twice the scale


def test_the_adapter_keeps_the_first_reading_when_the_second_is_no_better():
    doc = _scan("2.690.27")
    calls = []
    assert reread_amounts(doc, _images(doc), _reader([[Word("7", Box(450, 30, 455, 40), 1, 0.9)]], calls)) is doc
    assert len(calls) == 1


def test_agreeing_amounts_are_not_read_again():
    doc = _scan("2,690.27")
    calls = []
    assert reread_amounts(doc, _images(doc), _reader([], calls)) is doc
    assert calls == []


def test_only_the_amounts_rows_of_the_second_reading_are_taken():
    doc = _scan("2.690.27")
    _, region = reread_region(doc, extract_invoice(doc, ()))
    region = Box(0, int(region.top * 2.0) / 2.0, region.x1, region.bottom)
    assert region.top < 40 + 8 * 14  # the note row is inside the region read again
    again = [Word("Dellvered" if w.text == "Delivered" else w.text, w.box, w.page, w.confidence)
             for w in _rows_from(_scan("2,690.27"), region)]
    read = reread_amounts(doc, _images(doc), _reader([_in_region(again, region)], []))
    texts = [w.text for w in read.pages[0].words]
    assert "Delivered" in texts and "Dellvered" not in texts  # the first reading outside the amounts' rows
    assert extract_invoice(read, ()).value("total") == "2690.27"
    rows = amount_rows(extract_invoice(read, ()), 1, region)
    assert rows.top > 40 + 8 * 14 + 10 and rows.bottom >= 40 + 12 * 14 + 10
