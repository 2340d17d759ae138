"""A net printed under a label the reading does not know is found by what it must equal:
the labelled total less the labelled tax, printed on the page, at a rate of it
(``extraction/page_net.py``)."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {
    0: "De Vries Horeca Groothandel",
    2: "Factuur",
    3: "Factuurnummer 26000549",
    4: "Factuurdatum 14.02.2026",
}


def amounts(rows: dict) -> dict:
    ex = extract_invoice(doc_from_rows({**HEAD, **rows}), [])
    return {n: ex.fields[n] for n in ("net", "tax", "total") if n in ex.fields}


def test_a_net_whose_label_ocr_garbled_is_the_total_less_the_tax_rows():
    found = amounts({
        10: [(300, "Totaal exc}. btw"), (450, "€ 768,97")],
        11: [(300, "Btw 21 % over € 667,12"), (450, "€ 140,10")],
        12: [(300, "Btw 9 % over € 101,85"), (450, "€ 9,17")],
        13: [(300, "Totaal incl. btw"), (450, "€ 918,24")],
    })
    assert {n: f.value for n, f in found.items()} == {"net": "768.97", "tax": "149.27", "total": "918.24"}
    assert found["net"].method == "page_net"
    assert all("arithmetic" in f.evidence for f in found.values())


def test_an_amount_equal_to_total_less_tax_at_no_rate_of_it_is_no_net():
    # 918.24 - 140.10 = 778.14 is printed, but 140.10 is 18.0 % of it, off any rate by more
    # than rounding: a coincidence, not the net
    found = amounts({
        10: [(300, "Zwischenposten"), (450, "€ 778,14")],
        11: [(300, "Btw"), (450, "€ 140,10")],
        13: [(300, "Totaal incl. btw"), (450, "€ 918,24")],
    })
    assert found.get("net") is None or found["net"].method != "page_net"


def test_two_amounts_that_would_each_do_leave_the_net_unread():
    # 1,190.00 less 190.00 (19 % of 1,000.00) and less 108.18 (10 % of 1,081.82): two
    # printed taxes, each with a printed net at its rate; the page does not say which
    found = amounts({
        10: [(300, "Posten A"), (450, "1.000,00")],
        11: [(300, "MwSt 19 %"), (450, "190,00")],
        12: [(300, "Posten B"), (450, "1.081,82")],
        13: [(300, "MwSt 10 %"), (450, "108,18")],
        14: [(300, "Gesamtbetrag"), (450, "1.190,00")],
    })
    assert found.get("net") is None or found["net"].method != "page_net"
