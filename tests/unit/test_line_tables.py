"""Line-item tables read from real PDFs (built here with reportlab, read by the PDF text-layer
adapter): unruled, monospaced Courier, wrapped descriptions, carried forward over pages, tax
and rounding rows inside the table, per-line tax columns, a boxed Indian GST table, Spanish
and Dutch wording. Positions and wording vary so no single layout is what passes."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from invoicepipe.adapters.pdf import read_text_layer
from invoicepipe.domain.extraction import extract_invoice

D = Decimal
TOP = 842


def _pdf(pages: list[list[tuple]], font: str = "Helvetica", size: float = 9, boxes: bool = False) -> bytes:
    """Each page is a list of rows; a row is a list of (x, text, align) drawn on one line
    (align "r" draws the text ending at x). ``boxes`` rules a grid around the table rows."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for rows in pages:
        c.setFont(font, size)
        y = TOP - 60
        for row in rows:
            for x, text, align in row:
                (c.drawRightString if align == "r" else c.drawString)(x, y, text)
            if boxes and row and len(row) > 3:
                c.rect(36, y - 4, 524, size + 6)
                for x, _, _ in row[1:]:
                    c.line(x - 52, y - 4, x - 52, y + size + 2)
            y -= size + 6
        c.showPage()
    c.save()
    return buf.getvalue()


def _head(title: str = "INVOICE", number: str = "INV-2026-0117") -> list:
    return [[(40, "Northwind Supplies Ltd", "l")], [(40, "12 Harbour Road, Leeds", "l")], [],
            [(40, title, "l")], [(40, f"Invoice No. {number}", "l"), (330, "Invoice Date 2026-03-04", "l")], []]


def _read(pdf: bytes):
    return extract_invoice(read_text_layer(pdf), [])


def _amounts(ex) -> list:
    return sorted(i.amount for i in ex.lines)


def _money(v: Decimal, sep: str = ".", group: str = ",") -> str:
    whole, frac = f"{v:.2f}".split(".")
    out = ""
    while len(whole) > 3:
        out, whole = group + whole[-3:] + out, whole[:-3]
    return whole + out + sep + frac


ITEMS = [("Copier paper A4 80 gsm, ream of 500", 10, D("4.25")), ("Toner cartridge TN-2420 black", 3, D("49.90")),
         ("Ballpoint pen blue, pack of 50", 12, D("8.09")), ("Lever arch file 80 mm, red", 25, D("3.27"))]


@pytest.mark.parametrize("names,xs", [
    (("Description", "Qty", "Unit price", "Amount"), (40, 330, 420, 540)),
    (("Item", "Quantity", "Price", "Line total"), (60, 300, 400, 520)),
    (("Article", "Units", "Rate", "Total"), (45, 350, 440, 555)),
])
def test_unruled_table_under_header_words(names, xs):
    rows = _head() + [[(xs[0], names[0], "l"), (xs[1], names[1], "r"), (xs[2], names[2], "r"), (xs[3], names[3], "r")]]
    net = D(0)
    for i, (desc, q, p) in enumerate(ITEMS):
        rows.append([(xs[0], desc, "l"), (xs[1], str(q), "r"), (xs[2], _money(p), "r"), (xs[3], _money(q * p), "r")])
        net += q * p
    rows += [[], [(xs[2] - 60, "Net total", "l"), (xs[3], _money(net), "r")],
             [(xs[2] - 60, "VAT 20%", "l"), (xs[3], _money(net * D("0.2")), "r")],
             [(xs[2] - 60, "Total", "l"), (xs[3], _money(net * D("1.2")), "r")]]
    ex = _read(_pdf([rows]))
    assert _amounts(ex) == sorted(q * p for _, q, p in ITEMS)
    assert [(i.description, i.quantity, i.unit_price) for i in ex.lines] == [(d, D(q), p) for d, q, p in ITEMS]
    assert all(i.confidence >= 0.9 for i in ex.lines)


@pytest.mark.parametrize("widths", [(6, 36, 8, 12, 14), (4, 30, 10, 14, 16)])
def test_monospaced_courier_print_with_position_numbers(widths):
    """A legacy print: one string per line, columns are character positions, and a
    position number the header calls "No." is not the quantity."""
    pos, desc, qty, price, amount = widths
    fmt = lambda a, b, c, d, e: f"{a:<{pos}}{b:<{desc}}{c:>{qty}}{d:>{price}}{e:>{amount}}"
    lines = [fmt("No.", "Description", "Qty", "Price", "Amount")]
    net = D(0)
    for n, (d, q, p) in enumerate(ITEMS, start=1):
        lines.append(fmt(str(n), d[: desc - 2], str(q), _money(p), _money(q * p)))
        net += q * p
    lines += ["", fmt("", "", "", "Net", _money(net)), fmt("", "", "", "VAT", _money(net / 5)), fmt("", "", "", "Total", _money(net * D("1.2")))]
    ex = _read(_pdf([_head() + [[(30, text, "l")] for text in lines]], font="Courier", size=8))
    assert _amounts(ex) == sorted(q * p for _, q, p in ITEMS)
    assert [i.quantity for i in ex.lines] == [D(q) for _, q, _ in ITEMS]


