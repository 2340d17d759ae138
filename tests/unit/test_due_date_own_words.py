"""One printed date is one field's: the words the invoice date took are never also the due
date (a photographed header row whose labels sit askew over their values)."""
from invoicepipe.domain.calibration import CalibrationMap, CalibrationTable, apply_calibration
from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _rows(due_value: bool) -> dict:
    rows = {0: "Calder Valley Fasteners Ltd", 2: "Invoice no. CVF000082",
            4: [(40, "Invoice date"), (112, "Payment due")],
            5: [(104, "08/01/2026")] + ([(190, "07/02/2026")] if due_value else []),
            12: [(300, "Invoice total"), (450, "£3,828.36")],
            16: "Payment terms: 30 days net"}
    return rows


def test_a_due_label_reaching_the_invoice_dates_cell_does_not_take_it():
    ex = extract_invoice(doc_from_rows(_rows(False), confidence=0.95), [])
    assert ex.value("invoice_date") == "2026-01-08"
    assert ex.value("due_date") != "2026-01-08"
    assert ex.value("due_date") == "2026-02-07"  # the printed terms from the invoice date


def test_its_own_value_is_still_read():
    ex = extract_invoice(doc_from_rows(_rows(True), confidence=0.95), [])
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-01-08", "2026-02-07")


def test_a_due_date_counted_from_an_unsure_invoice_date_is_no_surer():
    rows = {**_rows(False), 5: [(104, "23/02/2020")]}
    ex = extract_invoice(doc_from_rows(rows, confidence=0.3), [])
    assert ex.value("due_date") == "2020-03-24"
    table = CalibrationTable("t", ex.extractor_version.split("+", 1)[0],
                             {"invoice_date": CalibrationMap(((0.0, 0.6),)), "due_date": CalibrationMap(((0.0, 0.95),))})
    calibrated = apply_calibration(ex, table, "ocr")
    assert calibrated.fields["due_date"].confidence == calibrated.fields["invoice_date"].confidence == 0.6
