"""A bare date word qualified by a word the vocabulary does not know (the Albanian "Data e
dorëzimit", of delivery) names a date of something: the date is held for a person, never called sure
(``extraction/qualified_dates``)."""

import pytest

from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.domain.calibration import apply_calibration
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.extract import CONTESTED_DATE_CONFIDENCE
from tests.unit.test_extraction_fields import doc_from_rows

# the invoice date's routing threshold in policy/default.yaml
DATE_THRESHOLD = 0.85
BASE = {0: "Tvrtka d.o.o.", 1: "Ilica 1, 10000 Zagreb", 3: "RAČUN br. 123/2026",
        9: [(40, "Opis"), (300, "Kol."), (360, "Cijena"), (450, "Iznos")],
        10: [(40, "Papir A4"), (300, "10"), (360, "4,50"), (450, "45,00")],
        12: [(300, "Osnovica"), (450, "45,00")], 13: [(300, "PDV 25 %"), (450, "11,25")], 14: [(300, "Ukupno EUR"), (450, "56,25")]}


def _date(rows: dict):
    raw = extract_invoice(doc_from_rows({**BASE, **rows}), [])
    return raw.fields["invoice_date"], apply_calibration(raw, load_calibration(), "text").confidence("invoice_date")


@pytest.mark.parametrize("rows", [
    # the delivery date under a bare date word and a word no language of the vocabulary has;
    # the date of issue under a label it does not know either
    # (Croatian, which these rows were written in first, is now in the vocabulary)
    {4: "Data e dorëzimit: 10.03.2026", 5: "Lëshuar: 14.03.2026", 6: "Afati i pagesës: 13.04.2026"},
    {4: "Data e dorëzimit 10.03.2026"},
    # the qualified label over its value, the issue date's cell beside it
    {4: [(40, "Data e dorëzimit"), (300, "Lëshuar në Tiranë")], 5: [(40, "10.03.2026"), (300, "14.03.2026")]},
])
def test_a_date_of_something_unread_is_held(rows):
    field, calibrated = _date(rows)
    assert field.value == "2026-03-10"  # offered to the person, who sees it is the delivery date
    assert "qualified" in field.evidence
    assert field.confidence <= CONTESTED_DATE_CONFIDENCE and calibrated < DATE_THRESHOLD


@pytest.mark.parametrize("line", [
    "Datum: 14.03.2026", "Date/Time: 14.03.2026 10:32", "Date (dd/mm/yyyy): 14.03.2026", "Datum: Montag, 14.03.2026",
    "Datum und Uhrzeit: 14.03.2026 10:32", "Date of 14.03.2026",
])
def test_a_bare_date_word_with_a_time_a_format_hint_or_a_weekday_stays_sure(line):
    field, calibrated = _date({4: line})
    assert field.value == "2026-03-14" and "qualified" not in field.evidence
    assert calibrated >= DATE_THRESHOLD


@pytest.mark.parametrize("rows", [
    # the invoice's own word after the bare date word, beside a shipping date, in a header strip
    {4: [(40, "Credit Note#"), (150, "Date Invoiced"), (260, "Ship Date")], 5: [(40, "000487"), (150, "14/03/2026"), (260, "10/03/2026")]},
    # in a language the vocabulary does not hold, inflected: "Data e faturës" (Albanian, of the
    # invoice), beside the date of delivery
    {4: "Data e faturës: 14.03.2026", 5: "Data e dorëzimit: 10.03.2026"},
    # the invoice's word abbreviated ("DATA FATT."), beside the date of delivery
    {4: "DATA FATT.: 14 marzo 2026", 5: "DATA CONSEGNA: 10 marzo 2026"},
    # "Date Raised": the day the invoice was raised, issued
    {4: "Date Raised: 14 March 2026", 5: "Delivery Date: 10 March 2026"},
])
def test_a_date_word_qualified_by_the_invoices_word_is_the_date_of_issue(rows):
    field, calibrated = _date(rows)
    assert field.value == "2026-03-14" and "qualified" not in field.evidence and "contested" not in field.evidence
    assert calibrated >= DATE_THRESHOLD


def test_the_invoices_word_with_another_qualifier_still_holds():
    # "Data e faturës së dorëzimit" (Albanian, of the invoice's delivery): the invoice's word
    # does not say which of its dates
    field, calibrated = _date({4: "Data e faturës së dorëzimit: 10.03.2026"})
    assert "qualified" in field.evidence and calibrated < DATE_THRESHOLD


def test_a_date_word_qualified_before_it_is_another_dates_and_contests_no_bare_one():
    # Estonian puts the qualifier first: "Kauba üleandmise kuupäev" (goods handed over)
    field, calibrated = _date({4: [(300, "Kuupäev / Date: 18.02.2026")], 5: "Kauba üleandmise kuupäev: 11.02.2026"})
    assert field.value == "2026-02-18" and "contested" not in field.evidence and calibrated >= DATE_THRESHOLD
    # a date word's words before it qualify it only against a bare one: "TAX DATE" alone
    field, calibrated = _date({4: "TAX DATE : 22-Jan-2026"})
    assert field.value == "2026-01-22" and "qualified" not in field.evidence


