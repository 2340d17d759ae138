"""A date read under a bare date word ("Date", "Datum", "Kuupäev") is the date of issue by
elimination only where the page's other dates near it are named by captions the vocabulary
knows (``extract._another_date_unnamed``): beside a date whose caption is worded as no list
holds, which of the two the bare word's is was never said, and a person decides."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows


def _date(rows):
    field = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    return field.value, field.confidence, field.evidence


def test_beside_a_date_no_caption_names_the_bare_words_date_is_held():
    value, conf, _ = _date({0: "Kontoritarbed Harju", 2: [(300, "Arve nr: 301")], 3: [(300, "Kuupäev: 25.01.2026")],
                            4: [(300, "Xyzabc: 20.01.2026")], 8: [(300, "Kokku"), (450, "82,84 EUR")]})
    assert value == "2026-01-25" and conf < 0.5


def test_beside_named_dates_the_bare_words_date_stands():
    value, conf, _ = _date({0: "Kontoritarbed Harju", 2: [(300, "Invoice no: 301")], 3: [(300, "Date: 25.01.2026")],
                            4: [(300, "Due date: 08.02.2026")], 8: [(300, "Total"), (450, "82.84 EUR")]})
    assert value == "2026-01-25" and conf >= 0.5
    # the invoice's own word before the bare word names its date ("Sąsk. data")
    value, conf, _ = _date({0: "Biuro Prekes", 2: [(300, "Sąsk. Nr. KNM 000374")], 3: [(300, "Sąsk. data: 2026-02-22")],
                            4: [(300, "Xyzabc: 2026-02-21")], 8: [(300, "Iš viso"), (450, "82,84 EUR")]})
    assert value == "2026-02-22" and conf >= 0.5


def test_the_payment_terms_say_which_date_the_bare_words_is():
    # a due date the vendor's terms after the held date is printed on the page: the held date
    # is the date of issue (``issue_witness``), whatever the unnamed date beside it is
    from invoicepipe.domain.models import Vendor

    rows = {0: "Kontoritarbed Harju", 1: [(300, "Registrikood 15095159")], 2: [(300, "Arve nr: 301")],
            3: [(300, "Kuupäev: 25.01.2026")], 4: [(300, "Xyzabc: 20.01.2026")], 5: [(300, "Qwerty: 08.02.2026")],
            8: [(300, "Kokku"), (450, "82,84 EUR")]}
    vendor = Vendor("V-EE", "Kontoritarbed Harju", tax_id="15095159", payment_terms_days=14)
    field = extract_invoice(doc_from_rows(rows), [vendor]).fields["invoice_date"]
    assert field.value == "2026-01-25" and "terms_gap" in field.evidence and field.confidence >= 0.6
    # when the terms end on the unnamed date, that pair names the date of issue and the due date
    rows[5] = [(300, "Qwerty: 03.02.2026")]
    ex = extract_invoice(doc_from_rows(rows), [vendor])
    assert (ex.value("invoice_date"), ex.value("due_date")) == ("2026-01-20", "2026-02-03")
    assert ex.fields["invoice_date"].confidence >= 0.6


def test_the_witnesses_settle_which_date_never_how_it_was_read():
    from invoicepipe.domain.extraction.issue_witness import confirmable

    assert confirmable("label_right", ("unnamed_date_near",)) and confirmable("first_date", ("contested",))
    assert not confirmable("label_right", ("year_apart",)) and not confirmable("header_row", ("engines_disagreed",))
    assert not confirmable("terms_before_due", ())  # the due date less the terms: no witness of itself
