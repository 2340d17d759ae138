"""Pre-extracted invoice text (a ``.txt`` export) as positioned words.

Text exports keep the printed layout with spaces, so each character is placed on a
monospaced grid (6 pt wide, 12 pt per line): columns and "label: value" pairs keep their
geometry and the same extractor reads them as it reads a PDF's text layer.
"""

from __future__ import annotations

import re

from invoicepipe.domain.models import Box, DocumentText, Page, Word

CHAR_PT, LINE_PT = 6.0, 12.0
PLAIN_TEXT_READER = "plain-text-1.0"


def read_plain_text(data: bytes) -> DocumentText:
    """One page per form feed; words are runs of non-space characters."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").expandtabs(8)
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        lines = chunk.split("\n")
        words = [
            Word(m.group(0), Box(m.start() * CHAR_PT, row * LINE_PT, m.end() * CHAR_PT, row * LINE_PT + 10.0), number)
            for row, line in enumerate(lines)
            for m in re.finditer(r"\S+", line)
        ]
        width = max((len(line) for line in lines), default=80) * CHAR_PT
        pages.append(Page(number, max(width, 595.0), max(len(lines) * LINE_PT, 842.0), tuple(words), "plain_text"))
    return DocumentText(tuple(pages), None, PLAIN_TEXT_READER)