def test_descriptions_wrapped_over_two_and_three_lines_join_their_item():
    rows = _head() + [[(40, "Description", "l"), (360, "Qty", "r"), (450, "Unit price", "r"), (540, "Amount", "r")],
                      [(40, "Service visit, boiler maintenance", "l"), (360, "2", "r"), (450, "85.00", "r"), (540, "170.00", "r")],
                      [(40, "incl. flue gas analysis and report", "l")],
                      [(40, "Replacement pump Grundfos UPS 25-60", "l"), (360, "1", "r"), (450, "212.40", "r"), (540, "212.40", "r")],
                      [(40, "Expansion vessel 18 l", "l"), (360, "1", "r"), (450, "64.10", "r"), (540, "64.10", "r")],
                      [(40, "with mounting bracket, wall fixing", "l")],
                      [(40, "and pressure gauge", "l")],
                      [], [(380, "Subtotal", "l"), (540, "446.50", "r")], [(380, "VAT 19%", "l"), (540, "84.84", "r")],
                      [(380, "Total due", "l"), (540, "531.34", "r")]]
    ex = _read(_pdf([rows]))
    assert [i.amount for i in ex.lines] == [D("170.00"), D("212.40"), D("64.10")]
    assert ex.lines[0].description == "Service visit, boiler maintenance incl. flue gas analysis and report"
    assert ex.lines[2].description.endswith("wall fixing and pressure gauge")


@pytest.mark.parametrize("carried,brought,repeat_header", [
    ("Carried forward", "Brought forward", True),
    ("Übertrag", "Übertrag", False),
    ("A reporter", "Report", True),
    ("Suma do przeniesienia", "Suma z przeniesienia", False),
])
def test_table_carried_forward_over_two_pages(carried, brought, repeat_header):
    header = [(40, "Description", "l"), (360, "Qty", "r"), (450, "Price", "r"), (540, "Amount", "r")]
    items = [(f"Hex bolt M{8 + i} x {40 + 5 * i} zinc plated", i + 2, D("1.15") + i) for i in range(14)]
    rows = [[(40, d, "l"), (360, str(q), "r"), (450, _money(p), "r"), (540, _money(q * p), "r")] for d, q, p in items]
    first, second = rows[:9], rows[9:]
    carry = sum((q * p for _, q, p in items[:9]), D(0))
    net = sum((q * p for _, q, p in items), D(0))
    page1 = _head() + [header] + first + [[(380, carried, "l"), (540, _money(carry), "r")], [], [(40, "Page 1 of 2", "l")]]
    page2 = [[(40, "Invoice No. INV-2026-0117 (continued)", "l")], []] + ([header] if repeat_header else []) + \
        [[(380, brought, "l"), (540, _money(carry), "r")]] + second + \
        [[], [(380, "Net amount", "l"), (540, _money(net), "r")], [(380, "VAT 20%", "l"), (540, _money(net / 5), "r")],
         [(380, "Total", "l"), (540, _money(net * D("1.2")), "r")], [(40, "Page 2 of 2", "l")]]
    ex = _read(_pdf([page1, page2]))
    assert _amounts(ex) == sorted(q * p for _, q, p in items)
    assert {i.page for i in ex.lines} == {1, 2}
    assert all(i.confidence >= 0.95 for i in ex.lines)  # lines add up to the net, the carried sum agrees


def test_tax_rounding_and_total_rows_inside_the_table_are_not_items():
    header = [(40, "Pos", "l"), (70, "Bezeichnung", "l"), (360, "Menge", "r"), (450, "Einzelpreis", "r"), (540, "Gesamt", "r")]
    rows = _head("RECHNUNG", "RE-5512") + [header,
                                          [(40, "1", "l"), (70, "Kabelkanal 40x60 weiß", "l"), (360, "12", "r"), (450, "7,35", "r"), (540, "88,20", "r")],
                                          [(40, "2", "l"), (70, "Schraubklemme 2,5 mm²", "l"), (360, "100", "r"), (450, "0,49", "r"), (540, "49,00", "r")],
                                          [(70, "Zwischensumme", "l"), (540, "137,20", "r")],
                                          [(70, "MwSt 19 %", "l"), (540, "26,07", "r")],
                                          [(70, "Rundung", "l"), (540, "0,03", "r")],
                                          [(70, "Gesamtbetrag", "l"), (540, "163,30", "r")]]
    ex = _read(_pdf([rows], boxes=True))
    assert [i.amount for i in ex.lines] == [D("88.20"), D("49.00")]
    assert [i.quantity for i in ex.lines] == [D(12), D(100)]


