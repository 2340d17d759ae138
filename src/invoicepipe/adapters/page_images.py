"""Page images for the reviewer UI: PDF pages rendered with pypdfium2, cached as PNG.

The cache is content-addressed (document sha256 + page + scale) under ``var/pages``, so a
page is rendered once however many reviewers open it, and a stale image is impossible.
PNG and JPEG uploads are served from the blob as they are; TIFF (which browsers do not
show) and multi-frame images are converted to PNG with Pillow.

A photographed page (``page_geometry`` finds a page on a non-paper background) is shown as
OCR read it, cut out, made rectangular and upright, and a page without an outline whose
text was turned level (``page_skew``) is shown turned, because the word and field boxes
refer to that image, not to the photo. The correction is the same deterministic code the reader
ran; it is done once per page at reading resolution and cached (a marker remembers that a
page is not a photo, so ordinary scans pay the check once).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from PIL import Image, UnidentifiedImageError

from ..errors import NotFound, UnreadableDocument
from .pdf import open_pdfium, render_page

SCALES = (1.0, 2.0, 3.0)  # 72, 144, 216 dpi: thumbnails, normal view, zoomed in
READ_DPI = 200  # the resolution the OCR reader renders PDF pages at (read_with_ocr's default)


class PageImages:
    def __init__(self, cache_dir: Path, blobs):
        self.cache_dir = Path(cache_dir)
        self.blobs = blobs

    def image(self, sha256: str, media_type: str, page: int, scale: float) -> tuple[bytes, str]:
        """(bytes, media type) of page ``page`` (from 1); NotFound past the last page."""
        if scale not in SCALES:
            raise NotFound(f"scale must be one of {SCALES}")
        cached = self.cache_dir / sha256[:2] / f"{sha256}-p{page}-s{scale:g}.png"
        if cached.exists():
            return cached.read_bytes(), "image/png"
        data = self.blobs.get(sha256)
        corrected = self._corrected(sha256, data, media_type, page)
        if corrected is not None:
            img, px_per_pt = corrected
            size = (max(1, round(img.width / px_per_pt * scale)), max(1, round(img.height / px_per_pt * scale)))
            out = io.BytesIO()
            img.resize(size, Image.Resampling.LANCZOS).save(out, "PNG")
            self._store(cached, out.getvalue())
            return out.getvalue(), "image/png"
        if media_type in ("image/png", "image/jpeg") and page == 1:
            return data, media_type
        png = self._render_pdf(data, page, scale) if media_type == "application/pdf" else self._convert_image(data, page)
        self._store(cached, png)
        return png, "image/png"

    def _corrected(self, sha256: str, data: bytes, media_type: str, page: int) -> Optional[tuple[Image.Image, float]]:
        """(the corrected page at reading resolution, its pixels per point) for a photographed
        page; None for anything else (remembered by a marker file)."""
        base = self.cache_dir / sha256[:2] / f"{sha256}-p{page}"
        full, plain = base.with_name(base.name + "-corrected.png"), base.with_name(base.name + "-as-is")
        if plain.exists():
            return None
        if full.exists():
            with Image.open(full) as img:
                img.load()
                return img.copy(), float(img.info.get("dpi", (72, 72))[0]) / 72
        try:
            source = self._source_page(data, media_type, page)
        except (NotFound, UnreadableDocument):
            return None  # the ordinary path below says what is wrong
        if source is None:
            return None
        from .ocr import _osd

        from . import page_geometry  # OpenCV only when a photographed page is shown

        img, px_per_pt, geometry = page_geometry.correct(source[0], source[1], _osd("tesseract") if shutil.which("tesseract") else None)
        if not geometry.changed:
            self._store(plain, b"")
            return None
        out = io.BytesIO()
        img.save(out, "PNG", dpi=(px_per_pt * 72, px_per_pt * 72))
        self._store(full, out.getvalue())
        return img, px_per_pt

    @staticmethod
    def _source_page(data: bytes, media_type: str, page: int) -> Optional[tuple[Image.Image, float]]:
        """The page as the OCR reader sees it: (image, pixels per point)."""
        if media_type == "application/pdf":
            with open_pdfium(data) as pdf:
                if not 1 <= page <= len(pdf):
                    raise NotFound(f"no page {page}")
                pdf_page = pdf[page - 1]
                try:
                    textpage = pdf_page.get_textpage()
                    try:
                        chars = textpage.count_chars()
                    finally:
                        textpage.close()
                finally:
                    pdf_page.close()
                if chars > 0:
                    return None  # a text layer was read, not an image: its boxes are the PDF's
                return render_page(pdf, page - 1, READ_DPI / 72), READ_DPI / 72
        if not media_type.startswith("image/"):
            return None
        try:
            with Image.open(io.BytesIO(data)) as img:
                if not 1 <= page <= getattr(img, "n_frames", 1):
                    raise NotFound(f"no page {page}")
                img.seek(page - 1)
                xdpi = img.info.get("dpi", (72, 72))[0] or 72
                return img.copy(), float(xdpi) / 72
        except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
            raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc

    @staticmethod
    def _render_pdf(data: bytes, page: int, scale: float) -> bytes:
        with open_pdfium(data) as pdf:
            if not 1 <= page <= len(pdf):
                raise NotFound(f"no page {page}")
            image = render_page(pdf, page - 1, scale)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue()

    @staticmethod
    def _convert_image(data: bytes, page: int) -> bytes:
        try:
            with Image.open(io.BytesIO(data)) as img:
                if not 1 <= page <= getattr(img, "n_frames", 1):
                    raise NotFound(f"no page {page}")
                img.seek(page - 1)
                out = io.BytesIO()
                img.convert("RGB").save(out, "PNG")
                return out.getvalue()
        except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
            raise UnreadableDocument(f"image cannot be decoded: {exc}") from exc

    @staticmethod
    def _store(path: Path, data: bytes) -> None:
        # Write then rename: two requests rendering the same page never see half a file.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
