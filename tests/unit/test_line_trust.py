from decimal import Decimal as D

from invoicepipe.domain.line_trust import untrusted_lines
from invoicepipe.domain.models import LineItem


def test_consistent_lines_are_trusted():
    lines = [LineItem("Bolts", D("10"), D("1.50"), D("15.00")), LineItem("Freight", None, None, D("9.90"))]
    assert untrusted_lines(lines) is None


def test_a_row_number_read_as_quantity_is_not_trusted():
    lines = [LineItem("Bolts", D("1"), D("92.68"), D("278.04"))]
    assert "is not the line amount" in untrusted_lines(lines)


def test_a_line_with_nothing_to_pair_by_is_not_trusted():
    assert "no description" in untrusted_lines([LineItem("", D("2"), D("5.00"), D("10.00"))])


def test_rounding_of_a_cent_is_tolerated():
    assert untrusted_lines([LineItem("Paint", D("3"), D("3.333"), D("10.00"))]) is None
