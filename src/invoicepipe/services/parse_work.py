"""The bounded part of a parse: what runs inside the parse's child process.

Every function here takes the readers first and only picklable arguments, touches no
database and no blob store, and returns plain dataclasses: ``adapters/parse_isolation``
runs it in a child under the policy's limits (or inline in unit tests). The page count
is checked before anything is read, and a page's pixels before it is rendered for OCR.

``parse_document`` is the parse step's one call: what only the worker's database knows
(the resolved vendor's layout memory and purchase orders) it asks for half-way, and it
returns what the worker stores, not the words: the text stays in the child.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple, Optional, Sequence

from ..adapters import cost_meter
from ..adapters.calibration_store import load_calibration
from ..adapters.content_prints import page_thumbnails, pdf_thumbnail
from ..domain.extraction import extract_invoice
from ..domain.extraction.bank_details import flag_unreadable_iban
from ..domain.extraction.number_series import refine_invoice_number
from ..domain.extraction.po_search import refine_po_number
from ..domain.costs import Budget
from ..domain.fingerprints import MAX_PAGES, ContentPrint, content_print
from ..domain.layout_memory import vendor_memory_key
from ..domain.models import DocumentText, Extraction
from ..domain.policy import ParseLimits
from ..domain.sniff import XML
from ..domain.triage import DocumentFacts
from ..errors import LimitExceeded

OCR_DPI = 200


@dataclass(frozen=True)
class ParseOutput:
    text: DocumentText
    extraction: Extraction
    content_print: Optional[ContentPrint]
    print_ms: float
    print_warning: Optional[str] = None
    cost: Optional[cost_meter.ParseCost] = None  # what the engine calls spent, and what a ceiling stopped


@dataclass(frozen=True)
class ParsedDocument:
    """What the worker stores of a parse: the extraction, the page facts (no words), the
    content print and what the engine calls spent."""

    reader: str
    pages: list  # per page: number, width, height, method, words (a count), capture (OCR)
    extraction: Extraction
    content_print: Optional[ContentPrint]
    print_ms: float
    print_warning: Optional[str] = None
    cost: Optional[cost_meter.ParseCost] = None


def page_facts(text: DocumentText) -> list[dict]:
    """The pages as the parse's audit event and the extraction row keep them; the capture
    record (page found and warped, lighting flattened) says what image the boxes refer to."""
    return [{"number": p.number, "width": p.width, "height": p.height, "method": p.method, "words": len(p.words),
             **({"capture": dict(p.capture)} if p.capture else {})} for p in text.pages]


def _check(readers, data: bytes, media_type: str, limits: ParseLimits, dpi: Optional[int] = None) -> None:
    # Fakes of the readers (unit tests) have no pages to count.
    check = getattr(readers, "check_limits", None)
    if check is not None:
        check(data, media_type, limits, dpi)


def probe_document(readers, data: bytes, media_type: str, limits: ParseLimits) -> DocumentFacts:
    """Triage's facts, refusing a document with more pages than ``max_pages``."""
    facts = readers.probe(data, media_type)
    if facts.page_count > limits.max_pages:
        raise LimitExceeded(f"has {facts.page_count} pages, more than {limits.max_pages} (limit max_pages)", "max_pages")
    return facts


def read_document(readers, data: bytes, media_type: str, min_chars_per_page: int,
                  limits: Optional[ParseLimits] = None) -> DocumentText:
    """The text layer when there is a usable one (or an embedded e-invoice), OCR otherwise."""
    return _read_with_thumbnails(readers, data, media_type, min_chars_per_page, limits, thumbnails=False)[0]


def _read_with_thumbnails(readers, data: bytes, media_type: str, min_chars_per_page: int, limits: Optional[ParseLimits],
                          thumbnails: bool = True) -> tuple[DocumentText, Optional[list]]:
    """``read_document``, and the content print's page thumbnails when the reader rendered
    them while it had the pages loaded for their text (None: render them apart)."""
    if limits is not None:
        _check(readers, data, media_type, limits)
    if media_type == XML:
        return readers.read_einvoice_file(data), None  # the XML is the document: nothing to OCR
    images = None
    if media_type == "application/pdf":
        with_images = getattr(readers, "read_text_layer_and_images", None)  # fakes of the readers have none
        with cost_meter.charge("pdf_text"):
            if thumbnails and with_images is not None:
                text, images = with_images(data, _thumbnail_or_error, MAX_PAGES)
            else:
                text = readers.read_text_layer(data)
        chars = sum(len(w.text) for p in text.pages for w in p.words)
        if text.einvoice_xml or chars >= min_chars_per_page * max(1, len(text.pages)):
            return text, images
    if limits is not None:
        _check(readers, data, media_type, limits, OCR_DPI)
    return readers.read_with_ocr(data, media_type), images


def _thumbnail_or_error(page):
    """A page's thumbnail, or what kept it from being rendered: a print is never a reason
    to fail the reading it rides along with (``_content_print`` turns it into a warning)."""
    try:
        return pdf_thumbnail(page)
    except Exception as exc:  # noqa: BLE001 - any renderer failure leaves the words
        return exc


