"""Languages and conventions: written dates, amount groupings, currency tokens, the label
vocabulary of every supported language, and the labels that must *not* be read as a field
(a delivery-note number beside the PO number, a subtotal before tax as the total)."""

from datetime import date
from decimal import Decimal

import pytest

from invoicepipe.adapters.ocr_languages import LanguageChoice, guess_language
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.labels import find_labels, fold_accents
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.parsing import currency_code, currency_in, find_vat_ids, parse_amount, parse_date
from invoicepipe.domain.models import Box, Vendor, Word
from tests.unit.test_extraction_fields import doc_from_rows

MARCH_4 = date(2026, 3, 4)


@pytest.mark.parametrize("text", [
    "4-Mar-26", "04-Mar-2026", "4 Mar 2026", "March 4, 2026", "4. März 2026", "4 de marzo de 2026", "4 mars 2026",
    "4 marzo 2026", "4 maart 2026", "4 de março de 2026", "4 marca 2026", "4 marca 2026 r.", "2026-03-04",
    "04.03.2026", "4th March 2026", "4 MARZO 2026", "4 de marco de 2026", "04 Mar. 2026", "4/Mar/2026",
    "Dated: 4-Mar-26,", "on 4 March 2026.",
])
def test_written_dates_in_every_language(text):
    assert parse_date(text) == (MARCH_4, False)


@pytest.mark.parametrize("text", ["16 de enero de 15 de enero de", "25. jaanuar 23. jaanuar", "18 gennaio 19 marzo"])
def test_two_digits_before_a_month_name_are_the_next_dates_day_not_a_year(text):
    # two dates side by side whose years wrapped to the next line: "16 de enero de" is no 2015
    from invoicepipe.domain.extraction.parsing import DAY_MONTH_ONLY, DMY_WORDS
    assert DMY_WORDS.search(text) is None and len(DAY_MONTH_ONLY.findall(text)) == 2
    assert parse_date("4 Mar 26 Due 5 Apr 26") == (MARCH_4, False)  # a two-digit year before another word


@pytest.mark.parametrize("text, month", [
    ("14 stycznia 2026", 1), ("14 lutego 2026", 2), ("14 kwietnia 2026", 4), ("14 maja 2026", 5),
    ("14 czerwca 2026", 6), ("14 lipca 2026", 7), ("14 sierpnia 2026", 8), ("14 września 2026", 9),
    ("14 wrzesnia 2026", 9), ("14 października 2026", 10), ("14 listopada 2026", 11), ("14 grudnia 2026", 12),
    ("14 de enero de 2026", 1), ("14 de septiembre de 2026", 9), ("14 diciembre 2026", 12),
    ("14 gennaio 2026", 1), ("14 giugno 2026", 6), ("14 ottobre 2026", 10), ("14 de fevereiro de 2026", 2),
    ("14 de outubro de 2026", 10), ("14-Sep-26", 9), ("14-Dec-2026", 12),
])
def test_month_names(text, month):
    assert parse_date(text) == (date(2026, month, 14), False)


def test_numeric_dates_follow_the_locale_order_when_ambiguous():
    assert parse_date("03/04/2026", "dmy") == (date(2026, 4, 3), True)
    assert parse_date("03/04/2026", "mdy") == (date(2026, 3, 4), True)
    assert parse_date("04-03-2026", "dmy") == (MARCH_4, True)


