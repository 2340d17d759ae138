"""Content prints of stored documents: small grayscale renders of the first pages (pypdfium2
for PDFs, Pillow for images) handed with the reader's words to ``domain.fingerprints``.

The render is tiny (THUMB_WIDTH pixels wide): the perceptual hash only looks at 32 x 32
averages, and a small render costs a few milliseconds where a full one would cost as much
as reading the text layer.
"""

from __future__ import annotations

import io
from typing import Optional

from PIL import Image

from ..domain.fingerprints import MAX_PAGES, ContentPrint, content_print
from ..domain.models import DocumentText
from .pdf import open_pdfium, render_loaded_page

THUMB_WIDTH = 128


def _gray(image: Image.Image) -> tuple[bytes, int, int]:
    image = image.convert("L")
    if image.width != THUMB_WIDTH:
        height = max(32, round(image.height * THUMB_WIDTH / image.width))
        image = image.resize((THUMB_WIDTH, height), Image.Resampling.BOX)
    return image.tobytes(), image.width, image.height


def pdf_thumbnail(page) -> tuple[bytes, int, int]:
    """Grayscale (buffer, width, height) of a loaded PDF page (call inside open_pdfium): the
    reader renders it while the page is loaded for its text (``read_text_layer_and_images``)."""
    width_pt = page.get_width() or 595
    return _gray(render_loaded_page(page, scale=THUMB_WIDTH / width_pt, grayscale=True))


def page_thumbnails(data: bytes, media_type: str, pages: int = MAX_PAGES) -> list[tuple[bytes, int, int]]:
    """Grayscale (buffer, width, height) of the first ``pages`` pages or image frames."""
    if media_type == "application/pdf":
        with open_pdfium(data) as pdf:
            thumbs = []
            for i in range(min(pages, len(pdf))):
                page = pdf[i]
                try:
                    thumbs.append(pdf_thumbnail(page))
                finally:
                    page.close()
        return thumbs
    out = []
    with Image.open(io.BytesIO(data)) as img:
        for frame in range(min(pages, getattr(img, "n_frames", 1))):
            img.seek(frame)
            # draft() lets JPEG decode at a fraction of the size: most of the cost otherwise
            img.draft("L", (THUMB_WIDTH * 2, THUMB_WIDTH * 3))
            out.append(_gray(img))
    return out


def document_print(text: DocumentText, data: bytes, media_type: Optional[str]) -> ContentPrint:
    """The content print of a read document: every page's words, the first pages' images."""
    words = [w for page in text.pages for w in page.words]
    images = page_thumbnails(data, media_type or "") if media_type else []
    return content_print(words, images)
