"""Content prints of real generated documents, read as the pipeline reads them.

``fixtures/sample`` holds ``0013``, a COPY-stamped scan of the digital ``0001``, and
``0014``, another invoice of the same vendor on the same layout, also scanned.
"""

from pathlib import Path

import pytest

from invoicepipe.adapters.content_prints import document_print
from invoicepipe.adapters.readers import read_text_layer, read_with_ocr
from invoicepipe.domain.fingerprints import band_keys, classify, compare

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "pdf"


def _print(name: str, ocr: bool):
    data = (SAMPLE / name).read_bytes()
    text = read_with_ocr(data, "application/pdf") if ocr else read_text_layer(data)
    return document_print(text, data, "application/pdf")


def test_a_scanned_copy_is_near_identical_and_another_invoice_on_the_layout_is_not(tesseract):
    digital = _print("0001-de_din_ruled-digital.pdf", ocr=False)
    scanned_copy = _print("0013-de_din_ruled-scan.pdf", ocr=True)
    other = _print("0014-de_din_ruled-scan.pdf", ocr=True)

    copy = compare(digital, scanned_copy)
    assert copy.numbers >= 0.75 and copy.text >= 0.6, copy.summary
    assert copy.shared_dates and not copy.dates_disjoint
    assert classify(copy) == "copy"
    assert set(band_keys(digital)) & set(band_keys(scanned_copy))  # found by the index

    different = compare(digital, other)
    assert different.numbers < 0.4, different.summary
    assert different.dates_disjoint
    assert classify(different) != "copy"
    assert copy.numbers - different.numbers > 0.4


def test_the_parse_prints_from_the_pages_it_loaded_for_their_text_what_a_separate_render_prints():
    # the parse renders the thumbnails while the reader has each page loaded; a print made
    # from its own render of the same bytes (document_print) must be the same print
    from invoicepipe.adapters import readers
    from invoicepipe.domain.policy import ParseLimits
    from invoicepipe.services.parse_work import read_and_extract

    for name in ("0001-de_din_ruled-digital.pdf", "0013-de_din_ruled-scan.pdf"):
        data = (SAMPLE / name).read_bytes()
        out = read_and_extract(readers, data, "application/pdf", 0, ParseLimits(), [])  # 0: the text layer, however thin
        assert out.print_warning is None
        assert out.content_print == document_print(out.text, data, "application/pdf")
        assert out.content_print.page_hashes


def test_a_thumbnail_that_cannot_be_rendered_leaves_a_print_of_the_words_and_the_reading_whole(monkeypatch):
    from invoicepipe.adapters import readers
    from invoicepipe.domain.policy import ParseLimits
    from invoicepipe.services import parse_work

    def broken(page):
        raise RuntimeError("renderer out of order")

    monkeypatch.setattr(parse_work, "pdf_thumbnail", broken)
    data = (SAMPLE / "0001-de_din_ruled-digital.pdf").read_bytes()
    out = parse_work.read_and_extract(readers, data, "application/pdf", 40, ParseLimits(), [])
    assert out.text.pages[0].words and out.extraction.value("total")
    assert out.print_warning == "images: RuntimeError: renderer out of order"
    assert out.content_print.tokens and out.content_print.page_hashes == ()  # the words still print
