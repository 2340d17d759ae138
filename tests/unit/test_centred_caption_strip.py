"""A strip of boxed captions set with their lines centred in the row: a caption wrapped onto
two lines ("Invoice" over "Number") has a one-line caption ("Invoice Date") level with the
gap between its lines, so line grouping interleaves the row into three lines. The wrapped
caption's cell ends where the neighbouring caption starts on the line beside it
(``search._cell_beside``), its second line joins it although "Number" is a label word
alone, and the value under the row is the number's."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Box, DocumentText, Page, Word

CW = 4.6  # 8 pt print


def _words(text: str, x: float, top: float, height: float = 7.0) -> list[Word]:
    out = []
    for token in text.split():
        out.append(Word(token, Box(x, top, x + len(token) * CW, top + height), 1, 1.0))
        x += (len(token) + 0.5) * CW
    return out


def _strip(number_caption=("Invoice", "Number")) -> DocumentText:
    words = _words("Pennine Office Supplies", 40, 60, 9) + _words("VAT Reg. No.: GB532634165", 40, 75, 9)
    upper, lower = number_caption
    words += _words(upper, 43, 287.1) + _words("Delivery", 338, 287.1) + _words("Account", 458, 287.1)
    words += _words("Invoice Date", 110, 291.6) + _words("Due Date", 188, 291.6) + _words("PO Number", 271, 291.6)
    words += _words(lower, 43, 295.4) + _words("Note No.", 338, 295.4) + _words("No.", 458, 295.4)
    words += _words("11 January", 110, 310.7, 8.6) + _words("10 February", 188, 310.7, 8.6)
    words += (_words("POS000380", 43, 315.9, 8.6) + _words("4500010380", 271, 315.9, 8.6)
              + _words("83291302", 338, 315.9, 8.6) + _words("91989", 458, 315.9, 8.6))
    words += _words("2026", 110, 321.1, 8.6) + _words("2026", 188, 321.1, 8.6)
    words += _words("Total due", 300, 500, 9) + _words("GBP 120.00", 420, 500, 9)
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test")


def test_a_wrapped_caption_in_a_centred_strip_reads_the_value_under_it():
    ex = extract_invoice(_strip(), [])
    assert ex.value("invoice_number") == "POS000380"
    assert ex.value("po_number") == "4500010380"


def test_a_second_line_that_makes_another_label_is_no_continuation():
    # "Invoice" over "Date": the joined caption names the date, not the number
    ex = extract_invoice(_strip(("Invoice", "Date")), [])
    assert ex.value("invoice_number") != "POS000380"
