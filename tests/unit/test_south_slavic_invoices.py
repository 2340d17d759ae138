"""Croatian (with Serbian and Bosnian) and Slovenian invoices read by their own words
(``extraction/vocabulary_south_slavic``), and the Croatian October that Polish calls November."""

import pytest

from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.domain.calibration import apply_calibration
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.parsing import parse_date
from tests.unit.test_extraction_fields import doc_from_rows

CROATIAN = {
    0: "Uredska oprema Sava d.o.o.", 1: "Savska cesta 41, 10000 Zagreb   OIB: 33392005961",
    3: "R-1 RAČUN br. 125/PP1/1",
    4: "Datum isporuke: 10.03.2026.", 5: "Datum i vrijeme izdavanja: 14.03.2026. 10:32",
    6: "Datum dospijeća: 13.04.2026.", 7: "Otpremnica br.: 88/2026   Narudžbenica br.: NAR-7781",
    9: [(40, "Opis"), (300, "Kol."), (360, "Cijena"), (450, "Iznos")],
    10: [(40, "Papir A4"), (300, "10"), (360, "4,50"), (450, "45,00")],
    11: [(40, "Toner"), (300, "2"), (360, "1.000,00"), (450, "2.000,00")],
    13: [(300, "Osnovica"), (450, "2.045,00")], 14: [(300, "PDV 25 %"), (450, "511,25")],
    15: [(300, "Ukupno za platiti EUR"), (450, "2.556,25")],
    17: "Žiro račun: HR12 1001 0051 8630 0016 0   Poziv na broj: HR00 125-1-1",
    18: "JIR: 6e0f2c1a-4b7d-4c11-9a3e-1f2d3c4b5a69",
}
SLOVENIAN = {
    0: "Pisarna Ljubljana d.o.o.", 1: "Dunajska cesta 5, 1000 Ljubljana   ID za DDV: SI12345679",
    3: "RAČUN št. 2026-00125",
    4: "Datum opravljene storitve: 10.03.2026", 5: "Datum izdaje: 14.03.2026", 6: "Rok plačila: 13.04.2026",
    7: "Dobavnica št. 77   Naročilnica št. 4500012345",
    9: [(40, "Opis"), (300, "Količina"), (360, "Cena"), (450, "Znesek")],
    10: [(40, "Papir A4"), (300, "10"), (360, "4,50"), (450, "45,00")],
    11: [(40, "Toner"), (300, "2"), (360, "1.000,00"), (450, "2.000,00")],
    13: [(300, "Osnova za DDV"), (450, "2.045,00")], 14: [(300, "DDV 22 %"), (450, "449,90")],
    15: [(300, "Za plačilo EUR"), (450, "2.494,90")],
    17: "TRR: SI56 0201 0001 2345 678   Sklic: SI00 2026-00125",
}


@pytest.mark.parametrize("rows, number, net, tax, total, po", [
    (CROATIAN, "125/PP1/1", "2045.00", "511.25", "2556.25", "NAR-7781"),
    (SLOVENIAN, "2026-00125", "2045.00", "449.90", "2494.90", "4500012345"),
])
def test_the_fields_are_read_by_their_own_words(rows, number, net, tax, total, po):
    ext = extract_invoice(doc_from_rows(rows), [])
    values = {name: f.value for name, f in ext.fields.items()}
    assert values["invoice_number"] == number
    assert values["invoice_date"] == "2026-03-14"  # not the date of delivery or service above it
    assert values["due_date"] == "2026-04-13"
    assert (values["net"], values["tax"], values["total"]) == (net, tax, total)
    assert values.get("po_number") == po  # not the delivery note's number beside it
    calibrated = apply_calibration(ext, load_calibration(), "text")
    assert calibrated.confidence("invoice_number") >= 0.9 and calibrated.confidence("invoice_date") >= 0.85


def test_the_bank_account_and_the_payment_reference_are_no_invoice_number():
    rows = {k: v for k, v in CROATIAN.items() if k != 3}
    ext = extract_invoice(doc_from_rows(rows), [])
    number = ext.fields.get("invoice_number")
    assert number is None or number.value not in ("HR1210010051863000160", "HR00", "125-1-1")


@pytest.mark.parametrize("text, when", [
    ("15. ožujka 2026.", "2026-03-15"), ("5. srpnja 2026.", "2026-07-05"), ("1. studenoga 2026.", "2026-11-01"),
    ("3. marta 2026.", "2026-03-03"), ("15. januarja 2026", "2026-01-15"), ("20. oktobra 2026.", "2026-10-20"),
])
def test_south_slavic_month_names(text, when):
    assert parse_date(text)[0].isoformat() == when


def test_a_croatian_october_is_no_sure_november():
    # "15. listopada 2026." is 15 October in Croatian, 15 November in Polish: the dotted
    # day marks the Croatian ordinal, and the reading is held as unsure
    assert parse_date("15. listopada 2026.") == (parse_date("15 listopada 2026 r.")[0], True)
    assert parse_date("15 listopada 2026 r.")[1] is False  # the Polish date stays sure


@pytest.mark.parametrize("below_x, joined", [(40, True), (70, False)])
def test_a_number_wrapped_at_its_separator_in_a_narrow_cell_is_read_whole(below_x, joined):
    # "2026-" over "00243" left-aligned in its cell (number_prefix.number_below_separator);
    # a word further right on the next line is no continuation
    rows = {k: v for k, v in SLOVENIAN.items() if k not in (3, 5)}
    rows[3] = [(40, "Št. računa"), (200, "Datum izdaje")]
    rows[4] = [(40, "2026-"), (200, "14.03.2026")]
    rows[5] = [(below_x, "00243")]
    number = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert (number.value == "2026-00243") is joined
    if not joined:
        assert "separator_end" in number.evidence
