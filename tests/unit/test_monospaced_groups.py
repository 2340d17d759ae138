"""A monospaced print spaces a thousands group a whole character from its thousands
("6 071,28"), as far as two columns a space apart ("41 273,87": a quantity and a price).
A group printed with a leading zero cannot stand alone, so it joins its thousands at that
gap; any other group stays apart, and an amount with such a group left of it is doubted
on a text layer as on a scan (``amount_checks.left_fragment``). And cents OCR set apart at
the small decimal mark ("*70 .62") are the cents of the whole number left of them."""

import re

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.spaced_groups import joined_groups
from invoicepipe.domain.models import Box, DocumentText, Page, Word

CW = 6.0  # every character, a space too, is one advance wide


def mono_doc(rows: dict[int, str]) -> DocumentText:
    """Words of each row at their character columns, as a monospaced printer sets them."""
    words = []
    for row, text in rows.items():
        for m in re.finditer(r"\S+", text):
            x0 = 40 + m.start() * CW
            top = 40 + row * 14
            words.append(Word(m.group(), Box(x0, top, x0 + len(m.group()) * CW, top + 10), 1, 1.0))
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test")


def line_amounts(text: str) -> list[str]:
    line = build_layout(mono_doc({0: text})).lines[0]
    return [str(a.value) for a in amounts_on(line, ",", CW)]


@pytest.mark.parametrize("text, values", [
    ("Razem 6 071,28", ["6071.28"]),
    ("Razem 12 005,00", ["12005.00"]),
    ("Razem 1 000 000,00", ["1000000.00"]),
    # a group that may stand alone stays apart: the print alone cannot tell
    ("Razem 41 273,87", ["41", "273.87"]),
    # two columns a space apart: the right one no group of the left
    ("2 szt 071", ["2"]),
])
def test_a_group_with_a_leading_zero_joins_its_thousands_a_character_away(text, values):
    assert line_amounts(text)[:len(values)] == values


MONO = {
    0: "HURTOWNIA PAPIERU SP. Z O.O.",
    1: "ul. Prosta 12, 00-850 Warszawa",
    3: "FAKTURA VAT NR FV/2026/0412",
    4: "Data wystawienia: 14.03.2026",
    6: "Lp Nazwa              Ilosc      Cena       Wartosc",
    7: "1  Papier A4             40     838,90     33 556,00",
    9: "Razem netto:                               33 556,00",
    10: "VAT 23%:                                    7 717,88",
    11: "Razem brutto:                              41 273,88",
}


def test_groups_a_space_apart_are_joined_where_the_amounts_then_add_up():
    ex = extract_invoice(mono_doc(MONO), [])
    assert [ex.fields[n].value for n in ("net", "tax", "total")] == ["33556.00", "7717.88", "41273.88"]
    assert all("arithmetic" in ex.fields[n].evidence for n in ("net", "tax", "total"))
    assert [str(li.amount) for li in ex.lines] == ["33556.00"]


def test_a_total_with_a_group_left_of_it_is_doubted_when_joining_adds_nothing_up():
    # joined, the tax makes no net + tax = total either (a misprint, or not groups at all):
    # the first reading stays, and its "273,88" is no well-labelled total but a lost group
    rows = {**MONO, 10: "VAT 23%:                                    7 700,00"}
    total = extract_invoice(mono_doc(rows), []).fields["total"]
    assert total.value == "273.88" and "fragment" in total.evidence and total.confidence <= 0.3


def test_an_untaxed_invoice_is_not_read_again_for_groups_that_cannot_make_its_sum(monkeypatch):
    # a zero tax and net = total agree, yet lend no arithmetic: joining "40" and "838,90"
    # in the items cannot give such amounts any, so the second reading is not made
    from invoicepipe.domain.extraction import extract as extract_module
    rows = {**MONO, 7: "1  Papier A4             40 838,90     838,90",
            9: "Razem netto:                                  838,90",
            10: "VAT 0%:                                         0,00",
            11: "Razem brutto:                                 838,90"}
    doc = mono_doc(rows)
    assert joined_groups(doc) is not None
    readings = []
    original = extract_module._extract_printed
    monkeypatch.setattr(extract_module, "_extract_printed", lambda *a: readings.append(a[0]) or original(*a))
    ex = extract_invoice(doc, [])
    assert [ex.fields[n].value for n in ("net", "tax", "total")] == ["838.90", "0.00", "838.90"]
    assert readings == [doc]


def test_joining_leaves_columns_and_open_brackets_apart():
    doc = mono_doc({0: "Razem   12  345 678,90   (1 234,56   7 000"})
    joined = joined_groups(doc)
    assert [w.text for w in joined.pages[0].words] == ["Razem", "12", "345 678,90", "(1", "234,56", "7 000"]
    assert joined_groups(mono_doc({0: "Faktura FV/2026/0412"})) is None


def scan_line(words: list[tuple[float, float, str]]):
    """One OCR'd line of (x0, x1, text) words."""
    ws = tuple(Word(t, Box(x0, 100, x1, 110), 1, 0.9) for x0, x1, t in words)
    return build_layout(DocumentText((Page(1, 595, 842, ws, "ocr"),), None, "test")).lines[0]


def test_cents_ocr_set_apart_at_the_decimal_mark_join_their_whole_number():
    # "VAT @ 20% *70 .62": the small decimal mark read as a word space
    line = scan_line([(40, 58, "VAT"), (62, 67, "@"), (71, 89, "20%"), (300, 318, "*70"), (321, 336, ".62")])
    assert [str(a.value) for a in amounts_on(line, ".", 6.0) if a.has_decimals] == ["70.62"]
    # a column apart, or cents already there, stay apart
    apart = scan_line([(40, 58, "Qty"), (300, 312, "70"), (340, 355, ".62")])
    assert "70.62" not in [str(a.value) for a in amounts_on(apart, ".", 6.0)]
    done = scan_line([(300, 330, "70.50"), (333, 348, ".62")])
    assert "70.5062" not in [str(a.value) for a in amounts_on(done, ".", 6.0)]
