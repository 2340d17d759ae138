"""Document readers: the single import point for probing, text-layer reading and OCR.

``READER_VERSION`` names this reader code; ``DocumentText.reader`` additionally records the
library or engine version that produced the words, so an extraction can be traced to both.
"""

from __future__ import annotations

from invoicepipe.adapters.ocr import OcrSettings, read_with_ocr, tesseract_version
from invoicepipe.adapters.pdf import check_limits, einvoice_xml, probe, read_text_layer
from invoicepipe.adapters.plain_text import read_plain_text

READER_VERSION = "readers-1.2"

__all__ = ["READER_VERSION", "OcrSettings", "check_limits", "einvoice_xml", "probe", "read_plain_text", "read_text_layer", "read_with_ocr",
           "tesseract_version"]