def _content_print(data: bytes, media_type: Optional[str], text: DocumentText,
                   images: Optional[list] = None) -> tuple[Optional[ContentPrint], float, Optional[str]]:
    """The document's content print, what it cost (ms) and what went wrong, if anything: a
    print is a help for duplicate detection, never a reason to fail a parse. Pages that
    cannot be rendered give a print of the words alone. ``images``: the thumbnails the
    reader already rendered (their cost is in the reading's)."""
    started, warning = time.perf_counter(), None
    words = [w for page in text.pages for w in page.words]
    try:
        try:
            if images is None:
                images = page_thumbnails(data, media_type) if media_type and media_type != XML else []
            failed = next((image for image in images if isinstance(image, Exception)), None)
            if failed is not None:
                raise failed
        except Exception as exc:  # noqa: BLE001 - any renderer failure leaves the words
            warning, images = f"images: {type(exc).__name__}: {exc}", []
        result = content_print(words, images)
    except Exception as exc:  # noqa: BLE001 - see the docstring
        warning, result = f"{type(exc).__name__}: {exc}", None
    return result, round((time.perf_counter() - started) * 1000, 1), warning


def read_and_extract(readers, data: bytes, media_type: str, min_chars_per_page: int, limits: ParseLimits,
                     vendors: list, calibration=None, budget: Optional[Budget] = None, recall=None) -> ParseOutput:
    """Read (every engine call metered, each expensive one checked against ``budget``
    first), extract with the shipped calibration (or ``calibration``) and the resolved
    vendor's layout memory when ``recall`` is given (``extract_invoice``), and print."""
    with cost_meter.metering(budget) as meter:
        text, images = _read_with_thumbnails(readers, data, media_type, min_chars_per_page, limits)
    extraction = extract_invoice(text, vendors, calibration or load_calibration(), recall=recall)
    fingerprint, print_ms, warning = _content_print(data, media_type, text, images)
    return ParseOutput(text, extraction, fingerprint, print_ms, warning, meter.result())


class VendorContext(NamedTuple):
    """What a parse asks about its resolved vendor half-way through the extraction."""

    memory: Optional[dict]  # its layout memory (learned from reviewers' corrections), if any
    orders: list  # its purchase orders' numbers and statuses
    numbers: tuple[str, ...] = ()  # the numbers of its latest approved invoices, newest first


def finish_extraction(readers, text: DocumentText, extraction: Extraction, vendors: list, calibration, memory,
                      vendor_pos: list, earlier_numbers: Sequence[str] = ()) -> Extraction:
    """Extract again with the vendor's layout memory when it has one, then check the PO
    number against the vendor's own POs and the invoice number against its earlier invoices'
    numbering, and flag printed but unreadable bank details."""
    if memory:
        extraction = extract_invoice(text, vendors, calibration or load_calibration(), memory)
    extraction = refine_invoice_number(refine_po_number(extraction, text, vendor_pos), text, earlier_numbers)
    return flag_unreadable_iban(extraction, text)


def parse_document(readers, data: bytes, media_type: str, min_chars_per_page: int, limits: ParseLimits,
                   vendors: list, calibration=None, budget: Optional[Budget] = None, *, ask) -> ParsedDocument:
    """Read, extract and print (``read_and_extract``), then finish with the resolved vendor's
    context: ``ask(vendor_id)`` returns its ``VendorContext`` (the worker reads it; not asked
    when no vendor was resolved). It is asked half-way through the extraction, as soon as the
    vendor is resolved, so a vendor with a layout memory costs one extraction, not one
    without the memory and one with it."""
    asked: dict[str, VendorContext] = {}

    def recall(vendor_id: str):
        if vendor_memory_key(vendor_id, None) is None:
            return None
        asked[vendor_id] = VendorContext(*ask(vendor_id))
        return asked[vendor_id].memory

    out = read_and_extract(readers, data, media_type, min_chars_per_page, limits, vendors, calibration, budget, recall)
    vendor_id = out.extraction.value("vendor_id")
    extraction = out.extraction
    if vendor_id in asked:  # extracted with this vendor's memory already
        context = asked[vendor_id]._replace(memory=None)
    else:  # not the vendor resolved half-way (none was, or the e-invoice's XML alone named one)
        if any(c.memory for c in asked.values()):  # as it reads without the other vendor's memory
            extraction = extract_invoice(out.text, vendors, calibration or load_calibration())
        context = VendorContext(*ask(vendor_id)) if vendor_memory_key(vendor_id, None) is not None else VendorContext(None, [])
    extraction = finish_extraction(readers, out.text, extraction, vendors, calibration, context.memory, context.orders,
                                   context.numbers)
    return ParsedDocument(out.text.reader, page_facts(out.text), extraction, out.content_print, out.print_ms,
                          out.print_warning, out.cost)
