"""Wordings of the date of issue, of other events' dates and of the amount due that billing
programs print: each reads as its own field, never as a neighbour's."""

import pytest

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows

ITEMS = {9: [(40, "Description"), (300, "Qty"), (360, "Price"), (450, "Amount")],
         10: [(40, "Hex bolt M4x50"), (300, "3"), (360, "14.48"), (450, "43.44")],
         11: [(40, "Hex nut M12"), (300, "2"), (360, "31.84"), (450, "63.68")]}


@pytest.mark.parametrize("issued, shipped", [
    ("Date d'édition:", "Expédié le:"), ("Datum uitgifte:", "Leverdatum:"), ("Date Invoiced:", "Date Shipped:"),
    ("Opgemaakt op:", "Prestatiedatum:"), ("Date pièce :", "Date d'exécution :"), ("Fecha documento:", "Fecha de entrega:"),
    ("Belegdatum:", "Lieferdatum:"), ("Documentdatum:", "Leverdatum:"), ("Fecha fra.:", "Fecha de entrega:"),
    ("Dt. emissão:", "Data de entrega:"), ("Dokumenta datums:", "Piegādes datums:"), ("Dokumento data:", "Pristatymo data:"),
    ("Dokumendi kuupäev:", "Tarnekuupäev:"), ("Datum dokladu:", "Datum dodání:"), ("Belge tarihi:", "Teslim tarihi:"),
    ("Bizonylat kelte:", "Teljesítés kelte:"), ("Data documentului:", "Data livrării:"),
    ("Koostatud:", "Müügi kuupäev:"), ("Koostamise kuupäev:", "Tarnekuupäev:"),
    ("Izrakstīts (datums):", "Piegādes datums:"),
])
def test_the_date_of_issue_beside_a_shipping_date(issued, shipped):
    rows = {0: "ACME", 3: f"{issued} 14/01/2026", 4: f"{shipped} 04/01/2026", **ITEMS}
    date = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert date.value == "2026-01-14" and not {"contested", "qualified"} & set(date.evidence)


