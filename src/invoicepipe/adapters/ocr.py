"""OCR reading: rendered PDF pages or image frames to positioned words.

Tesseract is the first engine. When it is missing, or its result for a page is poor (few
words or a low mean confidence), the configured second engine (RapidOCR) reads the page and
the better of the two results is kept. A page with ink that no engine can read comes back
without words and with method ``ocr_unreadable``; extraction turns that into a warning
and the router into a review reason, so a missing engine never crashes a parse.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from typing import Iterator, Mapping, Optional

import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from pytesseract import Output

from invoicepipe.adapters import (cost_meter, ocr_amounts, ocr_confirm, ocr_dates, ocr_engine, ocr_garbled, ocr_iban,
                                  ocr_identifiers, ocr_items, ocr_label_cells, ocr_narrow, ocr_specks, ocr_stamp_witness,
                                  ocr_unread)
from invoicepipe.adapters.ocr_first_pass import read_language_pass
from invoicepipe.adapters.ocr_languages import LanguageChoice, installed_languages
from invoicepipe.adapters.ocr_fallback import rapidocr_available, read_block_rapidocr, read_line_rapidocr, read_page_rapidocr
from invoicepipe.adapters.pdf import open_pdfium, render_page
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word
from invoicepipe.errors import UnreadableDocument
from invoicepipe.observability.events import ocr_call

# Tesseract's OpenMP threads fight each other when several worker processes OCR at once
# (throughput drops sharply); one thread per process lets the pool size set the parallelism.
# pytesseract starts tesseract with os.environ, so setting it here covers every call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
TESSERACT_ENGINE = "--oem 1"  # the LSTM engine
TESSERACT_CONFIG = f"{TESSERACT_ENGINE} --psm 3"  # a page: automatic page segmentation
MIN_CONFIDENCE = 0  # Tesseract reports -1 for layout-only entries; real words are 0..100
UNREADABLE = "ocr_unreadable"
NOT_READ = "ocr_skipped_cost_ceiling"  # a page left unread because a cost ceiling was in the way
MAX_DPI = 300  # images finer than this are read at this resolution
_VERSIONS: dict[str, str] = {}


@dataclass(frozen=True)
class OcrSettings:
    """Which engines to use and when a page result counts as poor.

    ``tesseract_cmd`` may point anywhere (a missing program simply disables the engine);
    ``fallback`` is ``"rapidocr"`` or ``"none"``.
    """

    tesseract_cmd: str = "tesseract"
    fallback: str = "rapidocr"
    use_tesseract: bool = True
    # "contrast" stretches contrast only; "median" also applies a 3x3 median filter, which
    # removes speckles but also erases small grey print (labels above values)
    cleanup: str = "contrast"
    min_words: int = 8
    min_mean_confidence: float = 0.55
    # "auto": English first, then the page's language (see ``guess_language``) when its
    # Tesseract data is installed; or an explicit Tesseract list such as "eng" or "deu+eng"
    languages: str = "auto"
    # read the amounts' region again when the amounts of the first reading disagree
    # (``ocr_amounts``); off only to measure what it brings
    reread_amounts: bool = True
    # read the items' rows again when they do not add up to a backed net (``ocr_items``); off
    # only to measure what it brings
    reread_items: bool = True
    # read again on their own the spots Tesseract read as garbage (``ocr_garbled``); off only
    # to measure what it brings
    reread_garbled: bool = True
    # read again on their own the codes whose letters touch digits (``ocr_identifiers``); off
    # only to measure what it brings
    reread_codes: bool = True
    # read a narrow page (a till roll) again as one block of rows (``ocr_narrow``); off only
    # to measure what it brings
    reread_narrow: bool = True
    # read the unsurely read invoice and PO numbers again on their own, and count two readings
    # that agree (``ocr_confirm``); off only to measure what it brings
    confirm_ids: bool = True
    # the engine that reads those numbers again: "rapidocr" (another engine than the page's,
    # whose disagreement counts; Tesseract when RapidOCR is not installed) or "tesseract"
    confirm_reader: str = "rapidocr"
    # paint a page's ruling lines (a grid table's cell borders) as paper before it is read
    # (``table_grid``); off only to measure what it brings
    erase_rules: bool = True
    # read the print no sure word covers (under a stamp, a block the page segmentation
    # dropped) with the second engine (``ocr_unread``); off only to measure what it brings
    reread_unread: bool = True
    # read again, with a stamp's lighter grey left out, a label lost in a key-value column
    # (``ocr_label_cells``); off only to measure what it brings
    reread_labels: bool = True
    # read a date-of-issue label's cell again when the date was lost or is unsure
    # (``ocr_dates``); off only to measure what it brings
    reread_dates: bool = True

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "OcrSettings":
        """``INVOICEPIPE_TESSERACT_CMD``, ``INVOICEPIPE_OCR_FALLBACK`` (rapidocr | none) and
        ``INVOICEPIPE_OCR_LANGUAGES`` (auto | a Tesseract language list) and
        ``INVOICEPIPE_OCR_CONFIRM`` (rapidocr | tesseract)."""
        env = os.environ if env is None else env
        return cls(tesseract_cmd=env.get("INVOICEPIPE_TESSERACT_CMD") or "tesseract",
                   fallback=(env.get("INVOICEPIPE_OCR_FALLBACK") or "rapidocr").strip().lower(),
                   languages=(env.get("INVOICEPIPE_OCR_LANGUAGES") or "auto").strip(),
                   confirm_reader=(env.get("INVOICEPIPE_OCR_CONFIRM") or "rapidocr").strip().lower())


def tesseract_version(cmd: str = "tesseract") -> str:
    """Version string of the Tesseract at ``cmd``; UnreadableDocument when it is missing.

    A found version is remembered per program path (asking costs a process start per page).
    """
    if cmd in _VERSIONS and shutil.which(cmd) is not None:
        return _VERSIONS[cmd]
    if shutil.which(cmd) is None:
        raise UnreadableDocument(f"OCR engine not available: tesseract not found at {cmd!r}")
    if ocr_engine.usable(cmd):
        _VERSIONS[cmd] = ocr_engine.in_process_version()
        return _VERSIONS[cmd]
    _use_cmd(cmd)
    try:
        _VERSIONS[cmd] = f"tesseract {pytesseract.get_tesseract_version()}"
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise UnreadableDocument(f"OCR engine not available: {exc}") from exc
    return _VERSIONS[cmd]


def _use_cmd(cmd: str) -> None:
    # pytesseract keeps the program path in a module global; it only changes when the
    # configuration does (one setting per process in production).
    if pytesseract.pytesseract.tesseract_cmd != cmd:
        pytesseract.pytesseract.tesseract_cmd = cmd


def _pages(data: bytes, media_type: str, dpi: int) -> Iterator[tuple[Image.Image, float]]:
    """Yield (image, pixels per point) for each page or frame."""
    if media_type == "application/pdf":
        with open_pdfium(data) as pdf:
            count = len(pdf)
        if count == 0:
            raise UnreadableDocument("document has no pages")
        for i in range(count):
            # Re-open per page so the PDFium lock is not held while OCR runs.
            with open_pdfium(data) as pdf:
                image = render_page(pdf, i, dpi / 72, grayscale=True)
            yield image, dpi / 72
        return
    try:
        img = Image.open(io.BytesIO(data))
        frames = getattr(img, "n_frames", 1)
        for i in range(frames):
            img.seek(i)
            xdpi = img.info.get("dpi", (72, 72))[0] or 72
            yield img.copy(), float(xdpi) / 72
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc


def preprocess(img: Image.Image, cleanup: str = "contrast") -> Image.Image:
    """Grayscale and stretch contrast (and with ``median`` remove salt noise) for Tesseract."""
    gray = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1") else img)
    gray = ImageOps.autocontrast(gray, cutoff=1)
    return gray.filter(ImageFilter.MedianFilter(3)) if cleanup == "median" else gray


def has_ink(img: Image.Image) -> bool:
    """True unless the page is practically blank (a blank page needs no reader)."""
    small = ImageOps.grayscale(img.convert("RGB") if img.mode in ("P", "RGBA", "CMYK", "1") else img)
    small.thumbnail((400, 400))
    histogram = small.histogram()
    dark = sum(histogram[:100])
    return dark > 0.001 * max(1, sum(histogram))


def tesseract_words(prepared: Image.Image, px_per_pt: float, number: int, lang: str = "eng",
                    cmd: str = "tesseract", psm: int = 3) -> list[Word]:
    """Tesseract words, boxes in points, confidence scaled to [0, 1]: in process with the
    models kept loaded (``ocr_engine``) where it can, else ``image_to_data`` of the program.
    ``psm`` is Tesseract's page segmentation mode (3 for a page, 6 for a block of rows)."""
    if ocr_engine.usable(cmd):
        return ocr_engine.read_words(prepared, px_per_pt, number, lang, psm)
    # pytesseract hands the image over as a file: BMP is written in a few milliseconds where
    # the default PNG costs a quarter of a second per page
    prepared.format = "BMP"
    # the true resolution: without it Tesseract guesses one from the file (70 dpi for a PNG)
    config = f"{TESSERACT_ENGINE} --psm {psm} --dpi {max(70, round(px_per_pt * 72))}"
    found = pytesseract.image_to_data(prepared, lang=lang, config=config, output_type=Output.DICT)
    words = []
    for i, text in enumerate(found["text"]):
        conf = float(found["conf"][i])
        if not text.strip() or conf < MIN_CONFIDENCE:
            continue
        x, y, w, h = (found[k][i] / px_per_pt for k in ("left", "top", "width", "height"))
        words.append(Word(text.strip(), Box(x, y, x + w, y + h), number, round(conf / 100, 3)))
    return words


