"""Item tables headed in Lithuanian, Latvian, Estonian and Turkish (``table_columns``): each
header's column names are known, so the rows are read as line items with their quantity,
unit price and amount. Before, none of these four tables read a line item."""

from decimal import Decimal

import pytest

from invoicepipe.domain.extraction import extract_invoice
from tests.unit.test_extraction_fields import doc_from_rows

# (header cells at X; then two rows in the same places)
HEADERS = {
    "lt": ("Kodas", "Pavadinimas", "PVM %", "Kiekis", "Mato vnt.", "Kaina", "Nuolaida %", "Suma"),
    "lv": ("Kods", "Nosaukums", "PVN %", "Daudzums", "Mērv.", "Cena", "Atlaide %", "Summa"),
    "et": ("Kood", "Nimetus", "KM %", "Kogus", "Ühik", "Hind", "Allahindlus %", "Summa"),
    "tr": ("Kod", "Açıklama", "KDV %", "Miktar", "Birim", "Birim Fiyat", "İskonto %", "Tutar"),
}
X = (40, 100, 240, 290, 340, 390, 450, 510)


@pytest.mark.parametrize("lang", sorted(HEADERS))
def test_an_item_table_headed_in_the_language_is_read(lang):
    rows = {0: "Kanceliarija Nemunas", 2: "Nr. 2026-0417",
            6: list(zip(X, HEADERS[lang])),
            7: list(zip(X, ("SEG-1044", "Segtuvas 8 cm", "21%", "40", "vnt.", "5,72", "–", "228,80"))),
            8: list(zip(X, ("POP-1011", "Popierius A4", "21%", "50", "pak.", "6,55", "–", "327,50"))),
            10: [(390, "Σ"), (510, "556,30")]}
    items = extract_invoice(doc_from_rows(rows), []).lines
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (Decimal("40"), Decimal("5.72"), Decimal("228.80")), (Decimal("50"), Decimal("6.55"), Decimal("327.50"))]
    assert items[0].description.startswith("Segtuvas")



def test_figures_under_another_blocks_captions_right_under_the_items_are_no_item():
    """A tax breakdown right under the items, its captions in words no vocabulary names as a
    table header ("KM määr  Maksustatav  Käibemaks  Kokku"): its row of figures, under the
    items' columns, is the breakdown's, not an item whose words were lost."""
    rows = {0: "Kontoritarbed Harju OÜ", 2: "Arve nr 518",
            6: [(40, "Kirjeldus"), (240, "KM %"), (290, "Kogus"), (390, "Ühiku hind"), (510, "Summa")],
            7: [(40, "Pastapliiats must, 50 tk pakis"), (240, "24%"), (290, "100"), (390, "8,82"), (510, "882,00")],
            8: [(300, "KM määr"), (350, "Maksustatav"), (430, "Käibemaks"), (510, "Kokku")],
            9: [(300, "24%"), (350, "882,00"), (430, "211,68"), (510, "1 093,68")],
            11: [(400, "Vahesumma"), (510, "882,00")], 12: [(400, "Kokku EUR"), (510, "1 093,68")]}
    items = extract_invoice(doc_from_rows(rows), []).lines
    assert [i.amount for i in items] == [Decimal("882.00")]
