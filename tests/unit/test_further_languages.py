"""Finnish, Hungarian, Romanian, Estonian, Latvian, Lithuanian and Turkish invoices
(``vocabulary_further``): labels, dates written year first or with the month's name, table
headers and the leu. The invoices are written
here from each country's statutory invoice content, not taken from an evaluation set."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import dates_in
from invoicepipe.domain.extraction.labels import fold_accents, labels_in_text
from invoicepipe.domain.extraction.parsing import currency_in, parse_amount
from tests.unit.test_extraction_fields import doc_from_rows

D = Decimal

HUNGARIAN = {
    0: "Dunamenti Irodatechnika Kft.", 1: "2400 Dunaújváros, Vasmű út 12.", 2: "Adószám: 12345676-2-07",
    3: "SZÁMLA", 4: "Számla sorszáma: DIT-2026/00142", 5: "Számla kelte: 2026. 03. 04.", 6: "Teljesítés dátuma: 2026. 03. 02.",
    7: "Fizetési határidő: 2026. április 3.", 8: "Megrendelés száma: 4500012345",
    10: [(40, "Megnevezés"), (300, "Menny."), (360, "Egységár"), (450, "Nettó érték")],
    11: [(40, "Fénymásolópapír A4"), (300, "10"), (360, "2 500"), (450, "25 000")],
    12: [(40, "Toner"), (300, "2"), (360, "37 500"), (450, "75 000")],
    14: [(300, "Nettó összesen"), (450, "100 000 Ft")], 15: [(300, "ÁFA 27%"), (450, "27 000 Ft")],
    16: [(300, "Fizetendő összesen"), (450, "127 000 Ft")], 18: "Bankszámlaszám: HU42 1177 3016 1111 1018 0000 0000",
}
FINNISH = {
    0: "Pohjolan Konepaja Oy", 1: "Teollisuustie 4, 33100 Tampere", 2: "Y-tunnus 1234567-8",
    3: "LASKU", 4: "Laskun numero 20260142", 5: "Laskun päivämäärä 4.3.2026", 6: "Eräpäivä 3.4.2026",
    7: "Viitenumero 20260 14223", 8: "Tilausnumero 4500012345",
    10: [(40, "Tuote"), (300, "Määrä"), (360, "À-hinta"), (450, "Yhteensä")],
    11: [(40, "Laakeri 6204"), (300, "10"), (360, "12,50"), (450, "125,00")],
    12: [(40, "Tiiviste"), (300, "5"), (360, "15,00"), (450, "75,00")],
    14: [(300, "Veroton summa"), (450, "200,00 €")], 15: [(300, "ALV 25,5 %"), (450, "51,00 €")],
    16: [(300, "Maksettava yhteensä"), (450, "251,00 €")], 18: "Tilinumero FI21 1234 5600 0007 85",
}
ROMANIAN = {
    0: "Carpați Distribuție S.R.L.", 1: "Str. Fabricii 10, Cluj-Napoca", 2: "CUI: RO18547290",
    3: "FACTURĂ FISCALĂ", 4: "Factura nr. 2026-00142", 5: "Data emiterii 04.03.2026", 6: "Data scadenței 03.04.2026",
    7: "Comandă nr. 4500012345", 8: "Aviz de însoțire nr. 8812",
    10: [(40, "Denumire"), (300, "Cant."), (360, "Preț unitar"), (450, "Valoare")],
    11: [(40, "Hârtie A4"), (300, "10"), (360, "12,50"), (450, "125,00")],
    12: [(40, "Toner"), (300, "5"), (360, "15,00"), (450, "75,00")],
    14: [(300, "Total fără TVA"), (450, "200,00 lei")], 15: [(300, "TVA 19%"), (450, "38,00 lei")],
    16: [(300, "Total de plată"), (450, "238,00 lei")], 18: "Cont IBAN RO49 AAAA 1B31 0075 9384 0000",
}


@pytest.mark.parametrize("rows,expected,amounts", [
    (HUNGARIAN, ("DIT-2026/00142", "2026-03-04", "2026-04-03", "4500012345", "HUF", "100000.00", "27000.00", "127000.00"),
     [D("25000"), D("75000")]),
    (FINNISH, ("20260142", "2026-03-04", "2026-04-03", "4500012345", "EUR", "200.00", "51.00", "251.00"), [D("75.00"), D("125.00")]),
    (ROMANIAN, ("2026-00142", "2026-03-04", "2026-04-03", "4500012345", "RON", "200.00", "38.00", "238.00"), [D("75.00"), D("125.00")]),
])
def test_an_invoice_in_the_language_reads_whole(rows, expected, amounts):
    ex = extract_invoice(doc_from_rows(rows), [])
    names = ("invoice_number", "invoice_date", "due_date", "po_number", "currency", "net", "tax", "total")
    assert tuple(ex.value(n) for n in names) == expected
    assert sorted(line.amount for line in ex.lines) == amounts


@pytest.mark.parametrize("field,phrase", [
    ("invoice_number", "Laskun numero"), ("invoice_number", "Számla sorszáma"), ("invoice_number", "Factura fiscală nr."),
    ("invoice_date", "Laskun päivämäärä"), ("invoice_date", "Számla kelte"), ("invoice_date", "Data emiterii"),
    ("due_date", "Eräpäivä"), ("due_date", "Fizetési határidő"), ("due_date", "Data scadenței"),
    ("po_number", "Tilausnumero"), ("po_number", "Megrendelés száma"), ("po_number", "Comandă nr."),
    ("net", "Veroton summa"), ("net", "Nettó összesen"), ("net", "Total fără TVA"),
    ("total", "Maksettava yhteensä"), ("total", "Fizetendő összesen"), ("total", "Total de plată"),
    ("vendor_vat_id", "Y-tunnus"), ("vendor_vat_id", "Adószám"), ("vendor_vat_id", "Cod fiscal"),
    # the payment reference, the supply date, the delivery note: never the number, date or PO
    ("other_reference", "Viitenumero"), ("other_date", "Teljesítés dátuma"), ("other_reference", "Aviz de însoțire nr."),
    ("iban", "Bankszámlaszám"), ("credit_note", "Hyvityslasku"), ("credit_note", "Jóváíró számla"),
    # the Romanian form's date caption, and its dispatch sentence's date (no issue date)
    ("invoice_date", "Data (zi/lună/an)"), ("other_date", "la data de"),
])
def test_a_phrase_names_its_field_whole(field, phrase):
    hits = labels_in_text(fold_accents(f"{phrase} 123,45").lower())
    assert [(f, start, end) for f, _, _, start, end in hits] == [(field, 0, len(phrase))], hits


def test_an_italian_of_which_is_no_romanian_tax_id_label():
    assert [h[0] for h in labels_in_text("totale documento 1.220,00 di cui iva 220,00")] == ["total", "tax"]


@pytest.mark.parametrize("text,iso", [
    ("2026. 03. 04.", "2026-03-04"), ("2026. március 4.", "2026-03-04"), ("2026. márc. 4.", "2026-03-04"),
    ("2026. marcius 4.", "2026-03-04"), ("4. maaliskuuta 2026", "2026-03-04"), ("14. huhtikuuta 2026", "2026-04-14"),
    ("4 martie 2026", "2026-03-04"), ("15 ianuarie 2026", "2026-01-15"),
    ("Datums: 2026. gada 4. martā", "2026-03-04"), ("2026. g. 15. janvārī", "2026-01-15"),
    ("Data: 2026 m. kovo 4 d.", "2026-03-04"), ("2026 m. gruodzio 31 d.", "2026-12-31"),
    # abbreviations and names CLDR has and the table lacked (kv-2.34)
    ("9. veebr. 2026", "2026-02-09"), ("26. jaan 2026", "2026-01-26"), ("3 novembro 2026", "2026-11-03"),
    ("4 iul. 2026", "2026-07-04"), ("12. avgust 2026", "2026-08-12"), ("1. marec 2026", "2026-03-01"),
])
def test_dates_with_the_year_first_or_the_months_name(text, iso):
    assert [d.value.isoformat() for d in dates_in(text, 0, "dmy")] == [iso]


def test_a_year_then_two_numbers_without_the_closing_dot_is_no_date():
    assert dates_in("version 2026. 3. 1", 0, "dmy") == []


@pytest.mark.parametrize("text,code", [("2.249,50 TL", "TRY"), ("₺2.249,50", "TRY"), ("2 249,50 лв.", "BGN"),
                                       ("EUR1.234,56", "EUR"), ("USD1,234.56", "USD")])
def test_the_lira_the_lev_and_a_code_touching_its_amount(text, code):
    assert currency_in(text) == code


def test_a_code_touching_its_amount_is_read_off_it_and_tl_only_after_an_amount():
    assert parse_amount("EUR1.234,56") == D("1234.56") and parse_amount("₺2.249,50") == D("2249.50")
    assert currency_in("TL 500 sipariş") is None


def test_the_leu_after_an_amount_and_not_the_italian_word():
    assert currency_in("238,00 lei") == "RON"
    assert currency_in("per lei 20,00") is None


def test_a_giro_slips_bar_code_is_no_amount():
    # the Finnish bank giro's virtual bar code: 54 digits, which as money would overflow the
    # decimal arithmetic of every check after it
    code = "458316457384651990006442900000000000000000011727260122"
    assert parse_amount(code) is None
    rows = {**FINNISH, 20: "Tililtä nro", 21: code}
    assert extract_invoice(doc_from_rows(rows), []).value("total") == "251.00"


def test_the_romanian_statutory_form_series_and_numbered_columns():
    # "Seria SBX nr. 0727" is the number "SBX 0727"; the row numbering the columns under the
    # header ("0 1 2 3 4 5 6") is no item and holds no amount; each row prints its VAT
    rows = {
        0: "MATERIALE CONSTRUCȚII SOMEȘ", 1: [(40, "CIF: RO44724560"), (300, "FACTURA")], 2: [(300, "Seria SBX nr. 0727")],
        3: [(300, "Data 13.01.2026")], 4: [(300, "Data scadenței 12.02.2026")],
        6: [(40, "Nr. crt."), (90, "Denumirea"), (200, "U.M."), (235, "Cant."), (270, "Preț unitar (fără TVA)"),
            (400, "Valoarea"), (470, "Valoarea TVA")],
        7: [(40, "0"), (90, "1"), (200, "2"), (235, "3"), (290, "4"), (420, "5"), (490, "6")],
        8: [(40, "1"), (90, "Placă gips-carton"), (200, "mp"), (235, "100,00"), (290, "18,35"), (420, "1.835,00"), (490, "385,35")],
        10: [(300, "Total"), (420, "1.835,00"), (490, "385,35")],
        11: [(300, "Total de plată"), (470, "2.220,35 RON")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "SBX 0727"
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1835.00", "385.35", "2220.35")
    # a scan's "Sęria": the label is matched with its accents folded, and so is its series
    assert extract_invoice(doc_from_rows({**rows, 2: [(300, "Sęria SBX nr. 0727")]}), []).value("invoice_number") == "SBX 0727"
    assert [(line.quantity, line.unit_price, line.amount) for line in ex.lines] == [(D("100.00"), D("18.35"), D("1835.00"))]


def test_a_finnish_box_is_no_rupee():
    # "rs" (rasia, a box) after a quantity; the rupee's "Rs" is written with its capital
    assert currency_in("10 rs 12,50") is None
    assert currency_in("Rs. 450.00") == "INR"


def test_a_total_row_of_column_sums_gives_net_and_tax():
    # "Total  2.368,60  400,21" sums the net and the VAT columns (two rates, so no one rate
    # ties them); the amount payable stands on a line of its own
    rows = {
        0: "MATERIALE CONSTRUCȚII SOMEȘ", 1: "CIF: RO44724560", 2: "Factura nr. 2026-0739", 3: "Data emiterii 28.02.2026",
        5: [(40, "Denumirea"), (235, "Cant."), (290, "Preț unitar"), (400, "Valoarea"), (470, "Valoarea TVA")],
        6: [(40, "Placă gips-carton"), (235, "25,00"), (290, "18,35"), (400, "458,75"), (470, "96,34")],
        7: [(40, "Carte tehnică"), (235, "10,00"), (290, "97,20"), (400, "972,00"), (470, "106,92")],
        8: [(40, "Ciment Portland"), (235, "15,00"), (290, "62,52"), (400, "937,85"), (470, "196,95")],
        10: [(300, "Total"), (400, "2.368,60"), (470, "400,21")],
        11: [(200, "Total (col. 5 + col. 6)"), (470, "2.768,81 RON")],
    }
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("2368.60", "400.21", "2768.81")


@pytest.mark.parametrize("field,phrase", [
    ("invoice_number", "Arve nr"), ("invoice_number", "Rēķins Nr."), ("invoice_number", "PVM sąskaita faktūra Nr."),
    ("invoice_number", "Fatura No"),
    ("invoice_date", "Arve kuupäev"), ("invoice_date", "Rēķina datums"), ("invoice_date", "Sąskaitos data"),
    ("invoice_date", "Fatura Tarihi"),
    ("due_date", "Maksetähtaeg"), ("due_date", "Apmaksas termiņš"), ("due_date", "Apmokėti iki"), ("due_date", "Vade Tarihi"),
    ("net", "Summa käibemaksuta"), ("net", "Summa bez PVN"), ("net", "Suma be PVM"), ("net", "Ara Toplam"),
    ("total", "Kokku tasuda"), ("total", "Kopā apmaksai"), ("total", "Mokėtina suma"), ("total", "Genel Toplam"),
    ("vendor_vat_id", "KMKR nr"), ("vendor_vat_id", "PVN reģ. Nr."), ("vendor_vat_id", "PVM mokėtojo kodas"),
    ("vendor_vat_id", "Vergi No"),
    # delivery notes and payment references: never the number or the PO
    ("other_reference", "Viitenumber"), ("other_reference", "Pavadzīme"), ("other_reference", "Važtaraštis"),
    ("other_reference", "İrsaliye No"),
])
def test_a_baltic_or_turkish_phrase_names_its_field_whole(field, phrase):
    hits = labels_in_text(fold_accents(f"{phrase} 123,45").lower())
    assert [(f, start, end) for f, _, _, start, end in hits] == [(field, 0, len(phrase))], hits


@pytest.mark.parametrize("word", ["Kuupäev", "Datums"])
def test_a_bare_date_word_is_a_weak_label(word):
    [(field, strength, _, _, _)] = labels_in_text(fold_accents(f"{word} 04.03.2026").lower())
    assert field == "invoice_date" and strength <= 0.5


def test_a_turkish_invoice_reads_whole():
    rows = {0: "Anadolu Ambalaj San. ve Tic. A.Ş.", 1: "Vergi No 1234567890", 2: "FATURA",
            3: "Fatura No ANA2026000000142", 4: "Fatura Tarihi 4 Mart 2026", 5: "Vade Tarihi 03.04.2026",
            6: "Sipariş No 4500012345", 7: "İrsaliye No 88123",
            9: [(300, "Ara Toplam"), (450, "1.000,00 TL")], 10: [(300, "Hesaplanan KDV (%20)"), (450, "200,00 TL")],
            11: [(300, "Genel Toplam"), (450, "1.200,00 TL")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    names = ("invoice_number", "invoice_date", "due_date", "po_number", "net", "tax", "total")
    assert tuple(ex.value(n) for n in names) == ("ANA2026000000142", "2026-03-04", "2026-04-03", "4500012345", "1000.00",
                                                  "200.00", "1200.00")


def test_the_vendors_vat_id_is_the_one_it_was_resolved_by_not_the_buyers_beside_a_label():
    from invoicepipe.domain.models import Vendor

    # the vendor's "PVM mokėtojo kodas:" ends its line, the id under it; the buyer's label has
    # its id on the right, where a label's value is read first
    rows = {0: "UAB Kanceliarija Nemunas", 1: "Įmonės kodas 307318581 · PVM mokėtojo kodas:", 2: "LT434586314",
            4: "PIRKĖJAS UAB Meridian Baltic", 5: "PVM mokėtojo kodas: LT020525614",
            7: "PVM sąskaita faktūra Nr. KNM-000769", 8: "Išrašymo data 2026-01-30",
            10: [(300, "Mokėtina suma"), (450, "254,10 EUR")]}
    vendor = Vendor("V1312", "UAB Kanceliarija Nemunas", tax_id="LT434586314")
    ex = extract_invoice(doc_from_rows(rows), [vendor])
    assert ex.value("vendor_id") == "V1312" and ex.value("vendor_vat_id") == "LT434586314"


@pytest.mark.parametrize("title", ["KREDITINĖ PVM SĄSKAITA FAKTŪRA", "KREEDITARVE", "KREDĪTRĒĶINS", "İADE FATURASI"])
def test_baltic_and_turkish_credit_notes_with_positive_amounts_are_credit_notes(title):
    rows = {0: "Kanceliarija Nemunas", 2: title, 3: "Nr. KNM-000781", 4: "2026-05-05",
            10: [(300, "Total"), (450, "254,10 EUR")]}
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "credit_note"