def page_quality(words: list[Word]) -> float:
    """Words times mean confidence: a poor page has few words or unsure ones."""
    return sum(w.confidence for w in words)


def _poor(words: list[Word], settings: OcrSettings) -> bool:
    return len(words) < settings.min_words or page_quality(words) / max(1, len(words)) < settings.min_mean_confidence


def _engines(settings: OcrSettings) -> tuple[Optional[str], Optional[str], list[str]]:
    """(tesseract version, fallback version, notes on what is missing)."""
    notes, tess, fallback = [], None, None
    if settings.use_tesseract:
        try:
            tess = tesseract_version(settings.tesseract_cmd)
        except UnreadableDocument as exc:
            notes.append(exc.reason)
    if settings.fallback == "rapidocr":
        fallback = rapidocr_available()
        if fallback is None:
            notes.append("rapidocr is not installed")
    return tess, fallback, notes


def prepare(img: Image.Image, px_per_pt: float, settings: OcrSettings, orientation=None) -> tuple[Image.Image, float, dict]:
    """(the image Tesseract reads, its pixels per point, what was done): a photographed
    page cut out and made upright (``page_geometry``), then cleaned as its measured
    lighting asks (``page_cleanup``), its ruling lines erased (``table_grid``)."""
    # OpenCV (and numpy's thread pools) are imported only when a page image is read: they
    # map hundreds of MB of address space, which a digital PDF's parse child must not carry
    # under its RLIMIT_AS (parse_memory_mb)
    from invoicepipe.adapters import page_cleanup, page_geometry, table_grid

    page, px, geometry = page_geometry.correct(img, px_per_pt, orientation)
    if px > MAX_DPI / 72:
        # Tesseract reads 300 dpi as well as 600 and its time grows with the pixels
        factor = MAX_DPI / 72 / px
        page = page.resize((max(1, round(page.width * factor)), max(1, round(page.height * factor))), Image.Resampling.LANCZOS)
        px = MAX_DPI / 72
    cleaned, record = page_cleanup.clean(page)
    if settings.cleanup == "median":
        cleaned = cleaned.filter(ImageFilter.MedianFilter(3))
    if settings.erase_rules:
        cleaned, rules = table_grid.erase_rules(cleaned)
        record = {**record, **rules}
    return cleaned, px, {**geometry.describe(), **record}


