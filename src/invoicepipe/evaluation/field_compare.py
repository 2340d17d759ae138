"""When an extracted value counts as correct (one rule per kind of field).

- dates, currency, document type: exact equality of the normalised form (ISO date,
  ISO 4217 code, ``invoice`` / ``credit_note``);
- amounts (net, tax, total, amount due): equal as decimals, sign included, except on credit notes
  where the absolute values are compared (printed credit notes may or may not carry a minus
  sign, and e-invoice XML writes credit-note amounts positive);
- identifiers (invoice number, PO number, VAT id, IBAN): equal after upper-casing and
  dropping spaces, dots, dashes, slashes and a leading ``#`` (printing variations of one
  identifier, never a different one);
- vendor with a master: the resolved master id equals the expected one; a vendor absent
  from the master is right only when none is resolved;
- vendor without a master: the printed names agree after lower-casing, removing
  punctuation and legal forms (GmbH, Ltd, B.V., ...): equal, one containing the other
  as whole words, or a rapidfuzz ratio of at least 90.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from rapidfuzz import fuzz

from ..domain.extraction.vendor import LEGAL_FORM
from .corpus import normalise_name

AMOUNTS = ("net", "tax", "total", "amount_due")
IDENTIFIERS = ("invoice_number", "po_number", "vendor_vat_id", "iban")


def compact_identifier(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value.lstrip("#")).upper()


def vendor_name_key(name: str) -> str:
    return normalise_name(LEGAL_FORM.sub(" ", name or ""))


def names_agree(predicted: str, expected: str) -> bool:
    a, b = vendor_name_key(predicted), vendor_name_key(expected)
    if not a or not b:
        return False
    if a == b or re.search(rf"(?<!\w){re.escape(b)}(?!\w)", a) or re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b):
        return True
    return fuzz.ratio(a, b) >= 90


def _decimal(value: str) -> Optional[Decimal]:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return None


def is_correct(name: str, predicted: Optional[str], expected: str, credit_note: bool = False) -> bool:
    """True when ``predicted`` is the ``expected`` value of field ``name`` under the rules above."""
    if name == "vendor_id":
        return (predicted or "") == expected
    if predicted in (None, ""):
        return False
    if name in AMOUNTS:
        a, b = _decimal(predicted), _decimal(expected)
        if credit_note and a is not None and b is not None:
            return abs(a) == abs(b)
        return a is not None and a == b
    if name in IDENTIFIERS:
        return compact_identifier(predicted) == compact_identifier(expected)
    if name == "vendor":
        return names_agree(predicted, expected)
    if name == "currency":
        return predicted.upper() == expected.upper()
    return predicted == expected
