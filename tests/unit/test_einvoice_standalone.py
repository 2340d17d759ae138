"""Stand-alone e-invoices: detection by content, exact reading, EN 16931 arithmetic,
hostile XML refused with a reason, routing, and the rendering the review page shows."""

from decimal import Decimal

import pytest

from invoicepipe.adapters.einvoice_file import check_xml_limits, read_einvoice_file
from invoicepipe.domain.einvoice import einvoice_extraction, read_einvoice
from invoicepipe.domain.einvoice_rules import check_rules
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import BankAccount, DocumentText, Vendor
from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.domain.routing import route_invoice
from invoicepipe.domain.sniff import PDF, XML, SNIFF_BYTES, sniff_media_type
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.errors import LimitExceeded, UnreadableDocument
from invoicepipe.services.einvoice_view import render_einvoice
from tests.einvoice_samples import cii, ubl

ACME = Vendor("V100", "Acme Industrial Supplies GmbH", tax_id="DE123456789",
              bank_accounts=(BankAccount("DE89370400440532013000"),), currency="EUR")


# -- detection by content ------------------------------------------------------------------

@pytest.mark.parametrize("data", [ubl(), ubl(root="CreditNote"), cii()], ids=["ubl-invoice", "ubl-credit-note", "cii"])
@pytest.mark.parametrize("name", ["invoice.xml", "invoice.pdf", "no-extension", ""])
def test_e_invoices_are_recognised_by_root_and_namespace_whatever_the_name(data, name):
    assert sniff_media_type(data[:SNIFF_BYTES], name) == XML


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><Invoice><ID>1</ID></Invoice>',  # no namespace: not UBL
    b'<?xml version="1.0"?><Invoice xmlns="urn:example:orders"><ID>1</ID></Invoice>',
    b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>',
    b'<?xml version="1.0"?><!DOCTYPE html><html><body>Invoice</body></html>',
])
def test_other_xml_is_not_taken_for_an_e_invoice(data):
    assert sniff_media_type(data, "invoice.xml") is None


def test_a_pdf_named_xml_is_still_a_pdf():
    assert sniff_media_type(b"%PDF-1.7\n...", "invoice.xml") == PDF


# -- reading every business term -----------------------------------------------------------

@pytest.mark.parametrize("make", [ubl, cii], ids=["ubl", "cii"])
def test_the_en16931_terms_are_read_exactly(make):
    inv = read_einvoice(make(number="N-7", allowance="5.00", base="100", price="1250.00"))
    ex = einvoice_extraction(inv)
    values = {k: ex.value(k) for k in ("invoice_number", "invoice_date", "due_date", "vendor", "vendor_vat_id", "po_number",
                                       "buyer_reference", "currency", "net", "tax", "total", "amount_due", "iban", "document_type")}
    assert values == {"invoice_number": "N-7", "invoice_date": "2026-03-14", "due_date": "2026-04-13",
                      "vendor": "Acme Industrial Supplies GmbH", "vendor_vat_id": "DE123456789", "po_number": "4500123",
                      "buyer_reference": "04011000-12345-34", "currency": "EUR", "net": "120.00", "tax": "22.80",
                      "total": "142.80", "amount_due": "142.80", "iban": "DE89370400440532013000", "document_type": "invoice"}
    assert all(f.confidence == 1.0 and f.method == "einvoice_xml" for f in ex.fields.values())
    [line] = inv.lines
    assert (line.quantity, line.unit_price, line.base_quantity, line.amount) == (Decimal("10"), Decimal("1250.00"), Decimal("100"), Decimal("125.00"))
    # the extracted line carries the price of one unit, the one a PO line compares with
    assert ex.lines[0].unit_price == Decimal("12.5") and ex.lines[0].amount == Decimal("125.00")
    assert [(a.is_charge, a.amount) for a in inv.allowances_charges] == [(False, Decimal("5.00"))]
    assert check_rules(inv) == []


def test_a_ubl_credit_note_is_a_credit_note():
    assert einvoice_extraction(read_einvoice(ubl(root="CreditNote"))).value("document_type") == "credit_note"


def test_a_gross_price_discount_is_not_a_line_allowance():
    """CII's gross price carries its own discount (BT-147): already in the net price."""
    assert read_einvoice(cii()).lines[0].allowances_charges == ()


# -- EN 16931 arithmetic -------------------------------------------------------------------

@pytest.mark.parametrize("make", [ubl, cii], ids=["ubl", "cii"])
@pytest.mark.parametrize("numbers, rules", [
    ({"total": "150.00", "due": "150.00"}, {"BR-CO-15"}),
    ({"line": "120.00"}, {"BT-131", "BR-CO-10"}),
    ({"lines": "130.00"}, {"BR-CO-10", "BR-CO-13"}),
    ({"allowance": "5.00", "net": "125.00", "tax": "23.75", "total": "148.75", "due": "148.75"}, {"BR-CO-13"}),
    ({"due": "140.00"}, {"BR-CO-16"}),
    ({"tax": "23.70", "total": "148.70", "due": "148.70"}, {"BR-CO-17"}),
    ({"total": "148.750", "due": "148.750"}, {"BR-DEC-14", "BR-DEC-18"}),
])
def test_each_broken_rule_is_named(make, numbers, rules):
    assert {v.rule for v in check_rules(read_einvoice(make(**numbers)))} == rules