def _osd(cmd: str):
    def detect(img: Image.Image) -> tuple[int, float]:
        _use_cmd(cmd)
        img.format = "BMP"  # the quick hand-over, as in tesseract_words
        found = pytesseract.image_to_osd(img, config="--psm 0", output_type=Output.DICT)
        return int(found.get("rotate", 0)), float(found.get("orientation_conf", 0.0))
    return detect


def _read_page(img: Image.Image, px_per_pt: float, number: int, tess: Optional[str], fallback: Optional[str],
               settings: OcrSettings, lang: LanguageChoice
               ) -> tuple[list[Word], str, Image.Image, float, dict, frozenset[Word]]:
    """(words, method, the image the words' boxes refer to, its pixels per point, capture
    record, the codes whose two readings disagreed)."""
    words: list[Word] = []
    doubted: frozenset[Word] = frozenset()
    method = UNREADABLE
    first = "tesseract" if tess else "rapidocr" if fallback else None
    if first and not cost_meter.permits(first, number):
        # checked before the page is even prepared: past a ceiling nothing expensive runs
        return [], NOT_READ, img, px_per_pt, {}, doubted
    given_px = px_per_pt
    with cost_meter.charge(first or "tesseract", call=False):  # finding the page, lighting, orientation: the page's cost
        prepared, px_per_pt, capture = prepare(img, px_per_pt, settings, _osd(settings.tesseract_cmd) if tess else None)
    if tess:
        _use_cmd(settings.tesseract_cmd)
        try:
            with ocr_call("tesseract"), cost_meter.charge("tesseract"):
                if lang.wants_first_pass():
                    read_english = lambda image, px, page: tesseract_words(image, px, page, "eng", settings.tesseract_cmd)
                    read_language_pass(prepared, px_per_pt, number, read_english, lang)
                language = lang.current
                words, method = tesseract_words(prepared, px_per_pt, number, language, settings.tesseract_cmd), "ocr_tesseract"
                second = lang.after_first_page(words)
                if second:
                    reread = tesseract_words(prepared, px_per_pt, number, second, settings.tesseract_cmd)
                    # the language's own model reads its accents and words; keep it unless it
                    # lost a good part of the page
                    if page_quality(reread) >= 0.9 * page_quality(words):
                        words, language = reread, second
                # a till roll's amount column can be lost by the page's block finder (``ocr_narrow``)
                read_rows = lambda image, px, page: tesseract_words(image, px, page, language, settings.tesseract_cmd,
                                                                    psm=ocr_narrow.ROWS_PSM)
                if settings.reread_narrow:
                    words, record = ocr_narrow.reread_narrow(words, prepared, px_per_pt, number, read_rows)
                    capture = {**capture, **record}
                if settings.reread_garbled:
                    read_spot = lambda image, px, page: tesseract_words(image, px, page, language, settings.tesseract_cmd,
                                                                        psm=ocr_garbled.BLOCK_PSM)
                    words, record = ocr_garbled.reread_garbled(words, prepared, px_per_pt, number, read_spot)
                    capture = {**capture, **record}
                if settings.reread_codes:
                    read_code = lambda image, px, page: tesseract_words(image, px, page, language, settings.tesseract_cmd,
                                                                        psm=ocr_identifiers.LINE_PSM)
                    words, record, doubted = ocr_identifiers.reread_identifiers(words, prepared, px_per_pt, number,
                                                                                read_code)
                    capture = {**capture, **record}
        except (pytesseract.TesseractError, OSError, RuntimeError):
            words = []  # a crashed or killed tesseract is one engine failing, not the document
        if fallback and settings.reread_unread and words:
            words, record = ocr_unread.reread_unread(words, prepared, px_per_pt, number, _block_reader())
            capture = {**capture, **record}
        if fallback and settings.reread_labels and words:
            words, record = ocr_label_cells.reread_label_cells(
                words, prepared, px_per_pt, number, _region_reader(settings, language, ocr_label_cells.LINE_PSM),
                _line_reader())
            capture = {**capture, **record}
    # the ink test (a downscaled copy of the page) only matters for a page that read poorly
    if fallback and _poor(words, settings) and has_ink(prepared) and (
            first == "rapidocr" or cost_meter.permits("rapidocr", number)):
        try:
            with ocr_call("rapidocr"), cost_meter.charge("rapidocr"):
                second = read_page_rapidocr(prepared, px_per_pt, number)
        except Exception:  # noqa: BLE001 - any failure inside the second engine leaves the page to review
            second = []
        if page_quality(second) > page_quality(words):
            words, method = second, "ocr_rapidocr"
    words, record = ocr_specks.drop_specks(words)
    capture = {**capture, **record}
    if tess and words and capture.get("stamps"):
        capture = {**capture, **_stamp_witness(img, given_px, words, prepared, px_per_pt, number, settings, lang.current)}
    if not words:
        method = UNREADABLE if has_ink(prepared) else "blank"
    return words, method, prepared, px_per_pt, capture, doubted