@pytest.mark.parametrize("text", ["2 set 26,00", "Art. 4 mar", "12 Mai"])
def test_no_date_without_a_year(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [
    ("1'234.55", "1234.55"), ("1\u2019234.55", "1234.55"), ("1 234,56", "1234.56"), ("1\u202f234,56", "1234.56"),
    ("1\u00a0234,56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("1,23,456.00", "123456.00"),
    ("12,34,567.89", "1234567.89"), ("123.45-", "-123.45"), ("(123.45)", "-123.45"), ("-123,45 €", "-123.45"),
    ("€ 1.234,56", "1234.56"), ("1.234,56 €", "1234.56"), ("CHF 1'234.55", "1234.55"), ("Fr. 1'234.55", "1234.55"),
    ("SFr. 12.50", "12.50"), ("120.–", "120"), ("R$ 1.234,56", "1234.56"), ("US$12.00", "12.00"),
    ("RM12.00", "12.00"), ("RM 8.50", "8.50"), ("12,50 zł", "12.50"), ("1 234,50 PLN", "1234.50"),
    ("99,00 kr", "99.00"), ("₹1,23,456.00", "123456.00"), ("Rs.1,939.00", "1939.00"), ("INR 5,438.47", "5438.47"),
    ("¥1,200", "1200"),
])
def test_amount_groupings_and_signs(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text, code", [
    ("€ 5", "EUR"), ("£5", "GBP"), ("$5", "USD"), ("US$ 5", "USD"), ("₹5", "INR"), ("Rs. 5", "INR"), ("Rs 5", "INR"),
    ("INR 5", "INR"), ("RM5.00", "MYR"), ("Fr. 5", "CHF"), ("CHF 5", "CHF"), ("SFr. 5", "CHF"), ("5 zł", "PLN"),
    ("5 PLN", "PLN"), ("R$ 5", "BRL"), ("¥5", "JPY"), ("5 SEK", "SEK"),
    ("S$ 5", "SGD"), ("HK$5", "HKD"), ("A$ 5", "AUD"), ("CA$ 5", "CAD"), ("NZ$ 5", "NZD"), ("120 Kč", "CZK"),
    ("1.234,50 Euro", "EUR"), ("Betrag in Euro", "EUR"), ("12,50 zl", "PLN"), ("12,50zl", "PLN"),
])
def test_currency_tokens(text, code):
    assert currency_in(text) == code


def test_kr_names_no_currency_by_itself():
    assert currency_code("kr") is None and currency_in("99,00 kr") is None


def _line(text: str):
    words, x = [], 40.0
    for tok in text.split(" "):
        words.append(Word(tok, Box(x, 40, x + 5 * len(tok), 50), 1, 1.0))
        x += 5 * len(tok) + 3
    from invoicepipe.domain.models import DocumentText, Page
    return build_layout(DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "t")).lines[0]


def _fields(text: str) -> list[str]:
    return [h.field for h in find_labels(_line(text))]


@pytest.mark.parametrize("text", ["Factura n.º", "Factura n.°", "Fatura n.º", "N.º de factura", "Pedido n.º"])
def test_an_ordinal_indicator_reads_as_the_degree_sign_ocr_reads(text):
    # "º" is a letter to the regex engine: "n." followed by it must still end the label
    [hit] = find_labels(_line(text))
    assert hit.strength == 1.0 and hit.end - hit.start >= len(text) - 1


@pytest.mark.parametrize("text, field", [
    # invoice number
    ("Factura n.º", "invoice_number"), ("Número de factura", "invoice_number"), ("Fattura n.", "invoice_number"),
    ("Numero fattura", "invoice_number"), ("Fatura n.º", "invoice_number"), ("Faktura VAT nr", "invoice_number"),
    ("Numer faktury", "invoice_number"), ("Invoice No.", "invoice_number"), ("Factuurnummer", "invoice_number"),
    # invoice date
    ("Fecha de factura", "invoice_date"), ("Fecha de emisión", "invoice_date"), ("Data fattura", "invoice_date"),
    ("Data di emissione", "invoice_date"), ("Data de emissão", "invoice_date"), ("Data wystawienia", "invoice_date"),
    ("Dated", "invoice_date"), ("Factuurdatum", "invoice_date"),
    # due date
    ("Fecha de vencimiento", "due_date"), ("Scadenza", "due_date"), ("Data de vencimento", "due_date"),
    ("Termin płatności", "due_date"), ("Termin platnosci", "due_date"), ("Vervaldatum", "due_date"),
    # PO number
    ("Pedido n.º", "po_number"), ("Orden de compra", "po_number"), ("Vs. ordine", "po_number"),
    ("Ordine n.", "po_number"), ("Nota de encomenda", "po_number"), ("Nr zamówienia", "po_number"),
    ("Buyer's Order No.", "po_number"), ("Bestelnummer", "po_number"),
    # net / tax / total
    ("Base imponible", "net"), ("Imponibile", "net"), ("Total ilíquido", "net"), ("Razem netto", "net"),
    ("Taxable Value", "net"), ("Total exkl. MWST", "net"), ("Total Sales (Excluding GST)", "net"),
    ("Subtotal", "net"), ("Sub-Total", "net"),
    ("IVA", "tax"), ("CGST", "tax"), ("SGST", "tax"), ("IGST", "tax"), ("Kwota VAT", "tax"), ("MWST", "tax"),
    ("Total factura", "total"), ("Importe total", "total"), ("Totale documento", "total"), ("Netto a pagare", "total"),
    ("Total a pagar", "total"), ("Do zapłaty", "total"), ("Do zaplaty", "total"), ("Rechnungstotal", "total"),
    ("Grand Total", "total"), ("Amount due", "total"), ("Total inclusive GST", "total"), ("Währung Betrag", "total"),
    # ids, bank, currency
    ("NIF", "vendor_vat_id"), ("P. IVA", "vendor_vat_id"), ("Partita IVA", "vendor_vat_id"), ("NIP", "vendor_vat_id"),
    ("GSTIN/UIN", "vendor_vat_id"), ("MWST-Nr.", "vendor_vat_id"), ("Contribuinte", "vendor_vat_id"),
    ("Konto / Zahlbar an", "iban"), ("Moneda", "currency"), ("Waluta", "currency"),
])
def test_label_vocabulary(text, field):
    assert _fields(text) == [field]


