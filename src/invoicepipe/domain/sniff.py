"""Recognise what a dropped file really is from its first bytes, not its name."""

from __future__ import annotations

import re
from typing import Optional

from ..errors import UnsupportedInput

PDF, PNG, JPEG, TIFF, EML = "application/pdf", "image/png", "image/jpeg", "image/tiff", "message/rfc822"
XML = "application/xml"  # a stand-alone e-invoice (UBL 2.1 or UN/CEFACT CII)
ACCEPTED = (PDF, PNG, JPEG, TIFF, EML, XML)
# How much of a file callers pass: an XML e-invoice may open with a long licence comment
# before its root element; binary formats are recognised from their first bytes anyway.
SNIFF_BYTES = 65536

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


# The prolog before the root element: declaration, processing instructions, comments, and a
# DOCTYPE (with an internal subset); parsing later refuses the DOCTYPE, with a reason.
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)", re.S | re.I)
_START_TAG = re.compile(rb"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>", re.S)
_EINVOICE_ROOTS = {b"Invoice": b"ubl:schema:xsd:invoice-2", b"CreditNote": b"ubl:schema:xsd:creditnote-2",
                   b"CrossIndustryInvoice": b"crossindustryinvoice", b"CrossIndustryDocument": b"crossindustrydocument"}


def _xml_text(head: bytes) -> Optional[bytes]:
    """``head`` as ASCII-compatible bytes when it starts like XML (UTF-8/ASCII, BOM or not)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: a rare choice for e-invoices, still XML
        try:
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:
            return None
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head if head.startswith(b"<") else None


def is_einvoice_xml(head: bytes) -> bool:
    """True when the root element is a UBL 2.1 Invoice/CreditNote or a UN/CEFACT CII
    invoice, judged by its local name *and* its namespace (never by the file name)."""
    text = _xml_text(head)
    if text is None:
        return False
    position = 0
    while (m := _PROLOG.match(text, position)) and m.end() > position:
        position = m.end()
    tag = _START_TAG.match(text, position)
    if tag is None or tag.group(2) not in _EINVOICE_ROOTS:
        return False
    prefix = (tag.group(1) or b":")[:-1]
    declared = re.search(rb"xmlns" + (b":" + re.escape(prefix) if prefix else b"") + rb"\s*=\s*[\"']([^\"']*)[\"']", tag.group(3))
    return bool(declared) and _EINVOICE_ROOTS[tag.group(2)] in declared.group(1).lower()


def sniff_media_type(head: bytes, filename: str = "") -> Optional[str]:
    """The media type of bytes starting with ``head``, or None when it is none we accept."""
    # Some producers put junk before the PDF header; readers accept it within 1 KiB.
    if b"%PDF-" in head[:1024]:
        return PDF
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if is_einvoice_xml(head):
        return XML
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
        return "looks like XML, but not a UBL 2.1 Invoice/CreditNote or UN/CEFACT CII invoice"
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
        raise UnsupportedInput(f"not a PDF, image or e-invoice XML ({describe_content(head)})")
    return media_type