@pytest.mark.parametrize("gross_only", [False, True])
def test_per_line_tax_rate_column_keeps_the_rate_and_bills_the_net(gross_only):
    """Lines at two VAT rates; with net, VAT and gross columns the net is the line amount,
    and a table printing only the gross gives each line its net when those add up."""
    lines = [("Catering lunch buffet", 20, D("12.50"), D(7)), ("Room hire, half day", 1, D("350.00"), D(19)),
             ("Beverages, soft drinks", 40, D("2.10"), D(19))]
    if gross_only:
        header = [(40, "Description", "l"), (300, "Qty", "r"), (370, "Unit price", "r"), (440, "VAT %", "r"), (540, "Amount incl. VAT", "r")]
    else:
        header = [(40, "Description", "l"), (270, "Qty", "r"), (330, "Price", "r"), (380, "VAT %", "r"), (450, "Net", "r"), (500, "VAT", "r"), (555, "Gross", "r")]
    rows = _head() + [header]
    net = D(0)
    for d, q, p, r in lines:
        n = q * p
        tax = (n * r / 100).quantize(D("0.01"))
        net += n
        if gross_only:
            rows.append([(40, d, "l"), (300, str(q), "r"), (370, _money(p * (1 + r / 100)), "r"), (440, f"{r} %", "r"), (540, _money(n + tax), "r")])
        else:
            rows.append([(40, d, "l"), (270, str(q), "r"), (330, _money(p), "r"), (380, f"{r}%", "r"), (450, _money(n), "r"),
                         (500, _money(tax), "r"), (555, _money(n + tax), "r")])
    rows += [[], [(380, "Net total", "l"), (540, _money(net), "r")]]
    ex = _read(_pdf([rows]))
    assert ex.value("net") == f"{net:.2f}"
    assert [i.amount for i in ex.lines] == [q * p for _, q, p, _ in lines]
    assert [i.tax_rate for i in ex.lines] == [r for *_, r in lines]


def test_boxed_indian_gst_table_with_hsn_and_lakh_grouping():
    header = [(40, "Sl No.", "l"), (80, "Description of Goods", "l"), (280, "HSN/SAC", "l"), (370, "Quantity", "r"),
              (430, "Rate", "r"), (460, "per", "l"), (550, "Amount", "r")]
    goods = [("Ceramic capacitor 10uF 50V 0805", "85322400", 40, D("331.20")), ("PCB assembly PS-220 rev B", "85340000", 100, D("4791.36")),
             ("LED green 0805, reel of 3000", "85414100", 12, D("566.72"))]
    rows = _head("TAX INVOICE", "SCP/25-26/0224") + [header]
    for n, (d, hsn, q, p) in enumerate(goods, start=1):
        rows.append([(40, str(n), "l"), (80, d, "l"), (280, hsn, "l"), (370, f"{q} pcs", "r"), (430, _lakh(p), "r"), (460, "pcs", "l"),
                     (550, _lakh(q * p), "r")])
    net = sum((q * p for *_, q, p in goods), D(0))
    rows += [[(80, "IGST 18%", "l"), (550, _lakh(net * D("0.18")), "r")], [(80, "Total", "l"), (550, _lakh(net * D("1.18")), "r")]]
    ex = _read(_pdf([rows], size=8, boxes=True))
    assert _amounts(ex) == sorted(q * p for *_, q, p in goods)
    assert [i.quantity for i in ex.lines] == [D(q) for *_, q, _ in goods]


def _lakh(v: Decimal) -> str:
    whole, frac = f"{v:.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail]) + "." + frac


@pytest.mark.parametrize("words,net_label", [
    (("Descripción", "Cantidad", "Precio", "Importe"), "Base imponible"),
    (("Omschrijving", "Aantal", "Prijs", "Bedrag"), "Subtotaal"),
])
def test_spanish_and_dutch_tables_with_comma_decimals(words, net_label):
    items = [("Tornillo hexagonal M10 x 40", 50, D("0.34")), ("Arandela plana M10", 200, D("0.05")), ("Tuerca autoblocante M10", 50, D("1234.12"))]
    rows = _head("FACTURA", "F-2026/118") + [[(40, words[0], "l"), (330, words[1], "r"), (430, words[2], "r"), (540, words[3], "r")]]
    for d, q, p in items:
        rows.append([(40, d, "l"), (330, str(q), "r"), (430, _money(p, ",", "."), "r"), (540, _money(q * p, ",", "."), "r")])
    net = sum((q * p for _, q, p in items), D(0))
    rows += [[], [(380, net_label, "l"), (540, _money(net, ",", "."), "r")]]
    ex = _read(_pdf([rows]))
    assert _amounts(ex) == sorted(q * p for _, q, p in items)
    assert all(i.quantity * i.unit_price == i.amount for i in ex.lines)


# OCR'd text, cheaply: positioned words as Tesseract returns them, with its typical damage.

