"""Content fingerprints: what a document says and looks like, whatever its bytes and
whatever extraction made of it.

Field-based duplicate detection misses a copy whose extraction differs (a total misread on
the scan, a vendor unresolved on one copy). A ``ContentPrint`` is computed once in the
parse step from the words the reader produced and a small render of the first pages:

    print = content_print(words, page_images=[(gray, width, height), ...])
    keys  = band_keys(print)        # [(band, key)] stored as index rows
    sim   = compare(print, other)   # ContentSimilarity: text, image, numbers, amounts, dates, summary

The signals and what they tell (figures from ``benchmarks/content_prints.py``):

- ``text``: MinHash estimate of the Jaccard similarity of the normalised word sets. High
  for copies of any kind, but also for other invoices of the same vendor, whose letterhead,
  labels and footer are the same words.
- ``numbers``: Jaccard of the numeric tokens printed (amounts, dates, numbers, ids, with
  OCR confusions and grouping separators folded). The content of the invoice: a copy
  shares nearly all of them, another invoice of the same template only the vendor's fixed
  numbers (IBAN, phone, tax id).
- ``amounts``: the same Jaccard over the numbers printed with decimals only. The sharpest
  signal: copies 0.43-1.0 (p5 0.75), other invoices of the same vendor at most 0.37.
- ``dates``: the dates printed. A copy, even renumbered or stamped, prints the dates of its
  original; a recurring invoice (same vendor, lines and amount, next period) prints none
  of them. Disjoint dates rule a copy out.
- ``image``: 64-bit DCT perceptual hashes of the first pages. Survives scanning and
  re-rendering, so it shows the same page layout; on its own it cannot tell two invoices of
  one template apart.

``classify(similarity)`` names the relation with the thresholds measured on generated
sets (``copy``: text >= 0.45 and amounts >= 0.5 or numbers >= 0.6, dates not disjoint;
``recurring``: the same with disjoint dates); the duplicate decision itself lives
elsewhere and may use the raw signals. Candidates come from the index of ``band_keys``
(``adapters/db/content_prints.ContentPrintRepository.content_candidates``).

Everything here is deterministic across processes and machines (blake2b, never Python's
salted ``hash()``), so prints stored years ago compare with prints made today as long as
``PRINT_VERSION`` is the same; band keys include the version, so prints of another version
never meet in the index.
"""

from __future__ import annotations

import base64
import hashlib
import operator
import random
import struct
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable, Optional, Sequence

from .page_hash import hamming, image_hash
from .printed_text import joined_words, numeric_token, printed_dates, word_token

__all__ = ["PRINT_VERSION", "ContentPrint", "ContentSimilarity", "text_print", "image_hash", "content_print",
           "band_keys", "compare", "classify", "numeric_token", "hamming"]

PRINT_VERSION = "cp1"
PERMUTATIONS = 64
TEXT_BAND_ROWS = 4  # 16 bands of 4 MinHash values
IMAGE_CHUNKS = 4  # 4 chunks of 16 bits: hashes within Hamming distance 3 share a chunk
MAX_PAGES = 2

_PRIME = (1 << 61) - 1
_rng = random.Random(20260314)  # fixed seed: the permutations are part of PRINT_VERSION
_PERMS = tuple((_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS))
_EMPTY = _PRIME  # the MinHash of an empty set: larger than any real slot value


