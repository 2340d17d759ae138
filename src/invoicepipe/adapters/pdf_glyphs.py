"""PDFium's facts about each printed character of a text page, read in bulk.

A page has a thousand characters or more, and each fact is one call into PDFium. The calls
are made by ``map`` over PDFium entry points declared without argument types, writing
straight into ctypes arrays (no Python frame and no argument conversion per call; the
arrays and the pointers into them kept from page to page, ``pdfium_calls.Outputs``), and the
facts PDFium keeps per text object (matrix, font size) are read once per object; the box arithmetic then
runs on whole numpy columns, with the same IEEE operations in the same order as a loop over
the characters, so the boxes are the same floats. ``pdf_words`` turns them into the
characters pdfplumber groups into words.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from itertools import filterfalse, repeat

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from invoicepipe.adapters.pdfium_calls import Outputs

# PDFium marks a hyphen that ends a line with U+0002 or U+FFFE in its text page; the printed
# glyph is a hyphen. NUL and other controls are not printed text.
_HYPHEN_MARKS = {0x02, 0xFFFE}
_SPACE_LIKE = {0x20, 0xA0, 0x09, 0x0D, 0x0A}


def _unconverted(func, restype):
    """The same PDFium entry point with no declared argument types: ctypes then passes a
    ``c_void_p``, a ``byref`` and a small int as they are, where declared types convert
    every argument of every call (about a third of a call's cost; a page has a thousand
    characters or more and each fact of each is one call). Every argument handed to one of
    these is a pointer object or an index, never a bare address (an int goes as a C int)."""
    function = ctypes.cast(func, ctypes.CFUNCTYPE(restype))
    function.argtypes = None
    return function


_INT = ctypes.c_int
_LOOSE_BOX = _unconverted(pdfium_c.FPDFText_GetLooseCharBox, _INT)
_MATRIX = _unconverted(pdfium_c.FPDFText_GetMatrix, _INT)
_FONT_SIZE = _unconverted(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_ORIGIN = _unconverted(pdfium_c.FPDFText_GetCharOrigin, _INT)
_TEXT_OBJECT = _unconverted(pdfium_c.FPDFText_GetTextObject, ctypes.c_size_t)  # 0: no object
_GENERATED = _unconverted(pdfium_c.FPDFText_IsGenerated, _INT)  # asked of every space: a hundred or more a page
_BOXES, _ORIGINS, _MATRICES = Outputs(pdfium_c.FS_RECTF), Outputs(ctypes.c_double, 2), Outputs(pdfium_c.FS_MATRIX)
# what needs a look of its own: controls and spaces (PDFium may have made them up), the
# line-end hyphen marks, UTF-16 halves
_SPECIAL = re.compile("[\x00-\x20\xa0\ufffe\ud800-\udfff]")


@dataclass
class Glyphs:
    """What PDFium says of each kept character, filled by C-level loops; the arithmetic on
    them is done afterwards on whole arrays."""

    boxes: np.ndarray  # n x 4 float32: PDFium's loose box (left, top, right, bottom), user space
    matrices: np.ndarray  # n x 6 (a, b, c, d, e, f): the glyph's text matrix, PDFium's floats as float64
    sizes: np.ndarray  # font size
    origins: np.ndarray  # n x 2 float64: x, y of each glyph's origin


def read_glyphs(textpage: pdfium.PdfTextPage) -> tuple[list[str], Glyphs, bool]:
    """The printed characters' texts and PDFium facts, and whether PDFium made up a space."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:  # a character outside the BMP takes two UTF-16 units: read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    page = ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)
    indices, texts, made_up = _printed(page, text)
    boxes, found = _loose_boxes(page, indices)
    if not all(found):  # PDFium has no box for it: not drawn
        indices = [i for i, ok in zip(indices, found) if ok]
        texts = [t for t, ok in zip(texts, found) if ok]
        boxes, _ = _loose_boxes(page, indices)
    n = len(indices)
    list(map(_ORIGIN, repeat(page, n), indices, *_ORIGINS.pointers(n)))
    origins = np.frombuffer(_ORIGINS.array, dtype=np.float64, count=2 * n).reshape(n, 2).copy()
    matrices, sizes = _object_facts(page, indices)
    return texts, Glyphs(boxes, matrices, sizes, origins), made_up


