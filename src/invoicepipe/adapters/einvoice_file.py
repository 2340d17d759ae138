"""Stand-alone e-invoice XML files (UBL 2.1, UN/CEFACT CII) as documents without pages.

The XML is the whole document: there is no page to render or OCR, so reading it means
checking its size against the policy, parsing it safely (``domain.einvoice``: DTDs,
entities and external references refused) and handing it on as ``DocumentText`` with no
pages and the XML attached; extraction then reads it exactly.
"""

from __future__ import annotations

from importlib.metadata import version

from ..domain.einvoice import read_einvoice
from ..domain.models import DocumentText
from ..domain.sniff import XML
from ..domain.triage import DocumentFacts
from ..errors import LimitExceeded

READER = f"defusedxml {version('defusedxml')}"


def check_xml_limits(data: bytes, limits) -> None:
    """Refuse (LimitExceeded) an XML larger than ``limits.max_xml_bytes`` before parsing it."""
    if len(data) > limits.max_xml_bytes:
        raise LimitExceeded(f"the XML is {len(data):,} bytes, more than {limits.max_xml_bytes:,} (limit max_xml_bytes)",
                            "max_xml_bytes")


def probe_xml(data: bytes) -> DocumentFacts:
    """Triage's facts: no pages, no text layer, and the e-invoice is the XML itself."""
    return DocumentFacts(XML, len(data), 0, 0, True)


def read_einvoice_file(data: bytes) -> DocumentText:
    """The XML as a page-less document; UnreadableDocument (with the reason) when it is
    refused, not well-formed, or not a UBL/CII invoice."""
    read_einvoice(data)
    return DocumentText(pages=(), einvoice_xml=data, reader=READER)
