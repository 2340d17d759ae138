"""Line items read right when descriptions carry numbers, and paired with the PO by what they print."""

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.matching import pair_line
from invoicepipe.domain.models import LineItem, POLine, PurchaseOrder
from tests.unit.test_extraction_fields import doc_from_rows

PO = PurchaseOrder("4500123", "V1", "EUR", (POLine("10", "USB cable USB-C to USB-C, 1 m", Decimal(40), Decimal("4.16"), "CBL-1003"),
                                             POLine("20", "Highlighter set neon", Decimal(20), Decimal("4.88"), "HLT-1017"),
                                             POLine("30", "Widget", Decimal(5), Decimal("9.99"), "W-1")))


def item(description, qty="40", price="4.16"):
    q, p = Decimal(qty), Decimal(price)
    return LineItem(description, q, p, q * p)


def test_a_sku_printed_in_the_description_pairs_the_line():
    assert pair_line(item("CBL-1003"), PO)[0].line_no == "10"
    assert pair_line(item("cbl 1003 cable, white"), PO)[1] == "sku"
    assert pair_line(item("Gadget W1 spare", "1", "7.00"), PO)[0] is None  # "W-1" is too short to look for


def test_a_line_without_a_name_pairs_by_its_unit_price_when_only_one_po_line_has_it():
    po_line, how = pair_line(item("Artikel 17", "20", "4.88"), PO)
    assert (po_line.line_no, how) == ("20", "price")
    twice = PurchaseOrder("4500124", "V1", "EUR", PO.lines + (POLine("40", "Marker", Decimal(3), Decimal("4.88")),))
    assert pair_line(item("Artikel 17", "20", "4.88"), twice)[0] is None


def rows(*lines):
    table = {0: [(40, "Description"), (300, "Qty"), (360, "Unit price"), (450, "Amount")]}
    for i, (desc, qty, price, amount) in enumerate(lines, start=1):
        table[i] = [(40, desc), (300, qty), (360, price), (450, amount)]
    table[len(lines) + 2] = [(300, "Total"), (450, "999.99")]
    return extract_invoice(doc_from_rows(table), []).lines


def test_the_quantity_is_the_number_that_times_the_price_gives_the_amount():
    [tape, paper] = rows(("Packing tape PP 50 mm x 66 m", "100", "2.59", "259.00"), ("1 Paper A4 80 g", "10", "4.50", "45.00"))
    assert (tape.quantity, tape.description) == (Decimal(100), "Packing tape PP 50 mm x 66 m")
    assert (paper.quantity, paper.description) == (Decimal(10), "Paper A4 80 g")  # the position number is not the description


def test_the_quick_sku_check_never_turns_down_what_the_pattern_finds():
    # _sku_printed looks at the pattern only when the SKU's letters and digits occur in a
    # row in the description: that must never lose a match, whatever the separators and
    # the case (the pattern is case-insensitive, which also lets i match dotless ı, s the
    # long ſ and k the Kelvin sign)
    import random

    from invoicepipe.domain.matching import _sku_pattern, _sku_printed

    rng = random.Random(7)
    alphabet = "abkisz09AKIS-/. _\u0131\u0130\u017f\u212a\u00e9"
    checked = found = 0
    for _ in range(4000):
        sku = "".join(rng.choice("abkisABKIS0123-/ ") for _ in range(rng.randint(3, 9)))
        pattern = _sku_pattern(sku)
        if pattern is None:
            continue
        description = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) + \
            "".join(ch if rng.random() < 0.8 else rng.choice(alphabet) for ch in sku.swapcase()) + \
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        expected = pattern.search(description) is not None
        assert _sku_printed(sku, description) == expected, (sku, description)
        checked, found = checked + 1, found + expected
    assert checked > 1000 and found > 100  # both answers met often enough to mean something
