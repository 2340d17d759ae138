"""An invoice date nothing printed names, counted back from the read due date by the terms."""

from dataclasses import replace

from invoicepipe.domain.calibration import UNMEASURED_METHODS
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import DERIVED_ISSUE_METHOD, ExtractedField, Extraction, Vendor
from invoicepipe.domain.routing import dates_agree_with_terms

from .test_extraction_fields import doc_from_rows

_ROWS = {0: "Sauer & Brüggemann GmbH", 2: "Rechnungs-Nr. 2026000813", 3: "USt-IdNr.: DE590421521",
         8: "Rechnung",
         11: [(40, "1 Kaffee Crema"), (300, "6"), (350, "16,90"), (450, "101,40")],
         13: [(300, "Rechnungsbetrag"), (450, "101,40 €")],
         15: "Zahlbar bis 07.02.2026 ohne Abzug."}
_VENDOR = Vendor("V601", "Sauer & Brüggemann GmbH", tax_id="DE590421521", payment_terms_days=30)


def test_the_printed_term_counts_back_from_the_due_date():
    ex = extract_invoice(doc_from_rows({**_ROWS, 16: "Zahlbar innerhalb von 30 Tagen."}), [])
    field = ex.fields["invoice_date"]
    assert field.value == "2026-01-08" and field.method == DERIVED_ISSUE_METHOD and field.confidence <= 0.5


def test_the_vendors_agreed_terms_count_back_when_none_is_printed():
    assert extract_invoice(doc_from_rows(_ROWS), [_VENDOR]).value("invoice_date") == "2026-01-08"
    # no terms known, or two different terms printed: nothing derived
    assert extract_invoice(doc_from_rows(_ROWS), [replace(_VENDOR, payment_terms_days=None)]).value("invoice_date") is None
    two = {**_ROWS, 16: "Zahlbar innerhalb von 30 Tagen.", 17: "Zahlung innerhalb von 14 Tagen."}
    assert extract_invoice(doc_from_rows(two), [_VENDOR]).value("invoice_date") is None


def test_a_read_invoice_date_is_never_replaced():
    ex = extract_invoice(doc_from_rows({**_ROWS, 4: "Rechnungsdatum 09.01.2026"}), [_VENDOR])
    assert ex.value("invoice_date") == "2026-01-09"


def test_a_derived_invoice_date_keeps_its_score_and_corroborates_nothing():
    assert DERIVED_ISSUE_METHOD in UNMEASURED_METHODS  # the calibration never measured it
    fields = {"invoice_date": ExtractedField("invoice_date", "2026-01-08", 0.5, DERIVED_ISSUE_METHOD),
              "due_date": ExtractedField("due_date", "2026-02-07", 0.99, "label_right")}
    assert dates_agree_with_terms(Extraction(fields), _VENDOR) == frozenset()
