"""A colour page's stamp over the print taken out of the grey page (``page_stamps``)."""

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from invoicepipe.adapters import page_geometry, page_stamps
from invoicepipe.adapters.opencv import cv2

PAPER = (236, 234, 226)  # a cream paper under warm light: no colour of its own
LABEL = (105, 105, 105)  # a grey label
INK = (40, 40, 40)
STAMP = (214, 96, 104)  # a stamp pad's red
FONT = ImageFont.load_default(size=34)
BIG = ImageFont.load_default(size=64)
LABEL_BOX = (200, 380, 560, 430)


def _page() -> Image.Image:
    """An invoice's label block: grey labels, black values."""
    img = Image.new("RGB", (1200, 1000), PAPER)
    draw = ImageDraw.Draw(img)
    for i, (label, value) in enumerate((("Invoice No.", "INV0000427"), ("Invoice Date", "01/26/2026"),
                                        ("Account No.", "50875"))):
        draw.text((200, 300 + 80 * i), label, font=FONT, fill=LABEL)
        draw.text((600, 300 + 80 * i), value, font=FONT, fill=INK)
    return img


def _stamped(page: Image.Image, colour=STAMP) -> Image.Image:
    """``page`` with a receipt stamp across its labels: ink over print multiplies."""
    layer = Image.new("RGB", page.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    draw.rounded_rectangle((150, 330, 640, 520), radius=12, outline=colour, width=9)
    draw.text((185, 350), "RECEIVED", font=BIG, fill=colour)
    draw.text((230, 440), "01/30/2026", font=FONT, fill=colour)
    return ImageChops.multiply(page, layer)


def _gray(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)


def _take_out(img: Image.Image):
    return page_stamps.without_stamps(_gray(img), page_stamps.resized(np.asarray(img)))


def _region(gray: np.ndarray, box) -> np.ndarray:
    x0, top, x1, bottom = box
    return gray[top:bottom, x0:x1].astype(np.float32)


def test_a_stamp_over_the_labels_is_taken_out_and_the_labels_stay():
    clean = _gray(_page())
    stamped = _stamped(_page())
    out, record = _take_out(stamped)
    assert record["stamps"] >= 1  # its frame and its words may be groups of their own
    # the label under the stamp is what it was without the stamp (its letters, its darkness)
    before = np.corrcoef(_region(clean, LABEL_BOX).ravel(), _region(_gray(stamped), LABEL_BOX).ravel())[0, 1]
    after = np.corrcoef(_region(clean, LABEL_BOX).ravel(), _region(out, LABEL_BOX).ravel())[0, 1]
    assert before < 0.8 and after > 0.9
    assert _region(out, LABEL_BOX).min() < 130
    # where only the stamp was, there is paper again
    frame = _region(out, (150, 505, 640, 520))
    assert np.percentile(frame, 5) > 0.9 * clean[10, 10]
    # the print away from the stamp is untouched, pixel for pixel
    assert np.array_equal(out[:, 700:], _gray(stamped)[:, 700:])


def test_a_page_without_a_stamp_is_returned_as_it_was():
    page = _page()
    draw = ImageDraw.Draw(page)
    # a coloured label beside a black value, a coloured band with white print on it and a
    # shaded row: the layout's colour, not ink over print
    draw.text((200, 600), "Total due", font=FONT, fill=(120, 170, 230))
    draw.text((600, 600), "1,234.00", font=FONT, fill=INK)
    draw.rectangle((100, 700, 1100, 780), fill=(200, 70, 70))
    draw.text((150, 715), "Description   Qty   Amount", font=FONT, fill=(255, 255, 255))
    # a light blue shaded row with black print on it: a filled area, not strokes
    draw.rectangle((100, 800, 1100, 870), fill=(172, 204, 240))
    draw.text((150, 815), "Hex bolt M8 x 40   12   18.40", font=FONT, fill=INK)
    gray = _gray(page)
    out, record = page_stamps.without_stamps(gray, page_stamps.resized(np.asarray(page)))
    assert out is gray and record == {}


def test_an_amount_printed_in_full_red_on_a_rule_is_print_not_a_stamp():
    # a credit note's negative total in red, its digits sitting on the black rule under them,
    # and a big red title touching the grey print beside it: full colours, read as print
    page = _page()
    draw = ImageDraw.Draw(page)
    draw.text((600, 600), "-1,234.56 EUR", font=BIG, fill=(205, 25, 30))
    draw.line((560, 662, 1150, 662), fill=INK, width=3)
    draw.text((200, 120), "GUTSCHRIFT", font=BIG, fill=(210, 30, 35))
    draw.text((560, 140), "Kopie", font=FONT, fill=LABEL)
    gray = _gray(page)
    assert page_stamps.without_stamps(gray, page_stamps.resized(np.asarray(page)))[1] == {}


def test_a_dark_coloured_heading_over_nothing_is_not_a_stamp():
    page = _page()
    ImageDraw.Draw(page).text((200, 150), "NORTHWIND SUPPLY", font=BIG, fill=(20, 50, 110))
    gray = _gray(page)
    assert page_stamps.without_stamps(gray, page_stamps.resized(np.asarray(page)))[1] == {}


def test_grey_images_are_not_looked_at():
    assert page_stamps.colour_pixels(_stamped(_page()).convert("L")) is None
    assert page_stamps.colour_pixels(_page()) is not None


def test_a_colour_image_is_read_without_its_stamp_and_says_so():
    stamped = _stamped(_page())
    out, _, geometry = page_geometry.correct(stamped, 1.0)
    assert geometry.evidence["stamps"] >= 1 and out.mode == "L"
    assert np.percentile(_region(np.asarray(out), (150, 505, 640, 520)), 5) > 200
    # a colour image without a stamp comes back as it was
    page = _page()
    assert page_geometry.correct(page, 1.0)[0] is page
