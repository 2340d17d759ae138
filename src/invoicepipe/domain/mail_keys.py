"""What makes two mailbox messages the same message: its Message-ID, or its bytes.

A message delivered twice keeps its Message-ID (the relays around it add their own
``Received`` lines, so the bytes differ); a message without a Message-ID is still one
message as long as its bytes are the same. The ledger keeps both keys, each unique.
"""

from __future__ import annotations

import hashlib
import re
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Optional

_ID = re.compile(r"<([^<>\s]+)>")


def read_message_id(head: bytes) -> Optional[str]:
    """The Message-ID header of a message (or of its header block), or None when absent.

    compat32 keeps a malformed header as text instead of raising; only the headers are
    parsed, however large the body."""
    value = BytesHeaderParser(policy=compat32).parsebytes(head).get("Message-ID")
    text = str(value or "").strip()
    return text[:500] or None


def message_key(message_id: Optional[str]) -> Optional[str]:
    """The ledger key of a Message-ID: the sha256 of the id between its angle brackets
    (folding whitespace and a missing pair of brackets do not make another message)."""
    if not message_id:
        return None
    found = _ID.search(message_id)
    core = found.group(1) if found else "".join(message_id.split())
    return hashlib.sha256(core.encode("utf-8", "surrogateescape")).hexdigest() if core else None
