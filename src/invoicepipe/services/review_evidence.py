"""Why the machine read a value the way it did, in a reviewer's words.

The extractor records for every field *how* it was found (its method: next to a label, the
vendor master, the e-invoice XML...) and *what else agrees* with it (its evidence tags:
net + tax = total, the same amount printed again, the amount in words, a line's quantity x
unit price...). The confidence a reviewer sees is fitted on those same tags, so showing them
turns "92 %" into something a person can check against the page: "net + tax = total; tax =
rate x net" is verified in a glance, "nothing else agrees" says where to look first.

Only presentation lives here: the tags and methods are the extractor's
(``domain/extraction/amount_checks.py``, ``table_repair.py``, ``vendor.py``,
``po_search.py``); an unknown tag is shown as it is rather than dropped, so a new kind of
evidence is never hidden from the reviewer.
"""

from __future__ import annotations

from typing import Optional, Sequence

_METHODS = {
    "label_right": "read right of its label",
    "label_below": "read below its label",
    "label_above": "read above its label",
    "label_after": "read left of its label (the caption printed after its value)",
    "label_wrapped": "read after a label printed over two lines",
    "label": "read next to its label",
    "pattern": "recognised by its format alone (no label)",
    "header_row": "read from the header row of a table",
    "legal_form_line": "taken from the line naming a company with its legal form",
    "symbol_count": "the currency sign or code printed most often",
    "default": "assumed: nothing printed says otherwise",
    "negative_total": "a negative total makes it a credit note",
    "credit_reference": "a line says it credits another invoice, so it is a credit note",
    "vendor_master": "matched in the vendor master",
    "layout_memory": "where this vendor prints it, learned from reviewers' corrections",
    "einvoice_xml": "from the e-invoice XML (exact)",
    "vendor_open_po": "an open PO of this vendor found printed on the invoice",
    "vendor_open_po_fragment": "part of an open PO number of this vendor found printed (the rest unreadable)",
    "missing": "not found",
}

_CLASSES = {
    "two": "two or more independent checks agree",
    "one": "one independent check agrees",
    "alone": "no independent check agrees, so it stays below the amount threshold",
    "conflict": "something on the page disagrees with it",
}

_TAGS = {
    "arithmetic": "net + tax = total",
    "rate": "tax = rate x net",
    "lines": "the line items add up to it (to a total: with the tax)",
    "ocr_low": "the OCR was unsure of its digits",
    "fragment": "a digit group stands just left of it (a thousands group may be lost)",
    "beside_invoice_number": "printed beside the invoice number",
    "tax_id": "by the vendor's tax id",
    "iban": "by the vendor's IBAN",
    "name": "by the vendor's name",
    "alias": "by one of the vendor's other names",
    # holds a person resolves (``domain/extraction/extract.py``): what makes the value a guess
    "contested": "another value is nearly as well supported: which one it is, a person says",
    "qualified": "its label is a bare date word with a word the extractor cannot read: the date of what, a person says",
    "stronger_label_unread": "the page prints the field's own label, but its value there could not be read; this value is a weaker label's: which it is, a person says",
    "value_over_label": "a value of its kind stands over its label too: whether captions stand over or under their values, a person says",
    "value_first": "the page prints its captions after their values (its dates show it)",
    "header_row_differs": "read back over or before its caption, but the head's row of values dates the invoice otherwise: which way the page reads, a person says",
    "labels_reversed": "the net's and the total's captions were read in reverse: the larger is the total, the tax their difference",
}

_COLUMNS = {"quantity": "quantity", "unit_price": "unit price", "amount": "amount", "net": "net amount", "gross": "gross amount"}
# what the table reader repaired to read a figure (``table_repair._readings``)
_REPAIRS = {"joined": "two OCR words joined", "letters": "letters read as the digits they resemble",
            "mark": "a misread decimal mark", "lost mark": "a lost decimal mark"}


def _tag(tag: str) -> Optional[str]:
    name, _, rest = tag.partition(":")
    if name == "class":
        return _CLASSES.get(rest, f"evidence class {rest}")
    if name == "repeated":
        times = int(rest) if rest.isdigit() else 1
        return "printed once more elsewhere" if times == 1 else f"printed {times} more times elsewhere"
    if name == "words":
        return "agrees with the amount written in words" + (f" ({rest})" if rest else "")
    if name == "suffix_of":
        return f"a longer amount on the page, {rest}, ends in the same digits (a lost thousands group?)"
    if name == "adjusted":
        return f"with the {rest} printed between the tax and the total (a rounding, charge or discount), net + tax = total"
    if name == "bridged":
        return f"with the {rest} of discount and charge rows, the line items add up to it"
    return _TAGS.get(tag, tag.replace("_", " "))


def field_evidence(method: Optional[str], tags: Sequence[str]) -> list[str]:
    """How a field was found and what agrees with it, as short phrases, the class first."""
    out = [_METHODS.get(method, method.replace("_", " "))] if method else []
    ordered = sorted(tags, key=lambda t: not t.startswith("class:"))  # the verdict before its parts
    if method == "vendor_master" and tags:
        out = [f"{out[0]} " + ", ".join(_TAGS.get(t, t.replace("_", " ")) for t in tags)]
        ordered = []
    out += [p for p in map(_tag, ordered) if p]
    return out


def line_evidence(tags: Sequence[str]) -> list[str]:
    """What the table reader changed on a line and why (``table_repair``): the figure the
    OCR read, the one taken, and the check that chose it."""
    out = []
    for tag in tags:
        column, _, rest = tag.partition(":")
        how, _, change = rest.partition(":")
        label = _COLUMNS.get(column, column.replace("_", " "))
        if how == "computed":
            out.append(f"{label} computed as {change}")
        elif "->" in change:
            read, _, taken = change.rpartition("->")
            if how == "product":
                out.append(f"{label} read as {read}, taken as {taken}: quantity x unit price, and the lines then add up to the net")
            else:
                repaired = ", ".join(_REPAIRS.get(h, h) for h in how.split("+"))
                out.append(f"{label} read as \u201c{read}\u201d, taken as {taken} ({repaired}): quantity x unit price = amount")
        else:
            out.append(tag.replace("_", " "))
    return out
