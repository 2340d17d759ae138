"""A line cut out of a page (an invoice or PO number read again, ``ocr_confirm``) is read by
the one-thread crop engine, not the page engine, whose second inference thread spun on the
other core after every line."""

from types import SimpleNamespace

from PIL import Image

from invoicepipe.adapters import ocr_fallback


class _Recognizer:
    def __init__(self):
        self.crops = []

    def recognize_txt(self, crops):
        self.crops += crops
        return SimpleNamespace(txts=("INV0000424",), scores=(0.97,))


def test_a_line_is_read_by_the_one_thread_crop_engine(monkeypatch):
    crop_engine = _Recognizer()

    def page_engine():
        raise AssertionError("the page engine reads whole pages only")

    monkeypatch.setattr(ocr_fallback, "_block_engine", lambda: crop_engine)
    monkeypatch.setattr(ocr_fallback, "_engine", page_engine)
    (word,) = ocr_fallback.read_line_rapidocr(Image.new("L", (300, 60), 255), 2.0, 1)
    assert (word.text, word.confidence, word.box.x1, word.box.bottom) == ("INV0000424", 0.97, 150.0, 30.0)
    assert len(crop_engine.crops) == 1 and crop_engine.crops[0].shape == (60, 300, 3)