@pytest.mark.parametrize("text", [
    "Delivery Note No.", "Dispatch Doc No.", "Lieferschein-Nr.", "Bon de livraison", "Albarán n.º", "DDT n.",
    "Guia de remessa", "WZ nr", "Pakbon", "Order confirmation No.", "Auftragsbestätigung", "Confirmación de pedido",
    "Conferma d'ordine", "Potwierdzenie zamówienia", "Customer No.", "Kundennummer", "N° client", "Cod. cliente",
    "Nr klienta", "Quotation No.", "Angebotsnummer", "Devis n°", "Presupuesto", "Offerta n.", "Contract No.",
    "Vertragsnummer", "Contrato n.º", "Umowa nr", "Referenz",
])
def test_references_to_other_documents_are_not_po_labels(text):
    assert "po_number" not in _fields(text) and _fields(text) == ["other_reference"]


@pytest.mark.parametrize("text", ["Data sprzedaży", "Delivery date", "Lieferdatum", "Fecha de entrega", "Data di consegna"])
def test_other_dates_are_not_invoice_dates(text):
    assert _fields(text) == ["other_date"]


@pytest.mark.parametrize("text", ["Nota de crédito", "Nota di credito", "Factura rectificativa", "Faktura korygująca"])
def test_credit_note_titles(text):
    assert "credit_note" in _fields(text) or extract_invoice(doc_from_rows({0: text, 2: "Total 10,00 €"}), []).value(
        "document_type") == "credit_note"


def test_fold_keeps_offsets_and_folds_stroked_letters():
    assert fold_accents("zapłaty Łódź") == "zaplaty Lodz"


def test_delivery_note_number_beside_the_po_number_is_not_the_po():
    rows = {0: "Ganga Industrial Supplies Pvt. Ltd.", 2: "Invoice No.: GIS/25-26/699",
            3: [(40, "Delivery Note No."), (200, "Buyer's Order No.")], 4: [(40, "89035817"), (200, "4500010909")],
            6: "Total: Rs. 1,000.00"}
    assert extract_invoice(doc_from_rows(rows), []).value("po_number") == "4500010909"
    inline = {0: "ACME", 2: "Lieferschein-Nr.: 86458850 Bestellnummer: 4500010908", 4: "Gesamtbetrag 10,00 €"}
    assert extract_invoice(doc_from_rows(inline), []).value("po_number") == "4500010908"
    only_dn = {0: "ACME", 2: "Albarán n.º: 86458850", 4: "Total factura 10,00 €"}
    assert extract_invoice(doc_from_rows(only_dn), []).value("po_number") is None


