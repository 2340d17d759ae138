"""Confidence from the agreement of independent evidence (``extraction/agreement``): other
readings of a value lift its OCR factor, a value with nothing but its own low-confidence
reading keeps its score, and a contested value is never lifted."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.agreement import combined
from invoicepipe.domain.models import DocumentText, Page, Vendor

from tests.unit.test_extraction_fields import row_words

LOW = 0.5  # what Tesseract reports for clean digits in a boxed cell


def _ocr(rows: dict[int, tuple[str, float]]) -> DocumentText:
    words = [w for row, (text, conf) in rows.items() for w in row_words(text, row, confidence=conf)]
    return DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")


HEAD = {0: ("Calder Valley Fasteners Ltd", 0.95), 2: ("Invoice No. CVF000091", LOW)}


def _number(extra: dict) -> tuple:
    field = extract_invoice(_ocr({**HEAD, **extra}), []).fields["invoice_number"]
    return field.value, field.confidence, field.evidence


def test_the_number_read_again_elsewhere_lifts_its_confidence():
    alone = _number({})
    repeated = _number({12: ("Please quote CVF000091 with your payment", 0.9)})
    assert alone[0] == repeated[0] == "CVF000091"
    assert repeated[1] > alone[1] and "repeated:1" in repeated[2]
    # the label's part of the score is kept: one more reading of 0.9 takes 0.5 to 0.95
    assert abs(repeated[1] - alone[1] / LOW * combined(LOW, [0.9])) < 0.002


def test_a_value_with_only_its_own_low_reading_keeps_its_score():
    value, conf, evidence = _number({12: ("Please quote CVF000019 with your payment", 0.9)})
    assert value == "CVF000091" and conf <= LOW + 1e-9 and not any(t.startswith("repeated") for t in evidence)


def test_a_contested_value_is_never_lifted():
    # a second number label with another value, nearly as strong: which one is the number is open
    rows = {**HEAD, 3: ("Invoice No. CVF000092", LOW), 12: ("Please quote CVF000091 with your payment", 0.9)}
    field = extract_invoice(_ocr(rows), []).fields["invoice_number"]
    assert field.confidence <= LOW and not any(t.startswith("repeated") for t in field.evidence)


def test_the_same_place_read_twice_is_no_second_witness():
    words = row_words("Invoice No. CVF000091", 2, confidence=LOW)
    again = [w for w in row_words("Invoice No. CVF000091", 2, confidence=0.9)][-1:]  # over the value itself
    doc = DocumentText((Page(1, 595, 842, tuple(words + again), "ocr_tesseract"),), None, "test")
    assert not any(t.startswith("repeated") for t in extract_invoice(doc, []).fields["invoice_number"].evidence)


DATES = {0: ("Calder Valley Fasteners Ltd", 0.95), 2: ("Invoice date: 10.02.2026", LOW), 3: ("Due date: 12.03.2026", LOW)}


def test_dates_that_keep_the_printed_terms_lift_each_other():
    plain = extract_invoice(_ocr(DATES), []).fields
    kept = extract_invoice(_ocr({**DATES, 14: ("Payment terms: 30 days net", 0.95)}), []).fields
    assert kept["invoice_date"].value == "2026-02-10" and kept["due_date"].value == "2026-03-12"
    assert kept["invoice_date"].confidence > plain["invoice_date"].confidence and "terms" in kept["invoice_date"].evidence
    assert kept["due_date"].confidence > plain["due_date"].confidence


def test_the_vendors_terms_from_the_master_are_evidence_too():
    vendor = Vendor("V1", "Calder Valley Fasteners Ltd", payment_terms_days=30)
    plain = extract_invoice(_ocr(DATES), []).fields["invoice_date"]
    known = extract_invoice(_ocr(DATES), [vendor]).fields["invoice_date"]
    assert known.confidence > plain.confidence and "terms" in known.evidence


def test_dates_that_break_the_terms_are_not_lifted():
    other = {**DATES, 3: ("Due date: 13.03.2026", LOW), 14: ("Payment terms: 30 days net", 0.95)}
    plain = extract_invoice(_ocr({**DATES, 3: ("Due date: 13.03.2026", LOW)}), []).fields["invoice_date"]
    assert extract_invoice(_ocr(other), []).fields["invoice_date"].confidence == plain.confidence


def test_a_due_date_before_the_invoice_date_contradicts_both():
    rows = {**DATES, 3: ("Due date: 01.02.2026", LOW), 12: ("Delivered on 10.02.2026", 0.9)}
    lone = {**DATES, 3: ("Due date: 01.02.2026", LOW)}
    assert (extract_invoice(_ocr(rows), []).fields["invoice_date"].confidence
            == extract_invoice(_ocr(lone), []).fields["invoice_date"].confidence)


def test_an_ocr_value_carries_its_reading_factor_for_the_calibration():
    value, conf, evidence = _number({})
    assert value == "CVF000091" and "read:0.500" in evidence
    # lifted by a witness: the factor of the agreeing readings, once
    _, _, lifted = _number({12: ("Please quote CVF000091 with your payment", 0.9)})
    assert [t for t in lifted if t.startswith("read:")] == [f"read:{combined(LOW, [0.9]):.3f}"]


def test_no_reading_factor_on_a_text_layer_or_for_a_doubted_value():
    text = DocumentText((Page(1, 595, 842, tuple(w for row, (t, _) in HEAD.items() for w in row_words(t, row)),
                              "pdf_text"),), None, "test")
    assert not any(t.startswith("read:") for t in extract_invoice(text, []).fields["invoice_number"].evidence)
    rows = {**HEAD, 3: ("Invoice No. CVF000092", LOW)}
    contested = extract_invoice(_ocr(rows), []).fields["invoice_number"]
    assert not any(t.startswith("read:") for t in contested.evidence)


def test_a_held_value_printed_again_stays_held():
    # a hold for a person is no doubt about the characters, and a second printing does not
    # resolve it: "2026" as the number recurs in every date (``extract._bare_year``)
    rows = {0: ("Pennine Office Supplies", 0.95), 3: ("Invoice Number 2026", 0.95),
            4: ("Date of Issue: 8 January 2026", 0.95), 5: ("Ref. 2026", 0.95),
            8: ("Invoice Total 83.95", 0.95)}
    field = extract_invoice(_ocr(rows), []).fields["invoice_number"]
    assert field.value == "2026" and "bare_year" in field.evidence
    assert field.confidence < 0.5
