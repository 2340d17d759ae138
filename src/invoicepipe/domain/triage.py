"""Triage: cheap facts about a document and the choice of parse pool.

The fast pool reads born-digital PDFs (text layer, milliseconds per page); the slow pool
runs OCR. Choosing needs only the facts a probe gathers without reading the content.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentFacts:
    media_type: str
    size_bytes: int
    page_count: int
    text_chars: int  # characters in the PDF text layer; 0 for images
    has_einvoice_xml: bool


@dataclass(frozen=True)
class TriageLimits:
    fast_max_pages: int = 10
    fast_max_bytes: int = 8_000_000
    min_text_chars_per_page: int = 40


def choose_pool(facts: DocumentFacts, limits: TriageLimits) -> tuple[str, str]:
    """Return ("fast" | "slow", reason) for a probed document.

    An embedded e-invoice is read from its XML, so it always goes fast. Images, PDFs whose
    text layer is too thin to be the real content (scans), and documents too long or too
    large for the low-latency pool go to the slow pool; everything else goes fast.
    """
    if facts.has_einvoice_xml and facts.media_type != "application/pdf":
        return "fast", "A stand-alone e-invoice XML, which is read directly."
    if facts.has_einvoice_xml:
        return "fast", "The PDF carries an e-invoice XML, which is read directly."
    if facts.media_type != "application/pdf":
        return "slow", f"An image ({facts.media_type}) has no text layer and needs OCR."
    pages = max(1, facts.page_count)
    per_page = facts.text_chars / pages
    if per_page < limits.min_text_chars_per_page:
        return "slow", (f"The PDF has only {per_page:.0f} text characters per page "
                        f"(fewer than {limits.min_text_chars_per_page}), so it is probably scanned and needs OCR.")
    if facts.page_count > limits.fast_max_pages:
        return "slow", f"The PDF has {facts.page_count} pages, more than {limits.fast_max_pages} for the fast pool."
    if facts.size_bytes > limits.fast_max_bytes:
        return "slow", f"The file is {facts.size_bytes} bytes, more than {limits.fast_max_bytes} for the fast pool."
    return "fast", f"A born-digital PDF with a text layer ({facts.page_count} page(s))."