def test_a_bilingual_date_caption_in_a_strip_is_no_qualified_date():
    # "Data / Date" over its value beside other captions: the second word is the first's
    # translation, and "Kontaktas" over "K. Petraitis" is the next caption, not a qualifier
    field, calibrated = _date({4: [(40, "Sąskaitos Nr."), (310, "Data / Date"), (438, "Kontaktas")],
                               5: [(40, "KNM 000754"), (310, "2026-03-14"), (438, "K. Petraitis")]})
    assert field.value == "2026-03-14" and "qualified" not in field.evidence and calibrated >= DATE_THRESHOLD


def test_the_invoices_date_beside_another_events_in_a_strip_is_uncontested():
    # "Data fatt." (the invoice's word, abbreviated) beside "DATA SPEDIZIONE" (shipped), both
    # over their values right of the number: the qualified one is another event's date
    field, calibrated = _date({4: [(40, "Fattura numero"), (150, "Data fatt."), (260, "DATA SPEDIZIONE")],
                               5: [(40, "838/2026"), (150, "17 marzo 2026"), (260, "16 marzo 2026")]})
    assert field.value == "2026-03-17" and "contested" not in field.evidence and calibrated >= DATE_THRESHOLD


def test_a_date_of_something_unread_gives_way_to_the_pages_own_reading():
    # "Data e dorëzimit" (of delivery) under the head's row of number and date: the bare word's
    # date is some other event's, so the row's date is offered (held: no caption names it)
    field, calibrated = _date({4: [(40, "Nr. 123/2026"), (300, "14.03.2026")], 6: "Data e dorëzimit: 10.03.2026"})
    assert field.value == "2026-03-14" and "qualified" not in field.evidence and calibrated < DATE_THRESHOLD


def test_a_date_caption_wrapped_in_its_box_is_read_whole():
    # a row of boxes: "DATA" over "FATURA:" (the invoice's) beside "DATA DE" over
    # "FORNECIMENTO:" (of supply), the number's caption set between the two lines
    rows = {4: [(40, "Nº"), (150, "DATA"), (260, "DATA DE"), (380, "VENCIMENTO")],
            4.6: [(40, "FATURA:")],
            5.2: [(150, "FATURA:"), (260, "FORNECIMENTO:"), (380, "EM:")],
            6.5: [(40, "FT A2026/831"), (150, "27/04/2026"), (260, "17/04/2026"), (380, "27/05/2026")]}
    field, calibrated = _date(rows)
    assert field.value == "2026-04-27" and "contested" not in field.evidence and calibrated >= DATE_THRESHOLD
    # its second line alone names another event: the date is held
    rows = {4: [(40, "Nº FATURA:"), (260, "DATA")], 4.6: [(40, "FT A2026/831")], 5.2: [(260, "FORNECIMENTO:")],
            6.5: [(260, "17/04/2026")]}
    field, calibrated = _date(rows)
    assert "qualified" in field.evidence and calibrated < DATE_THRESHOLD
    # a second line that makes the whole a date-of-issue caption ("Fecha de" over "emisión") names it
    rows = {4: [(40, "Nº de"), (150, "Fecha de"), (260, "Vencimiento")], 5: [(40, "factura"), (150, "emisión")],
            6: [(40, "NC B/628"), (150, "13/02/2026"), (260, "15/03/2026")]}
    field, calibrated = _date(rows)
    assert field.value == "2026-02-13" and "qualified" not in field.evidence and calibrated >= DATE_THRESHOLD


def test_the_invoices_word_before_a_bare_date_word_names_the_date_of_issue():
    # "RĒĶ. DATUMS" (the invoice's date, the qualifier first), its value a cell away, beside
    # the delivery note's caption under it: as strong a caption as "Inv. Date"
    field, calibrated = _date({4: [(40, "RĒĶ. DATUMS"), (170, "17.03.2026.")],
                               5: [(40, "PAVADZĪME / DELIVERY NOTE"), (170, "LS-31473")]})
    assert field.value == "2026-03-17" and "document_dated" in field.evidence and calibrated >= DATE_THRESHOLD


def test_the_invoices_date_caption_beside_the_numbers_is_confirmed_by_it():
    # "Rēķina Nr. | Rēķ. datums" over the number and the date: both say the same date
    field, calibrated = _date({4: [(40, "PIRCĒJS"), (300, "RĒĶINA NR."), (400, "Rēķ. datums"), (480, "Apmaksas termiņš")],
                               5: [(40, "Meridian Latvia SIA"), (300, "BPD-00765"), (400, "27.01.2026"), (480, "26.02.2026")]})
    assert field.value == "2026-01-27" and {"document_dated", "beside_invoice_number"} <= set(field.evidence)
