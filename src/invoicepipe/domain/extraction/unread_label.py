"""The field's own label printed and its value unread: a weaker label's value is held.

A page names its date of issue "Invoice Date" or "Rechnungsdatum", and a weak label ("Date",
"Ack Date" read as its bare date word) may name another date of the page.
On a text layer the strong label's value is read, and wins. On a photo or a poor scan OCR can
garble the value beside it ("Invoice Date: 1S-0?-2O2b"), and then the weak label's value is
the only one left: the calibration, fitted where the strong label's value was read, calls it
sure (a weak label wins on a clean page only where nothing stronger is printed), and an
acknowledgement's date was approved as the date of issue on an unseen photo.

So when a label of the field at least ``MARGIN`` stronger than the chosen value's stands at
the start of its line or cell and led to no candidate at all, the value is held for a person:
the page says where the field is, and it could not be read there. ``extract`` asks it of the
date of issue (the invoice number has its own holds for another document's number:
``number_siblings``, the other references' labels).
"""

from __future__ import annotations

from invoicepipe.domain.extraction.labels import cells_apart
from invoicepipe.domain.extraction.search import Candidate, Context

# how much stronger than the chosen value's label an unread label must be to hold it: a
# bare date word (0.5) under a field's full label (0.9-1.0), not two labels of one standing
MARGIN = 0.3


def stronger_label_unread(ctx: Context, chosen: Candidate, cands: list[Candidate]) -> bool:
    """True when a label of ``chosen.field`` at least ``MARGIN`` stronger than the one that
    led to ``chosen`` is on the page and no candidate came from it."""
    label = chosen.label
    if label is None:
        return False
    used = {id(c.label) for c in cands if c.label is not None}
    return any(h.strength >= label.strength + MARGIN and id(h) not in used and not _same_label(h, label)
               and _opens_its_cell(h) for h in ctx.hits_for(chosen.field))


def _opens_its_cell(hit) -> bool:
    """The label begins its line or a cell of it: a caption, not the field named in a
    sentence ("Betaling binnen 30 dagen na factuurdatum", "payable 30 days from invoice date")."""
    words = hit.line.words_in(hit.start, hit.end)
    if not words:
        return False
    i = hit.line.words.index(words[0])
    if i == 0:
        return True
    return cells_apart(hit.line.words[i - 1], words[0])


def _same_label(a, b) -> bool:
    """Two readings of one printed label ("Datum" inside "Datum factuur"): the value found
    through the one was found where the other names it."""
    return a.line is b.line and a.start < b.end and b.start < a.end
