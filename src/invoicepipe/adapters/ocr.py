"""OCR reading with Tesseract: rendered PDF pages or image frames to positioned words."""

from __future__ import annotations

import io
import os
import shutil
from typing import Iterator

import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from pytesseract import Output

from invoicepipe.adapters.pdf import open_pdfium, render_page
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from invoicepipe.errors import UnreadableDocument

# Tesseract's OpenMP threads fight each other when several worker processes OCR at once
# (throughput drops sharply); one thread per process lets the pool size set the parallelism.
# pytesseract starts tesseract with os.environ, so setting it here covers every call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
TESSERACT_CONFIG = "--oem 1 --psm 3"
MIN_CONFIDENCE = 0  # Tesseract reports -1 for layout-only entries; real words are 0..100


def tesseract_version() -> str:
    """Version string of the installed Tesseract; UnreadableDocument when it is missing."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise UnreadableDocument("OCR engine not available: the tesseract program is not installed")
    try:
        return f"tesseract {pytesseract.get_tesseract_version()}"
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise UnreadableDocument(f"OCR engine not available: {exc}") from exc


def _pages(data: bytes, media_type: str, dpi: int) -> Iterator[tuple[Image.Image, float]]:
    """Yield (image, pixels per point) for each page or frame."""
    if media_type == "application/pdf":
        with open_pdfium(data) as pdf:
            count = len(pdf)
        if count == 0:
            raise UnreadableDocument("document has no pages")
        for i in range(count):
            # Re-open per page so the PDFium lock is not held while Tesseract runs.
            with open_pdfium(data) as pdf:
                image = render_page(pdf, i, dpi / 72, grayscale=True)
            yield image, dpi / 72
        return
    try:
        img = Image.open(io.BytesIO(data))
        frames = getattr(img, "n_frames", 1)
        for i in range(frames):
            img.seek(i)
            xdpi = img.info.get("dpi", (72, 72))[0] or 72
            yield img.copy(), float(xdpi) / 72
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc


def preprocess(img: Image.Image) -> Image.Image:
    """Grayscale, stretch contrast and remove salt noise; cheap steps that help Tesseract."""
    gray = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1") else img)
    gray = ImageOps.autocontrast(gray, cutoff=1)
    return gray.filter(ImageFilter.MedianFilter(3))


def read_with_ocr(data: bytes, media_type: str, dpi: int = 200) -> DocumentText:
    """OCR every page/frame and return words with confidences and boxes in points.

    PDFs are rendered at ``dpi``; images are read at their own resolution (72 dpi assumed
    when the file does not say), so boxes and page sizes share the point space of models.py.
    Raises UnreadableDocument when Tesseract is missing or the input cannot be decoded.
    """
    version = tesseract_version()
    pages = []
    for number, (img, px_per_pt) in enumerate(_pages(data, media_type, dpi), start=1):
        prepared = preprocess(img)
        try:
            found = pytesseract.image_to_data(prepared, lang="eng", config=TESSERACT_CONFIG, output_type=Output.DICT)
        except pytesseract.TesseractError as exc:
            raise UnreadableDocument(f"OCR failed on page {number}: {exc}") from exc
        words = []
        for i, text in enumerate(found["text"]):
            conf = float(found["conf"][i])
            if not text.strip() or conf < MIN_CONFIDENCE:
                continue
            x, y, w, h = (found[k][i] / px_per_pt for k in ("left", "top", "width", "height"))
            words.append(Word(text.strip(), Box(x, y, x + w, y + h), number, round(conf / 100, 3)))
        pages.append(Page(number, img.width / px_per_pt, img.height / px_per_pt, tuple(words), "ocr_tesseract"))
    if not pages:
        raise UnreadableDocument("document has no pages")
    return DocumentText(tuple(pages), None, version)