@dataclass(frozen=True)
class ContentPrint:
    """The fingerprint of one document's content; store it with ``to_json``."""

    minhash: tuple[int, ...]  # PERMUTATIONS slot values over the normalised word set
    numbers: frozenset[str]  # numeric tokens printed, canonical ("6018.78", "14032026")
    dates: frozenset[str]  # ISO dates printed (day first where the order is ambiguous)
    page_hashes: tuple[int, ...]  # 64-bit perceptual hash of each of the first MAX_PAGES pages
    tokens: int  # distinct normalised words
    version: str = PRINT_VERSION

    @cached_property
    def amounts(self) -> frozenset[str]:
        """The numbers printed with decimals: the invoice's own amounts. Ids, phone numbers
        and IBAN groups are the vendor's, on every invoice it sends. Kept once per print: a
        decision compares one print with up to 50 candidates."""
        return frozenset(n for n in self.numbers if "." in n)

    def to_json(self) -> dict:
        # the slots packed as 8-byte big-endian in base64: half the size of a JSON number list
        packed = base64.b64encode(b"".join(v.to_bytes(8, "big") for v in self.minhash)).decode()
        return {"version": self.version, "minhash": packed, "numbers": sorted(self.numbers),
                "dates": sorted(self.dates), "page_hashes": [format(h, "016x") for h in self.page_hashes],
                "tokens": self.tokens}

    @classmethod
    def from_json(cls, raw: dict) -> "ContentPrint":
        slots = raw["minhash"]
        if isinstance(slots, str):
            packed = base64.b64decode(slots)
            slots = struct.unpack(f">{len(packed) // 8}Q", packed)
        return cls(minhash=tuple(int(v) for v in slots), numbers=frozenset(raw["numbers"]),
                   dates=frozenset(raw["dates"]), page_hashes=tuple(int(h, 16) for h in raw["page_hashes"]),
                   tokens=int(raw["tokens"]), version=raw.get("version", PRINT_VERSION))


@dataclass(frozen=True)
class ContentSimilarity:
    """How alike two prints are; every figure in [0, 1]. ``image`` is None when either
    document has no page hash; ``dates_disjoint`` is True when both print dates and share
    none (the strongest sign of a *different* invoice on the same template).

    ``summary`` is the sentence for a reviewer. ``compare`` leaves it to be written when
    first asked (``_explain``): a decision compares its print with up to 50 candidates and
    words the rare one that is a duplicate."""

    text: float
    image: Optional[float]
    numbers: float
    amounts: float  # Jaccard of the numbers with decimals only: the invoice's own amounts
    shared_dates: tuple[str, ...]
    other_dates: tuple[str, ...]  # printed on one of the two only
    dates_disjoint: bool
    written_summary: Optional[str] = None
    _explain: Optional[tuple] = field(default=None, compare=False, repr=False)

    @property
    def summary(self) -> str:
        if self.written_summary is None and self._explain is not None:
            object.__setattr__(self, "written_summary", _summary(*self._explain))
        return self.written_summary or ""



def _base_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=1)
def _lanes():
    """numpy and the permutations' (a, b) as 64-bit columns, made at the first print: a
    process that stores or decides but never prints (``invoicepipe ingest``, the pipeline
    pool) reaches this module through the content-print repository and need not import
    numpy (about 0.15 s of CPU at its start; ``page_hash`` defers it likewise)."""
    from .page_hash import _numpy

    np = _numpy()

    return (np, np.array([[a] for a, _ in _PERMS], dtype=np.uint64), np.array([[b] for _, b in _PERMS], dtype=np.uint64),
            np.uint64(0xFFFFFFFF))


def _mod_prime(x):
    """x mod 2**61 - 1 for x < 2**63, folding the bits above 61 back in (2**61 = 1 mod p)."""
    np = _lanes()[0]
    x = (x & np.uint64(_PRIME)) + (x >> np.uint64(61))
    x = (x & np.uint64(_PRIME)) + (x >> np.uint64(61))
    return np.where(x >= np.uint64(_PRIME), x - np.uint64(_PRIME), x)


def _minhash(tokens: set[str]) -> tuple[int, ...]:
    """min over the tokens of (a * h + b) mod p for every permutation (a, b): exact integer
    arithmetic in 64-bit lanes, every slot for every token at once.

    With h reduced mod p first, a and h are below 2**61; their product is taken in 32-bit
    halves (each partial product fits 64 bits) and folded with 2**61 = 1 and 2**64 = 8 mod p,
    so every slot is the same integer the plain formula gives (tests compare the two)."""
    if not tokens:
        return (_EMPTY,) * PERMUTATIONS
    return _min_slots([_base_hash(t) for t in tokens])


