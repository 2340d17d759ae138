"""A currency the page prints nowhere, named by the vendor master and by the one domestic
currency of the page's own countries, is confirmed as the arithmetic confirms amounts
(``routing.currency_agrees_with_master``); a sign read on the page, another master currency or
a page without such a country keeps its own score."""

from dataclasses import replace

import pytest

from invoicepipe.adapters.calibration_store import load_calibration
from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.calibration import apply_calibration
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.models import Vendor
from invoicepipe.domain.routing import currency_agrees_with_master, route_invoice
from tests.unit.test_extraction_fields import doc_from_rows

VENDOR = Vendor("V7", "Muster Bürobedarf GmbH", tax_id="DE136695976", currency="EUR")
ROWS = {
    0: "Muster Bürobedarf GmbH", 1: "Musterweg 1, 80333 München   USt-IdNr. DE136695976",
    3: "Rechnungsnummer: RE-2026-0042", 4: "Rechnungsdatum: 14.03.2026",
    8: [(40, "Pos Beschreibung"), (300, "Menge"), (360, "Einzelpreis"), (450, "Betrag")],
    9: [(40, "1 Papier A4"), (300, "10"), (360, "4,50"), (450, "45,00")],
    10: [(40, "2 Toner"), (300, "2"), (360, "1.000,00"), (450, "2.000,00")],
    12: [(300, "Summe netto"), (450, "2.045,00")], 13: [(300, "MwSt. 19 %"), (450, "388,55")],
    14: [(300, "Gesamtbetrag"), (450, "2.433,55")],
}


@pytest.fixture(scope="module")
def policy():
    return load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")


def _read(rows: dict, vendor: Vendor):
    raw = extract_invoice(doc_from_rows(rows), [vendor])
    return apply_calibration(raw, load_calibration(), "text")


def _currency_reasons(ext, vendor, policy):
    return [r for r in route_invoice(ext, vendor, policy).reasons if r.evidence.get("field") == "currency"]


def test_an_unprinted_currency_named_by_the_master_and_the_country_goes_through(policy):
    ext = _read(ROWS, VENDOR)
    assert ext.value("currency") == "EUR" and ext.fields["currency"].method == "agreement"
    assert ext.confidence("currency") < policy.routing.threshold("currency", "V7")  # alone it would be held
    assert currency_agrees_with_master(ext, VENDOR) == frozenset({"currency"})
    assert _currency_reasons(ext, VENDOR, policy) == []


def test_a_master_of_another_currency_confirms_nothing(policy):
    chf = replace(VENDOR, currency="CHF")
    ext = _read(ROWS, chf)
    assert currency_agrees_with_master(ext, chf) == frozenset()
    assert _currency_reasons(ext, chf, policy)


def test_without_a_country_on_the_page_the_master_alone_confirms_nothing(policy):
    rows = {**ROWS, 1: "Musterweg 1, 80333 München"}
    ext = _read(rows, VENDOR)
    assert ext.value("currency") == "EUR"
    assert currency_agrees_with_master(ext, VENDOR) == frozenset()
    assert _currency_reasons(ext, VENDOR, policy)


def test_a_printed_sign_is_judged_by_its_own_score():
    rows = {**ROWS, 14: [(300, "Gesamtbetrag"), (450, "2.433,55 €")]}
    ext = _read(rows, VENDOR)
    assert ext.fields["currency"].method != "agreement"
    assert currency_agrees_with_master(ext, VENDOR) == frozenset()
