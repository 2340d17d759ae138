"""PDF reading with PDFium (pypdfium2): probe facts, the positioned text layer with its ruled
tables (grouped by pdfplumber's rules, see ``pdf_words``) and the embedded e-invoice XML
(Factur-X / ZUGFeRD / XRechnung attachments)."""

from __future__ import annotations

import io
import re
import threading
from contextlib import contextmanager, nullcontext
from typing import Callable, Iterator, Optional, TypeVar

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from invoicepipe.adapters import pdf_held
from invoicepipe.adapters.pdf_words import WORD_SETTINGS, page_drawing, words_and_tables  # noqa: F401 - WORD_SETTINGS re-exported
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from invoicepipe.domain.triage import DocumentFacts
from invoicepipe.errors import LimitExceeded, UnreadableDocument

PDF_READER = f"pdfium {pdfium.PDFIUM_INFO.build} + pdfplumber {pdfplumber.__version__} rules"
EINVOICE_NAMES = {"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml"}
T = TypeVar("T")
_EINVOICE_ROOT = re.compile(rb"<(?:[\w-]+:)?(CrossIndustryInvoice|CrossIndustryDocument|Invoice|CreditNote)[\s>]")


# PDFium is not thread-safe: two threads inside it at once crash the whole process (seen
# with the embedded runtime's per-pool worker threads). Every use of a PdfDocument happens
# inside open_pdfium, which holds this lock; keep those blocks short (no OCR inside).
PDFIUM_LOCK = threading.RLock()