def read_with_ocr(data: bytes, media_type: str, dpi: int = 200, settings: Optional[OcrSettings] = None) -> DocumentText:
    """OCR every page/frame and return words with confidences and boxes in points.

    PDFs are rendered at ``dpi``; images are read at their own resolution (72 dpi assumed
    when the file does not say), so boxes and page sizes share the point space of models.py.
    Pages no engine could read have method ``ocr_unreadable``; UnreadableDocument is raised
    only for input that cannot be decoded at all.
    """
    settings = settings or OcrSettings.from_env()
    tess, fallback, notes = _engines(settings)
    lang = LanguageChoice(settings.languages, installed_languages(settings.tesseract_cmd) if tess else frozenset())
    pages, used, images, doubted = [], set(), {}, set()
    for number, (img, px_per_pt) in enumerate(_pages(data, media_type, dpi), start=1):
        words, method, read, px, capture, page_doubted = _read_page(img, px_per_pt, number, tess, fallback, settings, lang)
        doubted |= page_doubted
        used.add(method)
        pages.append(Page(number, read.width / px, read.height / px, tuple(words), method, capture=capture))
        if method == "ocr_tesseract":
            images[number] = (read, px)
    if not pages:
        raise UnreadableDocument("document has no pages")
    names = [v for v, m in ((tess, "ocr_tesseract"), (fallback, "ocr_rapidocr")) if v and m in used]
    reader = " + ".join(names) or ("OCR not run (cost ceiling)" if NOT_READ in used else "no OCR engine")
    if notes:
        reader += f" ({'; '.join(notes)})"
    doc = DocumentText(tuple(pages), None, reader)
    extract = _remembered_extraction()
    if settings.reread_amounts and images:
        doc = ocr_amounts.reread_amounts(doc, images, _region_reader(settings, lang.current, ocr_amounts.BLOCK_PSM),
                                         extract)
    if settings.reread_items and images:
        doc = ocr_items.reread_items(doc, images, _region_reader(settings, lang.current, ocr_items.BLOCK_PSM), extract)
    if settings.reread_dates and images:
        doc = ocr_dates.reread_dates(doc, images, _region_reader(settings, lang.current, ocr_dates.BLOCK_PSM), extract)
    if settings.confirm_ids and images:
        doc = _confirm_identifiers(doc, images, settings, lang.current, frozenset(doubted), extract)
        doc = _reread_ibans(doc, images, settings, lang.current, extract)
    return doc


