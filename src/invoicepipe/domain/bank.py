"""Bank-detail checks: IBAN validity and agreement with the vendor master."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from .models import Reason, Vendor


def compact_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check."""
    s = compact_iban(iban)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", s):
        return False
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def check_bank(iban: Optional[str], vendor: Optional[Vendor], today: date, change_window_days: int) -> list[Reason]:
    """Reasons to hold payment over bank details; empty when they agree with the master."""
    if vendor is None:
        return []
    reasons = []
    known = {compact_iban(a.iban) for a in vendor.bank_accounts}
    if iban:
        if not iban_is_valid(iban):
            reasons.append(Reason("bank_mismatch", f"IBAN {iban} on the invoice fails its checksum", {"iban": iban}))
        elif known and compact_iban(iban) not in known:
            reasons.append(Reason("bank_mismatch", f"IBAN {iban} on the invoice is not an account of vendor {vendor.vendor_id} in the vendor master",
                                  {"iban": iban, "known": sorted(known)}))
    recent = [a for a in vendor.bank_accounts if a.changed_at and a.changed_at >= today - timedelta(days=change_window_days)]
    if recent:
        changed = max(a.changed_at for a in recent)
        reasons.append(Reason("bank_recently_changed", f"vendor {vendor.vendor_id} changed bank details on {changed}, within {change_window_days} days",
                              {"changed_at": changed.isoformat()}))
    return reasons
