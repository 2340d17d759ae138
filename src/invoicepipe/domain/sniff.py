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


# Kinds people send by mistake, named so the sender knows what to send instead. A reason
# names the kind only: quoting the first bytes would echo whatever the file holds (a
# secret, markup) into the database, the reason file and every screen that shows it.
_KNOWN_OTHERS = (
    (b"GIF8", "a GIF image (not accepted: send PDF, PNG, JPEG or TIFF)"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)


def describe_content(head: bytes) -> str:
    """What the bytes look like, in words that never repeat the bytes themselves."""
    for magic, kind in _KNOWN_OTHERS:
        if head.startswith(magic):
            return f"looks like {kind}"
    sample = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<body" in sample or b"<head" in sample:
        return "looks like HTML"
    if sample.startswith(b"<?xml") or sample.startswith(b"<"):
        return "looks like XML"
    if sample.startswith((b"{", b"[")):
        return "looks like JSON or other text"
    try:
        text = head[:1024].decode("utf-8")
    except UnicodeDecodeError:
        return "unknown binary data"
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return "looks like plain text" if text and printable / len(text) > 0.95 else "unknown binary data"


def require_accepted(head: bytes, filename: str = "") -> str:
    """Return the media type, or raise UnsupportedInput with a reason a person understands."""
    if not head:
        raise UnsupportedInput("file is empty")
    media_type = sniff_media_type(head, filename)
    if media_type is None:
        raise UnsupportedInput(f"not a PDF or image ({describe_content(head)})")
    return media_type
