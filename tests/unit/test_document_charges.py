"""Document-level discounts and charges between the items and the net
(``extraction.document_charges``), and the bare "Número" / "Numero" of a reference block."""

from decimal import Decimal

from invoicepipe.domain.arithmetic import check_arithmetic
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.policy import Tolerances
from tests.unit.test_extraction_fields import doc_from_rows


def _italian(discount: str = "€ -26,29", freight: str = "€ 19,50", taxable: str = "€ 871,67") -> dict:
    return {
        0: "UTENSILERIA BERICA",
        2: [(40, "Meridian Italia S.r.l."), (400, "Numero 615/2026")],
        3: [(400, "Data documento 16/01/2026")],
        4: [(400, "Vs. ordine 4500010279")],
        6: "FATTURA",
        8: [(40, "Codice"), (100, "Descrizione"), (330, "Q.tà"), (380, "Prezzo"), (460, "Importo")],
        9: [(40, "GUA-1037"), (100, "Guanti da lavoro pelle"), (330, "4"), (380, "4,34"), (460, "17,36")],
        10: [(40, "VTE-1069"), (100, "Vite TE zincata"), (330, "10"), (380, "14,45"), (460, "144,50")],
        11: [(40, "VTE-1027"), (100, "Vite TE zincata M5"), (330, "50"), (380, "14,33"), (460, "716,60")],
        12: [(300, "Totale merce"), (460, "€ 878,46")],
        13: [(300, "Sconto incondizionato 3 %"), (460, discount)],
        14: [(300, "Spese di trasporto"), (460, freight)],
        15: [(300, "Imponibile"), (460, taxable)],
        16: [(300, "IVA 22 %"), (460, "€ 191,77")],
        17: [(300, "Totale documento"), (460, "€ 1.063,44")],
    }


def test_discount_and_freight_rows_bridge_the_items_to_the_net():
    ex = extract_invoice(doc_from_rows(_italian()), [])
    assert ex.value("net") == "871.67" and len(ex.lines) == 3
    assert any(t == "bridged:-6.79" for t in ex.fields["net"].evidence)
    findings = check_arithmetic(ex, Tolerances())
    assert findings.lines_close and not [r for r in findings.reasons if r.code == "totals_inconsistent"]


def test_rows_that_do_not_close_the_gap_bridge_nothing():
    ex = extract_invoice(doc_from_rows(_italian(freight="€ 29,50")), [])
    assert not any(t.startswith("bridged:") for t in ex.fields["net"].evidence)
    assert not check_arithmetic(ex, Tolerances()).lines_close


def test_a_bare_numero_names_the_invoice_number_but_not_another_reference():
    ex = extract_invoice(doc_from_rows(_italian()), [])
    assert ex.value("invoice_number") == "615/2026"
    specked = {**_italian(), 2: [(40, "Meridian Italia S.r.l."), (400, "Numero ° 615/2026")]}
    assert extract_invoice(doc_from_rows(specked), []).value("invoice_number") == "615/2026"
    rows = {**_italian(), 2: [(40, "Meridian Italia S.r.l."), (400, "Numero cliente 17584")]}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") != "17584"


def test_base_imponible_total_is_one_net_label_beside_rows_of_two_rates():
    rows = {
        0: "Suministros Turia",
        2: [(400, "Número A26-00612")],
        5: "FACTURA",
        7: [(40, "Código"), (100, "Descripción"), (330, "Cant."), (380, "Precio"), (460, "Importe")],
        8: [(40, "THX-1055"), (100, "Tornillo hexagonal M4x80"), (330, "3"), (380, "14,04"), (460, "42,12")],
        9: [(40, "THX-1174"), (100, "Tornillo hexagonal M8x16"), (330, "10"), (380, "26,28"), (460, "262,80")],
        10: [(40, "CAF-1023"), (100, "Café en grano 3 kg"), (330, "8"), (380, "22,82"), (460, "182,56")],
        12: [(300, "Base imponible total"), (430, "EUR 487,48")],
        13: [(300, "IVA 21 %"), (430, "EUR 64,03")],
        14: [(300, "IVA 10 %"), (430, "EUR 18,26")],
        15: [(300, "TOTAL FACTURA"), (430, "EUR 569,77")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("487.48", "82.29", "569.77")


def test_total_rectificativa_labels_a_corrective_invoices_total():
    from invoicepipe.domain.extraction.labels import find_labels
    from invoicepipe.domain.extraction.layout import build_layout

    layout = build_layout(doc_from_rows({0: [(300, "TOTAL RECTIFICATIVA"), (430, "EUR -440,11")]}))
    hits = [(h.field, h.strength) for ln in layout.lines for h in find_labels(ln)]
    assert ("total", 1.0) in hits


def test_a_charge_whose_decimal_mark_the_ocr_misread_bridges_only_where_it_closes_the_gap():
    # "€ 19;50" on a scan: the semicolon is the comma misread, and with 19.50 the rows close
    # the gap between the items and the net exactly; printed so in a text layer it is no figure
    scanned = extract_invoice(doc_from_rows(_italian(freight="€ 19;50"), confidence=0.9), [])
    assert "bridged:-6.79" in scanned.fields["net"].evidence
    printed = extract_invoice(doc_from_rows(_italian(freight="€ 19;50")), [])
    assert not any(t.startswith("bridged:") for t in printed.fields["net"].evidence)
    wrong = extract_invoice(doc_from_rows(_italian(freight="€ 18;50"), confidence=0.9), [])
    assert not any(t.startswith("bridged:") for t in wrong.fields["net"].evidence)


def test_an_item_amount_the_ocr_lost_is_made_up_against_the_net_less_the_charges_above_it():
    # the second row's amount is lost on a scan: quantity x unit price (10 x 14,45) stands in
    # only where the items then add up, and they add up to the net less the discount and the
    # freight printed between them and the net, not to the net itself
    rows = _italian()
    rows[10] = rows[10][:-1]
    ex = extract_invoice(doc_from_rows(rows, confidence=0.9), [])
    assert [i.amount for i in ex.lines] == [Decimal("17.36"), Decimal("144.50"), Decimal("716.60")]
    assert "amount:computed:quantity x unit price" in ex.lines[1].evidence
    assert "bridged:-6.79" in ex.fields["net"].evidence
    # a freight that closes nothing leaves the made-up amount out
    off = _italian(freight="€ 29,50")
    off[10] = off[10][:-1]
    assert Decimal("144.50") not in [i.amount for i in extract_invoice(doc_from_rows(off, confidence=0.9), []).lines]
