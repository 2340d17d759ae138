"""An IBAN printed but unreadable holds the invoice until a person reads it."""

from dataclasses import replace

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.bank_details import flag_unreadable_iban, garbled_iban
from invoicepipe.domain.models import ExtractedField
from invoicepipe.domain.routing import warning_reasons
from tests.unit.test_extraction_fields import doc_from_rows


def read(*rows):
    doc = doc_from_rows(dict(enumerate(rows)))
    return flag_unreadable_iban(extract_invoice(doc, []), doc), doc


def test_a_garbled_iban_after_its_label_is_reported():
    extraction, doc = read("Invoice number 7", "Total 5.00 EUR", "IBAN: DES59 1351 7012 8899 7322 89 BIC: PTJPDESU")
    assert garbled_iban(doc) == 1 and extraction.value("iban") is None
    [reason] = warning_reasons(extraction)
    assert reason.code == "iban_unreadable" and reason.blocks_payment


def test_a_readable_iban_or_none_printed_is_no_finding():
    readable, _ = read("Invoice number 7", "Total 5.00 EUR", "IBAN: DE59 1351 7012 8899 7322 89")
    assert readable.value("iban") == "DE59135170128899732289" and warning_reasons(readable) == []
    nothing, _ = read("Invoice number 7", "Total 5.00 USD", "ABA routing 021000021 Account 123456789")
    assert warning_reasons(nothing) == []


def test_a_person_entering_the_iban_resolves_it():
    extraction, _ = read("Invoice number 7", "Total 5.00 EUR", "IBAN: DES59 1351 7012 8899 7322 89")
    entered = replace(extraction, fields={**extraction.fields, "iban": ExtractedField("iban", "DE59135170128899732289", 1.0, "review", by="reviewer")})
    assert warning_reasons(entered) == []
    confirmed_others = replace(extraction, fields={n: replace(f, by="reviewer") for n, f in extraction.fields.items()})
    assert [r.code for r in warning_reasons(confirmed_others)] == ["iban_unreadable"]  # confirming what was read is not reading the IBAN
