"""Decoding text exports from other systems (ERP CSVs) whose encoding nobody states.

Tried in order: a byte-order mark (UTF-8, UTF-16 LE/BE), strict UTF-8, then
``charset-normalizer`` limited to the single-byte Western encodings ERPs actually write
(Windows-1252, Latin-1, Latin-9). A file none of them reads cleanly is refused with the
list of what was tried, rather than loaded with mangled vendor names.
"""

from __future__ import annotations

import codecs
from typing import Optional

from ..errors import MasterDataError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
DETECTED = ["cp1252", "latin_1", "iso8859_15"]
TRIED = "UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252 / Latin-1 / Latin-9 via charset-normalizer"


def _plausible(text: str) -> bool:
    # Text a person typed has no NULs and almost no control characters; binary data
    # "decoded" as Latin-1 (which maps every byte) has many.
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls <= max(1, len(text) // 1000)


def _detect(data: bytes) -> Optional[str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=DETECTED).best()
    return best.encoding if best is not None else None


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name) of ``data``, or MasterDataError naming ``source`` and what was tried."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), encoding, source)
            except UnicodeDecodeError:
                raise MasterDataError(f"{source}: starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    try:
        return _checked(data.decode("utf-8"), "utf-8", source)
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    if encoding is not None:
        return _checked(data.decode(encoding), encoding, source)
    raise MasterDataError(f"{source}: cannot tell the text encoding (tried {TRIED}); export it again as UTF-8 CSV")


def _checked(text: str, encoding: str, source: str) -> tuple[str, str]:
    if not _plausible(text):
        raise MasterDataError(f"{source}: not a text file (read as {encoding} it holds control characters; tried {TRIED})")
    return text.lstrip("\ufeff"), encoding