def test_a_prepaid_amount_is_taken_off_the_amount_due():
    assert check_rules(read_einvoice(ubl(prepaid="48.75", due="100.00"))) == []


def test_a_broken_rule_holds_the_invoice_for_review_with_its_reason():
    policy = load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")
    good = extract_invoice(DocumentText((), ubl(), "xml"), [ACME])
    assert route_invoice(good, ACME, policy).outcome == "auto"
    bad = extract_invoice(DocumentText((), ubl(total="150.00", due="150.00"), "xml"), [ACME])
    decision = route_invoice(bad, ACME, policy)
    assert decision.outcome == "review"
    [reason] = [r for r in decision.reasons if r.code == "einvoice_rule"]
    assert reason.evidence == {"rule": "BR-CO-15"} and "148.75" in reason.message


# -- the vendor from the seller's structured data ------------------------------------------

def test_the_vendor_is_resolved_by_vat_id_iban_and_name():
    ex = extract_invoice(DocumentText((), cii(), "xml"), [ACME, Vendor("V9", "Other GmbH", tax_id="DE999999999")])
    assert ex.value("vendor_id") == "V100" and ex.confidence("vendor_id") >= 0.97


def test_an_unknown_seller_resolves_no_vendor():
    ex = extract_invoice(DocumentText((), cii(seller="Unknown Seller"), "xml"), [Vendor("V9", "Other GmbH", tax_id="DE999999999")])
    assert ex.value("vendor_id") is None and ex.value("vendor") == "Unknown Seller"


# -- hostile and broken XML ----------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&d;</ID></Invoice>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&secret;</ID></Invoice>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x">%remote;]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY], ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity"])
def test_hostile_xml_is_refused_with_a_reason_that_quotes_nothing(data):
    assert sniff_media_type(data, "x.xml") == XML  # taken in, so it ends visibly in failed
    with pytest.raises(UnreadableDocument) as err:
        read_einvoice_file(data)
    assert err.value.reason.startswith("XML refused for safety: it declares a document type (DTD)")
    assert "passwd" not in err.value.reason and "127.0.0.1" not in err.value.reason and "aaaa" not in err.value.reason


def test_broken_xml_names_where_not_what():
    with pytest.raises(UnreadableDocument) as err:
        read_einvoice_file(ubl()[:-40] + b"<secret-token>")
    assert err.value.reason.startswith("XML is not well-formed (line ") and "secret" not in err.value.reason


def test_an_xml_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(LimitExceeded) as err:
        check_xml_limits(b"<" + b" " * 20_000, ParseLimits(max_xml_bytes=10_000))
    assert err.value.limit == "max_xml_bytes" and "20,001 bytes" in err.value.reason
    check_xml_limits(ubl(), ParseLimits())


# -- the rendering for the review page -----------------------------------------------------

def test_the_rendering_shows_parties_lines_and_totals():
    shown = render_einvoice(read_einvoice(ubl(allowance="5.00", base="100", price="1250.00")))
    assert shown["seller"] == {"name": "Acme Industrial Supplies GmbH", "vat_id": "DE123456789", "address": "Hauptstr. 1, 10115 Berlin, DE"}
    assert shown["buyer"]["name"] == "Buyer AG"
    line = shown["lines"][0]
    assert (line["description"], line["quantity"], line["unit_price"], line["base_quantity"]) == ("Widget standard", "10", "1250.00", "100")
    assert {t["term"]: t["amount"] for t in shown["totals"]} == {
        "BT-106": "125.00", "BT-107": "5.00", "BT-109": "120.00", "BT-110": "22.80", "BT-112": "142.80", "BT-113": "0.00", "BT-115": "142.80"}


def test_a_net_price_rounded_to_its_decimals_is_not_a_line_error():
    """5 × 4.096 = 20.48 is written as 5 × 4.10 = 20.48: the price is rounded, the line is right."""
    assert check_rules(read_einvoice(ubl(qty="5", price="4.10", line="20.48", lines="20.48", net="20.48", tax="3.89",
                                         total="24.37", due="24.37"))) == []


def test_a_line_amount_that_is_not_quantity_times_price_is_shown_but_does_not_hold():
    data = ubl(price="10.00", line="125.00", lines="125.00", net="125.00", tax="23.75", total="148.75", due="148.75")
    [note] = check_rules(read_einvoice(data))  # 10 × 10.00 written as 125.00
    assert note.rule == "BT-131" and not note.blocking
    ex = einvoice_extraction(read_einvoice(data))
    assert [w.split(":", 1)[0] for w in ex.warnings] == ["einvoice_line_amount"]


@pytest.mark.parametrize("profile", ["urn:factur-x.eu:1p0:minimum", "urn:factur-x.eu:1p0:basicwl"])
def test_profiles_below_en16931_are_not_judged_by_its_rules(profile):
    data = cii(due="100.00").replace(b"urn:cen.eu:en16931:2017", profile.encode())
    inv = read_einvoice(data)
    assert not inv.en16931 and check_rules(inv) == []
    assert read_einvoice(cii(due="100.00")).en16931 and check_rules(read_einvoice(cii(due="100.00")))
