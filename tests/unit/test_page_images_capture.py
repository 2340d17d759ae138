"""The reviewer sees a photographed page as OCR read it, so the boxes land on the words."""

import io
from pathlib import Path

from PIL import Image

from invoicepipe.adapters.page_images import PageImages
from tests.photo_synth import photograph, render_pdf_page

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"


class Blobs:
    def __init__(self, data: dict):
        self.data = data

    def get(self, sha256: str) -> bytes:
        return self.data[sha256]


def test_photo_is_served_corrected_and_a_clean_image_as_uploaded(tmp_path):
    page = render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())
    photo, _ = photograph(page, seed=21)
    clean = (SAMPLE / "img" / "0017-de_modern_lines-image.png").read_bytes()
    pages = PageImages(tmp_path, Blobs({"a" * 64: photo, "b" * 64: clean}))

    data, media_type = pages.image("a" * 64, "image/jpeg", 1, 2.0)
    shown = Image.open(io.BytesIO(data))
    # the page in points times the scale: the coordinate space of the OCR boxes
    assert media_type == "image/png" and abs(shown.width - 2 * 595) <= 2 and abs(shown.height - 2 * 842) <= 2
    assert pages.image("a" * 64, "image/jpeg", 1, 2.0)[0] == data  # cached

    assert pages.image("b" * 64, "image/png", 1, 2.0) == (clean, "image/png")
    assert list(tmp_path.rglob("*-as-is"))  # the check is remembered for the clean image


def test_a_page_turned_level_by_its_text_is_served_turned(tmp_path):
    page = render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())
    photo, _ = photograph(page, seed=22, tilt=0.0, spin=5.0, white=True, share=(0.8, 0.9))
    pages = PageImages(tmp_path, Blobs({"c" * 64: photo}))
    data, media_type = pages.image("c" * 64, "image/jpeg", 1, 1.0)
    shown = Image.open(io.BytesIO(data))
    original = Image.open(io.BytesIO(photo))
    # not the upload: the turned page, whose canvas grew to keep the corners (72 dpi assumed)
    assert media_type == "image/png" and shown.width > original.width and shown.height > original.height
    assert not list(tmp_path.rglob("*-as-is"))


def test_a_photo_taken_upside_down_is_served_the_way_it_was_read(tmp_path):
    import numpy as np

    from invoicepipe.adapters import page_orientation

    page = render_pdf_page((SAMPLE / "pdf" / "0001-de_din_ruled-digital.pdf").read_bytes())
    photo, _ = photograph(page, seed=23, rotate180=True)
    pages = PageImages(tmp_path, Blobs({"d" * 64: photo}))
    shown = Image.open(io.BytesIO(pages.image("d" * 64, "image/jpeg", 1, 2.0)[0])).convert("L")
    # turned upright, as the reader turned it before reading: the boxes land on the words
    assert page_orientation.measure(np.asarray(shown)).upright
