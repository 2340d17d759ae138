"""Captions no list holds: the document's number named in unfamiliar words, and an IBAN after
another id on its line or wrapped at the end of a footer cell."""

import pytest

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.parsing import find_iban

from .test_extraction_fields import doc_from_rows


def _number(rows: dict):
    f = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    return (f.value, f.confidence) if f is not None else None


def test_a_number_caption_no_list_holds_gives_a_value_for_a_person():
    head = {0: "Factuur", 1: "Gereedschap Twente", 3: "BTW-nummer: NL206168779B01",
            6: [(40, "GEADRESSEERDE"), (300, "Boekstuknummer: 202600887")], 7: [(300, "Opgemaakt op: 19-01-2026")]}
    value, confidence = _number(head)
    assert value == "202600887"
    assert confidence <= 0.45  # a guess at which document's number: never paid on alone
    # under its caption in a row of captions ("RECH.-NR." over "RE2026-00654")
    row = {0: "Hanse Bürobedarf Rechnung", 5: [(40, "RECHNUNG AN"), (250, "RECH.-NR."), (350, "RECHNUNGSDATUM")],
           6: [(40, "Meridian Werkstoffe GmbH"), (250, "RE2026-00654"), (350, "05.02.2026")]}
    assert _number(row)[0] == "RE2026-00654"


def test_two_unknown_captions_and_no_document_word_give_nothing():
    rows = {0: "Factuur", 6: [(300, "Volgnummer: 202600887")], 7: [(300, "Dossiernummer: 778812")]}
    assert _number(rows) is None
    # the document word's stem tells them apart ("Dok." is the document's, "Debitoriaus" not)
    rows = {0: "Sąskaita faktūra", 6: [(300, "Dok. Nr. KNM 000368")], 7: [(300, "Debitoriaus Nr. 92639")]}
    assert _number(rows)[0] == "KNM 000368"


def test_a_known_caption_is_its_own_fields():
    # "Kundennummer" is the vocabulary's customer number: no unknown caption, no invoice number
    assert _number({0: "Rechnung", 6: [(300, "Kundennummer: 87655")]}) is None


def test_an_iban_after_another_id_on_its_line():
    # the run of groups starts at the VAT id; the IBAN starts further right
    assert find_iban("Nr VAT UE PL2975273632 Konto PL42 2199 5295 0082 6247 3958 7326")[0] == "PL42219952950082624739587326"


def test_an_iban_wrapped_at_the_end_of_its_footer_cell():
    rows = {20: [(40, "42 avenue Jean Jaurès"), (216, "IBAN / RIB: FR76 8442 8447 9666 3283"), (420, "Pénalités de retard")],
            21: [(40, "69007 Lyon"), (216, "5186 616"), (420, "légal.")]}
    assert extract_invoice(doc_from_rows(rows), []).value("iban") == "FR7684428447966632835186616"
    # an earlier cell that starts like an IBAN (a Dutch VAT id) does not stop the search
    rows = {20: [(40, "BTW-nummer NL522382046B01"), (250, "IBAN NL39 KHPQ")], 21: [(250, "0848 5364 79")]}
    assert extract_invoice(doc_from_rows(rows), []).value("iban") == "NL39KHPQ0848536479"


def test_a_credit_notes_title_and_a_number_word_caption_its_own_number():
    # "NOTE DE CRÉDIT N°" over its number, "Rechnungskorrektur-Nr.:": as "Invoice No." does
    rows = {0: [(40, "VISSERIE DU RHÔNE"), (300, "NOTE DE CRÉDIT N°")], 1: [(300, "F2026-00665")],
            5: "Avoir sur facture F2026-00660"}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_number") == "F2026-00665" and ex.fields["invoice_number"].confidence >= 0.8  # was half a title's
    rows = {0: "Rechnungskorrektur", 3: "Rechnungskorrektur-Nr.: RE2026-00660", 9: "Gutschrift zu Rechnung RE2026-00655"}
    assert extract_invoice(doc_from_rows(rows), []).value("invoice_number") == "RE2026-00660"


def test_the_german_abbreviation_and_a_number_word_before_the_document():
    assert _number({0: "Rechnung", 5: "Rech.-Nr.: RE2026-00664"})[0] == "RE2026-00664"
    assert _number({0: "Fatura", 5: [(40, "CLIENTE"), (300, "Nº doc.: FT A2026/598")]})[0] == "FT A2026/598"


