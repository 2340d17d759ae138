"""Charge lines (freight, shipping, handling, packaging) not on the PO.

Vendors add charges the PO never listed. A line that pairs with no PO line but reads like
a charge is judged against the policy's charge allowance (absolute, or a percentage of the
goods billed) instead of being reported as an unknown item; above the allowance it needs
a reviewer (``charge_not_on_po``). Whether the lines add up to the net is arithmetic
(``domain/arithmetic.py``), judged for every invoice, PO or not.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Optional, Sequence

from .models import LineItem, Reason
from .policy import Tolerances

HUNDRED = Decimal(100)

# English, German and French wording of charges; matched as whole words.
CHARGE_WORDS = re.compile(
    r"(?i)(?<!\w)(?:freight|shipping|shipment|carriage|postage|packaging|packing|surcharge|handling|"
    r"delivery\s+(?:charge|fee|cost)s?|transport\s+(?:charge|fee|cost)s?|"
    r"fracht\w*|versand\w*|porto|verpackung\w*|lieferkosten|transportkosten|\w*zuschlag|nebenkosten|"
    r"frais\s+(?:de\s+port|d'envoi|d’envoi|de\s+livraison|de\s+transport|d'emballage|d’emballage)|emballage|port\s+et\s+emballage)(?!\w)"
)


# A function of the text, asked of every PO line for every invoice line the decision pairs
# (and the PO's lines are the same on each of its invoices): kept. The words open with
# ``\w*`` ("Frachtzuschlag"), so a search tries a run of letters at every word start.
@lru_cache(maxsize=4096)
def reads_like_charge(description: str) -> bool:
    """True when a description reads like freight, shipping, handling or packaging."""
    return bool(CHARGE_WORDS.search(description or ""))


def is_charge_line(line: LineItem) -> bool:
    return reads_like_charge(line.description)


def line_amount(line: LineItem) -> Optional[Decimal]:
    """The line's amount as printed, else quantity times unit price."""
    if line.amount is not None:
        return line.amount
    if line.quantity is not None and line.unit_price is not None:
        return (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    return None


def check_charges(charges: Sequence[LineItem], goods_value: Decimal, po_number: str, tol: Tolerances) -> list[Reason]:
    """One ``charge_not_on_po`` reason when the charges exceed the policy's allowance."""
    if not charges:
        return []
    billed = sum((line_amount(c) or Decimal(0) for c in charges), Decimal(0))
    allowance = max(tol.charges_absolute, (goods_value * tol.charges_percent / HUNDRED).quantize(Decimal("0.01")))
    if billed <= allowance:
        return []
    names = ", ".join(f"{c.description!r} {line_amount(c)}" for c in charges)
    return [Reason(
        "charge_not_on_po",
        f"charges billed but not on PO {po_number}: {names} (total {billed}, allowed {allowance}: "
        f"{tol.charges_absolute} or {tol.charges_percent}% of the goods)",
        {"po_number": po_number, "charges": [{"description": c.description, "amount": str(line_amount(c))} for c in charges],
         "billed": str(billed), "allowed": str(allowance)},
    )]
