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

