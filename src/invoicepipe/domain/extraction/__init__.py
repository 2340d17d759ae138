"""Template-free extraction of invoice fields from a DocumentText (pure domain code)."""

from invoicepipe.domain.extraction.extract import EXTRACTOR_VERSION, extract_invoice, learn_layout

__all__ = ["EXTRACTOR_VERSION", "extract_invoice", "learn_layout"]
