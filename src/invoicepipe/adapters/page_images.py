"""Page images for the reviewer UI: PDF pages rendered with pypdfium2, cached as PNG.

The cache is content-addressed (document sha256 + page + scale) under ``var/pages``, so a
page is rendered once however many reviewers open it, and a stale image is impossible.
PNG and JPEG uploads are served from the blob as they are; TIFF (which browsers do not
show) and multi-frame images are converted to PNG with Pillow.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import NotFound, UnreadableDocument
from .pdf import open_pdfium, render_page

SCALES = (1.0, 2.0, 3.0)  # 72, 144, 216 dpi: thumbnails, normal view, zoomed in


class PageImages:
    def __init__(self, cache_dir: Path, blobs):
        self.cache_dir = Path(cache_dir)
        self.blobs = blobs

    def image(self, sha256: str, media_type: str, page: int, scale: float) -> tuple[bytes, str]:
        """(bytes, media type) of page ``page`` (from 1); NotFound past the last page."""
        if scale not in SCALES:
            raise NotFound(f"scale must be one of {SCALES}")
        if media_type in ("image/png", "image/jpeg") and page == 1:
            return self.blobs.get(sha256), media_type
        cached = self.cache_dir / sha256[:2] / f"{sha256}-p{page}-s{scale:g}.png"
        if cached.exists():
            return cached.read_bytes(), "image/png"
        data = self.blobs.get(sha256)
        png = self._render_pdf(data, page, scale) if media_type == "application/pdf" else self._convert_image(data, page)
        self._store(cached, png)
        return png, "image/png"

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
