"""Conventions the golf region's dev layouts met (issue 9, kv-2.22): a discount between the
subtotal and the tax with no net printed after it, a tax summary whose first row ("Razem")
sums the rows under it ("w tym"), the item table's header naming the first item's amounts,
a corrective invoice's own number word, the ordinal read "n2" or split off as "o", and the
document word in a column of labels taking its OCR reading's doubt along."""

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import BRIDGED_TAG, Vendor
from tests.unit.test_extraction_fields import CHAR_W, doc_from_rows

SCAN = 0.93


def _extract(rows: dict, confidence: float = 1.0, vendors=()):
    return extract_invoice(doc_from_rows(rows, confidence=confidence), list(vendors))


US_TOTALS = {
    0: "Hudson Valley Wire & Cable", 2: [(40, "Invoice Number"), (200, "0000842")], 3: [(40, "Date of Issue"), (200, "January 22, 2026")],
    6: [(40, "Description"), (300, "Rate"), (360, "Qty"), (450, "Line Total")],
    7: [(40, "Bare copper wire 6 AWG"), (300, "7.60"), (360, "15"), (450, "114.00")],
    8: [(40, "Wire nuts red, box of 500"), (300, "10.78"), (360, "12"), (450, "129.36")],
    10: [(300, "Subtotal"), (450, "$243.36")], 11: [(300, "Discount"), (450, "-$24.34")],
    12: [(300, "Tax (8.875%)"), (450, "$19.44")], 13: [(300, "Total"), (450, "$238.46")],
    14: [(300, "Amount Due (USD)"), (450, "$238.46")],
}


def test_a_discount_between_the_subtotal_and_the_tax_makes_the_net():
    ex = _extract(US_TOTALS)
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("219.02", "19.44", "238.46")
    assert f"{BRIDGED_TAG}-24.34" in ex.fields["net"].evidence  # the lines add up to the subtotal, not the net
    assert ex.fields["total"].confidence >= 0.9


def test_the_subtotal_stays_the_net_when_a_net_is_printed_after_the_discount():
    rows = {**US_TOTALS, 12: [(300, "Net amount"), (450, "$219.02")], 13: [(300, "Tax (8.875%)"), (450, "$19.44")],
            14: [(300, "Total"), (450, "$238.46")]}
    ex = _extract(rows)
    assert (ex.value("net"), ex.fields["net"].method) == ("219.02", "label_right")


def _r(right: float, text: str) -> tuple:
    """A cell set flush right at ``right``, as amounts are."""
    width = sum(len(t) for t in text.split(" ")) * CHAR_W + 0.6 * CHAR_W * (len(text.split(" ")) - 1)
    return (right - width, text)


def _polish(rows: list) -> dict:
    head = {0: "Hurtownia Elektryczna Warta Sp. z o.o.", 2: "Faktura VAT nr FV/2026/01/0573",
            5: [(40, "Lp. Nazwa"), (200, "Ilość"), (250, "Cena netto"), (320, "Wartość netto"), (380, "Stawka VAT"),
                (440, "Kwota VAT"), (510, "Wartość brutto")]}
    body = {}
    for n, (label, qty, price, net, rate, tax, gross) in enumerate(rows):
        cells = [(40, label)] + ([(200, qty), _r(290, price)] if qty else []) + [_r(370, net)] + ([(380, rate)] if rate else [])
        body[6 + n] = cells + [_r(490, tax), _r(560, gross)]
    return {**head, **body}


ITEMS = [("1 Bednarka", "20", "45,41", "908,20", "23%", "208,89", "1 117,09"),
         ("2 Koperta firmowa", "20", "126,42", "2 528,40", "8%", "202,27", "2 730,67")]
SUMMARY = [("Razem", None, None, "3 436,60", None, "411,16", "3 847,76"),
           ("w tym", None, None, "908,20", "23%", "208,89", "1 117,09"),
           ("w tym", None, None, "2 528,40", "8%", "202,27", "2 730,67")]


def test_a_sum_row_over_its_of_which_rows_is_the_sum_not_one_more_row():
    rows = _polish(ITEMS)
    rows.update({10 + n: cells for n, cells in enumerate(_polish(SUMMARY)[k] for k in (6, 7, 8))})
    rows[9] = [(320, "Wartość netto"), (380, "Stawka VAT"), (440, "Kwota VAT"), (510, "Wartość brutto")]
    ex = _extract(rows)
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("3436.60", "411.16", "3847.76")


