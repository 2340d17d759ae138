"""The real RapidOCR reads a label block a stamp was put over, which the page reading lost
(``ocr_unread`` with ``ocr_fallback.read_block_rapidocr``): the block's words join the
page, named in the capture record, and the words Tesseract read surely stay as read."""

import json

import pytest
from PIL import Image, ImageDraw, ImageFont

from invoicepipe.adapters.ocr_fallback import read_block_rapidocr
from invoicepipe.adapters.ocr_unread import TAKEN_CAP, read_by_other_engine, reread_unread
from tests.printed_words import blank_page_for_rapidocr, print_line

pytestmark = pytest.mark.integration
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PX = 200 / 72


@pytest.fixture(scope="module")
def stamped():
    """A page with an address block (read surely) and a label block under a stamp (not read)."""
    img, draw, font = blank_page_for_rapidocr(FONT, 30, 900)
    words = [w for y, line in ((120, ("Meridian", "Werkstoffe", "GmbH")), (170, ("Friedrichstraße", "123")),
                               (220, ("10117", "Berlin")))
             for w in print_line(draw, font, 120, y, line, PX)]
    for y, label, value in ((120, "Rechnungs-Nr.", "2026000833"), (170, "Rechnungsdatum", "26.02.2026"),
                            (220, "Kunden-Nr.", "68711")):
        draw.text((1000, y), label, fill=90, font=font)
        draw.text((1300, y), value, fill=0, font=font)
    # the stamp: a tilted frame and its word over the block
    stamp = Image.new("L", (520, 150), 255)
    sd = ImageDraw.Draw(stamp)
    sd.rectangle((4, 4, 515, 145), outline=110, width=6)
    sd.text((40, 40), "EINGEGANGEN", fill=110, font=ImageFont.truetype(FONT, 52))
    stamp = stamp.rotate(8, expand=True, fillcolor=255)
    img.paste(Image.composite(stamp, img.crop((950, 140, 950 + stamp.width, 140 + stamp.height)), stamp.point(lambda v: 255 if v < 200 else 0)),
              (950, 140))
    return img, words


def test_the_stamped_block_is_read_by_the_other_engine(stamped):
    img, words = stamped
    merged, record = reread_unread(words, img, PX, 1, read_block_rapidocr)
    taken = [w for w in merged if read_by_other_engine(record, w)]
    texts = {w.text for w in taken}
    assert record["unread_regions"] >= 1
    assert {"2026000833", "Rechnungs-Nr."} <= texts
    assert all(w.confidence <= TAKEN_CAP for w in taken)
    number = next(w for w in taken if w.text == "2026000833")
    assert abs(number.box.x0 - 1300 / PX) < 6 and abs(number.box.top - 120 / PX) < 6  # where it is printed
    assert all(w in merged for w in words)  # the address block stays as read
    # the capture record and the words' boxes go into the extraction's JSON as they are
    json.dumps(record)
    json.dumps([[w.box.x0, w.box.top, w.box.x1, w.box.bottom, w.confidence] for w in taken])
