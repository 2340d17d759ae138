"""Bank-detail checks: IBAN validity and agreement with the vendor master.

Paying into the wrong account is the costliest mistake AP can make and the favourite of
invoice fraud ("we have changed banks"). So ``bank_mismatch`` is never released by the
machine: its evidence names the role that may release it (``requires_role``), which the
review layer enforces. A recent change of a vendor's bank details in the master holds the
vendor's invoices for review as well, since that is when a forged change pays out.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from stdnum import iban as stdnum_iban

from .models import Reason, Vendor

RELEASE_ROLE = "controller"


def compact_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def iban_is_valid(iban: str, national_check: bool = True) -> bool:
    """ISO 13616: the country's length and format and the mod-97 check digits (python-stdnum,
    the same rule extraction uses to find an IBAN); with ``national_check`` also the
    country's inner check digits of the account number (Spain's CCC, ...)."""
    return stdnum_iban.is_valid(compact_iban(iban), check_country=national_check)


def _mismatch(message: str, **evidence: object) -> Reason:
    return Reason("bank_mismatch", message, {**evidence, "requires_role": RELEASE_ROLE})


def check_bank(iban: Optional[str], vendor: Optional[Vendor], today: date, change_window_days: int) -> list[Reason]:
    """Reasons to hold payment over bank details; empty when they agree with the master."""
    reasons = []
    on_file = {compact_iban(a.iban) for a in vendor.bank_accounts} if vendor is not None else set()
    if iban and not iban_is_valid(iban, national_check=False):
        reasons.append(_mismatch(f"IBAN {iban} on the invoice fails its checksum (mod 97); a controller must release it", iban=iban))
    elif iban and not iban_is_valid(iban) and compact_iban(iban) not in on_file:
        # an account on file is vouched for by the master; any other string failing its
        # country's inner check digits may be a misread that mod 97 let through
        reasons.append(_mismatch(f"IBAN {iban} on the invoice fails its country's check digits; a controller must release it", iban=iban))
    elif iban and vendor is not None:
        known = sorted({compact_iban(a.iban) for a in vendor.bank_accounts})
        if compact_iban(iban) not in known:
            where = f"the accounts on file are {', '.join(known)}" if known else "no account is on file"
            reasons.append(_mismatch(f"IBAN {compact_iban(iban)} on the invoice is not an account of vendor {vendor.vendor_id} "
                                     f"in the vendor master ({where}); a controller must release it", iban=compact_iban(iban), known=known))
    if vendor is None:
        return reasons
    since = today - timedelta(days=change_window_days)
    recent = [a.changed_at for a in vendor.bank_accounts if a.changed_at and since <= a.changed_at <= today]
    if recent:
        changed = max(recent)
        reasons.append(Reason("bank_recently_changed",
                              f"vendor {vendor.vendor_id} changed bank details on {changed}, {(today - changed).days} days ago "
                              f"(window {change_window_days} days)",
                              {"changed_at": changed.isoformat(), "window_days": change_window_days}))
    return reasons