def _ocr_doc(rows: list[list[tuple]]):
    from invoicepipe.domain.models import Box, DocumentText, Page, Word
    words = []
    for n, row in enumerate(rows):
        top = 80 + 14 * n
        for x, text in row:
            for part in text.split(" "):
                w = 5.2 * len(part)
                words.append(Word(part, Box(x, top, x + w, top + 9), 1, 0.9))
                x += w + 4
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


def _right(x_end: float, text: str) -> tuple:
    return (x_end - 5.2 * len(text), text)


@pytest.mark.parametrize("lost", ["amount", "none"])
def test_ocr_table_whose_header_lost_the_amount_name_and_cells_carry_border_marks(lost):
    header = [(40, "#"), (60, "Description"), _right(330, "Qty"), _right(420, "Unit price")]
    if lost == "none":
        header.append(_right(520, "Amount"))
    rows = [[(40, "Invoice No. INV-77")], header]
    goods = [("1", "Cable tie 200 mm, bag of 100", "15|", "4.16", "62.40"), ("2", "Copier paper A4, ream", "50", "3.91", "“195.50"),
             ("3", "Address labels 99 x 38 mm", "6", "12.22", "73.32}.")]
    for pos, desc, q, p, a in goods:
        rows.append([(40, pos), (60, desc), _right(330, q), _right(420, p), _right(520, a)])
    rows += [[], [(360, "Subtotal"), _right(520, "331.22")], [(360, "VAT 20%"), _right(520, "66.24")], [(360, "Total"), _right(520, "397.46")]]
    ex = extract_invoice(_ocr_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("62.40"), D("195.50"), D("73.32")]
    assert [i.quantity for i in ex.lines] == [D(15), D(50), D(6)]
    assert ex.lines[0].description == "Cable tie 200 mm, bag of 100"


def test_a_table_without_amounts_bills_quantity_times_price_at_low_confidence():
    rows = [[(40, "Invoice No. INV-78")], [(40, "Item code"), (110, "Description"), _right(360, "Qty"), _right(450, "Unit price")],
            [(40, "SUB-1017"), (110, "Managed platform, monthly"), _right(360, "1"), _right(450, "986.00")],
            [(40, "ENG-1003"), (110, "Engineering, per hour"), _right(360, "4"), _right(450, "115.00")],
            [], [(360, "Net"), _right(450, "1,446.00")], [(360, "Total"), _right(450, "1,446.00")]]
    ex = extract_invoice(_ocr_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("986.00"), D("460.00")]
    assert all(i.confidence <= 0.65 for i in ex.lines)  # computed, not read: never trusted like a read amount


def test_net_unit_price_column_and_a_tax_breakdown_table_under_the_items():
    """German e-invoice prints: "Nettopreis" is the unit price, the line amount sits under a
    header line above the one read, and the VAT breakdown below repeats amounts that are
    no items."""
    rows = _head("RECHNUNG", "471102") + [
        [(40, "Pos"), (70, "Beschreibung", "l"), (300, "Nettopreis", "r"), (360, "Menge", "r"), (420, "USt.", "r")],
        [(40, "1", "l"), (70, "Trennblätter A4", "l"), (300, "9,9000", "r"), (360, "20 Stk", "r"), (420, "19 %", "r"), (540, "198,00", "r")],
        [(40, "2", "l"), (70, "Joghurt Banane", "l"), (300, "5,5000", "r"), (360, "50 Stk", "r"), (420, "7 %", "r"), (540, "275,00", "r")],
        [],
        [(40, "Art", "l"), (150, "Warenwert", "l"), (300, "USt. %", "r"), (420, "Steuerbetrag", "r")],
        [(40, "Umsatzsteuer", "l"), (150, "275,00", "l"), (300, "7", "r"), (420, "19,25", "r")],
        [(40, "Umsatzsteuer", "l"), (150, "198,00", "l"), (300, "19", "r"), (420, "37,62", "r")],
        [(40, "Positionssumme", "l"), (540, "473,00", "r")]]
    rows = [[(x, t, a if a in ("l", "r") else "l") for x, t, *rest in r for a in [rest[0] if rest else "l"]] for r in rows]
    ex = _read(_pdf([rows]))
    assert [i.amount for i in ex.lines] == [D("198.00"), D("275.00")]
    assert [(i.quantity, i.unit_price, i.tax_rate) for i in ex.lines] == [(D(20), D("9.9"), D(19)), (D(50), D("5.5"), D(7))]