def _remembered_extraction():
    """``extract_invoice(doc, ())`` that remembers what it extracted this document's reading
    into: the amounts' check and the identifiers' both extract the document without master
    data, and unless the amounts were read again it is the same document, extracted once.
    Documents are told apart by identity (each reading again makes a new one)."""
    done: list[tuple[DocumentText, object]] = []

    def extract(doc: DocumentText):
        for seen, extraction in done:
            if seen is doc:
                return extraction
        extraction = extract_invoice(doc, ())
        done.append((doc, extraction))
        return extraction

    return extract


def _confirm_identifiers(doc: DocumentText, images: dict, settings: OcrSettings, language: str,
                         doubted: frozenset, extract=None) -> DocumentText:
    """The unsurely read numbers read again (``ocr_confirm``) by RapidOCR when it is installed
    and chosen, by Tesseract otherwise."""
    engine = rapidocr_available() if settings.confirm_reader == "rapidocr" else None
    if engine is None:
        return ocr_confirm.confirm_identifiers(doc, images, _region_reader(settings, language, ocr_confirm.LINE_PSM),
                                               doubted, extract=extract)
    return ocr_confirm.confirm_identifiers(doc, images, _line_reader(), doubted, engine=engine,
                                           witness=_region_reader(settings, language, ocr_confirm.LINE_PSM),
                                           extract=extract)


