"""PDFium entry points made cheap to call many times, and a page's objects read in bulk.

A page has hundreds of objects, path segments and characters, and each fact about one is a
call into PDFium. pypdfium2 declares every entry point's argument types, so ctypes converts
each argument of each call; declared without them (``unconverted``), a pointer object, a
``byref`` and a small int go as they are, and ``map`` over such an entry point makes the
calls without a Python frame each. The entry points that write their results through
pointers write into ``Outputs``, whose pointers are made once and kept.
"""

from __future__ import annotations

import ctypes
import threading
from itertools import repeat

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def unconverted(func, restype):
    """The same PDFium entry point with no declared argument types: ctypes then passes a
    ``c_void_p``, a ``byref`` and a small int as they are, where declared types convert
    every argument of every call (about a third of a call's cost). Every argument handed to
    one of these is a pointer object or an index that fits a C int, never a bare address (an
    int goes as a C int)."""
    function = ctypes.cast(func, ctypes.CFUNCTYPE(restype))
    function.argtypes = None
    return function


class Handle(ctypes.c_void_p):
    """A handle PDFium returns (page object, path segment), kept as a pointer object: ctypes
    turns a plain ``c_void_p`` result into an int, which an unconverted entry point would
    pass on as a C int and cut in half."""


def as_pointer(raw) -> ctypes.c_void_p:
    """pypdfium2's typed handle (``page.raw``, ``textpage.raw``) as a plain pointer object."""
    return ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)


# the most items an ``Outputs`` keeps its array and pointers for (a page of 2,000
# characters and objects keeps a few megabytes in all)
_KEPT = 1 << 14


class Outputs:
    """A ctypes array that an entry point fills, item after item (a character's box, an
    object's four sides), with a ``byref`` pointer to each field of each item made once and
    kept for the next page: made afresh for every call, the pointers cost about a third of
    what the calls through them do. Each thread has its own array (``threading.local``),
    and a call of ``pointers`` reuses it, its first ``n`` items zeroed as a new array's
    (a call that fails writes nothing): copy the values out before asking again.

    ``fields``: pointers per item, each to one ``ctype`` (4 sides of a box as floats); an
    item of one field may be a structure (``FS_RECTF``)."""

    def __init__(self, ctype, fields: int = 1):
        self._ctype, self._fields = ctype, fields
        self._local = threading.local()

    def pointers(self, n: int) -> list[list]:
        """Per field, the pointers into the array of at least ``n`` items, the item's k-th
        field at index k: ``map`` over an entry point stops at its shortest argument."""
        local = self._local
        capacity = getattr(local, "capacity", -1)
        if capacity < n:
            capacity = max(n, 2 * capacity, 256)
            local.array = array = (self._ctype * (capacity * self._fields))()
            size, step = ctypes.sizeof(self._ctype), ctypes.sizeof(self._ctype) * self._fields
            local.pointers = [list(map(ctypes.byref, repeat(array, capacity), range(field * size, capacity * step, step)))
                              for field in range(self._fields)]
            # a pointer is some 70 bytes: what a page far larger than most needed is made
            # again for the next page, at its size, and not kept
            local.capacity = capacity if capacity <= _KEPT else -1
        else:
            ctypes.memset(local.array, 0, n * self._fields * ctypes.sizeof(self._ctype))
        return local.pointers

    @property
    def array(self) -> ctypes.Array:
        """The array the last ``pointers`` point into (this thread's)."""
        return self._local.array


_PAGE_OBJECT = unconverted(pdfium_c.FPDFPage_GetObject, Handle)
_OBJECT_TYPE = unconverted(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_FORM_COUNT = unconverted(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int)
_FORM_OBJECT = unconverted(pdfium_c.FPDFFormObj_GetObject, Handle)  # its index is an unsigned long: passed as one


def page_objects(page: pdfium.PdfPage) -> tuple[list[Handle], list[int]]:
    """The page's top-level objects and their types (``FPDF_PAGEOBJ_*``), in drawing order;
    both the spaces drawn alone (``pdf_words``) and the drawn edges (``pdf_rules``) look at
    them, so they are listed once per page."""
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    objects = list(map(_PAGE_OBJECT, repeat(as_pointer(page.raw), count), range(count)))
    return objects, list(map(_OBJECT_TYPE, objects))


def form_objects(form: Handle) -> tuple[list[Handle], list[int]]:
    """A form XObject's own objects and their types, in drawing order."""
    count = _FORM_COUNT(form)
    objects = list(map(_FORM_OBJECT, repeat(form, max(0, count)), map(ctypes.c_ulong, range(count))))
    return objects, list(map(_OBJECT_TYPE, objects))


_BOUNDS = unconverted(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int)
_SIDES = Outputs(ctypes.c_float, 4)


def object_bounds(objects: list[Handle]) -> tuple[np.ndarray, np.ndarray]:
    """Whether PDFium has a box for each object (bool), and the boxes (n x 4: left, bottom,
    right, top, in the space the objects are drawn in, PDFium's floats as float64, the
    values ``c_float.value`` gives): one C-level call per object."""
    n = len(objects)
    found = np.fromiter(map(_BOUNDS, objects, *_SIDES.pointers(n)), dtype=np.int32, count=n) != 0
    return found, np.frombuffer(_SIDES.array, dtype=np.float32, count=4 * n).reshape(n, 4).astype(np.float64)
