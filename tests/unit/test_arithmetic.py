"""Arithmetic as evidence: what holds an invoice, and what confirms its amounts."""

from dataclasses import replace
from decimal import Decimal

import pytest

from invoicepipe.domain.arithmetic import check_arithmetic, standard_rate_between
from invoicepipe.domain.models import ExtractedField
from invoicepipe.domain.policy import Tolerances
from tests.reconcile_builders import invoice, line

TOL = Tolerances(header_total_absolute=Decimal("0.05"))
WIDGETS = [line("Widget standard", "10", "12.50"), line("Hex bolt", "100", "0.40")]  # 125.00 + 40.00 = 165.00


def amounts(extraction, **values):
    fields = {k: v for k, v in extraction.fields.items() if k not in values or values[k] is not None}
    for name, value in values.items():
        if value is not None:
            fields[name] = ExtractedField(name, value, 0.9, "label_right")
    return replace(extraction, fields=fields)


def codes(extraction):
    return [r.code for r in check_arithmetic(extraction, TOL).reasons]


def test_amounts_that_agree_three_ways_are_corroborated():
    found = check_arithmetic(invoice(lines=WIDGETS), TOL)  # net 165.00, tax 31.35, total 196.35
    assert found.reasons == () and found.header_closes and found.lines_close
    assert found.corroborated == {"net", "tax", "total"}


def test_the_header_alone_does_not_corroborate():
    # A thousands group dropped from net, tax and total still adds up: 345.00 + 345.55 = 690.55.
    found = check_arithmetic(amounts(invoice(lines=[]), net="345.00", tax="345.55", total="690.55"), TOL)
    assert found.header_closes and not found.corroborated
    assert [r.code for r in found.reasons] == ["totals_inconsistent"]  # and a tax of 100 % of the net is no tax rate


@pytest.mark.parametrize("values,why", [
    ({"total": "1196.35"}, "but the total reads 1196.35"),
    ({"net": "150.00", "total": "181.35"}, "the 2 lines add up to 165.00, the net is 150.00"),
    ({"tax": "-31.35", "total": "133.65"}, "negative"),
])
def test_amounts_that_do_not_agree_hold_the_invoice(values, why):
    found = check_arithmetic(amounts(invoice(lines=WIDGETS), **values), TOL)
    assert [r.code for r in found.reasons] == ["totals_inconsistent"] and why in found.reasons[0].message


def test_a_lone_total_is_uncorroborated_unless_a_person_or_the_xml_vouches_for_it():
    lone = amounts(invoice(lines=[]), net=None, tax=None, total="2.00")
    assert codes(lone) == ["total_uncorroborated"]
    confirmed = replace(lone, fields={**lone.fields, "total": replace(lone.fields["total"], by="reviewer")})
    assert codes(confirmed) == []
    xml = replace(lone, fields={**lone.fields, "total": replace(lone.fields["total"], method="einvoice_xml")})
    assert codes(xml) == []


def test_lines_plus_a_standard_tax_rate_confirm_a_total_read_without_net_or_tax():
    assert codes(amounts(invoice(lines=WIDGETS), net=None, tax=None, total="196.35")) == []  # 165.00 + 19 %
    assert codes(amounts(invoice(lines=WIDGETS), net=None, tax=None, total="96.35")) == ["total_uncorroborated"]
    assert standard_rate_between(Decimal("40546.24"), Decimal("47844.56"), 7) == 18
    assert standard_rate_between(Decimal("165.00"), Decimal("197.11"), 2) is None


def test_a_printed_rounding_closes_the_header():
    # "Öresavrundning 0,30": net + tax + the printed rounding = the total the vendor bills
    rounded = amounts(invoice(lines=[]), net="16617.36", tax="4154.34", total="20772.00")
    assert codes(rounded) == ["totals_inconsistent"]
    total = replace(rounded.fields["total"], evidence=("class:two", "adjusted:+0.30"))
    found = check_arithmetic(replace(rounded, fields={**rounded.fields, "total": total}), TOL)
    assert found.header_closes and found.reasons == ()
    # a rounding that does not close the gap is named in the reason, not silently taken
    wrong = replace(total, evidence=("adjusted:-0.30",))
    reasons = check_arithmetic(replace(rounded, fields={**rounded.fields, "total": wrong}), TOL).reasons
    assert [r.code for r in reasons] == ["totals_inconsistent"] and reasons[0].evidence["adjustment"] == "-0.30"
