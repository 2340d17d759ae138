"""A document type or series printed one space before the number ("FT A2026/49", "NC B/7",
"FPR 12/26"): the forms the reader knows are kept whole, and any other short code right
before the chosen number keeps the value under the routing threshold (issue 9)."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.candidates import identifier_in
from tests.unit.test_extraction_fields import doc_from_rows

THRESHOLD = 0.9  # policy/default.yaml: invoice_number


def number(rows: dict):
    field = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    return (field.value, field.confidence, field.evidence) if field else None


def test_a_series_code_before_a_number_that_opens_with_letters_is_kept():
    assert identifier_in(": FT A2026/49", 0) == ("FT A2026/49", 2, 13)
    assert identifier_in(" NC B/7", 0)[0] == "NC B/7"
    assert identifier_in(" FPR 12/26", 0)[0] == "FPR 12/26"
    assert identifier_in(" A 2026/0012", 0)[0] == "A 2026/0012"
    assert identifier_in(" AB 2026-01-08", 0) is None  # a code before a date is no series


def test_a_known_series_form_is_read_whole_under_and_beside_its_label():
    value, _, evidence = number({0: "Fatura Nº", 1: "FT A2026/49", 3: "Total 316,83 EUR"})
    assert value == "FT A2026/49" and "code_before" not in evidence
    value, conf, _ = number({0: "Factura nº: A 2026/0012", 2: "Total 316,83 EUR"})
    assert value == "A 2026/0012" and conf >= THRESHOLD


def test_an_unknown_code_that_opens_the_labels_field_is_the_numbers_first_part():
    # "ZX 004512", "KNM 000769": codes the series form does not know (no separator in the
    # number), right after the label or first under it, aligned with its caption: the
    # label's field is the two together, as sure as a plain number in the same place
    for rows, whole in (({0: "Invoice No.", 1: "ZX 004512", 3: "Total 316.83 EUR"}, "ZX 004512"),
                        ({0: "Invoice No.: ZX 004512", 2: "Total 316.83 EUR"}, "ZX 004512"),
                        ({0: "Invoice No.: SRX 004512", 2: "Total 316.83 EUR"}, "SRX 004512"),
                        ({0: "Credit note No.", 1: "KNM 000769", 3: "Total 316.83 EUR"}, "KNM 000769")):
        value, conf, evidence = number(rows)
        assert value == whole and "code_opens_cell" in evidence and "code_before" not in evidence, rows
        plain = number({k: v.replace(whole, whole.split()[1]) for k, v in rows.items()})
        assert conf == plain[1], rows


def test_an_unknown_code_elsewhere_before_the_number_keeps_it_from_auto_approval():
    # the code does not open the label's field (a word between them, or under the label but
    # not at its edge): the number is read without it, and must go to a person (raw 0.45
    # stays under the threshold after calibration's largest lift)
    for rows in ({0: "Invoice No.: Ref ZX 004512", 2: "Total 316.83 EUR"},
                 {0: [(40.0, "Invoice No.")], 1: [(100.0, "ZX 004512")], 3: "Total 316.83 EUR"}):
        value, conf, evidence = number(rows)
        assert value == "004512" and conf <= 0.45 and "code_before" in evidence, rows


def test_a_label_word_a_word_or_a_column_apart_is_no_code_of_the_number():
    plain = number({0: "Invoice No.: 004512", 2: "Total 316.83 EUR"})
    assert plain[1] >= THRESHOLD
    for rows in ({0: "Invoice No.: # 004512", 2: "Total 316.83 EUR"},  # a number mark
                 {0: "Invoice No.: 004512", 1: "ZX 99", 2: "Total 316.83 EUR"},  # another line
                 {0: [(40.0, "Invoice No.: ZX"), (200.0, "004512")], 2: "Total 316.83 EUR"}):  # a column apart
        value, conf, evidence = number(rows)
        assert value == "004512" and "code_before" not in evidence, rows
    under = number({0: "Invoice No.", 1: "004512", 3: "Total 316.83 EUR"})
    beside_word = number({0: "Invoice No.", 1: "Ref 004512", 3: "Total 316.83 EUR"})  # not all capitals
    assert beside_word[0] == "004512" and beside_word[1] == under[1] and "code_before" not in beside_word[2]


def test_a_series_code_with_a_digit_keeps_its_number_one_space_after_it():
    # "B2 004512", "A1 2026/0042": the code alone looks like an identifier and was taken whole
    for rows, whole in (({0: "Invoice No.: B2 004512", 2: "Total 316.83 EUR"}, "B2 004512"),
                        ({0: "Invoice No.", 1: "B2 004512", 3: "Total 316.83 EUR"}, "B2 004512"),
                        ({0: "Factura nº: A1 2026/0042", 2: "Total 316,83 EUR"}, "A1 2026/0042")):
        value, conf, evidence = number(rows)
        assert value == whole and "code_and_number" in evidence and "number_after" not in evidence, rows
        plain = number({k: v.replace(whole, "004512") for k, v in rows.items()})
        assert conf == plain[1], rows  # as sure as a plain number in the same place


def test_a_number_one_space_after_the_value_keeps_it_from_auto_approval():
    # a longer value than a code: which of the two is the number is unclear, a person decides
    value, conf, evidence = number({0: "Invoice No.: AB12C 004512", 2: "Total 316.83 EUR"})
    assert value == "AB12C" and conf <= 0.45 and "number_after" in evidence
    # a date, a short count or a word after the number, or a number a column apart: no doubt
    for rows in ({0: "Invoice No.: B2 12.03.2026", 2: "Total 316.83 EUR"},
                 {0: "Invoice No.: 2026-0042 12", 2: "Total 316.83 EUR"},
                 {0: [(40.0, "Invoice No.: B2"), (200.0, "004512")], 2: "Total 316.83 EUR"}):
        value, conf, evidence = number(rows)
        assert "number_after" not in evidence and "code_and_number" not in evidence, rows


def test_a_code_after_the_label_with_the_number_wrapped_under_it_keeps_it_from_auto_approval():
    # "INVOICE NO. XB" over "2026/173": the number's first part stayed on the label's line; a
    # person sees it joined, and decides
    value, conf, evidence = number({0: "INVOICE NO. XB", 1: "2026/173", 3: "Total 316.83 EUR"})
    assert value == "XB 2026/173" and conf <= 0.45 and "code_before" in evidence and "code_joined" in evidence
    # a Portuguese document type's code is the number's first part by law: "FT A2026/173" whole
    value, conf, evidence = number({0: "FATURA N.º FT", 1: "A2026/173", 3: "Total 316,83 EUR"})
    assert value == "FT A2026/173" and conf > 0.45 and "document_type_code" in evidence and "code_before" not in evidence
    # a code no Portuguese document type has stays a guess under the same label
    value, conf, evidence = number({0: "FATURA N.º XB", 1: "A2026/173", 3: "Total 316,83 EUR"})
    assert value == "XB A2026/173" and conf <= 0.45 and "code_before" in evidence
    # the label alone on its line: the number under it is whole
    value, conf, evidence = number({0: "FATURA N.º", 1: "A2026/173", 3: "Total 316,83 EUR"})
    assert value == "A2026/173" and conf > 0.45 and "code_before" not in evidence


def test_a_code_alone_over_the_number_in_its_cell_is_joined_and_held():
    # "Nº Fatura" over "AB" over "A2026/783": the number wrapped in its narrow cell after a code
    rows = {0: [(40, "Nº Fatura"), (140, "Data emissão")], 1: [(40, "AB"), (140, "15 de fevereiro de")],
            2: [(40, "A2026/783"), (140, "2026")], 4: "Total 316,83 EUR"}
    value, conf, evidence = number(rows)
    assert value == "AB A2026/783" and conf <= 0.45 and "code_joined" in evidence
    # "FT", the invoice's own type code: the number's by law, not held for it
    rows[1] = [(40, "FT"), (140, "15 de fevereiro de")]
    value, conf, evidence = number(rows)
    assert value == "FT A2026/783" and conf > 0.45 and "document_type_code" in evidence
    rows[1] = [(40, "AB"), (140, "15 de fevereiro de")]
    # a code in another column is no part of it
    rows[1] = [(140, "15 de fevereiro de"), (240, "FT")]
    value, conf, evidence = number(rows)
    assert value == "A2026/783" and "code_joined" not in evidence