def test_net_amount_due_is_the_amount_to_pay():
    rows = {0: "ACME", 3: "Invoice No. 000626", **ITEMS, 13: [(300, "Net Total"), (450, "107.12")],
            14: [(300, "State Sales Tax 8.25%"), (450, "8.84")], 15: [(300, "Net Amount Due"), (450, "115.96")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    total = ex.fields["total"]
    assert ex.value("net") == "107.12" and total.value == "115.96"
    assert total.method == "label_right" and "arithmetic" in total.evidence  # read under its label, not added up


@pytest.mark.parametrize("caption", ["Datum van factuur:", "Data da fatura:", "Date de la facture:"])
def test_a_date_word_before_the_invoices_word_captions_the_date_not_the_number(caption):
    # the bare "factuur:" labels a number; after a date word it is the date's caption, and the
    # day of the month ("13") was read as the invoice number
    rows = {0: "ACME", 3: "Nr. 202600066", 4: f"{caption} 13 feb. 2026", **ITEMS}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") != "13" and ex.value("invoice_date") == "2026-02-13"
    assert ex.fields["invoice_date"].method == "label_right"


@pytest.mark.parametrize("issued, shipped", [("Facturé le", "Expédié le"), ("Invoiced on", "Shipped on")])
def test_invoiced_on_beside_shipped_on_in_a_header_strip(issued, shipped):
    rows = {0: "ACME", 3: [(40, "Invoice No."), (150, issued), (260, shipped)],
            4: [(40, "F2026-00646"), (150, "27/03/2026"), (260, "21/03/2026")], **ITEMS}
    date = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert date.value == "2026-03-27" and date.method == "label_below" and "contested" not in date.evidence


@pytest.mark.parametrize("caption", ["Serie y nº", "SERIE Y NÚMERO:", "Serie/Número"])
def test_the_spanish_series_and_number_captions_the_invoice_number(caption):
    # a row of boxes: the customer's name under its own caption, the number under "serie y número"
    rows = {0: "Tornilleria Levante", 2: [(40, "Datos del cliente"), (300, caption), (420, "Fecha de factura")],
            3: [(40, "Meridian Iberia S.L."), (300, "A-2026/00707"), (420, "09/02/2026")], 5: "Número de serie: SN-88123",
            **ITEMS}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert (number.value, number.method) == ("A-2026/00707", "label_below")  # its caption's, not a guessed header row


def test_the_polish_invoice_number_caption_with_the_invoices_vat_name():
    # "faktura VAT" is the Polish invoice's name: its "VAT" after "Nr faktury" captions no tax
    rows = {0: "Hurtownia Budowlana Warta", 3: [(40, "Zamawiający"), (300, "Nr faktury VAT: FV/639/03/2026")],
            4: [(300, "Data wystawienia: 13.03.2026")], 6: [(300, "Zlecenie nr: 4476773144")], **ITEMS}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert (number.value, number.method) == ("FV/639/03/2026", "label_right")


@pytest.mark.parametrize("title, caption, number", [
    ("Rechnungskorrektur", "Storno-Nr.:", "RE2026-00265"), ("Stornorechnung", "Korrektur-Nr.", "K-2026-0012"),
    ("CREDIT NOTE", "CUSTOMER CM #", "000778")
])
def test_a_cancellations_or_credit_memos_own_number_caption(title, caption, number):
    rows = {0: "Hanse Bürobedarf", 1: title, 3: f"{caption} {number}", 4: "Rg.-Datum: 2026-03-01",
            5: "Storno zur Rechnung Nr. RE2026-00100", **ITEMS}
    found = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    # the caption's own value, not a weak reading of the line under another caption
    assert (found.value, found.method) == (number, "label_right")


def test_centimetres_before_a_number_sign_caption_nothing():
    rows = {0: "ACME", 3: "Invoice No. 000626", 9: [(40, "Description"), (300, "Qty"), (450, "Amount")],
            10: [(40, "Pipe 25 cm # 3 steel"), (300, "2"), (450, "63.68")]}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") == "000626"


def test_the_invoice_amount_under_the_sums_is_the_total():
    rows = {0: "Keystone Fastener Corp.", 3: "Invoice # 000622", **ITEMS, 13: [(300, "Net Total"), (450, "107.12 USD")],
            14: [(300, "Sales Tax 8.25%"), (450, "8.84 USD")], 15: [(300, "Invoice Amount"), (450, "115.96 USD")]}
    total = extract_invoice(doc_from_rows(rows), []).fields["total"]
    assert (total.value, total.method) == ("115.96", "label_right")


def test_a_row_of_sums_with_a_vat_column_per_rate():
    # "Net Total VAT 20%": the tax pattern's own "Total VAT" overlaps "Net Total"; the "VAT" of
    # the 20 % column is still that column's caption (before, only the 0 % column's was read)
    rows = {0: "Pennine Office Supplies", 3: "Invoice No. POS000336", **ITEMS,
            13: [(137, "Net Total"), (252, "VAT 20%"), (360, "VAT 0%"), (500, "Total")],
            14: [(129, "107.12"), (253, "21.42"), (367, "0.00"), (500, "128.54")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("107.12", "21.42", "128.54")


def test_the_net_to_pay_is_the_amount_payable():
    # "Total líquido a pagar": líquido names a net, "a pagar" the amount payable, VAT included
    # (the Italian "netto a pagare" reads the same way); the goods' total above is the net
    rows = {0: "Ferramentas do Ave", 3: "Fatura FT 2026/118", 4: "Data 17/03/2026", **ITEMS,
            13: [(40, "Taxa IVA"), (150, "Incidência"), (300, "Valor IVA"), (450, "Total")],
            14: [(40, "23%"), (150, "107,12"), (300, "24,64"), (450, "131,76")],
            16: [(300, "Total mercadoria"), (450, "107,12")], 17: [(300, "Total líquido a pagar EUR"), (450, "131,76")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("107.12", "24.64", "131.76")


@pytest.mark.parametrize("subtotal, tax, payable", [
    ("Subtotale", "Importo IVA 22%", "Netto da pagare"), ("Subtotal", "IVA 21%", "Neto a pagar"),
    ("Subtotaal", "Btw 21%", "Netto te betalen"),
])
def test_a_subtotal_and_the_net_to_pay_in_other_languages(subtotal, tax, payable):
    rows = {0: "ACME", 3: "Fattura 2026/118", 4: "Data 17/03/2026", **ITEMS,
            13: [(300, subtotal), (450, "107,12")], 14: [(300, tax), (450, "23,57")], 15: [(300, payable), (450, "130,69")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("107.12", "23.57", "130.69")


def test_a_bill_that_carries_a_balance_forward_totals_this_bills_charges():
    # "Amount due" adds the balance brought forward; the bill's own total is its charges
    rows = {0: "Northfield Energy", 3: "Bill number 0000000206", 4: "Bill date 15 January 2026",
            6: [(40, "Previous balance"), (450, "13.48")], 7: [(40, "Payment received"), (450, "-7.00")],
            8: [(40, "Total charges this bill"), (450, "9.70")], 9: [(40, "Amount due"), (450, "16.18")],
            11: [(40, "Charges for this period"), (300, "Quantity"), (450, "Cost")],
            12: [(40, "Meter operator charge"), (300, "1"), (450, "8.08")],
            14: [(300, "Total charges before VAT"), (450, "8.08")], 15: [(300, "VAT at 20%"), (450, "1.62")],
            16: [(300, "Total charges this bill"), (450, "9.70")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("8.08", "1.62", "9.70")
    assert ex.fields["net"].method == "label_right"  # "Total charges before VAT" names the net
