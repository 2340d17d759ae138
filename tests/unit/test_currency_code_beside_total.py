"""A currency code printed beside the total of a scan ("Invoice Total GBP 3,457.63"), or the only
currency printed anywhere on it, is as good as a sign when the vendor master and the checked
ids' country name the same currency."""
from invoicepipe.domain.extraction.conventions import CODE_AGREED, currency_of, document_context
from tests.unit.test_extraction_fields import doc_from_rows

ROWS = {0: "Skyline Air & Sea Forwarding", 1: "VAT No GB216280583", 2: "Invoice No SKY0000611",
        3: "SHIPMENT ID $5037170", 8: "Total net 3,376.81", 9: "VAT @ 20% 80.82", 10: "Invoice Total GBP 3,457.63"}


def _currency(rows: dict, prior):
    ctx, _ = document_context(doc_from_rows(rows, confidence=0.9))
    cand, conf = currency_of(ctx, prior)
    return cand.value, conf


def test_the_code_beside_the_total_agreeing_with_master_and_country_is_evidence_like_a_sign():
    assert _currency(ROWS, "GBP") == ("GBP", CODE_AGREED)


def test_without_the_master_or_against_it_the_code_is_not_lifted():
    assert _currency(ROWS, None)[1] < CODE_AGREED
    assert _currency(ROWS, "EUR")[1] < CODE_AGREED


def test_a_code_only_in_the_body_is_lifted_where_it_is_the_only_currency_printed():
    # "Cijena (EUR)" heading a column, "All charges in GBP": an invoice in another currency
    # would print that one somewhere (kv-2.35; before, only a code beside the total counted)
    # (a "$" read off a long id is a speck: it lowers the share but names no currency printed)
    rows = {**ROWS, 3: "SHIPMENT ID $503717012", 10: "Invoice Total 3,457.63", 12: "All charges in GBP 3 days after arrival"}
    assert _currency(rows, "GBP") == ("GBP", CODE_AGREED)
    # a "$" read beside a digit (the shipment id's) is another currency printed: not lifted
    rows[3] = "SHIPMENT ID $5037170"
    assert _currency(rows, "GBP")[1] < CODE_AGREED


def test_a_code_in_the_body_beside_another_currencys_sign_is_not_lifted():
    rows = {**ROWS, 10: "Invoice Total $3,457.63", 12: "All charges in GBP 3 days after arrival"}
    assert _currency(rows, "GBP")[1] < CODE_AGREED


def test_a_credit_notes_signed_total_counts():
    rows = {**ROWS, 10: "Credit Total GBP -50.22"}
    assert _currency(rows, "GBP") == ("GBP", CODE_AGREED)


def test_a_sign_read_inside_a_code_names_no_currency():
    # a fiscal code's hex digits with a letter OCR read as "£": no amount's sign stands there
    rows = {0: "Uredska oprema Sava d.o.o.", 1: "OIB: 33392005961 PDV ID: HR33392005961", 3: "RAČUN br. 125/PP1/1",
            8: "R.br. Naziv proizvoda Kol. JM Cijena (EUR) Iznos (EUR)", 9: "1 Papir A4 10 kom 4,50 45,00",
            12: "Osnovica 45,00", 13: "PDV 25 % 11,25", 14: "Ukupno za platiti 56,25",
            16: "ZKI: 6f9b726e37£629b99980656e6ba4536c"}
    value, conf = _currency(rows, "EUR")
    assert value == "EUR" and conf >= CODE_AGREED


def test_a_bank_code_holding_the_francs_letters_is_no_other_currency_printed():
    # "SFR" inside a BIC ("VJLSFRZW") is no Swiss franc: the only currency printed stays the
    # one the column heading names
    rows = {**ROWS, 3: "SHIPMENT ID $503717012", 10: "Invoice Total 3,457.63", 12: "All charges in GBP 3 days after arrival",
            14: "BIC/SWIFT: VJLSFRZW"}
    assert _currency(rows, "GBP") == ("GBP", CODE_AGREED)
    rows[14] = "Amount in SFr. 3,457.63"  # a franc printed as a word of its own still counts
    assert _currency(rows, "GBP")[1] < CODE_AGREED