def _min_slots(hashes: list[int]) -> tuple[int, ...]:
    """min over ``hashes`` (64-bit) of (a * h + b) mod p for each permutation."""
    np, slot_a, slot_b, low32 = _lanes()
    h = np.array([[value % _PRIME for value in hashes]], dtype=np.uint64)
    a_hi, a_lo = slot_a >> np.uint64(32), slot_a & low32
    h_hi, h_lo = h >> np.uint64(32), h & low32
    high = a_hi * h_hi  # < 2**58, weight 2**64 = 8 (mod p)
    middle = a_hi * h_lo + a_lo * h_hi  # < 2**62, weight 2**32
    low = a_lo * h_lo  # < 2**64
    total = (high << np.uint64(3)) + (middle >> np.uint64(29)) + ((middle & np.uint64((1 << 29) - 1)) << np.uint64(32)) \
        + (low & np.uint64(_PRIME)) + (low >> np.uint64(61)) + slot_b
    return tuple(_mod_prime(total).min(axis=1).tolist())


def text_print(words: Iterable) -> tuple[tuple[int, ...], frozenset[str], frozenset[str], int]:
    """(minhash, numeric tokens, dates, distinct token count) of the words a reader produced.

    ``words`` are ``domain.models.Word`` (anything with ``text``; ``box`` is used, when
    present, to join a number split at a thousands space), in reading order.
    """
    words = [w for w in words if w.text and w.text.strip()]
    texts = joined_words(words)
    distinct = set(texts)  # a third of a page's words repeat (labels, currency codes): normalise each once
    tokens = {tok for tok in map(word_token, distinct) if tok}
    numbers = {n for n in map(numeric_token, distinct) if n}
    return _minhash(tokens), frozenset(numbers), frozenset(printed_dates(texts)), len(tokens)



def content_print(words: Iterable, page_images: Sequence[tuple[Sequence[int], int, int]] = ()) -> ContentPrint:
    """The print of a document: its words (all pages) and the grayscale renders of its first
    pages as ``(gray, width, height)`` (at most MAX_PAGES are used)."""
    minhash, numbers, dates, count = text_print(words)
    hashes = tuple(image_hash(*page) for page in list(page_images)[:MAX_PAGES])
    return ContentPrint(minhash, numbers, dates, hashes, count)


# -- index keys and comparison -------------------------------------------------------------

def _key(label: str) -> int:
    """A signed 64-bit key (fits a BIGINT column) from a band's label and values."""
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "big", signed=True)


