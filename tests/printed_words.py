"""Words printed on a test page image, with the boxes a page reading would give them."""

from PIL import ImageDraw, ImageFont

from invoicepipe.domain.models import Box, Word


def print_line(draw: ImageDraw.ImageDraw, font: ImageFont.ImageFont, x: int, y: int, texts, px: float,
               confidence: float = 0.95, gap: int = 18, fill: int = 0) -> list[Word]:
    """``texts`` printed left to right from pixel (x, y), ``gap`` pixels apart, as words of
    page 1 read at ``confidence``, their boxes in points (``px`` pixels per point)."""
    words = []
    for text in texts:
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        draw.text((x, y), text, fill=fill, font=font)
        words.append(Word(text, Box(left / px, top / px, right / px, bottom / px), 1, confidence))
        x = right + gap
    return words


def blank_page_for_rapidocr(font_path: str, font_size: int, height: int, width: int = 1654):
    """(a white page image, its drawing, the font) for a test that RapidOCR reads: skipped
    locally, failed under CI, when RapidOCR or the font is missing."""
    import os

    from PIL import Image

    from invoicepipe.adapters.ocr_fallback import rapidocr_available
    from tests.requirements import require

    require(rapidocr_available() is not None, "rapidocr")
    require(os.path.exists(font_path), os.path.basename(font_path))
    img = Image.new("L", (width, height), 255)
    return img, ImageDraw.Draw(img), ImageFont.truetype(font_path, font_size)
