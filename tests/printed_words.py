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
