"""Conventions of unseen layouts: month-first dates backed by US addresses
(``conventions.locale_backs_order``), an O among the zeros of a scanned number."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _us(seller_city: str, buyer_city: str) -> dict:
    return {
        0: "Great Lakes Industrial Supply",
        1: f"2900 S. Kedzie Ave, {seller_city}",
        3: [(40, "Sold To"), (380, "Invoice No. INV0000424")],
        4: [(40, "Meridian Materials Inc."), (380, "Invoice Date 01/09/2026")],
        5: [(40, "780 N Water Street"), (380, "Due Date 02/08/2026")],
        6: [(40, buyer_city)],
        8: [(40, "Item No."), (100, "Description"), (330, "Qty"), (380, "Unit Price"), (460, "Extended")],
        9: [(40, "HXB-1293"), (100, "Hex bolt M12x20"), (330, "10"), (380, "44.25"), (460, "442.50")],
        11: [(300, "Merchandise Total"), (460, "$442.50")],
        12: [(300, "Sales Tax 10.25%"), (460, "$45.36")],
        13: [(300, "Invoice Total"), (460, "$487.86")],
    }


def test_us_addresses_back_month_first_dates():
    ex = extract_invoice(doc_from_rows(_us("Chicago, IL 60623", "Milwaukee, WI 53202")), [])
    assert ex.value("invoice_date") == "2026-01-09" and ex.confidence("invoice_date") >= 0.85


def test_without_us_addresses_month_first_stays_a_guess():
    ex = extract_invoice(doc_from_rows(_us("Toronto, ON M5V 2T6", "Ottawa, ON K1P 1J1")), [])
    assert ex.value("invoice_date") == "2026-01-09" and ex.confidence("invoice_date") < 0.85


def test_an_o_among_the_zeros_of_a_scanned_number_is_doubted():
    from tests.unit.test_extraction_robustness import doc

    rows = [(60, 40, "Great Lakes Industrial Supply"), (300, 100, "Invoice No. INVO000424"),
            (300, 114, "Invoice Date 2026-01-09"), (300, 400, "Invoice Total $487.86")]
    ex = extract_invoice(doc(rows), [])
    assert ex.value("invoice_number") == "INVO000424" and ex.confidence("invoice_number") < 0.6
    clean = extract_invoice(doc([*rows[:1], (300, 100, "Invoice No. INV0000424"), *rows[2:]]), [])
    assert clean.confidence("invoice_number") > 0.6


def test_merchandise_total_is_the_net_and_credit_total_the_total():
    from tests.unit.test_extraction_robustness import doc

    rows = [(60, 40, "Great Lakes Industrial Supply"), (300, 100, "Invoice No. INV0000427"), (300, 114, "Date 2026-01-26"),
            (60, 190, "Item No. Description Qty Shipped U/M Unit Price Extended"),
            (60, 205, "HXB-1251 Hex bolt ISO 4017 M10x30 zinc plated 72 case 39.29 -78.58"),
            (300, 230, "Merchandise Total $-78.58"), (300, 244, "Sales Tax 10.25% $-8.05"),
            (300, 258, "Credit Total $-86.63"), (60, 280, "Credit memo against invoice INV0000422")]
    ex = extract_invoice(doc(rows), [])
    assert (ex.value("net"), ex.value("total")) == ("-78.58", "-86.63")
    assert ex.confidence("net") > 0.85 and ex.confidence("total") > 0.85