@contextmanager
def open_pdfium(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """Open PDF bytes with pypdfium2 under the process-wide PDFium lock.

    Errors become UnreadableDocument with a reason a person understands.
    """
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            yield pdf
        finally:
            pdf.close()


def _open(data: bytes) -> pdfium.PdfDocument:
    """The document (call under PDFIUM_LOCK), or UnreadableDocument saying why not."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise UnreadableDocument("PDF is encrypted") from exc
        raise UnreadableDocument(f"PDF is damaged: {message}") from exc


def render_page(pdf: pdfium.PdfDocument, index: int, scale: float, grayscale: bool = False) -> Image.Image:
    """Render one page to a PIL image that owns its memory (call inside open_pdfium).

    The bitmap and page are closed here, under the lock, rather than later by the garbage
    collector in whatever thread happens to run it.
    """
    page = pdf[index]
    try:
        return render_loaded_page(page, scale, grayscale)
    finally:
        page.close()


def render_loaded_page(page: pdfium.PdfPage, scale: float, grayscale: bool = False) -> Image.Image:
    """``render_page`` for a page already loaded (call inside open_pdfium; the caller closes it)."""
    bitmap = page.render(scale=scale, grayscale=grayscale)
    try:
        return bitmap.to_pil().copy()
    finally:
        bitmap.close()


def probe(data: bytes, media_type: str) -> DocumentFacts:
    """Cheap facts for triage: page count, text-layer size, embedded e-invoice presence.

    Raises UnreadableDocument for encrypted, damaged or page-less PDFs and undecodable
    images. Only the text layer's character count is read (no layout analysis). A PDF the
    fast pool would read (``pdf_held.worth_keeping``) stays loaded, with its text pages, for
    the read of the same bytes that follows (``pdf_held``).
    """
    if media_type != "application/pdf":
        frames = _image_frames(data)
        return DocumentFacts(media_type, len(data), frames, 0, False)
    with PDFIUM_LOCK:
        loaded = pdf_held.LoadedDocument(data, _open(data))
        try:
            pdf = loaded.pdf
            count = len(pdf)
            if count == 0:
                raise UnreadableDocument("document has no pages")
            kept = pdf_held.worth_keeping(data, count)  # a short document's pages stay loaded for its read
            chars = 0
            try:
                for i in range(count):
                    page = pdf[i]
                    textpage = page.get_textpage()
                    chars += len(textpage.get_text_range().strip())
                    if kept:
                        loaded.pages.append((page, textpage))
                    else:
                        textpage.close()
                        page.close()
            except pdfium.PdfiumError as exc:
                raise UnreadableDocument(f"PDF is damaged: {exc}") from exc
            has_xml = _einvoice_attachment(pdf) is not None
        except BaseException:
            loaded.close()
            raise
        if kept:
            pdf_held.keep(loaded)
        else:
            loaded.close()
    return DocumentFacts(media_type, len(data), count, chars, has_xml)


def _image_frames(data: bytes) -> int:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return max(1, getattr(img, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc


def _einvoice_attachment(pdf: pdfium.PdfDocument) -> Optional[bytes]:
    """The embedded invoice XML: a standard file name first, else any XML with an invoice root."""
    fallback = None
    for i in range(pdf.count_attachments()):
        att = pdf.get_attachment(i)
        name = (att.get_name() or "").strip().lower()
        if not name.endswith(".xml"):
            continue
        try:
            payload = bytes(att.get_data())
        except pdfium.PdfiumError:
            continue
        if name in EINVOICE_NAMES and _EINVOICE_ROOT.search(payload[:262144]):
            return payload
        if fallback is None and _EINVOICE_ROOT.search(payload[:262144]):
            fallback = payload
    return fallback


def einvoice_xml(data: bytes) -> Optional[bytes]:
    """Return the embedded e-invoice XML of a PDF, or None."""
    with open_pdfium(data) as pdf:
        return _einvoice_attachment(pdf)


@contextmanager
def _loaded(data: bytes) -> Iterator[tuple[pdfium.PdfDocument, list]]:
    """``open_pdfium``, with the pages and text pages the probe of these bytes kept loaded
    (``pdf_held``; an empty list when it kept none): what is left of them is closed here."""
    with PDFIUM_LOCK:
        held = pdf_held.take(data)
        if held is None:
            with open_pdfium(data) as pdf:
                yield pdf, []
            return
        try:
            yield held.pdf, held.pages
        finally:
            held.close()


def read_text_layer(data: bytes) -> DocumentText:
    """Words with boxes (points, top-left origin) and ruled tables of every page, plus the
    embedded XML, all from PDFium (``pdf_words``, ``pdf_rules``): pdfplumber's grouping and
    table rules run on PDFium's characters and paths, without pdfminer's layout pass."""
    return read_text_layer_and_images(data)[0]


def read_text_layer_and_images(data: bytes, render: Optional[Callable[[pdfium.PdfPage], T]] = None,
                               image_pages: int = 0) -> tuple[DocumentText, list[T]]:
    """``read_text_layer``, and ``render(page)`` of each of the first ``image_pages`` pages
    while it is loaded for its text: loading a page (its content stream and fonts) costs
    PDFium about as much as a small render of it, so a caller that needs both (the content
    print's thumbnails) pays for one load instead of two."""
    drawings, images = [], []
    with _loaded(data) as (pdf, loaded):
        if len(pdf) == 0:
            raise UnreadableDocument("document has no pages")
        xml = _einvoice_attachment(pdf)
        try:
            for index in range(len(pdf)):
                page, textpage = loaded.pop(0) if loaded else (pdf[index], None)
                try:
                    drawings.append(page_drawing(page, textpage))
                    if render is not None and index < image_pages:
                        images.append(render(page))
                finally:
                    if textpage is not None:
                        textpage.close()
                    page.close()
        except pdfium.PdfiumError as exc:
            raise UnreadableDocument(f"PDF is damaged: {exc}") from exc
    pages = []  # grouping words and finding tables is pure Python: outside the PDFium lock
    for number, drawing in enumerate(drawings, start=1):
        words, tables = words_and_tables(drawing)
        pages.append(Page(number, drawing.width, drawing.height,
                          tuple(Word(text, Box(x0, top, x1, bottom), number) for text, x0, top, x1, bottom in words),
                          "pdf_text", tables))
    return DocumentText(tuple(pages), xml, PDF_READER), images


def check_limits(data: bytes, media_type: str, limits, dpi: Optional[int] = None) -> None:
    """Refuse (LimitExceeded) a document with more pages than ``limits.max_pages`` and, when
    ``dpi`` is given, one with a page that rendered at ``dpi`` would have more pixels than
    ``limits.max_pixels_per_page``. Reads page sizes only: nothing is rendered or parsed."""
    if media_type == "application/pdf":
        with PDFIUM_LOCK, _counted(data) as pdf:
            count = len(pdf)
            _check_pages(count, limits)
            sizes = [pdf.get_page_size(i) for i in range(count)] if dpi else []
        for number, (width, height) in enumerate(sizes, start=1):
            _check_pixels(number, width * dpi / 72, height * dpi / 72, dpi, limits)
        return
    try:
        with Image.open(io.BytesIO(data)) as img:
            _check_pages(getattr(img, "n_frames", 1), limits)
            _check_pixels(1, img.width, img.height, None, limits)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc


def _counted(data: bytes):
    """The probe's kept document of these bytes (``pdf_held``) or the bytes opened: counting
    pages and reading their sizes loads none."""
    held = pdf_held.peek(data)
    return nullcontext(held.pdf) if held is not None else open_pdfium(data)


def _check_pages(count: int, limits) -> None:
    if count > limits.max_pages:
        raise LimitExceeded(f"has {count} pages, more than {limits.max_pages} (limit max_pages)", "max_pages")


def _check_pixels(number: int, width: float, height: float, dpi: Optional[int], limits) -> None:
    pixels = width * height
    if pixels > limits.max_pixels_per_page:
        at = f" at {dpi} dpi" if dpi else ""
        raise LimitExceeded(f"page {number} is {pixels / 1e6:,.0f} million pixels{at}, more than "
                            f"{limits.max_pixels_per_page / 1e6:,.0f} million (limit max_pixels_per_page)", "max_pixels_per_page")