def test_a_bare_date_beside_the_number_is_not_lifted_where_the_row_names_the_issue_date():
    rows = {5: [(40, "Facture No"), (120, "Date facture"), (220, "Date d'exécution"), (340, "N° commande client")],
            6: [(40, "F2026-00671"), (120, "19 mars 2026"), (220, "9 mars 2026"), (340, "4500010268")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("invoice_date") == "2026-03-19" and "contested" not in ex.fields["invoice_date"].evidence


def test_abbreviated_issue_date_captions():
    date = extract_invoice(doc_from_rows({0: "INVOICE", 3: "Inv. Date: 07/01/2026", 4: "date delivered: 01/01/2026"}),
                           []).fields["invoice_date"]
    assert date.value == "2026-01-07" and "contested" not in date.evidence  # not one "Date" against another
    rows = {5: [(40, "FATTURA N°"), (120, "Data doc."), (220, "Ordine d'acquisto")],
            6: [(40, "520/2026"), (120, "18/01/2026"), (220, "4500010162")]}
    assert "qualified" not in extract_invoice(doc_from_rows(rows), []).fields["invoice_date"].evidence


@pytest.mark.parametrize("caption", ["Data del documento", "Data wyst.", "Väljastatud:", "Izrakstīts:"])
def test_issue_date_captions_of_the_further_wordings(caption):
    # "Data del documento" (it), the abbreviated "Data wyst." (pl), "issued" (et, lv): the date of
    # issue, beside a date of delivery in words no list holds
    rows = {0: "INVOICE", 3: f"{caption} 07.01.2026", 4: "Xyz leveringsdato 01.01.2026"}
    date = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert date.value == "2026-01-07" and date.method.startswith("label") and date.confidence >= 0.8


def test_a_number_caption_followed_by_iban_names_the_bank_account():
    # Lithuanian "sąskaita" is the invoice and the bank account: "Sąskaitos Nr. (IBAN)" is the
    # account's caption, and its digits were approved as the invoice number
    rows = {0: "Sąskaita faktūra", 5: [(40, "Dok. Nr.:"), (140, "Sąsk. data:")], 6: [(40, "KNM 000793"), (140, "2026-01-29")],
            30: [(40, "Įmonės kodas 301682703"), (300, "Sąskaitos Nr. (IBAN): LT02 1600 0732 6106")], 31: [(300, "5826")]}
    ex = extract_invoice(doc_from_rows(rows), [])
    assert ex.value("iban") == "LT021600073261065826"
    assert ex.value("invoice_number") == "KNM 000793"  # "Dok. Nr.", the document's, not the account's digits


@pytest.mark.parametrize("caption", ["CREDIT NOTE REF:", "DOC. N.º:", "Dok. Nr.:"])
def test_the_title_with_ref_and_the_cut_document_word_caption_the_number(caption):
    rows = {0: "Pennine Office Supplies", 5: [(40, caption), (160, "INV. DATE:"), (260, "INVOICE ADDRESS")],
            6: [(40, "POS000313"), (160, "31/01/2026"), (260, "Meridian UK Ltd")]}
    f = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert f.value == "POS000313" and f.method == "label_below" and f.confidence > 0.45  # a label, no unknown caption


def test_abono_with_its_number_titles_a_credit_note():
    assert extract_invoice(doc_from_rows({0: "ABONO Nº A-2026/00184"}), []).value("document_type") == "credit_note"
    # alone it is a payment
    assert extract_invoice(doc_from_rows({0: "FACTURA Nº A-2026/00184", 9: "Forma de pago: abono en cuenta"}),
                           []).value("document_type") == "invoice"


def test_serija_nr_captions_a_lithuanian_invoices_series_and_number():
    # "Serija Nr." as "Serija ir Nr.": the series code and the number under it are the invoice's
    rows = {0: "PVM SĄSKAITA FAKTŪRA", 5: [(40, "SERIJA NR."), (160, "SĄSKAITOS DATA")],
            6: [(40, "KNM 000748"), (160, "2026.01.30")]}
    f = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert f.value == "KNM 000748" and f.method == "label_below" and f.confidence >= 0.7


def test_a_caption_naming_another_party_or_paper_is_no_guess_at_the_number():
    # with the other languages' labels removed, "Klient nr", "Tel.", "Org.nr." and an address's
    # "calle F nº" are captions no list holds; each names another number than the document's, so
    # the one caption left is the guess, and alone none of them is one
    from invoicepipe.domain.extraction.labels import keep_label_languages

    try:
        keep_label_languages(frozenset({"en"}))
        others = {0: "Faktura VAT", 2: "Polígono Malpica, calle F nº 12", 3: "Telefono +37 15 459880",
                  4: "Org.nr. 921 504 470 MVA", 6: [(300, "Klient nr: 62731")]}
        assert _number(others) is None
        assert _number({**others, 7: [(300, "Zxqvnummer: 202600887")]})[0] == "202600887"
        # a word's own ending "no" closes no caption ("interno"), a document word's does
        assert _number({0: "Faktura", 6: [(300, "Codice interno SO463304")]}) is None
        assert _number({0: "Factura", 6: [(300, "Nº de abono: A-2026/00776")]})[0] == "A-2026/00776"
        # a number word the cell's words go on after says whose number it is, in words unread
        assert _number({0: "Factura", 6: [(300, "Número de cliente")], 7: [(300, "15599")]}) is None
    finally:
        keep_label_languages(None)


def test_a_number_caption_over_an_items_column_heads_the_articles():
    # "Pos. Art.-Nr." on the items' head: the code under it is an article's, not the document's
    from invoicepipe.domain.extraction.labels import keep_label_languages

    try:
        keep_label_languages(frozenset({"en"}))
        rows = {0: "Rechnung", 8: [(40, "Pos. Art.-Nr."), (200, "Bezeichnung"), (380, "Menge"), (430, "E-Preis"), (500, "Betrag")],
                9: [(40, "1 ISO-1003"), (200, "Sechskantschraube M6"), (380, "10"), (430, "2,50"), (500, "25,00")]}
        found = _number(rows)
        assert found is None or found[0] != "ISO-1003", found
    finally:
        keep_label_languages(None)


def test_the_number_the_page_dates_outweighs_a_lone_captions_value():
    # one caption no list holds and no word of which names the document ("Zxqv nr.:") leads to
    # "K-55123"; the one identifier the page's year dates is another: the dated one is the guess
    rows = {0: "Zxqvirt Plorb", 3: [(300, "Plorbix: ZX-2026-00354")], 4: [(300, "Datum: 14.01.2026")],
            6: [(300, "Zxqv nr.: K-55123")], 9: "Total 296,24 EUR"}
    assert _number(rows)[0] == "ZX-2026-00354"
    # without a dated identifier the lone caption's value is the guess, as before
    rows[3] = [(300, "Plorbix: ZX-00354")]
    assert _number(rows)[0] == "K-55123"


def test_a_delivery_notes_number_dated_by_the_page_is_no_guess_at_the_invoices():
    # with the other languages' labels removed, "Otpremnica" (a delivery note) is a caption no
    # list holds; the number it captions carries the page's year as an invoice's would
    from invoicepipe.domain.extraction.labels import keep_label_languages

    def rows(*delivery):
        return {0: "UREDSKA OPREMA SAVA", 3: [(300, "Datum izdavanja: 23.3.2026.")], **dict(delivery),
                9: "Ukupno 6,40 EUR"}

    try:
        keep_label_languages(frozenset({"en"}))
        assert _number(rows((5, [(300, "OTP-7208/2026")])))[0] == "OTP-7208/2026"  # uncaptioned: the guess
        for captioned in (rows((5, [(300, "Otpremnica: OTP-7208/2026")])),
                          rows((5, [(300, "Otpremnica")]), (6, [(300, "OTP-7208/2026")]))):
            found = _number(captioned)
            assert found is None or found[0] != "OTP-7208/2026", found
    finally:
        keep_label_languages(None)


# a Lithuanian credit note's first page down to its footer, each word where it stands: "top
# bottom word@x0-x1 ..." a line
CREDIT_NOTE_LT = [
    "39.5 56.5 Kreditinė@309.1-391.2 sąskaita@397.1-471.1",
    "83.5 94.0 Kanceliarija@36.8-99.5 Nemunas@102.7-152.3",
    "105.9 114.5 Savanorių@36.8-75.5 pr.@78.0-87.7 180@90.2-104.9",
    "116.4 125.0 LT-44150@36.8-71.2 Kaunas@73.6-101.8",
    "126.9 135.5 Lietuva@36.8-65.2",
    "137.4 146.0 Tel.@36.8-49.4 +370@51.8-73.0 191@75.5-90.2 8642@92.7-112.4 ·@114.8-117.3 info@kanceliarijanemu.lt@119.7-215.8",
    "147.9 156.5 Įmonės@36.8-65.0 kodas@67.4-90.0 301990072@92.4-136.7 ·@139.1-141.6 PVM@144.0-160.7 Nr.@163.1-173.7 LT174660716@176.2-228.3",
    "172.4 179.4 KAM@36.8-50.5",
    "180.9 189.5 UAB@36.8-53.0 Meridian@55.4-88.9 Baltic@91.3-112.9",
    "191.4 200.0 Buhalterija@36.8-78.7",
    "201.9 210.5 Konstitucijos@36.8-85.4 pr.@87.9-97.6 21@100.1-109.9",
    "212.4 221.0 LT-08130@36.8-71.2 Vilnius@73.6-99.0",
    "222.9 231.5 Lietuva@36.8-65.2",
    "233.4 242.0 PVM@36.8-53.4 Nr.@55.8-66.4 LT246749817@68.9-121.0",
    "261.6 268.6 KREDITINĖS@43.2-80.7 SĄSKAITOS@82.7-118.0 NR.@120.0-130.8 Sąsk.@245.8-262.6 data@264.6-278.8 Pristatymo@360.3-394.1 d.@396.1-402.1 Užsakė@474.7-497.3",
    "276.9 285.5 KNM@43.2-60.7 000374@63.1-92.6 2026.02.22@245.8-290.1 2026.02.21@360.3-404.5 AP-Team@474.7-506.8",
    "309.0 316.8 Eil.@50.3-62.5 Nr.@65.0-75.8 Kodas@84.3-108.4 Pavadinimas@142.2-192.2 Kiekis@344.4-368.3 Kaina@391.9-414.2 (EUR)@416.6-438.9 PVM@457.1-474.6 %@477.0-484.1 Suma@507.7-529.8 (EUR)@532.2-554.5",
    "324.9 333.5 1@70.9-75.8 KNY-1017@84.3-121.3 Specializuota@142.2-193.7 knyga:@196.1-222.3 Viešieji@224.8-252.0 pirkimai@254.5-285.7 -2@360.6-368.3 34,68@416.8-438.9 9%@471.8-484.1 -69,36@529.6-554.5",
    "351.9 360.5 Viso@351.3-367.3 be@369.8-379.5 PVM@381.9-398.5 -69,36@533.8-558.7",
    "366.2 374.8 Pridėtinės@351.3-389.7 vertės@392.1-416.5 mokestis@418.9-453.3 9%@455.8-468.0 -6,24@538.8-558.7",
    "380.1 390.1 Viso@351.3-372.7 mokėti@375.9-410.9 -75,60@526.6-558.7",
    "397.7 406.3 Kreditinė@36.8-71.4 sąskaita@73.9-105.7 sąskaitai@108.1-142.0 Nr.@144.5-155.1 KNM@157.5-175.1 000369@177.5-207.0",
]


def _placed(lines):
    from invoicepipe.domain.models import Box, DocumentText, Page, Word

    words = []
    for line in lines:
        top, bottom, *placed = line.split(" ")
        for item in placed:
            text, span = item.rsplit("@", 1)
            x0, x1 = span.split("-")
            words.append(Word(text, Box(float(x0), float(top), float(x1), float(bottom)), 1, 1.0))
    return DocumentText((Page(1, 595, 842, tuple(words), "pdf_text"),), None, "test")


def test_a_caption_naming_the_document_competes_with_a_label_reaching_past_words():
    # English labels only: the credit note's word reaches the credited invoice's number past
    # "sąskaitai Nr." in the footer ("KNM 000369"); the head's caption in unknown words that
    # name the document ("KREDITINĖS SĄSKAITOS NR.") leads to the note's own number
    from invoicepipe.domain.extraction.labels import keep_label_languages

    try:
        keep_label_languages(frozenset({"en"}))
        found = extract_invoice(_placed(CREDIT_NOTE_LT), []).fields.get("invoice_number")
        assert found is not None and found.value.endswith("000374") and found.confidence < 0.9, found
    finally:
        keep_label_languages(None)


def test_a_row_of_unknown_captions_under_their_values():
    # English labels only, a Norwegian strip: "44 | 09.01.2026 | 23.01.2026 | 37684" over
    # "Fakturanr. | Fakturadato | Forfallsdato | Kundenr.": none of the captions is a known label,
    # the row of them (no figure in it) prints each under its value
    from invoicepipe.domain.extraction.labels import keep_label_languages

    rows = {0: "Trøndelag Kontorservice", 6: [(48, "44"), (150, "09.01.2026"), (250, "23.01.2026"), (350, "37684")],
            7: [(48, "Fakturanr."), (150, "Fakturadato"), (250, "Forfallsdato"), (350, "Kundenr.")],
            10: [(48, "Varenr."), (150, "Beskrivelse"), (450, "Beløp")], 11: [(48, "PEN-1009"), (150, "Kulepenn"), (450, "135,26")]}
    try:
        keep_label_languages(frozenset({"en"}))
        value, confidence = _number(rows)
        assert value == "44" and confidence < 0.9
        rows[7] = [(48, "Fakturanr."), (150, "Fakturadato 2")]  # a figure among them: no row of captions
        # (the value over the caption is then only read back as a guess, kv-2.48: a person
        # confirms it; the row's reading, stronger, is not made)
        found = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
        assert found is None or found.value != "44" or ("value_first" in found.evidence and found.confidence <= 0.45)
    finally:
        keep_label_languages(None)


def test_a_buyer_blocks_heading_lends_no_title_stem_to_the_buyers_number():
    # English labels only: the buyer block's heading "KLIENT" in capitals reads like a title,
    # and "Klient nr: 62731" like the title's word with a number word; the word names the buyer
    from invoicepipe.domain.extraction.labels import keep_label_languages

    rows = {0: [(300, "Faktura VAT")], 1: [(300, "FV/887/02/2026")], 3: "HURTOWNIA BUDOWLANA WARTA",
            6: [(40, "KLIENT"), (300, "Data wyst.: 16.02.2026")], 7: [(40, "Meridian Polska Sp. z o.o.")],
            8: [(40, "00-838 Warszawa"), (300, "Klient nr: 62731")], 14: "Razem 1 602,03 PLN"}
    try:
        keep_label_languages(frozenset({"en"}))
        found = _number(rows)
        assert found is None or found[0] != "62731", found
    finally:
        keep_label_languages(None)


def test_a_bare_number_word_opening_a_cell_beside_another_block_captions_the_number():
    # the buyer's heading "ZAMAWIAJĄCY" a cell before "Numer | Data wystawienia" under the title:
    # the heading is no stem of a number caption, and the bare number word opening its cell in
    # a row that captions the date of issue heads the document's number
    rows = {0: [(300, "Faktura")], 3: "HURTOWNIA BUDOWLANA WARTA",
            6: [(37, "ZAMAWIAJĄCY"), (309, "Numer"), (399, "Data wystawienia")],
            7: [(37, "Meridian Polska Sp. z o.o."), (309, "FV/734/04/2026"), (399, "06.04.2026")],
            14: "Razem 1 602,03 PLN"}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "FV/734/04/2026" and number.method == "label_below" and number.confidence >= 0.5
    # the number word the second line of a caption wrapped in its box ("Zxqvbestell-" over
    # "Nummer", in words no list holds): the whole caption names some other number
    rows = {0: [(300, "Faktura")], 3: "HURTOWNIA BUDOWLANA WARTA", 5: [(37, "ZAMAWIAJĄCY"), (309, "Zxqvbestell-")],
            6: [(37, "Meridian Polska"), (309, "Numer"), (399, "Data wystawienia")],
            7: [(37, "ul. Prosta 51"), (309, "4500010705"), (399, "06.04.2026")], 14: "Razem 1 602,03 PLN"}
    number = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    assert number is None or number.value != "4500010705" or number.confidence < 0.5


def test_a_bare_number_word_s_number_dated_by_its_row():
    # "Numer" over "FV/734/04/2026", the row's date "06.04.2026" a line lower: the number
    # carries the year of the date its row captions, the invoice's own numbering
    rows = {0: [(300, "Faktura")], 3: "HURTOWNIA BUDOWLANA WARTA",
            6: [(37, "ZAMAWIAJĄCY"), (309, "Numer"), (399, "Data wystawienia")],
            7: [(37, "Meridian Polska Sp. z o.o."), (309, "FV/734/04/2026")], 7.6: [(399, "06.04.2026")],
            14: "Razem 1 602,03 PLN"}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "FV/734/04/2026" and "dated_under_number_word" in number.evidence
    # another year, or none, dates nothing
    for other in ("FV/734/04/2025", "734"):
        rows[7] = [(37, "Meridian Polska Sp. z o.o."), (309, other)]
        number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
        assert "dated_under_number_word" not in number.evidence


def test_the_number_word_before_the_credit_notes_word_is_its_label():
    # "N° avoir F2026-00112": the credit note's own number, as "Avoir N°" is
    rows = {0: [(309, "FACTURE D'AVOIR")], 6: [(37, "FACTURATION"), (309, "N° avoir"), (392, "F2026-00112")],
            14: "Total TTC 209,06 EUR"}
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert number.value == "F2026-00112" and number.confidence >= 0.9
