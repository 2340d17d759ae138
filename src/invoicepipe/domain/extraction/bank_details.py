"""Bank details printed but not readable: a reason to hold, never a silent gap.

The bank check compares the IBAN an invoice asks to be paid into with the vendor master.
When a scan garbles that IBAN ("DES59 1351 …") the check digits fail, extraction rightly
reads no IBAN, and the check has nothing to compare: a forged account would pass unseen.
So an IBAN label followed by something shaped like an IBAN that fails its check digits is
reported (``iban_unreadable``) and a person reads it off the page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from invoicepipe.domain.extraction.parsing import find_iban
from invoicepipe.domain.models import DocumentText, Extraction

# "IBAN", then (within a few characters) two letters and digits running on for at least
# 14 more characters: the shape of an IBAN, whatever OCR did to single characters.
_PRINTED_IBAN = re.compile(r"(?i)\bIBAN\b\W{0,4}([A-Z][A-Z0-9]{1,3}\d[\dA-Z ]{13,40})")


def garbled_iban(doc: DocumentText) -> Optional[int]:
    """The page on which an IBAN is printed after its label but cannot be read, or None."""
    for page in doc.pages:
        text = " ".join(w.text for w in page.words)
        for m in _PRINTED_IBAN.finditer(text):
            if find_iban(m.group(1)) is None:
                return page.number
    return None


def flag_unreadable_iban(extraction: Extraction, doc: DocumentText) -> Extraction:
    """``extraction`` with an ``iban_unreadable`` warning when an IBAN is printed but none was read."""
    if extraction.value("iban") or any(w.startswith("iban_unreadable") for w in extraction.warnings):
        return extraction
    page = garbled_iban(doc)
    return extraction if page is None else replace(extraction, warnings=extraction.warnings + (f"iban_unreadable:{page}",))