@pytest.mark.parametrize("rows, total, net", [
    ({2: [(40, "Subtotal"), (300, "RM 10.00")], 3: [(40, "Total")], 5: [(40, "Cash Tendered"), (300, "RM 50.00")]},
     None, "10.00"),
    ({2: [(40, "Total Sales (Excluding GST)"), (300, "100.00")], 3: [(40, "GST 6%"), (300, "6.00")],
      4: [(40, "Total Amount"), (300, "106.00")], 5: [(40, "Cash"), (300, "200.00")]}, "106.00", "100.00"),
    ({2: [(40, "Base imponible"), (300, "1.000,00 €")], 3: [(40, "IVA 21 %"), (300, "210,00 €")],
      4: [(40, "Total factura"), (300, "1.210,00 €")]}, "1210.00", "1000.00"),
])
def test_subtotal_before_tax_is_net_never_total(rows, total, net):
    ex = extract_invoice(doc_from_rows({0: "Kedai Maju Sdn. Bhd.", **rows}), [])
    assert ex.value("net") == net
    assert ex.value("total") != net
    if total:
        assert ex.value("total") == total


def test_gst_split_into_cgst_and_sgst_rows_is_summed():
    rows = {0: "Ganga Industrial Supplies Pvt. Ltd.", 2: "Invoice No.: GIS/25-26/699   Dated: 4-Mar-26",
            4: [(300, "Taxable Value"), (450, "Rs. 1,01,295.68")], 5: [(300, "CGST 9%"), (450, "Rs. 9,116.61")],
            6: [(300, "SGST 9%"), (450, "Rs. 9,116.61")], 7: [(300, "Grand Total"), (450, "Rs. 1,19,528.90")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("101295.68", "18233.22", "119528.90")
    assert ex.value("invoice_date") == "2026-03-04" and ex.value("currency") == "INR"


def test_swiss_qr_bill_conventions():
    rows = {0: "Bergmann Präzision AG", 1: "MWST-Nr.: CHE-478.596.777 MWST", 2: "Rechnungsnummer: R-2026-00419",
            3: "Rechnungsdatum: 15.01.2026", 5: [(300, "Total exkl. MWST"), (450, "CHF 2'011.75")],
            6: [(300, "MWST 8.1%"), (450, "CHF 162.95")], 7: [(300, "Rechnungstotal"), (450, "CHF 2'174.70")],
            10: "Zahlteil", 11: "Konto / Zahlbar an", 12: "CH85 9039 7489 4090 3989 3"}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total"), ex.value("currency")) == ("2011.75", "162.95", "2174.70", "CHF")
    assert ex.value("vendor_vat_id") == "CHE478596777"


@pytest.mark.parametrize("lang, rows, expected", [
    ("es", {2: "Factura n.º: FV-2026/00412", 3: "Fecha de factura: 4 de marzo de 2026", 4: "Vencimiento: 3 de abril de 2026",
            5: "Albarán n.º: 81234567   Pedido n.º: 4500010777", 7: [(300, "Base imponible"), (450, "1.000,00 €")],
            8: [(300, "IVA 21 %"), (450, "210,00 €")], 9: [(300, "Total factura"), (450, "1.210,00 €")]},
     {"invoice_number": "FV-2026/00412", "invoice_date": "2026-03-04", "due_date": "2026-04-03", "po_number": "4500010777",
      "net": "1000.00", "tax": "210.00", "total": "1210.00", "currency": "EUR"}),
    ("it", {2: "Fattura n. 00243/2026 del 04/03/2026", 3: "Scadenza: 03/05/2026", 4: "DDT n. 85840535   Vs. ordine: 4500010909",
            6: [(300, "Imponibile"), (450, "EUR 1.000,00")], 7: [(300, "IVA 22%"), (450, "EUR 220,00")],
            8: [(300, "Totale documento"), (450, "EUR 1.220,00")]},
     {"invoice_number": "00243/2026", "invoice_date": "2026-03-04", "due_date": "2026-05-03", "po_number": "4500010909",
      "net": "1000.00", "tax": "220.00", "total": "1220.00"}),
    ("pt", {2: "Fatura n.º FT 2026/0378", 3: "Data de emissão: 4 de março de 2026", 4: "NIF: PT352003269",
            6: [(300, "Total ilíquido"), (450, "1 000,00 €")], 7: [(300, "IVA 23 %"), (450, "230,00 €")],
            8: [(300, "Total a pagar"), (450, "1 230,00 €")]},
     {"invoice_number": "FT 2026/0378", "invoice_date": "2026-03-04", "vendor_vat_id": "PT352003269",
      "net": "1000.00", "tax": "230.00", "total": "1230.00"}),
    ("pl", {2: "Faktura VAT nr FV/0412/2026", 3: "Data wystawienia: 4 marca 2026", 4: "Termin płatności: 18 marca 2026",
            5: "NIP: PL3774257381", 7: [(300, "Razem netto"), (450, "4 430,27 PLN")], 8: [(300, "VAT 23 %"), (450, "1 018,96 PLN")],
            9: [(300, "Do zapłaty"), (450, "5 449,23 PLN")]},
     {"invoice_number": "FV/0412/2026", "invoice_date": "2026-03-04", "due_date": "2026-03-18", "net": "4430.27",
      "tax": "1018.96", "total": "5449.23", "currency": "PLN", "vendor_vat_id": "PL3774257381"}),
])
def test_invoices_in_more_languages(lang, rows, expected):
    ex = extract_invoice(doc_from_rows({0: "Vendor S.A.", **rows}), [])
    assert {k: ex.value(k) for k in expected} == expected


def test_kr_takes_the_country_on_the_page_or_the_vendor_currency():
    rows = {0: "Nordvik AB", 1: "VAT no. SE556677889901", 3: [(300, "Summa"), (450, "1 250,00 kr")],
            4: [(300, "Att betala"), (450, "1 250,00 kr")]}
    assert extract_invoice(doc_from_rows(rows), []).value("currency") == "SEK"
    plain = {0: "Nordvik", 3: [(300, "Total"), (450, "1 250,00 kr")]}
    assert extract_invoice(doc_from_rows(plain), []).value("currency") is None
    dk = Vendor("V9", "Nordvik", currency="DKK")
    assert extract_invoice(doc_from_rows({**plain, 0: "Nordvik"}), [dk]).value("currency") == "DKK"


def test_dollar_dates_are_day_first_with_a_european_vat_id_on_the_page():
    rows = {0: "Orbital Cloud Services Ltd", 1: "VAT no. IE1234567T", 2: "Invoice date: 03/04/2026",
            4: [(300, "Total due"), (450, "$1,000.00")]}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_date") == "2026-04-03"
    us = {**rows, 1: "EIN: 12-3456789"}
    assert extract_invoice(doc_from_rows(us), []).value("invoice_date") == "2026-03-04"


@pytest.mark.parametrize("text, code", [
    ("PT352003269", "PT352003269"), ("PL3774257381", "PL3774257381"), ("CHE-478.596.777 MWST", "CHE478596777"),
])
def test_vat_ids_of_more_countries(text, code):
    assert [v for v, _, _ in find_vat_ids(text)] == [code]


def _words(text: str) -> list[Word]:
    return [Word(t, Box(0, 0, 1, 1), 1, 0.9) for t in text.split()]


@pytest.mark.parametrize("text, lang", [
    ("FATTURA Numero fattura Data fattura Scadenza Descrizione Prezzo Importo Imponibile Totale documento", "ita"),
    ("FAKTURA VAT Data wystawienia Termin platnosci Nabywca Razem netto Do zaplaty", "pol"),
    ("RECHNUNG Rechnungsnummer Rechnungsdatum Bezeichnung Menge Einzelpreis Gesamtbetrag", "deu"),
    ("FACTURA Fecha de factura Vencimiento Descripción Cantidad Precio Importe Base imponible", "spa"),
    ("Invoice No. Invoice Date Due Date Description Qty Unit price Amount Subtotal VAT Total page 1 of 2", None),
])
def test_ocr_language_guess_from_invoice_words(text, lang):
    installed = frozenset("eng deu fra spa ita nld por pol".split())
    assert guess_language(_words(text), installed) == lang


@pytest.mark.parametrize("text, lang", [
    ("RAČUN br. 125/PP1/1 Datum izdavanja Datum dospijeća Kupac Količina Cijena Iznos Osnovica PDV Ukupno za platiti", "hrv"),
    ("RAČUN št. 2026-00125 Datum izdaje Rok plačila Kupec Količina Cena Vrednost Osnova za DDV Skupaj Za plačilo", "slv"),
    ("Faktúra Dátum vyhotovenia Dátum dodania Dátum splatnosti Odberateľ Množstvo Spolu Celkom k úhrade", "slk"),
    ("Faktura daňový doklad Datum vystavení Datum splatnosti Odběratel Množství Celkem k úhradě Variabilní symbol", "ces"),
    # the eight languages read as before with the four packs installed beside them
    ("FAKTURA VAT Data wystawienia Termin platnosci Nabywca Razem netto Do zaplaty", "pol"),
    ("RECHNUNG Rechnungsnummer Rechnungsdatum Bezeichnung Menge Einzelpreis Gesamtbetrag", "deu"),
])
def test_ocr_language_guess_for_the_central_european_packs(text, lang):
    installed = frozenset("eng deu fra spa ita nld por pol ces slk hrv slv".split())
    assert guess_language(_words(text), installed) == lang


def test_the_new_packs_share_no_word_with_the_eight():
    # a word of two lexicons counts for neither: one shared with a new pack would have
    # lowered an old language's count on its own pages
    from invoicepipe.adapters.ocr_languages import _LEXICON
    old = set().union(*(_LEXICON[lang] for lang in "deu fra spa ita nld por pol".split()))
    assert not old & set().union(*(_LEXICON[lang] for lang in "ces slk hrv slv".split()))


def test_ocr_language_choice_rereads_only_when_the_first_page_is_not_english():
    installed = frozenset("eng deu ita".split())
    auto = LanguageChoice("auto", installed)
    assert auto.current == "eng"
    assert auto.after_first_page(_words("FATTURA Numero fattura Scadenza Descrizione Imponibile Totale documento")) == "ita+eng"
    assert auto.current == "ita+eng" and auto.after_first_page(_words("RECHNUNG Rechnungsnummer Bezeichnung Menge")) is None
    fixed = LanguageChoice("eng", installed)
    assert fixed.after_first_page(_words("FATTURA Numero fattura Scadenza Descrizione Imponibile")) is None
    assert fixed.current == "eng"
    missing = LanguageChoice("auto", frozenset({"eng"}))
    assert missing.after_first_page(_words("FATTURA Numero fattura Scadenza Descrizione Imponibile")) is None


def test_a_date_labelled_after_the_order_number_dates_the_order_not_the_invoice():
    rows = {0: "Ganga Industrial Supplies Pvt. Ltd.", 2: [(40, "Invoice No."), (200, "Dated")],
            3: [(40, "GIS/25-26/699"), (200, "4-Mar-26")], 5: [(40, "Buyer's Order No."), (200, "Dated")],
            6: [(40, "4500010909"), (200, "2-Mar-26")], 8: "Grand Total Rs. 1,000.00"}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("invoice_number"), ex.value("invoice_date"), ex.value("po_number")) == (
        "GIS/25-26/699", "2026-03-04", "4500010909")


def test_iban_group_read_with_a_dot_by_ocr_still_passes_the_checksum():
    from invoicepipe.domain.extraction.parsing import find_iban
    assert find_iban("IBAN: DE39 8770 7490 9684 5734.09 - BIC")[0] == "DE39877074909684573409"
    assert find_iban("IBAN: DE39 8770 7490 9684 5734.08") is None


@pytest.mark.parametrize("header", [
    [(40, "Descripción"), (250, "Cantidad"), (330, "Precio unit."), (450, "Importe")],
    [(40, "Descrizione"), (250, "Q.tà"), (330, "Prezzo unit."), (450, "Importo")],
    [(40, "Descrição"), (250, "Qtd."), (330, "Preço unit."), (450, "Valor")],
    [(40, "Nazwa towaru"), (250, "Ilość"), (330, "Cena netto"), (450, "Wartość netto")],
])
def test_line_items_under_headers_in_more_languages(header):
    rows = {0: "Vendor S.A.", 2: header, 3: [(40, "Tornillo M8"), (250, "10"), (330, "4,50"), (450, "45,00")],
            4: [(40, "Tuerca M8"), (250, "2"), (330, "1.000,00"), (450, "2.000,00")],
            6: [(300, "Total"), (450, "2.045,00 €")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert [(i.description, i.quantity, i.amount) for i in ex.lines] == [
        ("Tornillo M8", Decimal("10"), Decimal("45.00")), ("Tuerca M8", Decimal("2"), Decimal("2000.00"))]


@pytest.mark.parametrize("text, iban", [
    ("IBAN: IT47 TOS4 8936 0726 7911 8164 880", "IT47T0548936072679118164880"),  # O for 0, S for 5
    ("IBAN: DE89 37O4 0044 0532 0130 00", "DE89370400440532013000"),
    ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),  # letters of a bank code stay letters
])
def test_iban_with_ocr_lookalike_letters_is_repaired_when_the_checksum_agrees(text, iban):
    from invoicepipe.domain.extraction.parsing import find_iban
    assert find_iban(text)[0] == iban


def test_header_row_of_labels_is_not_one_long_invoice_number_label():
    rows = {0: "ORBITAL CLOUD SERVICES LTD", 2: [(40, "Invoice"), (120, "Invoice date"), (200, "Due date"), (280, "PO Number"),
                                              (360, "Customer No.")],
            3: [(40, "OCS-202600412"), (120, "2026-03-04"), (200, "2026-03-18"), (280, "4500010555"), (360, "51163")],
            5: [(40, "Net"), (200, "2,980.80 EUR")], 6: [(40, "Total"), (200, "2,980.80 EUR")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("po_number"), ex.value("invoice_date"), ex.value("net")) == ("4500010555", "2026-03-04", "2980.80")


@pytest.mark.parametrize("line, expected", [
    ("EIN: 13-4581352", "13-4581352"), ("NIF: B12345678", "B12345678"), ("P. IVA: 01234567890", "01234567890"),
    ("NIP: 123-456-78-90", "123-456-78-90"), ("VAT no. DE123456789", "DE123456789"),
])
def test_tax_ids_without_a_country_prefix_are_read_next_to_their_label(line, expected):
    ex = extract_invoice(doc_from_rows({0: "Vendor Ltd", 1: line, 3: "Total 10.00"}), [])
    assert ex.value("vendor_vat_id") == expected


@pytest.mark.parametrize("head, tail, expected", [
    ("Federal Tax ID: 16-", "8749370", "16-8749370"), ("NIP: 526-104-", "48-26", "526-104-48-26"),
    # the joined text is no valid id (an EIN has nine digits): the hyphen stays a line end
    ("Federal Tax ID: 16-", "874937", None),
])
def test_a_tax_id_wrapped_after_its_hyphen_is_joined_when_the_whole_is_valid(head, tail, expected):
    ex = extract_invoice(doc_from_rows({0: "Vendor Ltd", 1: head, 2: tail, 4: "Total 10.00"}), [])
    assert ex.value("vendor_vat_id") == expected


def test_a_wrapped_tax_id_is_not_joined_with_a_line_far_below():
    ex = extract_invoice(doc_from_rows({0: "Vendor Ltd", 1: "Federal Tax ID: 16-", 4: "8749370", 6: "Total 10.00"}), [])
    assert ex.value("vendor_vat_id") is None


def test_your_order_reference_is_the_po_number():
    ex = extract_invoice(doc_from_rows({0: "Thames Office Direct Ltd", 2: "Your order ref.: 4500010557", 4: "Total £10.00"}), [])
    assert ex.value("po_number") == "4500010557"


@pytest.mark.parametrize("text", ["Rechnungssumme Netto (excl. USt.)", "Summe ohne MwSt.", "Net amount excluding VAT",
                                  "Total before tax", "Total hors TVA", "Totaal exclusief btw", "Total sin IVA"])
def test_a_tax_word_that_only_qualifies_a_sum_is_no_tax_label(text):
    assert "tax" not in _fields(text)


@pytest.mark.parametrize("text", ["zzgl. 19% MwSt.", "USt. 19 %", "VAT 20%", "TVA 20 %", "IVA 21%"])
def test_tax_lines_keep_their_label(text):
    assert "tax" in _fields(text)


@pytest.mark.parametrize("text", ["Zlote 5", "Zlin 5", "Europe 5", "Palette 5"])
def test_words_that_only_look_like_currencies(text):
    assert currency_in(text) is None


def test_an_unprinted_currency_is_the_vendor_master_one_or_the_country_one_never_confidently():
    rows = {0: "Acme Ltd", 1: "Invoice no. ACM-55120", 2: "VAT GB123456789", 4: [(300, "Total"), (450, "1,210.00")]}
    by_country = extract_invoice(doc_from_rows(rows), []).fields["currency"]
    assert (by_country.value, by_country.method) == ("GBP", "country") and by_country.confidence < 0.8
    master = Vendor("V1", "Acme Ltd", tax_id="GB123456789", currency="EUR")
    by_master = extract_invoice(doc_from_rows(rows), [master]).fields["currency"]
    assert (by_master.value, by_master.method) == ("EUR", "vendor_master") and by_master.confidence < 0.8
    two_countries = {**rows, 3: "IBAN DE89370400440532013000"}
    assert extract_invoice(doc_from_rows(two_countries), []).value("currency") is None


@pytest.mark.parametrize("rows, number", [
    ({1: "Re.-Nr.: 2026-118"}, "2026-118"), ({1: "Rg.-Nr. 44512"}, "44512"), ({1: "Invoice Ref: ACM-55120"}, "ACM-55120"),
    ({1: "Fatt. n. 118/2026"}, "118/2026"), ({1: "No. de factura: A-7781"}, "A-7781"),
    ({1: "FACTURA      Serie A   Nº 2026-0412"}, "2026-0412"), ({1: "FAKTURA        nr 12/03/26/7"}, "12/03/26/7"),
    # the title names an order in between: that number is not the invoice's
    ({1: "FATTURA       Ordine n. 4471", 2: "Numero fattura: 118/2026"}, "118/2026"),
])
def test_abbreviated_and_title_number_labels(rows, number):
    ex = extract_invoice(doc_from_rows({0: "Vendor S.A.", **rows, 4: [(300, "Total"), (450, "1.210,00 €")]}), [])
    assert ex.value("invoice_number") == number


@pytest.mark.parametrize("title, word, number", [
    ("FACTUUR", "Nummer", "202600529"), ("FACTURA", "Número", "F-2026-529"), ("FACTURE", "Numéro", "F-2026-529"),
    ("RECHNUNG", "Nr.", "2026-0042"), ("FAKTURA", "Nummer", "202600529"),
])
def test_a_bare_number_word_under_a_document_title(title, word, number):
    rows = {0: "Vendor B.V.", 2: title, 3: [(40, word), (200, number)], 5: [(300, "Total"), (450, "1.210,00 €")]}
    found = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert found.value == number and found.confidence < 0.9  # one weak label: a person confirms it


def test_a_bare_number_word_elsewhere_is_no_invoice_number_label():
    no_title = {0: "Vendor B.V.", 2: "Dear customer", 3: [(40, "Nummer"), (200, "202600529")], 5: [(300, "Total"), (450, "1,00 €")]}
    assert extract_invoice(doc_from_rows(no_title), []).value("invoice_number") is None
    table = {0: "Vendor B.V.", 2: "INVOICE", 3: [(40, "No."), (200, "Description"), (400, "Qty")],
             4: [(40, "10"), (200, "Screws"), (400, "4")], 6: [(300, "Total"), (450, "1.00")]}
    assert extract_invoice(doc_from_rows(table), []).value("invoice_number") is None


@pytest.mark.parametrize("shown", [("(Fr. 84.03)", "(Fr. 6.81)", "(Fr. 90.84)"), ("(84.03 EUR)", "(6.81 EUR)", "(90.84 EUR)")])
def test_brackets_of_a_negative_amount_around_its_currency(shown):
    net, tax, total = shown
    rows = {0: "Vendor SA", 1: "Credit note no. 55", 4: [(300, "Net"), (450, net)], 5: [(300, "VAT"), (450, tax)],
            7: [(300, "Total"), (450, total)]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("-84.03", "-6.81", "-90.84")


@pytest.mark.parametrize("text, expected", [
    ("12:232.16", "12232.16"), ("Fr. 13°222.95", "13222.95"), ("1´234´567.00", "1234567.00"), ("13'222.95", "13222.95"),
])
def test_an_ocr_misread_swiss_apostrophe_still_groups_thousands(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12:23", "12:2316", "10:30.00", "12:232"])
def test_a_colon_elsewhere_is_no_group_mark(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["Avoir TTC", "Total avoir TTC", "Montant avoir TTC"])
def test_a_french_credit_notes_total_incl_tax_is_a_total_label(text):
    assert _fields(text) == ["total"]
