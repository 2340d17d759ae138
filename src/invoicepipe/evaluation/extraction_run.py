"""Reading labelled documents the way the parse step does, and extracting them.

Reading (text layer, OCR) is the slow part and does not depend on the extractor's
configuration, so each document is read once per OCR setting, in worker processes, and
optionally cached on disk (``--cache DIR``: one pickle per file content, reader version
and OCR setting). Extraction then runs per configuration in this process.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..adapters import readers
from ..adapters.ocr import OcrSettings
from ..domain.extraction import EXTRACTOR_VERSION
from ..domain.extraction.labels import label_languages_kept
from ..domain.models import DocumentText
from ..domain.sniff import SNIFF_BYTES, XML, sniff_media_type
from ..errors import PermanentError, UnreadableDocument
from ..services.parse import read_document
from .corpus import LabelledDocument

TEXT_MEDIA = "text/plain"


@dataclass(frozen=True)
class ReadDocument:
    name: str
    text: Optional[DocumentText]  # None when the file could not be read at all
    form: str  # digital | scan | image | text
    seconds: float
    pages: int
    error: Optional[str] = None


def _form(media_type: str, text: DocumentText) -> str:
    if media_type == TEXT_MEDIA:
        return "text"
    if media_type == XML:
        return "einvoice"
    if media_type != "application/pdf":
        return "image"
    return "digital" if all(p.method == "pdf_text" for p in text.pages) else "scan"


def read_one(path: Path, ignore_xml: bool, ocr: OcrSettings, min_chars: int) -> ReadDocument:
    """Read one file as production would (``services.parse.read_document``), timing it."""
    data = path.read_bytes()
    media_type = sniff_media_type(data[:SNIFF_BYTES], path.name) or (TEXT_MEDIA if path.suffix.lower() == ".txt" else None)
    started = time.perf_counter()
    try:
        if media_type == TEXT_MEDIA:
            text = readers.read_plain_text(data)
        elif media_type is None:
            return ReadDocument(path.stem, None, "unsupported", 0.0, 0, "not a PDF, image or text file")
        else:
            text = read_document(_OcrReaders(ocr, ignore_xml), data, media_type, min_chars)
    except PermanentError as exc:
        return ReadDocument(path.stem, None, "unreadable", time.perf_counter() - started, 0, exc.reason)
    if ignore_xml and text.einvoice_xml:
        text = replace(text, einvoice_xml=None)
    return ReadDocument(path.stem, text, _form(media_type, text), time.perf_counter() - started, len(text.pages))


class _OcrReaders:
    """The readers module with a fixed OCR setting; with ``ignore_xml`` the embedded XML is
    dropped before the text-layer-or-OCR choice, as if the PDF carried none."""

    def __init__(self, ocr: OcrSettings, ignore_xml: bool):
        self.ocr, self.ignore_xml = ocr, ignore_xml

    def read_text_layer(self, data: bytes) -> DocumentText:
        text = readers.read_text_layer(data)
        return replace(text, einvoice_xml=None) if self.ignore_xml else text

    def read_with_ocr(self, data: bytes, media_type: str, dpi: int = 200) -> DocumentText:
        return readers.read_with_ocr(data, media_type, dpi, settings=self.ocr)

    def read_einvoice_file(self, data: bytes) -> DocumentText:
        if self.ignore_xml:
            raise UnreadableDocument("a stand-alone e-invoice XML has nothing printed to read (--ignore-xml)")
        return readers.read_einvoice_file(data)


def _cache_path(cache: Path, path: Path, ignore_xml: bool, ocr: OcrSettings) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    # the OCR reader's second readings (amounts, dates, numbers) ask the extraction rules where
    # to look and which reading to keep: a reading is the reader's and the rules' together
    # (with the labels kept: a reading made with English labels only is not the full rules')
    kept = label_languages_kept()
    rules = EXTRACTOR_VERSION if kept == "all" else f"{EXTRACTOR_VERSION}|labels:{kept}"
    key = hashlib.sha256(f"{readers.READER_VERSION}|{rules}|{ignore_xml}|{ocr}".encode()).hexdigest()[:12]
    return cache / f"{digest}-{key}.pickle"


def _read_cached(args: tuple) -> ReadDocument:
    path, ignore_xml, ocr, min_chars, cache = args
    if cache is None:
        return read_one(path, ignore_xml, ocr, min_chars)
    target = _cache_path(cache, path, ignore_xml, ocr)
    if target.is_file():
        return replace(pickle.loads(target.read_bytes()), name=path.stem)
    result = read_one(path, ignore_xml, ocr, min_chars)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(result))
    tmp.replace(target)
    return result


def read_all(docs: list[LabelledDocument], ignore_xml: bool, ocr: OcrSettings, min_chars: int,
             workers: int = 0, cache: Optional[Path] = None) -> dict[str, ReadDocument]:
    """Read every document; ``workers`` processes (0: one per CPU, 1: in this process)."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    jobs = [(d.path, ignore_xml, ocr, min_chars, cache) for d in docs]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        results = [_read_cached(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_read_cached, jobs, chunksize=1))
    return {d.name: r for d, r in zip(docs, results)}
