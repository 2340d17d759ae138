"""Per-vendor layout memory: learned from one corrected invoice, it finds the next one's fields."""

from invoicepipe.domain.extraction import extract_invoice, learn_layout
from invoicepipe.domain.layout_memory import (
    FieldSpot, VendorLayout, layout_from_dict, layout_to_dict, merge_layouts, vendor_memory_key)
from invoicepipe.domain.models import Box, DocumentText, Page, Vendor, Word

VENDOR = Vendor("V7", "Kessler Elektro GmbH", tax_id="DE111222333")


def page(rows: list[tuple[float, float, str]], method: str = "pdf_text") -> DocumentText:
    """rows: (x, y, text) of one page; each token 6 pt per character."""
    words = []
    for x, y, text in rows:
        for token in text.split():
            words.append(Word(token, Box(x, y, x + 6 * len(token), y + 10), 1, 1.0 if method == "pdf_text" else 0.9))
            x += 6 * len(token) + 4
    return DocumentText((Page(1, 595, 842, tuple(words), method),), None, "test")


def invoice(number: str, day: str, total: str, shift: float = 0.0) -> DocumentText:
    # "Vorgang" is no invoice-number label the extractor knows; the layout is this vendor's own
    return page([(40, 40, "Kessler Elektro GmbH"), (40, 54, "USt-IdNr. DE111222333"),
                 (330, 120 + shift, "Vorgang"), (420, 120 + shift, number),
                 (330, 134 + shift, "Datum"), (420, 134 + shift, day),
                 (40, 300, "Leistung Menge Preis Betrag"), (40, 314, "Montage 2 50,00 100,00"),
                 (330, 400, "Endsumme"), (440, 400, f"{total} EUR")])


def test_a_vendor_specific_label_is_learned_from_one_correction():
    first, second = invoice("K-7781", "03.02.2026", "100,00"), invoice("K-7790", "10.02.2026", "100,00", shift=4)
    before = extract_invoice(second, [VENDOR])
    assert before.value("invoice_number") != "K-7790"
    memory = learn_layout(first, "V7", {"invoice_number": "K-7781", "invoice_date": "2026-02-03", "total": "100.00"})
    spot = memory.spots_for("invoice_number")[0]
    assert spot.label == "vorgang" and not spot.label_above and 0.7 < spot.box[0] < 0.72
    after = extract_invoice(second, [VENDOR], memory={"V7": memory})
    assert after.value("invoice_number") == "K-7790"
    assert after.fields["invoice_number"].method == "layout_memory"
    assert after.value("invoice_date") == "2026-02-10"
    assert after.confidence("invoice_number") > before.confidence("invoice_number")


def test_memory_of_another_vendor_is_not_used():
    memory = learn_layout(invoice("K-1", "03.02.2026", "100,00"), "V9", {"invoice_number": "K-1"})
    ex = extract_invoice(invoice("K-2", "04.02.2026", "100,00"), [VENDOR], memory={"V9": memory})
    assert ex.value("invoice_number") != "K-2"


def test_spots_seen_again_count_up_and_each_field_keeps_a_few():
    a = VendorLayout("V7", (FieldSpot("total", -1, (0.7, 0.4, 0.8, 0.41), "endsumme"),), 1)
    b = VendorLayout("V7", (FieldSpot("total", -1, (0.705, 0.405, 0.8, 0.415), "endsumme"),
                            FieldSpot("invoice_number", 1, (0.7, 0.1, 0.8, 0.11), "vorgang")), 1)
    merged = merge_layouts(merge_layouts(None, a), b)
    assert merged.documents == 2
    assert merged.spots_for("total")[0].seen == 2 and len(merged.spots_for("total")) == 1
    many = a
    for i in range(6):
        many = merge_layouts(many, VendorLayout("V7", (FieldSpot("total", -1, (0.1 * i, 0.9, 0.1 * i + 0.05, 0.91), f"x{i}"),), 1))
    assert len(many.spots_for("total")) == 3


