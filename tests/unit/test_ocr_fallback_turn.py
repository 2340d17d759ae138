"""RapidOCR's line classifier reads an upside-down page's lines right but in reverse order;
the page is turned and read again when most of its widest lines are classified as turned."""

from types import SimpleNamespace

import numpy as np
from PIL import Image

from invoicepipe.adapters import ocr_fallback


class _Engine:
    """Stands in for RapidOCR: reads the line on top of the image it is given, classifies
    the sampled lines as ``labels`` says."""

    def __init__(self, labels):
        self.labels = labels
        self.reads = []

    def __call__(self, pixels, return_word_box=True):
        self.reads.append(pixels)
        top_dark = pixels[: pixels.shape[0] // 2].mean() < pixels[pixels.shape[0] // 2:].mean()
        text = "TOTAL 9.50" if top_dark else "THANK YOU"
        quad = [[10, 10], [200, 10], [200, 30], [10, 30]]
        boxes = np.array([quad, [[10, 40], [180, 40], [180, 60], [10, 60]], [[10, 70], [150, 70], [150, 90], [10, 90]]])
        return SimpleNamespace(boxes=boxes, word_results=[[(text, 0.95, quad)]])

    def crop_text_regions(self, pixels, boxes):
        return [pixels[:5, :5] for _ in boxes]

    def cls_and_rotate(self, crops):
        return crops, SimpleNamespace(cls_res=self.labels[: len(crops)])


def _page() -> Image.Image:
    # dark print at the bottom only: the page as handed over is upside down
    img = np.full((100, 220, 3), 255, dtype=np.uint8)
    img[60:90] = 0
    return Image.fromarray(img)


def test_a_page_whose_lines_are_classified_turned_is_read_again_turned(monkeypatch):
    engine = _Engine([("180", 0.99), ("180", 0.97), ("0", 0.6)])
    monkeypatch.setattr(ocr_fallback, "_engine", lambda: engine)
    words = ocr_fallback.read_page_rapidocr(_page(), 1.0, 1)
    assert len(engine.reads) == 2 and [w.text for w in words] == ["TOTAL 9.50"]


def test_unsure_or_few_turned_lines_leave_the_page_as_it_is(monkeypatch):
    for labels in ([("180", 0.99), ("0", 0.99), ("0", 0.98)], [("180", 0.7), ("180", 0.8), ("180", 0.85)]):
        engine = _Engine(labels)
        monkeypatch.setattr(ocr_fallback, "_engine", lambda: engine)
        words = ocr_fallback.read_page_rapidocr(_page(), 1.0, 1)
        assert len(engine.reads) == 1 and [w.text for w in words] == ["THANK YOU"]
