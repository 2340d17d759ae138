"""A day/month-ambiguous date ("03/02/2026") is read in the order the page proves or the
locale backs on two signals; read on a guess, it is held for a person (``order_guessed``).
An Australian address and ABN say the day comes first, whatever a bare "$" suggested."""

from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.domain.calibration import apply_calibration
from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows

DATE_THRESHOLD = 0.85  # policy/default.yaml: invoice_date
ITEMS = {8: [(40, "Description"), (300, "Qty"), (360, "Rate"), (450, "Amount")],
         9: [(40, "Ready-mix concrete N25"), (300, "1"), (360, "315.81"), (450, "$315.81")],
         11: [(300, "GST"), (450, "$31.58")], 12: [(300, "Total inc GST"), (450, "$347.39")]}


def _date(rows: dict):
    raw = extract_invoice(doc_from_rows({**rows, **ITEMS}), [])
    return raw.fields["invoice_date"], apply_calibration(raw, load_calibration(), "text").confidence("invoice_date")


def test_an_australian_page_writes_the_day_first():
    rows = {0: "Hunter Valley Building Supplies", 1: "14 Mitchell Drive", 2: "East Maitland NSW 2323",
            3: "ABN 69 106 186 587", 4: "Invoice Date 03/02/2026"}
    field, calibrated = _date(rows)
    assert field.value == "2026-02-03" and "order_guessed" not in field.evidence and calibrated >= DATE_THRESHOLD


def test_an_ambiguous_date_on_a_guessed_order_is_held():
    # a "$" and English labels, no address or id of any country: month first is a guess
    field, calibrated = _date({0: "Hunter Valley Building Supplies", 4: "Invoice Date 03/02/2026"})
    assert "order_guessed" in field.evidence and calibrated < DATE_THRESHOLD
    # a date the page proves the order of ("25/02/2026" beside it) is read surely
    field, calibrated = _date({0: "Hunter Valley Building Supplies", 4: "Invoice Date 03/02/2026", 5: "Due Date 25/02/2026"})
    assert field.value == "2026-02-03" and "order_guessed" not in field.evidence
    # a dotted date is written day first wherever it is written
    field, _ = _date({0: "Hunter Valley Building Supplies", 4: "Invoice Date 03.02.2026"})
    assert "order_guessed" not in field.evidence


def test_a_lone_digit_before_a_scanned_date_holds_it():
    # OCR split the day 17: "Data documento 1 7/02/2026" reads as 7 February
    rows = {0: "Utensileria Berica", 3: "Numero 228/2026", 4: "Data documento 1 7/02/2026", 5: "Scadenza 18/04/2026"}
    field = extract_invoice(doc_from_rows({**rows, **ITEMS}, confidence=0.95), []).fields["invoice_date"]
    assert "digit_before" in field.evidence and field.confidence <= 0.45
    # on a text layer the digit is printed apart: no doubt
    field = extract_invoice(doc_from_rows({**rows, **ITEMS}), []).fields["invoice_date"]
    assert "digit_before" not in field.evidence
