"""A vendor found only by its name is not resolved when the seller's tax id says otherwise."""

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.vendor import tax_id_valid
from invoicepipe.domain.models import BankAccount, Vendor
from tests.unit.test_extraction_fields import doc_from_rows

ACME = Vendor("V-1", "Acme Industrial Supplies GmbH", tax_id="DE429152429")


def resolve(*rows):
    return extract_invoice(doc_from_rows(dict(enumerate(rows))), [ACME]).value("vendor_id")


def test_the_name_resolves_the_vendor_when_no_other_seller_tax_id_is_printed():
    assert resolve("Acme Industrial Supplies GmbH", "Invoice number 7", "Total 5.00 EUR") == "V-1"
    assert resolve("Acme Industrial Supplies GmbH", "USt-IdNr. DE429152429", "Total 5.00 EUR") == "V-1"


def test_a_look_alike_printing_another_valid_seller_tax_id_is_not_the_master_vendor():
    assert resolve("Acme Industrial Supplies GmbH", "USt-IdNr. DE811907980", "Total 5.00 EUR") is None


def test_a_tax_id_with_wrong_check_digits_does_not_overrule_the_name():
    assert not tax_id_valid("DE811907981")
    assert resolve("Acme Industrial Supplies GmbH", "USt-IdNr. DE811907981", "Total 5.00 EUR") == "V-1"


def test_check_digits_per_country():
    assert tax_id_valid("DE 811 907 980") and tax_id_valid("27AAPFU0939F1ZV") and not tax_id_valid("27AAPFU0939F1ZW")
    assert tax_id_valid("12-3456789")  # an EIN has no check digit: taken as printed


def test_a_tax_id_and_a_bank_account_on_file_agree_as_surely_as_an_id_and_a_name():
    # the letterhead drops the legal form: "HURTOWNIA BUDOWLANA WARTA" matches no name on file
    warta = Vendor("V-2", "Hurtownia Budowlana Warta Sp. z o.o.", tax_id="PL7000889678",
                   bank_accounts=(BankAccount("PL94692921005931106450340256"),))
    rows = ["HURTOWNIA BUDOWLANA WARTA", "NIP: PL7000889678", "Faktura nr FV/374/01/2026",
            "Nr rachunku PL94 6929 2100 5931 1064 5034 0256", "Razem 100,00 PLN"]
    both = extract_invoice(doc_from_rows(dict(enumerate(rows))), [warta])
    assert both.value("vendor_id") == "V-2" and both.confidence("vendor_id") == 0.99
    alone = extract_invoice(doc_from_rows(dict(enumerate(rows[:3] + rows[4:]))), [warta])
    assert alone.value("vendor_id") == "V-2" and alone.confidence("vendor_id") == 0.97


def test_a_bank_account_wrapped_over_two_lines_agrees_with_the_tax_id_too():
    # a narrow footer column breaks the IBAN between its groups; joined (only where it passes its
    # checks), it is the account on file, and with the tax id the vendor is as sure as before
    warta = Vendor("V-2", "Hurtownia Budowlana Warta Sp. z o.o.", tax_id="PL7000889678",
                   bank_accounts=(BankAccount("PL94692921005931106450340256"),))
    rows = {0: "HURTOWNIA BUDOWLANA WARTA", 1: "NIP: PL7000889678", 2: "Faktura nr FV/374/01/2026",
            4: "Razem 100,00 PLN", 8: [(40.0, "ul. Głogowska 12"), (400.0, "Nr rachunku: PL94 6929 2100 5931 1064")],
            9: [(40.0, "60-734 Poznań"), (400.0, "5034 0256")]}
    ex = extract_invoice(doc_from_rows(rows), [warta])
    assert ex.value("vendor_id") == "V-2" and ex.confidence("vendor_id") == 0.99
    rows[9] = [(40.0, "60-734 Poznań"), (400.0, "5034 0257")]  # no account: its check digits fail
    assert extract_invoice(doc_from_rows(rows), [warta]).confidence("vendor_id") == 0.97