def _object_facts(page: ctypes.c_void_p, indices: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each character's text matrix and font size. PDFium keeps both per text object (its
    text page gives every character of an object the object's matrix, the form's applied,
    and the object's font size), so they are read once per object, at its first character,
    and spread to the others: one call per character (which object) instead of two. A page
    drawn glyph by glyph (HTML printed by Chromium: a text object per character) gains
    nothing by that and pays the object call and the grouping on top, so when the first
    characters show such a page, and where a character has no object (none is printed
    text, but PDFium may say so of some), each character's own facts are read: the same
    values either way."""
    n = len(indices)
    probe = list(map(_TEXT_OBJECT, repeat(page, min(n, _PROBE)), indices[:_PROBE]))
    if 2 * len(set(probe)) > len(probe) or 0 in probe:
        return _facts_at(page, indices)
    objects = np.fromiter(map(_TEXT_OBJECT, repeat(page, n), indices), dtype=np.uint64, count=n)
    if not objects.all():
        return _facts_at(page, indices)
    # each object's first character (``return_index`` gives first occurrences) and every
    # character's object, by a sort in C instead of dictionaries of a thousand entries
    _, first, group = np.unique(objects, return_index=True, return_inverse=True)
    matrix, size = _facts_at(page, list(map(indices.__getitem__, first.tolist())))
    return matrix[group], size[group]


# characters looked at to tell a page drawn glyph by glyph (``_object_facts``)
_PROBE = 32


def _facts_at(page: ctypes.c_void_p, wanted: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Text matrix (n x 6, PDFium's float32 values as float64) and font size of the
    characters ``wanted``, one C-level loop each."""
    m = len(wanted)
    list(map(_MATRIX, repeat(page, m), wanted, *_MATRICES.pointers(m)))
    matrix = np.frombuffer(_MATRICES.array, dtype=np.float32, count=6 * m).reshape(m, 6).astype(np.float64)
    return matrix, np.array(list(map(_FONT_SIZE, repeat(page, m), wanted)), dtype=np.float64)


def _loose_boxes(page: ctypes.c_void_p, indices: list[int]) -> tuple[np.ndarray, list[int]]:
    """Each character's loose box (n x 4 float32), and whether PDFium has one."""
    n = len(indices)
    found = list(map(_LOOSE_BOX, repeat(page, n), indices, *_BOXES.pointers(n)))
    return np.frombuffer(_BOXES.array, dtype=np.float32, count=4 * n).reshape(n, 4).copy(), found


def _printed(page: ctypes.c_void_p, text: str) -> tuple[list[int], list[str], bool]:
    """Indices and texts of the characters that are printed, and whether PDFium made up a
    space. Controls and the spaces PDFium inserted between runs are dropped, its line-end
    hyphen marks become "-", a UTF-16 pair becomes its character and a stray half is dropped."""
    drop: set[int] = set()
    replace: dict[int, str] = {}
    made_up = False
    for match in _SPECIAL.finditer(text):
        i = match.start()
        if i in drop:  # the low half of a pair already joined
            continue
        code = ord(text[i])
        if code in _HYPHEN_MARKS:
            replace[i] = "-"
        elif code < 0x20:
            drop.add(i)
        elif code in _SPACE_LIKE:
            if _GENERATED(page, i) != 0:
                made_up = made_up or code == 0x20
                drop.add(i)
        else:  # a UTF-16 half
            low = ord(text[i + 1]) if i + 1 < len(text) else 0
            if code <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
                replace[i] = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                drop.add(i + 1)
            else:
                drop.add(i)
    if not drop and not replace:
        return list(range(len(text))), list(text), made_up
    # C-level loops over the page's characters: most are kept as they are
    indices = list(filterfalse(drop.__contains__, range(len(text))))
    printed = list(text)
    for i, char in replace.items():
        printed[i] = char
    return indices, list(map(printed.__getitem__, indices)), made_up


def page_boxes(glyphs: Glyphs, ctm: tuple, height: float, mb_x0: float, mb_top: float) -> tuple[list, ...]:
    """x0, x1, top, bottom, height and upright of every glyph in pdfplumber's page space.

    The same IEEE operations in the same order as a per-character loop would do them
    (numpy on float64 columns), so the boxes are the same floats."""
    n = len(glyphs.sizes)
    a, b, c, d, e, f = ctm
    box = glyphs.boxes.astype(np.float64)
    matrix = glyphs.matrices
    left, top, right, bottom = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    ma, mb, mc, md = matrix[:, 0], matrix[:, 1], matrix[:, 2], matrix[:, 3]
    size = glyphs.sizes
    origin = glyphs.origins
    ox, oy = origin[:, 0], origin[:, 1]
    # PDFium's loose box also takes in the glyph's ink (an italic "f" overhangs its advance);
    # pdfminer's runs from the origin to the advance. The origin is known, the advance ends
    # where the next glyph of the run starts (fixed below).
    horizontal = (ma > 0) & (np.abs(mb) < 1e-6) & (np.abs(mc) < 1e-6)
    left = np.where(horizontal, ox, left)
    # pdfminer's box is one font size tall from the descent; PDFium's loose box reaches the
    # font's ascent instead. The glyph's vertical axis (mc, md) scaled by the font size is
    # that height in user space; skewed glyphs keep PDFium's box.
    upright_axes = (size > 0) & (np.abs(mb) < 1e-6) & (np.abs(mc) < 1e-6)
    new_top = np.where(upright_axes & (md > 0), bottom + size * md, top)
    bottom = np.where(upright_axes & (md < 0), top + size * md, bottom)
    top = new_top
    sideways = ~upright_axes & (size > 0) & (np.abs(ma) < 1e-6) & (np.abs(md) < 1e-6)
    new_left = np.where(sideways & (mc < 0), right + size * mc, left)
    right = np.where(sideways & (mc > 0), left + size * mc, right)
    left = new_left
    ra, rb, rc, rd = ma * a + mb * c, ma * b + mb * d, mc * a + md * c, mc * b + md * d
    upright = (0 < ra * rd) & (rb * rc <= 0)
    # user space -> displayed page space (rotation), then pdfplumber's top-left origin
    px0, py0 = a * left + c * bottom + e, b * left + d * bottom + f
    px1, py1 = a * right + c * top + e, b * right + d * top + f
    px0, px1 = np.minimum(px0, px1), np.maximum(px0, px1)
    py0, py1 = np.minimum(py0, py1), np.maximum(py0, py1)
    x1 = px1 + mb_x0
    if a == 1.0 and d == 1.0 and n > 1:  # /Rotate 0: page x is user x shifted
        # a glyph whose advance runs past the next glyph's origin on the same baseline of a
        # horizontal run ends there
        follows = horizontal[1:] & horizontal[:-1] & (np.abs(oy[1:] - oy[:-1]) < 0.01) & (ox[:-1] < ox[1:]) & (ox[1:] < right[:-1])
        x1[:-1] = np.where(follows, ox[1:] + mb_x0 + e, x1[:-1])
    return ((px0 + mb_x0).tolist(), x1.tolist(), (height - py1 + mb_top).tolist(), (height - py0 + mb_top).tolist(),
            (py1 - py0).tolist(), upright.tolist())