def test_layout_round_trips_through_json_and_keys_fall_back_to_the_printed_name():
    layout = learn_layout(invoice("K-1", "03.02.2026", "100,00"), "V7", {"invoice_number": "K-1", "total": "100.00"})
    assert layout_from_dict(layout_to_dict(layout)) == layout
    assert vendor_memory_key("V7", "Kessler") == "V7"
    assert vendor_memory_key(None, "Kessler Elektro GmbH!") == "name:kessler elektro gmbh"
    assert vendor_memory_key(None, None) is None


def test_memory_recalled_once_the_vendor_is_resolved_reads_as_memory_given():
    memory = {"V7": learn_layout(invoice("K-7781", "03.02.2026", "100,00"), "V7", {"invoice_number": "K-7781"})}
    second = invoice("K-7790", "10.02.2026", "100,00", shift=4)
    asked = []
    recalled = extract_invoice(second, [VENDOR], recall=lambda vendor_id: asked.append(vendor_id) or memory)
    assert asked == ["V7"]
    assert recalled == extract_invoice(second, [VENDOR], memory=memory)
    assert recalled.fields["invoice_number"].method == "layout_memory"
    # no vendor resolved: nothing is asked
    assert extract_invoice(second, [], recall=asked.append) == extract_invoice(second, []) and asked == ["V7"]


def test_a_value_at_the_remembered_place_under_another_fields_label_is_not_taken():
    # the vendor's invoices print the PO in the header's third column; its credit note prints
    # the customer number there: the place is the vendor's, the value is not a PO
    def header(third_label: str, third_value: str) -> DocumentText:
        return page([(40, 40, "Kessler Elektro GmbH"), (40, 54, "USt-IdNr. DE111222333"),
                     (40, 120, "Rechnungsnummer"), (160, 120, "Datum"), (300, 120, third_label),
                     (40, 134, "2026-0446"), (160, 134, "13.03.2026"), (300, 134, third_value),
                     (330, 400, "Endsumme"), (440, 400, "100,00 EUR")])
    memory = VendorLayout("V7", (FieldSpot("po_number", 1, (300 / 595, 134 / 842, 330 / 595, 144 / 842), None),), 1)
    assert extract_invoice(header("Vorgang", "4500010521"), [VENDOR], memory={"V7": memory}).value("po_number") == "4500010521"
    credit = extract_invoice(header("Kunden-Nr.", "65001"), [VENDOR], memory={"V7": memory})
    assert credit.value("po_number") is None


def test_a_one_page_invoices_sums_are_looked_for_on_the_last_page_of_a_longer_one():
    # the vendor's summary table heads its gross column with the item table's own words:
    # read back on page 1 of a two-page invoice, "Brutto" would take the first item's gross
    def rows_of(items, summary):
        return ([(40, 40, "Kessler Elektro GmbH"), (40, 54, "USt-IdNr. DE111222333"), (40, 100, "Rechnung Nr. K-1"),
                 (40, 300, "Leistung"), (250, 300, "Netto"), (330, 300, "MwSt"), (420, 300, "Brutto")]
                + [(x, 314 + 14 * i, t) for i, row in enumerate(items) for x, t in zip((40, 250, 330, 420), row)], summary)

    def doc(items, summary_rows, pages_split: bool) -> DocumentText:
        head, _ = rows_of(items, ())
        summary = [(250, 600, "Netto"), (330, 600, "MwSt"), (420, 600, "Brutto")] + [
            (x, 614, t) for x, t in zip((40, 250, 330, 420), ("Summe",) + summary_rows)]
        first = page(head if pages_split else head + summary).pages[0]
        if not pages_split:
            return DocumentText((first,), None, "test")
        second = page(summary).pages[0]
        return DocumentText((first, Page(2, 595, 842, tuple(Word(w.text, w.box, 2, w.confidence) for w in second.words),
                                         "pdf_text")), None, "test")

    one = doc([("Montage", "100,00", "19,00", "119,00")], ("100,00", "19,00", "119,00"), False)
    memory = learn_layout(one, "V7", {"net": "100.00", "tax": "19.00", "total": "119.00"})
    assert memory.spots_for("total")[0].page == -1
    two = doc([("Montage", "329,80", "62,66", "392,46"), ("Kabel", "700,00", "133,00", "833,00")],
              ("1.029,80", "195,66", "1.225,46"), True)
    ex = extract_invoice(two, [VENDOR], memory={"V7": memory})
    assert ex.value("total") == "1225.46"
