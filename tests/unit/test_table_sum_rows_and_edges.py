"""Where a table's items end and which edge its figures are set on: a subtotal in words no
list holds closes the items before the tax row under it, and figures set right under a column
name that ends just left of them keep their wider figures in the column."""

from decimal import Decimal

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows

D = Decimal
CHAR = 5.0  # test_extraction_fields.CHAR_W


def _right(x_end: float, text: str) -> tuple:
    return (x_end - CHAR * len(text), text)


def test_a_subtotal_whose_words_stand_under_the_figure_columns_closes_the_items_before_the_tax_row():
    # "Kopsumma bez PVN" set under the price column leaves its row no description; it restates
    # the items' sum, so the tax row right under it ("Nodoklis 21%") is no item
    rows = {0: "PVN rēķins Nr. BPD-00874", 2: "Nodokļu maks. Nr. LV47869038221",
            8: [(40, "Nosaukums"), (300, "Daudz."), (360, "Cena"), (420, "Atl. %"), (500, "Summa")],
            9: [(40, "Mape-reģistrs 8 cm, sarkana"), (300, "2"), (360, "4,60"), (420, "5"), (500, "8,74")],
            10: [(40, "Lodīšu pildspalva melna"), (300, "25"), (360, "7,80"), (420, "–"), (500, "195,00")],
            11: [(40, "Mape-reģistrs 8 cm, melna"), (300, "20"), (360, "3,89"), (420, "–"), (500, "77,80")],
            13: [(360, "Kopsumma bez PVN"), (500, "281,54"), (540, "EUR")],
            14: [(240, "Nodoklis 21%"), (500, "59,12"), (540, "EUR")],
            15: [(360, "Kopā (ar PVN)"), (500, "340,66"), (540, "EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert [i.amount for i in ex.lines] == [D("8.74"), D("195.00"), D("77.80")]


def test_figures_set_right_under_a_name_ending_left_of_them_align_on_their_right_edge(monkeypatch):
    # "Net amount" ends just left of the figures: the same-width figures' left edges are the
    # nearer to it, but only the right edge holds for every row ("1,331.00" among "88.50"s)
    from invoicepipe.domain.extraction import table_reader
    edges = []
    align = table_reader.align_columns

    def recording(*args, **kwargs):
        header = align(*args, **kwargs)
        edges.extend(c.edge for c in header.columns if c.kind == "net")
        return header

    monkeypatch.setattr(table_reader, "align_columns", recording)
    rows = {0: "INVOICE", 1: "Invoice No. POS000328", 2: "VAT No.: GB723848026",
            8: [(40, "Description"), (220, "Qty"), (260, "Unit price"), (340, "VAT %"), (420, "Net amount")]}
    items = [("Ballpoint pen", "100", "7.80", "780.00"), ("Batteries AAA", "15", "5.90", "88.50"),
             ("USB cable", "12", "5.83", "69.96"), ("Lever arch file", "20", "3.27", "65.40"),
             ("Toner cartridge", "25", "53.24", "1,331.00"), ("Staples", "40", "1.23", "49.20")]
    for k, (desc, qty, price, amount) in enumerate(items):
        rows[9 + k] = [(40, desc), _right(240, qty), _right(300, price), (340, "20%"), _right(490, amount)]
    rows[17] = [(360, "Net Value"), _right(490, "2,384.06")]
    rows[18] = [(360, "Plus VAT @ 20%"), _right(490, "476.81")]
    rows[19] = [(360, "Balance to Pay"), _right(490, "2,860.87")]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert edges and edges[0][0] == "right" and abs(edges[0][1] - 490) < 1
    assert D("1331.00") in [i.amount for i in ex.lines] and len(ex.lines) == 6


def test_net_value_and_balance_to_pay_name_the_net_and_the_amount_to_pay():
    rows = {0: "INVOICE", 1: "Invoice No. POS000328", 5: "Goods as delivered 1,210.00",
            10: [(360, "Net Value"), (450, "1,000.00")], 11: [(360, "Balance to Pay"), (450, "1,210.00")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("net") == "1000.00" and ex.value("total") == "1210.00"
    assert ex.fields["total"].method.startswith("label")
