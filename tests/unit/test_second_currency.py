"""Amounts printed twice, in the invoice's currency and converted into another one
(``extraction.second_currency``): the items decide which is the invoice's, and when they
cannot, neither set passes a threshold."""

import random

from invoicepipe.domain.calibration import evidence_class
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.second_currency import _EXCHANGE_RATE, line_states_rate, rate_stated_in
from invoicepipe.domain.models import Vendor
from tests.unit.test_extraction_fields import doc_from_rows


def _in_dollars(first_item: str = "30,72") -> dict:
    rows = {
        0: "TRAFILERIE VALTROMPIA",
        2: [(40, "Meridian Italia S.r.l."), (400, "Fattura n. 897/E/2026")],
        3: [(400, "Data 10 feb 2026")],
        6: "FATTURA",
        8: [(40, "Riga"), (80, "Descrizione"), (330, "Q.tà"), (380, "Prezzo unit."), (460, "Importo")],
        9: [(40, "1"), (80, "Filo di acciaio zincato 1,6 mm"), (330, "9,6"), (380, "3,20"), (460, first_item)],
        10: [(40, "2"), (80, "Rete elettrosaldata 50x50"), (330, "6"), (380, "26,95"), (460, "161,70")],
        # the counter-value block as printed: its rows interleaved with the invoice's totals
        12: [(40, "Controvalore in EUR (art. 21 DPR 633/72) al cambio BCE del 9 feb 2026: 1")],
        13: [(40, "EUR = 1,0842 USD"), (380, "Imponibile"), (460, "192,42")],
        14: [(40, "Imponibile EUR"), (150, "177,48"), (380, "IVA 22 %"), (460, "42,33")],
        15: [(40, "IVA EUR"), (150, "39,04")],
        16: [(380, "Totale fattura"), (460, "USD 234,75")],
        17: [(40, "Totale EUR"), (150, "216,52")],
    }
    return rows


def test_the_items_name_the_invoice_currency_and_its_amounts():
    ex = extract_invoice(doc_from_rows(_in_dollars()), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("192.42", "42.33", "234.75")
    assert ex.value("currency") == "USD"


def test_items_that_add_up_to_neither_leave_both_sets_for_a_person():
    ex = extract_invoice(doc_from_rows(_in_dollars(first_item="80,72")), [])  # a misread item amount
    assert all(evidence_class(ex.fields[n].evidence) == "conflict" for n in ("net", "tax", "total"))


def test_exchange_rate_statements():
    said = ["1 EUR = 1,0842 USD", "EUR 1,0842 USD", "rate of 0.8512 GBP per EUR", "Kurs NBP z dnia 12.01.2026: 4,2718",
            "Exchange rate 1.0842"]
    unsaid = ["Total 1 234,56 EUR", "Kurs BHP 1 szt 420,00 PLN", "Qty 1 EA 12,50 USD", "1 EUR 12,50 USD"]
    assert all(_EXCHANGE_RATE.search(t) for t in said)
    assert not any(_EXCHANGE_RATE.search(t) for t in unsaid)
    # the line test (a two-decimal figure asked first) answers as the full search does
    rng = random.Random(3)
    pieces = ["1", "EUR", " = ", "1,0842", "0.85", " USD", " per ", "€", "12", ".", ",", "Kurs NBP ", "4,2718", " "]
    for text in said + unsaid + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 9))) for _ in range(3000)]:
        assert line_states_rate(text) == bool(_EXCHANGE_RATE.search(text)), text


def test_the_page_test_answers_as_the_full_search():
    # ``rate_stated_in`` searches the whole pattern only where a branch's mark is in the text
    # (an "=", four decimals, a rate with its code and "per" word): the same answer always
    rng = random.Random(5)
    pieces = ["1", "EUR", "=", " = ", "1,0842", "0.85", "12.5", " USD", "$", " per ", " za ", "pro", "€", "12", ".", ",",
              "Kurs NBP ", "EXCHANGE RATE ", "wisselkoers", "4,2718", "0,12345", " ", "\n", "abc", "Total"]
    texts = ["1 EUR = 1,0842 USD", "EUR 1,0842 USD", "rate of 0.8512 GBP per EUR", "Kurs NBP z dnia 12.01.2026: 4,2718",
             "Exchange rate 1.0842", "Total 1 234,56 EUR", "0,85 EUR pro 1 USD", "", "="]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(6000)]
    for text in texts:
        assert rate_stated_in(text) == bool(_EXCHANGE_RATE.search(text)), text


def test_undecided_sets_show_the_one_in_the_vendors_currency():
    valtrompia = Vendor("V704", "Trafilerie Valtrompia S.p.A.", aliases=("TRAFILERIE VALTROMPIA",), currency="USD")
    rows = _in_dollars(first_item="80,72")
    rows[1] = "P.IVA IT85856608601"
    # the converted total under the stronger label: the arithmetic alone would take it
    rows[16], rows[17] = [(380, "Totale"), (460, "USD 234,75")], [(40, "Totale fattura EUR"), (150, "216,52")]
    ex = extract_invoice(doc_from_rows(rows), [valtrompia])
    assert ex.value("vendor_id") == "V704"
    assert (ex.value("net"), ex.value("total"), ex.value("currency")) == ("192.42", "234.75", "USD")
    assert evidence_class(ex.fields["total"].evidence) == "conflict"


def test_a_rate_statement_the_scan_lost_leaves_two_currencies_that_the_items_decide():
    # the rate's figure lost ("al cambio BCE del 9 feb 2026:" and no "1 EUR = 1,0842 USD"):
    # two codes printed beside the amounts, and the items still name the invoice's set
    rows = _in_dollars()
    rows[12] = [(40, "Controvalore in EUR (art. 21 DPR 633/72) al cambio BCE del 9 feb 2026:")]
    rows[13] = [(380, "Imponibile"), (460, "192,42")]
    assert not rate_stated_in(" ".join(r if isinstance(r, str) else " ".join(t for _, t in r) for r in rows.values()))
    ex = extract_invoice(doc_from_rows(rows), [])
    assert (ex.value("net"), ex.value("tax"), ex.value("total")) == ("192.42", "42.33", "234.75")
    assert ex.value("currency") == "USD"