@pytest.mark.parametrize("words,net_label", [
    (("Art.nr", "Benämning", "Antal", "À-pris", "Belopp"), "Summa exkl. moms"),
    (("Varenr.", "Beskrivelse", "Antal", "Stk.pris", "Beløb"), "Subtotal"),
    (("Tuotenro", "Kuvaus", "Määrä", "Yksikköhinta", "Yhteensä"), "Veroton yhteensä"),
])
def test_nordic_tables_with_spaced_thousands(words, net_label):
    items = [("Toner TN-2420", 4, D("660.80")), ("Kulspetspenna, 50 st", 50, D("89.60")), ("Gaffelpärm 80 mm", 20, D("42.34"))]
    xs = (40, 110, 340, 430, 540)
    rows = _head("FAKTURA", "000571") + [[(xs[0], words[0], "l"), (xs[1], words[1], "l")] +
                                         [(x, w, "r") for x, w in zip(xs[2:], words[2:])]]
    for n, (d, q, p) in enumerate(items):
        rows.append([(xs[0], f"ART-{1003 + n}", "l"), (xs[1], d, "l"), (xs[2], str(q), "r"), (xs[3], _money(p, ",", " "), "r"),
                     (xs[4], _money(q * p, ",", " "), "r")])
    net = sum((q * p for _, q, p in items), D(0))
    rows += [[], [(380, net_label, "l"), (540, _money(net, ",", " "), "r")], [(380, "Moms 25 %", "l"), (540, _money(net / 4, ",", " "), "r")],
             [(380, "Öresavrundning", "l"), (540, "0,30", "r")]]
    ex = _read(_pdf([rows]))
    assert _amounts(ex) == sorted(q * p for _, q, p in items)
    assert [i.sku for i in ex.lines] == ["ART-1003", "ART-1004", "ART-1005"]


