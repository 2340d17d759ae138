"""The vendor master index and the IBAN length pre-filter change no result, only the cost."""

import random
import string

from stdnum import iban as stdnum_iban

from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.conventions import document_context
from invoicepipe.domain.extraction.parsing import find_iban, iban_length
from invoicepipe.domain.extraction.vendor import resolve_vendor, vendor_index
from invoicepipe.domain.models import BankAccount, Vendor
from tests.unit.test_extraction_fields import doc_from_rows

MASTER = (
    Vendor("V-1", "Acme Industrial Supplies GmbH", tax_id="DE429152429"),
    Vendor("V-2", "Nordlicht Logistik AG", aliases=("NLL",), bank_accounts=(BankAccount("DE89 3704 0044 0532 0130 00"),)),
    Vendor("V-3", "Acme Industrial Supplies GmbH", active=False),
)


def _resolved(rows, vendors):
    found = resolve_vendor(document_context(doc_from_rows(dict(enumerate(rows))))[0], vendors)
    return (found[0].vendor_id, found[1], found[2]) if found else None


def test_a_prebuilt_index_and_the_plain_master_resolve_alike():
    pages = [["Acme Industrial Supplies GmbH", "Total 5.00 EUR"], ["Rechnung 7", "USt-IdNr. DE429152429"],
             ["Bank: IBAN DE89 3704 0044 0532 0130 00"], ["Lieferung durch NLL, Hamburg"], ["Nothing known here"]]
    for rows in pages:
        assert _resolved(rows, vendor_index(MASTER)) == _resolved(rows, list(MASTER))
    assert _resolved(pages[2], MASTER) == ("V-2", 0.93, "iban")
    assert _resolved(pages[3], MASTER)[0] == "V-2"  # the short alias as a whole word
    assert _resolved(pages[4], MASTER) is None


def test_vendors_that_cannot_be_a_cache_key_are_still_resolved():
    listed = Vendor("V-9", "Zephyr Components Ltd", aliases=["Zephyr Comp"])  # a list, not a tuple
    doc = doc_from_rows({0: "Zephyr Components Ltd", 1: "Invoice number 7", 2: "Total 5.00 EUR"})
    assert extract_invoice(doc, [listed]).value("vendor_id") == "V-9"


def test_only_strings_of_the_countrys_registered_length_can_be_valid_ibans():
    rng = random.Random(3)
    countries = ["DE", "GB", "FR", "NL", "CH", "NO", "MT", "LC", "XK"]
    for cc in countries:
        for length in range(15, 35):
            body = "".join(rng.choice(string.digits) for _ in range(length - 4))
            number = cc + stdnum_iban.calc_check_digits(cc + "00" + body) + body
            assert not stdnum_iban.is_valid(number) or len(number) == iban_length(cc), number
    assert iban_length("DE") == 22 and iban_length("ZZ") is None and iban_length("12") is None
    assert find_iban("DE89 3704 0044 0532 0130 00") == ("DE89370400440532013000", 0, 27)
    assert find_iban("IBAN DE89 37O4 0044 0532 0130 00") == ("DE89370400440532013000", 5, 32)  # an O read for a 0
    assert find_iban("GB82 WEST 1234 5698 7654 32") == ("GB82WEST12345698765432", 0, 27)
    assert find_iban("DE89 3704 0044 0532 0130 01") is None
