"""A credit note's tax breakdown row read with some of its minus signs lost (a scan reads a
minus as a speck, or not at all): its amounts are read by their sizes, so the base and its
rate's tax still pair (``rate_split.rate_rows``); and a tax so stated keeps the net from
closing alone on a total equal to it (``totals._choose``: a sum of the item rows equals the
net, and "net + no tax = that sum" is no reading of the document)."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.rate_split import rate_rows
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows

_RIGHT = 540.0


def _right(text: str) -> tuple[float, str]:
    return (_RIGHT - len(text) * CHAR_W, text)


def _credit_note(rate_row, header=None):
    return {0: "Biroja Preces Daugava", 1: "Kredītrēķins Nr. BPD-00733", 2: "Rēķina datums: 17.03.2026",
            4: [(40, "Nosaukums"), (300, "Daudz."), (360, "Cena"), _right("Summa")],
            5: [(40, "Mape-reģistrs"), (300, "-2"), (360, "3,42"), _right("-6,84")],
            6: [(40, "Kopēšanas papīrs"), (300, "-2"), (360, "5,18"), _right("-10,36")],
            8: header or [(100, "PVN likme"), (200, "Bez PVN"), (300, "PVN"), _right("Kopā")],
            9: rate_row,
            10: [(300, "Summa bez PVN"), _right("-17,20")],
            11: [(300, "Kopā apmaksai EUR"), _right("-20,81")]}


def test_a_breakdown_row_with_a_minus_lost_pairs_its_base_and_tax_by_their_sizes():
    for row in ([(100, "21%"), (200, "-17,20"), (300, "-3,61"), _right("-20,81")],
                [(100, "21%"), (200, "-17,20"), (300, "3,61"), _right("-20,81")],   # the tax's minus lost
                [(100, "21%"), (200, "17,20"), (300, "-3,61"), _right("20,81")]):   # the base's and the sum's
        ctx = document_context(doc_from_rows(_credit_note(row)))[0]
        pairs = [(str(r.net), str(r.tax)) for r in rate_rows(ctx).with_net]
        assert ("17.20", "3.61") in pairs, row


def test_a_stated_tax_keeps_the_net_from_closing_alone_on_a_sum_equal_to_it():
    # the tax is printed only in the breakdown row, under no caption the vocabulary reads;
    # the items add up to the net, which must not pass for the total
    header = [(100, "Likme"), (200, "Bāze"), (300, "Nodoklis"), _right("Kopā")]
    ex = extract_invoice(doc_from_rows(_credit_note([(100, "21%"), (200, "-17,20"), (300, "3,61"), _right("-20,81")],
                                                    header)), [])
    assert ex.value("total") == "-20.81"
    assert ex.value("net") == "-17.20"
