"""An IBAN printed but unreadable holds the invoice until a person reads it."""

from dataclasses import replace
from datetime import date

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.bank_details import flag_unreadable_iban, garbled_iban
from invoicepipe.domain.bank import check_bank
from invoicepipe.domain.extraction.iban_repair import repair
from invoicepipe.domain.models import BankAccount, ExtractedField, Vendor
from invoicepipe.domain.routing import warning_reasons
from tests.unit.test_extraction_fields import doc_from_rows


def read(*rows, vendors=()):
    doc = doc_from_rows(dict(enumerate(rows)))
    return flag_unreadable_iban(extract_invoice(doc, list(vendors)), doc), doc


# passes mod 97 but not Spain's CCC control digits (the inner check python-stdnum applies)
ES_BAD_CCC = "ES3052849932079644358775"
IBERICA = Vendor("V101", "Suministros Ibericos S.L.", tax_id="ESB52918435", bank_accounts=(BankAccount(ES_BAD_CCC),))


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


def test_lookalikes_are_read_by_what_the_country_prints_at_each_position():
    # check digits are digits (S -> 5); an Italian CIN is a letter (5 -> S), the rest digits
    assert repair("ITS6T8471274675564650141046") == "IT56T8471274675564650141046"
    assert repair("IT565847127467556465O141046", c_as_digit=True) == "IT56S8471274675564650141046"
    assert repair("XX12ABC") == "XX12ABC"  # a country the registry does not know stays as read
    extraction, _ = read("Invoice number 7", "Total 5.00 EUR", "IBAN: ITS6 T847 1274 6755 6465 0141 046")
    assert extraction.value("iban") == "IT56T8471274675564650141046" and warning_reasons(extraction) == []


def test_an_iban_failing_its_countrys_inner_check_is_read_only_as_the_account_on_file():
    row = "IBAN: ES30 5284 9932 0796 4435 8775"
    unknown, _ = read("Factura FV-7", "Suministros Ibericos S.L.", "Total 5.00 EUR", row)
    assert unknown.value("iban") is None and [r.code for r in warning_reasons(unknown)] == ["iban_unreadable"]
    on_file, _ = read("Factura FV-7", "Suministros Ibericos S.L. CIF ESB52918435", "Total 5.00 EUR", row, vendors=[IBERICA])
    assert on_file.value("vendor_id") == "V101" and on_file.value("iban") == ES_BAD_CCC
    assert "matches_vendor_master" in on_file.fields["iban"].evidence and warning_reasons(on_file) == []


def test_the_bank_check_lets_the_master_vouch_only_for_its_own_account():
    assert check_bank(ES_BAD_CCC, IBERICA, date(2026, 12, 1), 30) == []
    other = Vendor("V102", "Otra S.L.", bank_accounts=(BankAccount("DE89370400440532013000"),))
    [held] = check_bank(ES_BAD_CCC, other, date(2026, 12, 1), 30)
    assert held.code == "bank_mismatch" and "country's check digits" in held.message
    [broken] = check_bank("ES3152849932079644358775", IBERICA, date(2026, 12, 1), 30)
    assert "mod 97" in broken.message
