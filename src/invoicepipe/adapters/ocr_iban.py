"""A scanned IBAN that fails its checks read again on its own, by the engines in turn.

A scan garbles an IBAN's print now and then: a "7" read as "Z" in the check digits ("ATZ8
5879 …"), a group read short ("IT22 Q171 3 6999 …", the page's "3874"), a speck glued to a
group. The IBAN then fails its check digits, no IBAN is read, and the invoice is held for a
person to read the bank details off the page (``bank_details``, ``iban_unreadable``).

The words the IBAN stands in (``bank_details.garbled_iban_runs``) are cut out of the page
with a margin, enlarged ``SCALE`` times and read as one text line: by RapidOCR's recognizer
where it is installed, then, if that reading holds no valid IBAN, by Tesseract. The first
reading that holds an IBAN passing mod 97 and its country's checks (``parsing.find_iban``)
is written into the page's words (``bank_details.with_iban_reading``). No agreement between
engines is needed: a single misread character always fails mod 97, so the check digits are
the witness, and the bank check still compares the IBAN with the master. Of the 19 dev
documents held for an unreadable IBAN (18 scans, a photo), 11 are read so, every one the
printed IBAN; one more is read, but its line runs into the line under it and the extractor
still finds no IBAN there; the other 7 had groups the second reading did not read either.

Only a document whose IBAN the extractor does not read is read again: a page lists its words
out of reading order now and then, and an IBAN the line reads whole could look garbled in
that order (readers-1.34 rewrote one so and lost it). The words are found in the page's
word order, which puts a value after its label even on the next line, and then every word
of their line within that stretch is taken, left to right (``garbled_iban_runs``). The capture record counts the IBANs read
again (``ibans_reread``) and those the second reading read (``ibans_read``). A document with
no garbled IBAN costs nothing; one with an IBAN shape costs an extraction (remembered with
the reader's others).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Optional, Sequence

from PIL import Image

from invoicepipe.adapters.ocr_crop import enlarged_crop
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.bank_details import garbled_iban_runs, with_iban_reading
from invoicepipe.domain.extraction.parsing import find_iban
from invoicepipe.domain.models import Box, DocumentText, Extraction, Word

SCALE = 2.0
# Tesseract reads the crop as one text line
LINE_PSM = 7
# the crop's margin around the IBAN's words, in their heights: a glyph's edge, not the line
# above or below
MARGIN_X, MARGIN_Y = 0.5, 0.3
# how far past its last word the IBAN's line is read, in the words' heights: two groups the
# page did not read ("NL27 LINW 6599 3300" of "… 3300 87"); what else stands there (a "BIC")
# is no part of an IBAN that passes its checks (``find_iban`` trims trailing groups)
BEYOND = 6.0

ReadWords = Callable[[Image.Image, float, int], list[Word]]


def reread_ibans(doc: DocumentText, images: Mapping[int, tuple[Image.Image, float]],
                 readers: Sequence[ReadWords], extract: Optional[Callable[[DocumentText], Extraction]] = None) -> DocumentText:
    """``doc`` with each garbled IBAN on a page of ``images`` (page number -> (image, pixels
    per point)) read again by ``readers`` in turn, written into its words when a reading
    holds a valid IBAN (see the module). A document whose IBAN the extractor reads
    (``extract(doc)``, ``extract_invoice(doc, ())`` when not given) is left as it is: its
    words are not rewritten for an IBAN shape elsewhere on the page that fails."""
    garbled = {p.number: runs for p in doc.pages if p.number in images for runs in [garbled_iban_runs(p)] if runs}
    if not garbled or (extract(doc) if extract is not None else extract_invoice(doc, ())).value("iban"):
        return doc
    for page in doc.pages:
        runs = garbled.get(page.number)
        if not runs:
            continue
        image, px = images[page.number]
        read = 0
        for run in runs:
            words = [page.words[i] for i in run]
            h = max(w.box.bottom for w in words) - min(w.box.top for w in words)
            # the line is read on past the run: groups the page did not read at all stand there
            box = Box(min(w.box.x0 for w in words), min(w.box.top for w in words),
                      max(w.box.x1 for w in words) + BEYOND * h, max(w.box.bottom for w in words))
            cut = enlarged_crop(image, px, box, MARGIN_X * h, MARGIN_Y * h, SCALE)
            if cut is None:
                continue
            left, _, right, _ = cut[1]
            for reader in readers:
                got = reader(cut[0], px * SCALE, page.number)
                text = " ".join(w.text for w in got)
                found = find_iban(text) if got else None
                if found is not None:
                    # where the IBAN ends on the page: its share of the line read, the crop's
                    # characters taken as evenly wide
                    end = (left + (right - left) * found[2] / len(text)) / px
                    doc = with_iban_reading(doc, page.number, run, found[0], min(w.confidence for w in got), end)
                    read += 1
                    break
        page_now = next(p for p in doc.pages if p.number == page.number)
        capture = {**(page_now.capture or {}), "ibans_reread": len(runs), "ibans_read": read}
        doc = replace(doc, pages=tuple(replace(p, capture=capture) if p.number == page.number else p for p in doc.pages))
    return doc