def band_keys(p: ContentPrint) -> list[tuple[str, int]]:
    """Index keys of a print as (band, key): two prints sharing any key are candidates.

    Text: the MinHash split into bands of TEXT_BAND_ROWS slots (``text:0`` ...), so prints
    whose word sets are alike share a band with high probability. Image: the first page's
    hash split into IMAGE_CHUNKS chunks (``page1:0`` ...); by the pigeonhole principle two
    hashes within Hamming distance IMAGE_CHUNKS - 1 agree on a whole chunk. A document
    without words gives no text band (empty sets would all collide).
    """
    keys = []
    if p.tokens:
        for band in range(PERMUTATIONS // TEXT_BAND_ROWS):
            values = p.minhash[band * TEXT_BAND_ROWS:(band + 1) * TEXT_BAND_ROWS]
            keys.append((f"text:{band}", _key(f"{p.version}:t{band}:" + ",".join(map(str, values)))))
    if p.page_hashes:
        width = 64 // IMAGE_CHUNKS
        for chunk in range(IMAGE_CHUNKS):
            value = (p.page_hashes[0] >> (64 - width * (chunk + 1))) & ((1 << width) - 1)
            keys.append((f"page1:{chunk}", _key(f"{p.version}:p1c{chunk}:{value}")))
    return keys


def _image_similarity(a: Sequence[int], b: Sequence[int]) -> Optional[float]:
    """Mean over the pages of the shorter document of its best match in the other."""
    if not a or not b:
        return None
    short, other = (a, b) if len(a) <= len(b) else (b, a)
    # the best match is the nearest hash (the same figure as max(1 - distance / 64))
    return sum(1 - min((h ^ g).bit_count() for g in other) / 64 for h in short) / len(short)


def compare(a: ContentPrint, b: ContentPrint) -> ContentSimilarity:
    """Every content signal between two prints, with a sentence a reviewer can read."""
    if a.tokens and b.tokens:
        text = sum(map(operator.eq, a.minhash, b.minhash)) / PERMUTATIONS
    else:
        text = 0.0
    image = _image_similarity(a.page_hashes, b.page_hashes)
    numbers = _Overlap(a.numbers, b.numbers)
    amounts = _Overlap(a.amounts, b.amounts)
    shared = tuple(sorted(a.dates & b.dates))
    other = tuple(sorted(a.dates ^ b.dates))
    disjoint = bool(a.dates and b.dates and not shared)
    return ContentSimilarity(round(text, 4), None if image is None else round(image, 4), round(numbers.jaccard, 4),
                             round(amounts.jaccard, 4), shared, other, disjoint,
                             _explain=(text, image, numbers, amounts, a, shared, disjoint, b))


class _Overlap:
    """Common and total members of two sets, counted once for the figure and the sentence."""

    __slots__ = ("common", "total")

    def __init__(self, a: frozenset, b: frozenset):
        self.common = len(a & b)
        self.total = len(a) + len(b) - self.common

    @property
    def jaccard(self) -> float:
        return self.common / self.total if self.total else 0.0


def _summary(text, image, numbers: _Overlap, amounts: _Overlap, a, shared, disjoint, b) -> str:
    parts = [f"wording {text:.0%} alike"]
    if image is not None:
        parts.append(f"page image {image:.0%} alike")
    parts.append(f"{numbers.common} of {numbers.total} printed numbers in common ({numbers.jaccard:.0%}), "
                 f"{amounts.common} of {amounts.total} amounts")
    if disjoint:
        parts.append(f"no printed date in common ({', '.join(sorted(a.dates))} vs {', '.join(sorted(b.dates))})")
    elif shared:
        parts.append(f"same dates printed ({', '.join(shared)})")
    return "; ".join(parts)


# Thresholds measured by benchmarks/content_prints.py (see its docstring for the figures).
COPY_TEXT = 0.45
COPY_AMOUNTS = 0.5
COPY_NUMBERS = 0.6
SAME_LAYOUT_IMAGE = 0.8
SAME_LAYOUT_TEXT = 0.3


def classify(sim: ContentSimilarity) -> str:
    """``copy`` (the same invoice again: any form, stamp or number), ``recurring`` (same
    content, other dates: the next period of a recurring invoice), ``same_layout`` (another
    invoice on the same template) or ``unrelated``.

    Same content is wording alike (text >= COPY_TEXT) with the same amounts (amounts >=
    COPY_AMOUNTS) or, for a document printing few amounts, most numbers in common (numbers >=
    COPY_NUMBERS). Same content with disjoint printed dates is the next period, not a copy.
    The page image never makes a copy: another invoice on the same template looks the same.
    """
    if sim.text >= COPY_TEXT and (sim.amounts >= COPY_AMOUNTS or sim.numbers >= COPY_NUMBERS):
        return "recurring" if sim.dates_disjoint else "copy"
    if sim.text >= SAME_LAYOUT_TEXT or (sim.image or 0) >= SAME_LAYOUT_IMAGE:
        return "same_layout"
    return "unrelated"
