"""A caption and its value stacked in one box of a row of boxes whose lines interleave with
the next boxes' (``extraction.stacked_cells``): read down the box's column, the box is a
caption over a value, and a value wrapped at its separator is read whole."""

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

HEAD = {
    0: "PISARNIŠKI CENTER LJUBLJANA",
    1: "Šmartinska cesta 152, 1000 Ljubljana",
    3: [(300, "RAČUN")],
    20: [(40, "Opis"), (300, "Količina"), (360, "Cena"), (450, "Vrednost")],
    21: [(40, "Fotokopirni papir A4"), (300, "25"), (360, "6,73"), (450, "168,25")],
    23: [(300, "Osnova za DDV"), (450, "168,25")],
    24: [(300, "DDV 22 %"), (450, "37,02")],
    25: [(300, "Znesek za plačilo"), (450, "205,27")],
}


def _boxes(number_box: list, caption_box=("Številka", "računa")) -> dict:
    """A row of boxes: the number's caption over two lines at x 43, the next boxes' lines set
    between them; ``number_box`` the value's parts, each on the row after the other's."""
    rows = {**HEAD,
            10: [(43, caption_box[0]), (400, "Šifra")],
            10.5: [(110, "Datum računa"), (220, "Dobavnica")],
            11: [(43, caption_box[1]), (400, "kupca")]}
    for n, part in enumerate(number_box):
        rows[12.2 + n] = [(43, part)]
    rows[12.7] = [(110, "8. 2. 2026"), (220, "DOB-2026-00217"), (400, "82198")]
    return rows


def test_a_wrapped_caption_over_a_wrapped_number_in_its_box():
    ex = extract_invoice(doc_from_rows(_boxes(["2026-", "00235"])), [])
    number = ex.fields["invoice_number"]
    assert number.value == "2026-00235" and "stacked_cell" in number.evidence and number.confidence >= 0.6


def test_a_wrapped_caption_over_its_number_on_one_line():
    ex = extract_invoice(doc_from_rows(_boxes(["KNM-000119"])), [])
    assert ex.value("invoice_number") == "KNM-000119"


def test_a_caption_naming_something_else_reads_nothing_down_its_box():
    # "Številka" over "dobavnice" (the delivery note's number): not the invoice's
    ex = extract_invoice(doc_from_rows(_boxes(["2026-", "00235"], ("Številka", "dobavnice"))), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.value != "2026-00235"


def test_parts_too_far_apart_are_not_one_box():
    rows = _boxes(["2026-"])
    rows[14.6] = [(43, "00235")]  # two lines under: another block's
    ex = extract_invoice(doc_from_rows(rows), [])
    number = ex.fields.get("invoice_number")
    assert number is None or number.value != "2026-00235"


def test_a_title_over_the_items_number_column_is_no_box():
    # "INVOICE" alone on its line over the items' column names "No. | Description | Qty":
    # the first item's number is no document's
    rows = {0: "Vendor B.V.", 2: "INVOICE", 3: [(40, "No."), (200, "Description"), (400, "Qty")],
            4: [(40, "1001"), (200, "Screws"), (400, "4")], 6: [(300, "Total"), (450, "1.00")]}
    number = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    assert number is None or number.value != "1001"


def test_a_wrapped_date_caption_over_its_date_beside_another_boxes_date():
    # "Sąskaitos išrašymo" / "data" over "2026-02-22"; the next box's caption "Pristatymo d."
    # (delivery) has its date on the caption's second line, right of "data"
    rows = {0: "Kanceliarija Nemunas", 1: [(300, "PVM SĄSKAITA FAKTŪRA")],
            10: [(40, "KLIENTAS"), (200, "Serija Nr."), (300, "Sąskaitos išrašymo"), (420, "Pristatymo d.")],
            11: [(40, "UAB Meridian Baltic"), (300, "data"), (420, "2026-02-19")],
            12: [(40, "Buhalterija"), (200, "KNM 000835"), (300, "2026-02-22")],
            20: [(40, "Kodas"), (200, "Pavadinimas"), (360, "Kiekis"), (450, "Suma")],
            21: [(40, "SAS-1010"), (200, "Sąsagėlės"), (360, "2"), (450, "3,56")]}
    date = extract_invoice(doc_from_rows(rows), []).fields["invoice_date"]
    assert date.value == "2026-02-22" and "stacked_cell" in date.evidence