def test_ocr_specks_after_the_cents_and_a_thousands_group_set_apart():
    """A full stop read after the cents ("618,80.") and a thousands group OCR set apart
    from its amount ("1   121,20") still give the line's amount: the arithmetic rejoins it."""
    rows = [[(40, "Invoice No. INV-79")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")],
            [(40, "Hex bolt M8 x 60, box"), _right(330, "20"), _right(420, "30,94"), _right(520, "618,80.")],
            [(40, "Hex bolt M8 x 25, box"), _right(330, "40"), _right(420, "28,03"), (455, "1"), _right(520, "121,20")],
            [(40, "Hex nut M4, box of 100"), _right(330, "40"), _right(420, "4,50"), _right(520, "180,00")],
            [], [(360, "Subtotal"), _right(520, "1.920,00")], [(360, "Total"), _right(520, "2.284,80")]]
    ex = extract_invoice(_ocr_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("618.80"), D("1121.20"), D("180.00")]
    assert all(i.quantity * i.unit_price == i.amount for i in ex.lines)


def test_a_table_in_wording_no_vocabulary_knows_is_read_by_its_arithmetic():
    """A Swahili table (no column word known): rows where quantity x unit price is the
    amount, at one right edge, are the items; a wrapped description joins its item; the
    totals under them are not items."""
    items = [("Civata M8 x 40, galvanizli", 50, D("34.00")), ("Pul M8, kutu", 200, D("5.50")), ("Somun M8 kilitli", 50, D("1234.12"))]
    rows = _head("ANKARA", "FT-2026/118") + [[(40, "Maelezo", "l"), (330, "Idadi", "r"), (430, "Bei ya kipimo", "r"), (540, "Jumla", "r")]]
    for n, (d, q, p) in enumerate(items):
        rows.append([(40, d, "l"), (330, str(q), "r"), (430, _money(p, ",", "."), "r"), (540, _money(q * p, ",", "."), "r")])
        if n == 0:
            rows.append([(40, "sicak daldirma kaplama", "l")])
    net = sum((q * p for _, q, p in items), D(0))
    rows += [[], [(380, "Jumla ndogo", "l"), (540, _money(net, ",", "."), "r")],
             [(380, "Kodi 20 %", "l"), (540, _money(net * D("0.20"), ",", "."), "r")]]
    ex = _read(_pdf([rows]))
    assert _amounts(ex) == sorted(q * p for _, q, p in items)
    assert ex.lines[0].description == "Civata M8 x 40, galvanizli sicak daldirma kaplama"
    assert all(0.6 <= i.confidence <= 0.8 for i in ex.lines)  # columns inferred, not read: trusted less


def test_a_single_row_with_arithmetic_is_no_table():
    rows = _head() + [[(40, "Consulting 3 days at 850.00 = 2,550.00", "l")], [(380, "Total", "l"), (540, "2,550.00", "r")]]
    assert _read(_pdf([rows])).lines == ()


def test_a_slanted_photo_whose_column_edges_drift_down_the_page():
    """The columns' right edges move 18 points over 24 rows (a page photographed at a
    slant): rows far from the header are still read under their columns."""
    rows = [[(40, "Invoice No. INV-80")], [(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")]]
    goods = [(f"Hex bolt M{6 + n % 6} x {20 + 5 * n}", n % 7 + 2, D("1.15") + n) for n in range(24)]
    for n, (d, q, p) in enumerate(goods):
        shift = -0.75 * n  # points to the left per row
        rows.append([(40 + shift / 3, d), _right(330 + shift, str(q)), _right(420 + shift, _money(p)), _right(520 + shift, _money(q * p))])
    net = sum((q * p for _, q, p in goods), D(0))
    rows += [[], [(360, "Subtotal"), _right(502, _money(net))]]
    ex = extract_invoice(_ocr_doc(rows), [])
    assert _amounts(ex) == sorted(q * p for _, q, p in goods)
    assert [i.quantity for i in ex.lines] == [D(q) for _, q, _ in goods]


def test_column_edges_learn_a_steady_drift_down_the_page():
    from invoicepipe.domain.extraction.layout import build_layout
    from invoicepipe.domain.extraction.table_columns import find_header
    from invoicepipe.domain.extraction.table_rows import align_columns

    def amount_column(drift, extra_rows):
        rows = [[(40, "Description"), _right(330, "Qty"), _right(420, "Unit price"), _right(520, "Amount")]]
        rows += [[(40, f"Item {n}"), _right(330 - drift * n, "2"), _right(420 - drift * n, "1.50"), _right(520 - drift * n, "3.00")]
                 for n in range(12)]
        rows += extra_rows
        lines = build_layout(_ocr_doc(rows)).by_page[1]
        header = align_columns(find_header(lines[0]), lines[1:], ".", 5.2)
        return header.column("amount")

    assert amount_column(0.5, []).slope == pytest.approx(-0.5 / 14, abs=0.005)  # rows are 14 points apart
    assert amount_column(0, []).slope == 0.0  # a straight print stays straight


def _line(index: int, text: str):
    from invoicepipe.domain.extraction.layout import make_line
    from invoicepipe.domain.models import Box, Word

    words, x = [], 40.0
    for word in text.split():
        words.append(Word(word, Box(x, 100 + 12 * index, x + 6 * len(word), 110 + 12 * index), 1))
        x += 6 * len(word) + 6
    return make_line(1, words, index)


def test_the_page_search_for_column_names_keeps_every_line_a_line_by_line_search_finds_a_name_on():
    from invoicepipe.domain.extraction.table_columns import _names, may_head

    texts = ["ACME Industrial Supplies GmbH", "Invoice No: INV-1", "Unit", "Price Qty Amount", "Widget blue 2 10.00 20.00",
             "Ümsatzsteuer 19%", "|Amount", "Kühlschrank", "Thank you", "Total: 148.75 EUR", "Pos. Beschreibung Menge"]
    lines = [_line(i, t) for i, t in enumerate(texts)]
    keep = may_head(lines)
    by_line = [bool(_names(ln)[0]) for ln in lines]
    assert all(k for k, named in zip(keep, by_line) if named)  # never loses a header line
    assert keep[2] and keep[3]  # "unit\nprice" matched over the newline touches both lines
    assert not keep[0] and not keep[7] and not keep[8]  # lines without a column name are skipped


@pytest.mark.parametrize("names", [("Artikelbeschreibung", "Menge", "Listenpreis", "Positionsbetrag"),
                                   ("Leistungsbezeichnung", "Liefermenge", "Nettopreis", "Entgelt")])
def test_german_compound_column_names(names):
    desc, qty, price, amount = names
    goods = [("Trennblätter A4", 20, D("9.90")), ("Ordner breit, blau", 12, D("3.45"))]
    rows = _head("RECHNUNG", "RE-2026-88") + [[(40, desc, "l"), (330, qty, "r"), (430, price, "r"), (540, amount, "r")]]
    rows += [[(40, d, "l"), (330, str(q), "r"), (430, _money(p, ",", "."), "r"), (540, _money(q * p, ",", "."), "r")] for d, q, p in goods]
    net = sum((q * p for _, q, p in goods), D(0))
    rows += [[], [(380, "Nettobetrag", "l"), (540, _money(net, ",", "."), "r")]]
    ex = _read(_pdf([rows]))
    assert [(i.description, i.quantity, i.amount) for i in ex.lines] == [(d, q, q * p) for d, q, p in goods]
    assert all(i.confidence >= 0.9 for i in ex.lines)  # columns read from the header, not inferred from arithmetic


def test_an_amount_printed_alone_on_the_line_under_its_item():
    """Description, unit price, quantity and tax rate on one line, the line amount alone on
    the next (a narrow amount column); a name hyphenated over two header lines."""
    goods = [("Miettage Kleinwagen", D("86.55"), 2), ("Vollkasko", D("23.10"), 2), ("Navigationssystem", D("5.04"), 2)]
    rows = _head("RECHNUNG", "RE-2026-89") + [[(40, "Pos", "l"), (70, "Beschreibung", "l"), (330, "Nettopreis", "r"), (380, "Menge", "r"),
                                               (440, "Steuersatz", "r"), (500, "Positions-", "l")],
                                              [(500, "betrag", "l")]]
    for n, (d, p, q) in enumerate(goods, start=1):
        rows += [[(40, str(n), "l"), (70, d, "l"), (330, _money(p, ",", "."), "r"), (380, str(q), "r"), (440, "19 %", "r")],
                 [(540, _money(p * q, ",", "."), "r")], []]
    net = sum((p * q for _, p, q in goods), D(0))
    rows += [[(300, "Rechnungssumme ohne USt.", "l"), (540, _money(net, ",", "."), "r")]]
    ex = _read(_pdf([rows]))
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in ex.lines] == [(d, q, p, p * q) for d, p, q in goods]
    assert all(i.tax_rate == 19 for i in ex.lines)


def test_an_invoices_only_item_found_by_arithmetic_when_it_is_the_net():
    """No header word known; one row whose quantity x unit price is the net: an item (one row
    alone is no table otherwise: ``test_a_single_row_with_arithmetic_is_no_table``)."""
    rows = _head("SZÁMLA", "SZ-2026/119") + [[(40, "Megnevezés", "l"), (540, "Érték", "r")],
                                            [(40, "Csavar M8 x 40", "l"), (330, "50", "r"), (430, "34,00", "r"), (540, "1.700,00", "r")], [],
                                            [(380, "Nettó összesen", "l"), (540, "1.700,00", "r")], [(380, "ÁFA 27 %", "l"), (540, "459,00", "r")],
                                            [(380, "Bruttó", "l"), (540, "2.159,00", "r")]]
    ex = _read(_pdf([rows]))
    assert ex.value("net") == "1700.00"
    assert [(i.quantity, i.unit_price, i.amount) for i in ex.lines] == [(D(50), D("34.00"), D("1700.00"))]



def test_text_printed_up_the_margin_joins_no_row():
    """A generator's imprint printed sideways, read as one tall word, is a line of its own:
    joined to the row at its middle it would move that row (a totals row) up the page, into
    the items, and add its letters to the row's text."""
    from invoicepipe.domain.extraction.layout import group_lines
    from invoicepipe.domain.models import Box, Word

    words = [Word("Artikel", Box(60, 100, 95, 109), 1), Word("Betrag", Box(500, 100, 530, 109), 1),
             Word("Ordner", Box(60, 115, 92, 124), 1), Word("41,40", Box(505, 115, 530, 124), 1),
             Word("Summe", Box(60, 160, 90, 169), 1), Word("41,40", Box(505, 160, 530, 169), 1),
             Word("ZUGFeRD-Beispielrechnung-Copyright-2014", Box(20, 80, 26, 250), 1)]
    texts = [ln.text for ln in group_lines(words, 1)]
    assert texts == ["ZUGFeRD-Beispielrechnung-Copyright-2014", "Artikel Betrag", "Ordner 41,40", "Summe 41,40"]


def _receipt(lines: list[tuple[str, str]]) -> bytes:
    """A till receipt on a narrow page: each line its words on the left, its amount on the right."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(165, 330))
    c.setFont("Courier", 7)
    y = 300
    for left, right in lines:
        c.drawString(9, y, left)
        if right:
            c.drawRightString(155, y, right)
        y -= 10
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("prices_include_tax", [False, True])
def test_till_receipt_items_are_the_lines_adding_up_to_the_subtotal_or_total(prices_include_tax):
    goods = [("2 x TEH TARIK", D("6.16")), ("ROTI CANAI", D("1.98")), ("4 x A4 PAPER 500S", D("53.64")), ("Milch 3,5% 1L", D("2.14"))]
    net = sum((a for _, a in goods), D(0))
    head = [("99 SPEEDMART MINI", ""), ("Lot 3, Jalan Bukit Bintang", ""), ("Date: 23/02/2026 11:03", ""), ("Receipt No: 87039", ""),
            ("-" * 30, "")]
    body = [(d, f"{a:.2f}") for d, a in goods] + [("Member Disc", "-1.00")]
    net -= 1
    tax = (net * D("0.06")).quantize(D("0.01"))
    if prices_include_tax:
        tail = [("-" * 30, ""), ("TOTAL", f"{net:.2f}"), ("CASH", "100.00"), ("CHANGE", f"{100 - net:.2f}")]
    else:
        tail = [("-" * 30, ""), ("Sub Total", f"{net:.2f}"), ("SST 6%", f"{tax:.2f}"), ("TOTAL", f"{net + tax:.2f}"),
                ("CASH", "100.00"), ("CHANGE", f"{100 - net - tax:.2f}")]
    ex = _read(_receipt(head + body + tail))
    assert [(i.description, i.quantity, i.amount) for i in ex.lines] == \
        [("TEH TARIK", D(2), D("6.16")), ("ROTI CANAI", None, D("1.98")), ("A4 PAPER 500S", D(4), D("53.64")), ("Milch 3,5% 1L", None, D("2.14"))]
    assert all(i.confidence < 0.7 for i in ex.lines)  # found by their sum alone
    if not prices_include_tax:  # the sum chose the lines: it is no evidence for the net
        assert "lines" not in ex.fields["net"].evidence


def test_lines_adding_up_to_nothing_printed_are_no_items():
    ex = _read(_receipt([("CAFE CENTRAL", ""), ("-" * 30, ""), ("CAPPUCCINO", "3.20"), ("CROISSANT", "1.90"), ("-" * 30, ""),
                         ("TOTAL", "6.10")]))
    assert ex.lines == ()


def test_a_tax_breakdown_under_a_receipt_is_no_item_table():
    goods = [("Kaese Gouda", D("3.74")), ("Mineralwasser 6x1,5L", D("14.16")), ("Zahnpasta", D("1.95"))]
    total = sum((a for _, a in goods), D(0))
    lines = [("BAECKEREI MUELLER", ""), ("02.04.26 15:10", ""), ("-" * 30, "")] + [(d, f"{a:.2f}".replace(".", ",") + " A") for d, a in goods]
    lines += [("-" * 30, ""), ("SUMME EUR", f"{total:.2f}".replace(".", ",")), ("-" * 30, ""),
              ("MwSt    Netto   MwSt  Brutto", ""), ("A 19%   16,69   3,16", f"{total:.2f}".replace(".", ","))]
    ex = _read(_receipt(lines))
    assert _amounts(ex) == sorted(a for _, a in goods)


def test_a_receipts_only_item_over_its_subtotal():
    ex = _read(_receipt([("SHREE BHOJANALAYA", ""), ("Bill No: 4471", ""), ("-" * 30, ""), ("2 x VEG THALI", "180.00"), ("-" * 30, ""),
                         ("Sub Total", "180.00"), ("CGST 2.5%", "4.50"), ("SGST 2.5%", "4.50"), ("TOTAL", "189.00")]))
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in ex.lines] == [("VEG THALI", D(2), D("90.00"), D("180.00"))]


def test_column_names_a_gap_apart_are_two_columns_and_a_lost_decimal_mark_is_repaired():
    # "Btw" (the rate's column) and "Bedrag" (the amount's) side by side are no "Btw bedrag"
    # (a tax amount): read as one name, the table had no amount column, and a photo's unit
    # price whose decimal comma was lost ("260" for 2,60) had nothing to be repaired against
    header = [(40, "Artikel"), (100, "Omschrijving"), _right(330, "Aantal"), _right(400, "Prijs"), (430, "Btw"),
              _right(520, "Bedrag")]
    rows = [[(40, "Factuur 2026-0412")], header]
    goods = [("BIT-1026", "Schroefbit PH2, lengte 50 mm", "5", "260", "21%", "13,00"),
             ("STS-1015", "Steeksleutel 10 mm", "5", "8,32", "21%", "41,60"),
             ("SLS-1017", "Slijpschijf 125 mm voor staal", "1", "1659", "21%", "16,59"),
             ("BOE-1010", "Vakboek: Inkoopmanagement", "20", "45,90", "9%", "918,00")]
    for sku, desc, q, p, rate, a in goods:
        rows.append([(40, sku), (100, desc), _right(330, q), _right(400, p), (430, rate), _right(520, a)])
    rows += [[], [(330, "Totaal excl. btw"), _right(520, "989,19")], [(330, "Btw 21%"), _right(520, "14,68")],
             [(330, "Btw 9%"), _right(520, "82,62")], [(330, "Totaal"), _right(520, "1.086,49")]]
    ex = extract_invoice(_ocr_doc(rows), [])
    assert [i.amount for i in ex.lines] == [D("13.00"), D("41.60"), D("16.59"), D("918.00")]
    assert [i.unit_price for i in ex.lines] == [D("2.60"), D("8.32"), D("16.59"), D("45.90")]


def test_figures_within_reach_are_counted_as_one_by_one():
    # ``align_columns`` counts, for each figure's edge, the edges within 1.5 characters of it:
    # sorted with two moving indices, the same counts as comparing every pair
    import math
    import random

    from invoicepipe.domain.extraction.table_rows import _within

    rng = random.Random(11)
    for _ in range(2000):
        n = rng.randint(0, 40)
        base = [rng.choice([0.0, -0.0, 100.0, 523.7, 1e-9, 0.1 + 0.2]) for _ in range(3)]
        xs = [rng.choice(base) + rng.choice([0.0, rng.uniform(-20, 20), rng.randint(-8, 8) * 0.75, 1e-12]) for _ in range(n)]
        reach = rng.choice([0.0, 0.75, 1.5 * 4.9, 1.5 * 6.0, rng.uniform(0, 10)])
        assert _within(xs, reach) == [sum(1 for y in xs if abs(y - x) <= reach) for x in xs]
    for odd in ([math.nan, 1.0, 1.5], [math.inf, math.inf, 3.0], [-math.inf, 2.0]):
        assert _within(odd, 1.0) == [sum(1 for y in odd if abs(y - x) <= 1.0) for x in odd]
    assert _within([1.0, 2.0], -1.0) == [0, 0]
    assert _within([1.0, 2.0], math.nan) == [0, 0]
