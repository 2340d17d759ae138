"""A date of issue whose year no other date on the page comes near is held for a person
(``extract._year_apart``): "26-01-31" read as 26 January 2031 on a page whose fax header and
due date are of 2026 (a two-digit year misordered, a century lost to OCR, a misread digit)."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

THRESHOLD = 0.85  # policy/default.yaml: invoice_date


def _date(rows):
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    return field.value, field.confidence, field.evidence


def test_a_date_of_issue_years_from_every_other_date_is_held():
    rows = {0: "2026-02-01 07:10   Elektro-Hurt Wisła   P.1/1", 1: "Faktura nr FS 297/2026",
            2: "Invoice date: 26.01.2031", 3: "Due date: 2026-02-21", 5: "Total 120,00 PLN"}
    value, conf, evidence = _date(rows)
    assert value == "2031-01-26" and "year_apart" in evidence and conf < THRESHOLD


def test_dates_near_it_or_a_lone_old_date_leave_it_alone():
    near = {0: "Faktura nr FS 297/2026", 1: "Invoice date: 31.01.2026", 2: "Delivery date: 2026-01-29",
            3: "Due date: 2026-02-21", 5: "Total 120,00 PLN"}
    assert "year_apart" not in _date(near)[2]
    since = {0: "Elektro-Hurt Wisła, since 01.01.1998", 1: "Faktura nr FS 297/2026", 2: "Invoice date: 31.01.2026",
             5: "Total 120,00 PLN"}
    assert "year_apart" not in _date(since)[2]