def _reread_ibans(doc: DocumentText, images: dict, settings: OcrSettings, language: str, extract=None) -> DocumentText:
    """The IBANs that fail their checks read again (``ocr_iban``): by RapidOCR when it is
    installed and chosen, then by Tesseract."""
    tesseract = _region_reader(settings, language, ocr_iban.LINE_PSM)
    rapid = rapidocr_available() if settings.confirm_reader == "rapidocr" else None
    return ocr_iban.reread_ibans(doc, images, (_line_reader(), tesseract) if rapid else (tesseract,), extract)


def _stamp_witness(img: Image.Image, given_px: float, words: list[Word], prepared: Image.Image, px: float,
                   number: int, settings: OcrSettings, language: str) -> dict:
    """The values read where ``page_stamps`` changed the page that the page as it was reads
    otherwise, named as doubted (``ocr_stamp_witness``)."""
    from invoicepipe.adapters import page_geometry

    with cost_meter.charge("tesseract", call=False):
        plain, _, _ = prepare(Image.fromarray(page_geometry._to_gray(img)), given_px, settings,
                              _osd(settings.tesseract_cmd))
    return ocr_stamp_witness.witness(words, prepared, plain, px, number,
                                     _region_reader(settings, language, ocr_stamp_witness.LINE_PSM))


def _block_reader():
    """RapidOCR on a block of a page (``ocr_unread``), charged to RapidOCR, skipped past a cost ceiling."""
    def read_block(image: Image.Image, px: float, number: int, skip) -> list[Word]:
        if not cost_meter.permits("rapidocr", number):
            return []
        try:
            with ocr_call("rapidocr"), cost_meter.charge("rapidocr"):
                return read_block_rapidocr(image, px, number, skip)
        except Exception:  # noqa: BLE001 - a failing second engine leaves the page's reading as it is
            return []

    return read_block


def _line_reader():
    """RapidOCR's recognizer on one crop, charged to RapidOCR, skipped past a cost ceiling."""
    def read_line(image: Image.Image, px: float, number: int) -> list[Word]:
        if not cost_meter.permits("rapidocr", number):
            return []
        with ocr_call("rapidocr"), cost_meter.charge("rapidocr"):
            return read_line_rapidocr(image, px, number)

    return read_line


def _region_reader(settings: OcrSettings, language: str, psm: int):
    """A reader of a part of a page read again (the amounts' region, ``ocr_amounts``; an
    identifier, ``ocr_confirm``): charged to Tesseract like the page, skipped past a cost
    ceiling, and empty when Tesseract fails, so the first reading stands."""
    def read_region(image: Image.Image, px: float, number: int) -> list[Word]:
        if not cost_meter.permits("tesseract", number):
            return []
        try:
            with ocr_call("tesseract"), cost_meter.charge("tesseract"):
                return tesseract_words(image, px, number, language, settings.tesseract_cmd, psm=psm)
        except (pytesseract.TesseractError, OSError, RuntimeError):
            return []  # the first reading stands

    return read_region
