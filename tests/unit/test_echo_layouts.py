"""Habits of the echo region's development layouts (fixtures/gen/echo*.py) that the extractor
missed before kv-2.18, each as the general rule it was fixed by: a row of labels over a row of
values (cells end where the next cell starts, the last one runs to the end of the row), an
IBAN's digit groups are no amount, Tally's "(-)0.24", a "%IVA" rate column, MyInvois' e-Invoice
Code and the original invoice a credit note refers to, "RM (157.26)", a Polish statute's
"ust.", an Italian credit note's own number, a speck inside a written date, btw codes, a
document box's "N.º" under its title, labels of two cells read as one, the Polish sale date's
statutory wording, "Total do documento" and "V/ Requisição"."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.parsing import parse_amount
from invoicepipe.domain.extraction.search import label_candidates, parse_amount_value
from tests.unit.test_extraction_fields import doc_from_rows


def _labels(rows: dict, row: int) -> list[tuple[str, str]]:
    layout = build_layout(doc_from_rows(rows))
    line = next(ln for ln in layout.lines if abs(ln.box.top - (40 + row * 14.0)) < 1)
    return [(h.field, line.text[h.start:h.end]) for h in find_labels(line)]


# a Spanish invoice's head and items, over the totals strip each test prints its own way
_ALBARANES = {
    0: "DIELCA",
    2: [(40, "Nº FACTURA"), (150, "FECHA")],
    3: [(40, "FV26-00427"), (150, "09/01/2026")],
    5: [(40, "Artículo Descripción"), (400, "Importe")],
    6: [(40, "DIF-1002 Diferencial 2P 40A"), (400, "385,00")],
    7: [(40, "MAG-1010 Interruptor 1P+N 10A"), (400, "63,48")],
    8: [(40, "CAB-1053 Cable H07Z1-K 6 mm²"), (400, "2,91")],
}


def test_a_totals_strip_reads_its_last_value_right_aligned_and_no_iban_group():
    rows = {
        **_ALBARANES,
        10: [(48, "BASE IMPONIBLE"), (208, "% IVA"), (297, "CUOTA IVA"), (407, "TOTAL FACTURA")],
        11: [(160, "451,39"), (260, "21 %"), (366, "94,79"), (535, "546,18 €")],
        12: [(40, "Forma de pago: Transferencia · Banco Santander · IBAN ES21 7978 0580 1445 3612 9916")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("451.39", "94.79", "546.18")


def test_a_value_right_aligned_far_into_its_wide_cell_is_its_labels():
    # the scan of the strip above with the tax cell's label and rate lost: the net stands
    # right-aligned at the end of its wide cell, further from its label's start than a
    # label's column reaches, and ends before the next cell starts
    rows = {
        **_ALBARANES,
        10: [(48, "BASE IMPONIBLE"), (260, "% IVA"), (407, "TOTAL FACTURA")],
        11: [(205, "451,39"), (366, "94,79"), (535, "546,18 €")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("net") == "451.39"
    # the caption reads it (the row adding up, ``row_sums``, then reads the strip as a whole)
    ctx, _ = document_context(doc_from_rows(rows))
    assert any(c.value == "451.39" and "in_cell" in c.notes for c in label_candidates(ctx, "net", parse_amount_value))


def test_a_header_cell_ends_where_the_next_cell_starts():
    rows = {
        0: "SRI GANESH CORRUGATED BOXES PVT. LTD.",
        2: [(40, "Invoice No."), (200, "SGCB/200/25-26")],
        4: [(40, "1 PP Strapping Roll 12 mm, Black"), (400, "5,152.00")],
        5: [(400, "5,152.00")],
        6: [(100, "Output CGST @ 6%"), (400, "309.12")],
        7: [(100, "Output SGST @ 6%"), (400, "309.12")],
        8: [(100, "Round Off"), (400, "(-)0.24")],
        9: [(100, "Total"), (400, "₹ 5,770.00")],
        11: [(48, "HSN/SAC"), (119, "Taxable Value"), (220, "Central Tax"), (330, "State Tax"), (440, "Total Tax Amount")],
        12: [(48, "3920"), (119, "5,152.00"), (220, "6%"), (240, "309.12"), (330, "6%"), (350, "309.12"), (440, "618.24")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("5152.00", "618.24", "5770.00")


def test_a_bracketed_sign_before_an_amount():
    assert parse_amount("(-)0.24", ".") == parse_amount("-0.24", ".")
    assert str(parse_amount("(+)0.40", ".")) == "0.40"


def test_a_percent_sign_before_the_tax_word_heads_the_rate_column():
    rows = {0: "esigibilità iva   %IVA   Totale imponibile   Totale imposta"}
    assert _labels(rows, 0) == [("net", "Totale imponibile"), ("tax", "Totale imposta")]
    assert ("tax", "IVA") in _labels({0: "zzgl. 19 % IVA 12,30"}, 0)


def test_an_e_invoice_code_is_the_number_and_the_original_invoice_is_not():
    rows = {
        0: [(40, "JENTERA KLANG SDN. BHD."), (300, "CREDIT NOTE")],
        1: [(300, "e-Invoice Type 02 - Credit Note")],
        2: [(300, "e-Invoice Code INV26000367")],
        3: [(300, "Invoice Date & Time 02/02/2026 15:38:02")],
        4: [(300, "Original e-Invoice Ref. No. INV26000362")],
        6: [(300, "Total Excluding Tax"), (450, "RM (157.26)")],
        7: [(300, "Tax Amount"), (450, "RM (15.73)")],
        8: [(300, "Total Including Tax"), (450, "RM (172.99)")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "INV26000367"
    assert ex.value("currency") == "MYR" and ex.fields["currency"].method == "symbol_count"


def test_a_polish_statute_paragraph_is_no_tax_label_and_the_sale_date_is_another_date():
    rows = {0: "Data wystawienia, z zastrzeżeniem art. 106na ust. 1 ustawy 2026-02-01",
            1: "Data dokonania lub zakończenia dostawy towarów 2026-01-29"}
    assert _labels(rows, 0) == [("invoice_date", "Data wystawienia")]
    assert [f for f, _ in _labels(rows, 1)] == ["other_date"]
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_date") == "2026-02-01" and ex.confidence("invoice_date") >= 0.8


def test_an_italian_credit_note_names_its_own_number():
    rows = {0: "NOTA DI CREDITO N. 199/26 DEL 29/01/26", 1: "A STORNO FT. N. 194/26"}
    assert _labels(rows, 0)[0] == ("invoice_number", "NOTA DI CREDITO N.")


def test_a_speck_between_day_and_month_name():
    assert [d.value.isoformat() for d in dates_in("Factuurdatum 20 ? januari 2026", 0, "dmy")] == ["2026-01-20"]
    assert dates_in("Qty 120 ? March 2026", 0, "dmy") == []


def test_a_btw_code_legend_is_no_tax_amount():
    assert _labels({0: "Btw-code 1 = 21 %   Btw-code 2 = 9 %"}, 0) == []


def test_a_number_word_under_a_document_title_in_its_box():
    rows = {
        0: [(40, "Cortiças do Vouga"), (400, "ORIGINAL")],
        1: [(40, "Zona Industrial de Albergaria"), (400, "FATURA-RECIBO")],
        2: [(40, "Tel. +351 234 641877"), (400, "N.º FR A2026/740")],
        3: [(400, "Data 18-01-2026")],
    }
    doc = doc_from_rows(rows)
    page = doc.pages[0]
    from dataclasses import replace

    from invoicepipe.domain.models import Box

    title_top = 40 + 14.0
    words = tuple(replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + 16)) if w.box.top == title_top
                  and w.box.x0 >= 400 else w for w in page.words)
    ex = extract_invoice(replace(doc, pages=(replace(page, words=words),)), [])
    # read under the title, or (since "Fatura-Recibo n.º" is a label of its own) as the wrapped
    # label's value: either way the number whole and routable
    number = ex.fields["invoice_number"]
    assert number.value == "FR A2026/740" and number.method in ("title_number", "label_right")
    assert number.confidence >= 0.85


def test_two_header_cells_are_two_labels():
    rows = {0: [(40, "Nº de factura"), (120, "Fecha de"), (180, "Vencimiento"), (260, "Su pedido")]}
    assert [f for f, _ in _labels(rows, 0)] == ["invoice_number", "invoice_date", "due_date", "po_number"]
    assert [f for f, _ in _labels({0: "Fecha de vencimiento: 03/02/2026"}, 0)] == ["due_date"]


def test_portuguese_document_total_and_requisition():
    assert _labels({0: "Total do documento 1 590,43 €"}, 0) == [("total", "Total do documento")]
    assert _labels({0: "V/ Requisição 4500010253"}, 0) == [("po_number", "V/ Requisição")]


def test_one_gst_half_is_never_the_tax():
    rows = {
        0: "SRI GANESH CORRUGATED BOXES PVT. LTD.",
        2: [(40, "Invoice No."), (200, "SGCB/200/25-26")],
        4: [(40, "1 PP Strapping Roll 12 mm, Black"), (400, "5,152.00")],
        5: [(100, "Taxable Value"), (400, "5,152.00")],
        6: [(100, "Output CGST @ 6%"), (400, "309.12")],
        7: [(100, "Output SGST @ 6%"), (400, "309.12")],
        8: [(100, "i NEY SS Me WN sald")],  # the round-off row, unread
        9: [(100, "Total"), (400, "₹ 5,770.00")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("tax") == "618.24"


def test_a_vendor_name_wrapped_in_a_narrow_box_beside_another():
    from invoicepipe.domain.models import Vendor

    vendors = [Vendor("V808", "Officine Meccaniche Adriatiche S.r.l.", tax_id="IT07799548823"),
               Vendor("V1", "Meridian Italia S.r.l.")]
    rows = {
        0: "Copia di cortesia della fattura elettronica",
        1: [(40, "CEDENTE/PRESTATORE (FORNITORE)"), (300, "CESSIONARIO/COMMITTENTE (CLIENTE)")],
        2: [(40, "Identificativo fiscale ai fini IVA"), (200, "IT07799548823")],
        3: [(40, "Denominazione"), (200, "Officine"), (300, "Denominazione"), (420, "Meridian Italia")],
        4: [(200, "Meccaniche"), (420, "S.r.l.")],
        5: [(200, "Adriatiche S.r.l."), (300, "Comune"), (420, "20122 Milano")],
    }
    ex = extract_invoice(doc_from_rows(rows), vendors)
    assert ex.value("vendor_id") == "V808" and ex.confidence("vendor_id") >= 0.99


def test_a_vat_id_printed_without_its_country_prefix_is_the_masters():
    from invoicepipe.domain.models import Vendor

    vendors = [Vendor("V804", "Drukarnia Offsetowa Wisłoka Sp. z o.o.", tax_id="PL2543167550")]
    rows = {
        0: "Faktura podstawowa",
        1: "Numer Faktury FS 77/2026",
        3: [(40, "Sprzedawca"), (300, "Nabywca")],
        4: [(40, "NIP 2543167550"), (300, "NIP 4887878852")],
        5: [(40, "Nazwa Drukarnia Wisłoka"), (300, "Nazwa Meridian Polska Sp. z o.o.")],
    }
    ex = extract_invoice(doc_from_rows(rows), vendors)
    assert ex.value("vendor_id") == "V804"
    assert ex.value("vendor_vat_id") == "PL2543167550"


def test_a_scanned_number_word_misread_under_the_title_a_few_lines_down():
    from dataclasses import replace

    from invoicepipe.domain.models import Box

    rows = {
        0: [(40, "Cortiças do Vouga"), (400, "ORIGINAL")],
        1: [(40, "3850-184 Albergaria-a-Velha"), (400, "FATURA-RECIBO")],
        2: [(40, "NIF PT245443334")],
        3: [(40, "Tel. +351 234 641877")],
        4: [(400, "N2 FR A2026/745")],
    }
    doc = doc_from_rows(rows, confidence=0.95)
    page = doc.pages[0]
    words = tuple(replace(w, box=Box(w.box.x0, w.box.top, w.box.x1, w.box.top + 16)) if w.box.top == 54.0
                  and w.box.x0 >= 400 else w for w in page.words)
    ex = extract_invoice(replace(doc, pages=(replace(page, words=words),)), [])
    assert ex.value("invoice_number") == "FR A2026/745"


def test_a_schedule_of_instalments_gives_its_first_date_as_the_due_date():
    rows = {
        0: "DIELCA",
        2: [(40, "Nº FACTURA"), (150, "FECHA")],
        3: [(40, "FV26-00427"), (150, "09/01/2026")],
        6: "VENCIMIENTOS",
        7: [(40, "Fecha"), (100, "Importe")],
        8: [(40, "08/02/2026"), (100, "546,18 €")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("due_date") == "2026-02-08"
