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