def test_the_first_item_row_under_the_items_header_is_not_the_documents_net():
    # a credit note: its one returned item under "Wartość netto ..." adds up as well as the
    # "Razem" row does; the item row's quantity x unit price says it is an item
    credit = [("1 Przewód YDYp", "-1", "38,92", "-38,92", "23%", "-8,95", "-47,87"),
              ("2 Koperta firmowa", "-2", "97,52", "-195,04", "8%", "-15,60", "-210,64")]
    summary = [("Razem", None, None, "-233,96", None, "-24,55", "-258,51"),
               ("w tym", None, None, "-38,92", "23%", "-8,95", "-47,87"),
               ("w tym", None, None, "-195,04", "8%", "-15,60", "-210,64")]
    rows = _polish(credit)
    rows[7] = (40, "4+0")  # the second item's description wraps: no sum runs down the item column
    rows[8] = _polish(credit)[7]
    rows[10] = [(320, "Wartość netto"), (380, "Stawka VAT"), (440, "Kwota VAT"), (510, "Wartość brutto")]
    rows.update({11 + n: cells for n, cells in enumerate(_polish(summary)[k] for k in (6, 7, 8))})
    ex = _extract(rows)
    assert (ex.value("net"), ex.value("total")) == ("-233.96", "-258.51")


def test_a_corrective_invoices_number_word():
    ex = _extract({0: "Suministros Turia", 2: [(300, "Rectificativa nº"), (420, "A26/00475")], 8: [(300, "Total"), (420, "100,00")]})
    assert ex.value("invoice_number") == "A26/00475" and ex.fields["invoice_number"].confidence >= 0.9


def test_the_ordinal_read_n2_on_a_scan_completes_the_label():
    rows = {0: "Suministros Turia", 2: [(300, "Factura n2"), (400, "A26/00479")], 3: [(300, "Fecha"), (400, "19 de febrero de 2026")],
            4: [(300, "Cliente"), (400, "72010")], 5: [(300, "Vencimiento"), (400, "21 de marzo de 2026")],
            8: [(300, "Total"), (420, "100,00")]}
    ex = _extract(rows, confidence=SCAN)
    assert ex.value("invoice_number") == "A26/00479"


def test_the_ordinal_split_off_as_o_is_no_word_before_the_number():
    ex = _extract({0: "Papeterie Ligérienne", 2: [(40, "AVOIR N°"), (95, "o"), (110, "2026-FA-0221")], 8: [(300, "Total"), (420, "10,00")]},
                  confidence=SCAN)
    assert ex.value("invoice_number") == "2026-FA-0221" and ex.fields["invoice_number"].confidence >= 0.85


def test_a_euro_sign_beside_the_total_agrees_with_master_and_country():
    vendor = Vendor("V1", "Suministros Turia SL", "ESB12345674", currency="EUR")
    rows = {0: "Suministros Turia SL", 1: "NIF: ESB12345674", 2: [(300, "Factura nº"), (420, "A26/00471")],
            8: [(300, "Base imponible"), (420, "806,50")], 9: [(300, "IVA 21 %"), (420, "169,37")],
            10: [(300, "Importe total (IVA incluido)"), (470, "975,87 €")],
            4: (40, "Ref. 12,00 $")}  # a "$" OCR read off a speck: the count alone is less sure
    currency = _extract(rows, confidence=SCAN, vendors=[vendor]).fields["currency"]
    assert currency.value == "EUR" and currency.confidence >= 0.95


def test_net_equal_to_total_closes_nothing_where_a_tax_is_stated():
    # the row between subtotal and tax names no discount the vocabulary knows: nothing closes
    # with the labelled tax, and the sum of the items' column (= the subtotal) must not pass
    # as a tax-free total beside "Total $238.46" and "Tax (8.875%) $19.44"
    ex = _extract({**US_TOTALS, 11: [(300, "Promo SPRING26"), (450, "-$24.34")]})
    assert ex.value("total") == "238.46"
    assert ex.fields["total"].confidence < 0.9
