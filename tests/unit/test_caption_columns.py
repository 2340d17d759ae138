"""A figure under a short column caption in a row of captions: right-aligned under it, wider
than it, it is the caption's own, and the next caption's column is not
(``search._column_start``, ``search._amount_under``)."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows


def _at(right: float, text: str) -> tuple[float, str]:
    """``text`` printed right-aligned to ``right``."""
    return (right - len(text) * CHAR_W, text)


def _breakdown(gross_caption: str):
    # "VAT" heads the tax column, its figures right-aligned under it and wider than it; no
    # label of any field follows it on the caption row ("Gross" names none)
    # (a credit note's, as measured: its negative rows are no breakdown the rates pair)
    return {0: "Pennine Office Supplies", 1: "Credit Note No. POS000634", 2: "Date 31/01/2026",
            4: [(40, "Description"), (300, "Qty"), (360, "Unit price"), _at(540, "Amount")],
            5: [(40, "Toner cartridge"), (300, "-3"), (360, "88.74"), _at(540, "-266.22")],
            6: [(40, "Semi-skimmed milk"), (300, "-3"), (360, "1.51"), _at(540, "-4.53")],
            8: [(250, "VAT rate"), _at(380, "Net"), _at(460, "VAT"), _at(540, gross_caption)],
            9: [(250, "20%"), _at(380, "-266.22"), _at(460, "-53.24"), _at(540, "-319.46")],
            10: [(250, "0%"), _at(380, "-4.53"), _at(460, "0.00"), _at(540, "-4.53")],
            11: [_at(380, "-270.75"), _at(460, "-53.24"), _at(540, "-323.99")],
            13: [(300, "Subtotal"), _at(540, "-270.75")],
            14: [(300, "Total GBP"), _at(540, "-323.99")]}


def test_a_right_aligned_figure_wider_than_its_caption_is_the_captions_own():
    ex = extract_invoice(doc_from_rows(_breakdown("Gross")), ())
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("-270.75", "-53.24", "-323.99")


def test_the_next_captions_column_stays_its_own_when_it_names_a_field():
    # a labelled total caption after "VAT" ends the tax column as before
    ex = extract_invoice(doc_from_rows(_breakdown("Total")), ())
    assert ex.value("tax") == "-53.24"


def test_a_column_sum_the_breakdowns_rows_agree_with_is_as_sure_as_their_sum():
    # an invoice's breakdown: the tax column's sum under "VAT" and the rate rows' sum agree
    rows = {0: "Pennine Office Supplies", 1: "Invoice No. POS000634", 2: "Invoice date 31/01/2026",
            4: [(40, "Description"), (300, "Qty"), (360, "Unit price"), _at(540, "Amount")],
            5: [(40, "Toner cartridge"), (300, "1"), (360, "5,266.20"), _at(540, "5,266.20")],
            6: [(40, "Semi-skimmed milk"), (300, "3"), (360, "1.51"), _at(540, "4.53")],
            8: [(250, "VAT rate"), _at(380, "Net"), _at(460, "VAT"), _at(540, "Gross")],
            9: [(250, "20%"), _at(380, "5,266.20"), _at(460, "1,053.24"), _at(540, "6,319.44")],
            10: [(250, "0%"), _at(380, "4.53"), _at(460, "0.00"), _at(540, "4.53")],
            11: [_at(380, "5,270.73"), _at(460, "1,053.24"), _at(540, "6,323.97")],
            13: [(300, "Subtotal"), _at(540, "5,270.73")],
            14: [(300, "Total GBP"), _at(540, "6,323.97")]}
    tax = extract_invoice(doc_from_rows(rows), ()).fields["tax"]
    assert tax.value == "1053.24" and tax.confidence >= 0.9
