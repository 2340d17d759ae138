"""Recognise what a dropped file really is from its first bytes, not its name."""

from __future__ import annotations

from typing import Optional

from ..errors import UnsupportedInput

PDF, PNG, JPEG, TIFF, EML = "application/pdf", "image/png", "image/jpeg", "image/tiff", "message/rfc822"
ACCEPTED = (PDF, PNG, JPEG, TIFF, EML)

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_EML_HEADERS = (b"received:", b"from:", b"return-path:", b"message-id:", b"mime-version:", b"date:", b"subject:", b"to:", b"delivered-to:", b"x-")


def _looks_like_email(head: bytes, filename: str) -> bool:
    first = head.lstrip()[:40].lower()
    return filename.lower().endswith(".eml") or any(first.startswith(h) for h in _EML_HEADERS)


def sniff_media_type(head: bytes, filename: str = "") -> Optional[str]:
    """The media type of bytes starting with ``head``, or None when it is none we accept."""
    # Some producers put junk before the PDF header; readers accept it within 1 KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if _looks_like_email(head, filename) and b":" in head[:200]:
        return EML
    return None


def describe_start(head: bytes) -> str:
    """A short, printable rendering of the first bytes, for a rejection reason."""
    text = head[:12].decode("latin-1")
    return "".join(ch if ch.isprintable() else "." for ch in text).strip() or "binary data"


def require_accepted(head: bytes, filename: str = "") -> str:
    """Return the media type, or raise UnsupportedInput with a reason a person understands."""
    if not head:
        raise UnsupportedInput("file is empty")
    media_type = sniff_media_type(head, filename)
    if media_type is None:
        raise UnsupportedInput(f"not a PDF or image (starts with {describe_start(head)!r})")
    return media_type
