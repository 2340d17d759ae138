"""Czech and Slovak invoices (issue 9): their labels, spaced dotted dates ("8. 1. 2026") and
month names, and none of the new words taken for another field in other languages."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import amounts_on
from invoicepipe.domain.extraction.labels import find_labels
from invoicepipe.domain.extraction.layout import build_layout
from invoicepipe.domain.extraction.parsing import parse_date
from tests.unit.test_extraction_fields import doc_from_rows

CZECH = {
    0: [(40, "Strojírna Haná s.r.o."), (360, "FAKTURA – daňový doklad")],
    1: [(40, "IČO: 72277025"), (360, "Číslo faktury 202600632")],
    2: [(40, "DIČ: CZ72277025"), (360, "Datum vystavení 8. 1. 2026")],
    3: [(360, "DUZP 6. 1. 2026")],
    4: [(40, "Odběratel"), (360, "Datum splatnosti 22. 1. 2026")],
    5: [(40, "Meridian Czech s.r.o."), (360, "Objednávka č. 4500010810")],
    6: [(40, "DIČ: CZ97547271"), (360, "Variabilní symbol 202600632")],
    9: [(300, "Základ daně"), (450, "18 326,75 Kč")],
    10: [(300, "DPH 21 %"), (450, "3 848,62 Kč")],
    11: [(300, "Celkem k úhradě"), (450, "22 175,37 Kč")],
}

SLOVAK = {
    0: [(40, "Kovovýroba Žilina s.r.o."), (360, "FAKTÚRA")],
    1: [(40, "IČ DPH: SK2020345678"), (360, "Faktúra číslo 2026/0412")],
    2: [(360, "Dátum vyhotovenia 3. 2. 2026")],
    3: [(360, "Dátum dodania 2. 2. 2026")],
    4: [(360, "Dátum splatnosti 17. 2. 2026")],
    8: [(300, "Základ dane"), (450, "1 000,00 €")],
    9: [(300, "DPH 23 %"), (450, "230,00 €")],
    10: [(300, "Celkom k úhrade"), (450, "1 230,00 €")],
}


def test_a_czech_invoice_is_read_field_by_field():
    ex = extract_invoice(doc_from_rows(CZECH), [])
    assert ex.value("invoice_number") == "202600632"
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-01-08", "2026-01-22")  # not the tax point
    assert ex.value("po_number") == "4500010810"
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("18326.75", "3848.62", "22175.37")
    assert ex.value("currency") == "CZK"
    assert ex.value("vendor_vat_id") == "CZ72277025"  # the seller's DIČ, not the customer's


def test_a_slovak_invoice_is_read_field_by_field():
    ex = extract_invoice(doc_from_rows(SLOVAK), [])
    assert ex.value("invoice_number") == "2026/0412"
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-02-03", "2026-02-17")  # not the delivery date
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("1000.00", "230.00", "1230.00")


def test_a_czech_credit_note_is_one():
    rows = {**CZECH, 0: [(40, "Strojírna Haná s.r.o."), (360, "DOBROPIS")]}
    assert extract_invoice(doc_from_rows(rows), []).value("document_type") == "credit_note"


def test_spaced_dotted_dates_and_month_names():
    assert parse_date("8. 1. 2026") == (parse_date("08.01.2026")[0], False)
    assert parse_date("8.1. 2026")[0].isoformat() == "2026-01-08"
    assert parse_date("8. ledna 2026")[0].isoformat() == "2026-01-08"
    assert parse_date("3. července 2026")[0].isoformat() == "2026-07-03"  # not June ("června")
    assert parse_date("17. februára 2026")[0].isoformat() == "2026-02-17"
    # no four-digit year, or a number after it: no date
    for text in ("12. 3. 45", "Celkem 8. 1.", "1. 2. 3", "5. 1. 20266", "31. 2. 2026"):
        assert parse_date(text) is None, text


def test_a_spaced_date_is_no_amount():
    line = build_layout(doc_from_rows({0: "Datum splatnosti: 22. 1. 2026"})).lines[0]
    assert amounts_on(line, ",", 5.0) == []


def fields_of(text: str) -> list[str]:
    return [h.field for h in find_labels(build_layout(doc_from_rows({0: text})).lines[0])]


def test_the_new_words_do_not_take_other_languages_text():
    # "dic" is the Spanish and Italian December: a date, no tax-id label
    assert fields_of("Fecha 15 dic 2026") == ["invoice_date"]
    assert fields_of("Data 15 dic. 2026") == ["invoice_date"]
    assert parse_date("15 dic 2026")[0].isoformat() == "2026-12-15"
    # the Czech "DIČ" before a colon or an id is the vendor's tax-id label
    assert fields_of("DIČ: CZ72277025") == ["vendor_vat_id"] and fields_of("DIC CZ72277025") == ["vendor_vat_id"]
    # a rate column's "Sazba DPH" is no tax label; "DPH 21 %" is
    assert fields_of("Sazba DPH") == [] and fields_of("DPH 21 % 3 848,62") == ["tax"]
    # the company number and the payment symbols end a label's value: they are other references
    assert fields_of("IČO: 72277025") == ["other_reference"]
    assert fields_of("Variabilní symbol 202600632") == ["other_reference"]
