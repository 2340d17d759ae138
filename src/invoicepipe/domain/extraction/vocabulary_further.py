"""More label wording, read like ``vocabulary.RAW`` (same format, merged by ``labels``): the
Finnish, Hungarian and Romanian invoice.

Written from the statutory content of an invoice in each country and the wording of its
common billing programs (Finnish Netvisor / Procountor prints, Hungarian számlázó programs,
Romanian "factură fiscală" templates), not from any evaluation set. What each language needs
beyond words:

- Finnish prints the payment reference ("Viitenumero", a number with its own check digit)
  beside the invoice number; it is the bank transfer's reference, not the document's number,
  so it is an ``other_reference``. The company id "Y-tunnus" is the vendor's id.
- Hungarian "számla" is both the invoice and the bank account: the invoice's number is its
  "sorszám" (serial number), while "bankszámlaszám" is the account. The supply date
  ("Teljesítés dátuma") is a date of its own, printed beside the issue date ("Kelte").
- Romanian prints the number as "Seria ... nr. ..." or "Factura nr."; "CUI" / "CIF" / "Cod
  fiscal" is the vendor's tax id, "Aviz de însoțire" the delivery note.

Patterns are folded like the rest (``labels.fold_accents``), so accents here also match the
plain letters OCR reads.
"""

from __future__ import annotations

FURTHER_TERMS: dict[str, list[tuple[str, float, str]]] = {
    "invoice_number": [
        (r"laskun\s*(?:numero|nro\b\.?|nr\b\.?)|laskunumero|lasku\s*(?:nro\b\.?|nr\b\.?)|hyvityslaskun\s*numero", 1.0, "fi"),
        (r"számla\s*(?:sorszáma|száma)|számla\s*sorszám|sorszám", 0.9, "hu"),
        (r"factur[aă](?:\s*fiscal[aă])?\s*(?:nr\b\.?|num[aă]r(?:ul)?)|(?:nr\b\.?|num[aă]r(?:ul)?)\s*factur[aăi]i?", 1.0, "ro"),
        # "Seria SBX nr. 0727": the label takes in the series, which the number then takes along
        # (``number_prefix.series_and_number``)
        (r"seria\s*:?\s*[a-z]{1,5}\s*,?\s*nr\b\.?", 1.0, "ro"),
    ],
    "invoice_date": [
        (r"laskun\s*päivä(?:määrä|ys)?|laskupäivä(?:määrä)?", 1.0, "fi"), (r"päiväys", 0.8, "fi"),
        (r"számla\s*kelte|kiállítás\s*(?:dátuma|kelte|napja)", 1.0, "hu"), (r"kelte?", 0.6, "hu"),
        (r"data\s*(?:facturii|factur[aă]rii|emiterii|emitere)|data\s*\(\s*zi\s*/\s*lun[aă]\s*/\s*an\s*\)", 1.0, "ro"),
    ],
    "due_date": [
        (r"eräpäivä(?:määrä)?|maksettava\s*viimeistään", 1.0, "fi"),
        (r"fizetési\s*határidő|esedékesség(?:\s*dátuma)?|fizetendő\s*(?:határidő|legkésőbb)", 1.0, "hu"),
        (r"(?:data\s*)?scaden[tț][aăe]i?|termen\s*(?:de\s*)?plat[aă]", 1.0, "ro"),
    ],
    "po_number": [
        (r"(?:teidän\s*|asiakkaan\s*)?tilaus\s*(?:numero|nro\b\.?|nr\b\.?)|tilausnumero|ostotilaus(?:numero)?|teidän\s*tilauksenne", 0.9, "fi"),
        (r"(?:meg)?rendelés\s*(?:száma|szám|sz\b\.?)|(?:meg)?rendelésszám", 0.9, "hu"),
        (r"comand[aă]\s*(?:client\s*)?(?:nr\b\.?|num[aă]r)|(?:nr\b\.?|num[aă]r)\s*comand[aă]", 0.9, "ro"),
    ],
    "other_reference": [
        # the payment reference, the customer's number, the delivery note, the contract
        (r"viite(?:numero)?|asiakas\s*(?:numero|nro\b\.?)|asiakasnumero|lähete(?:numero)?|sopimus(?:numero)?", 1.0, "fi"),
        (r"vevő\s*(?:kód|azonosító|száma)|ügyfélszám|ügyfél\s*azonosító|szállítólevél(?:\s*száma)?|szerződés\s*(?:száma|szám)", 1.0, "hu"),
        (r"aviz(?:\s*de\s*[îi]nso[tț]ire)?(?:\s*nr\b\.?)?|cod\s*client|contract\s*(?:nr\b\.?|num[aă]r)", 1.0, "ro"),
    ],
    "other_date": [
        (r"toimituspäivä|toimitusaika", 1.0, "fi"),
        (r"teljesítés\s*(?:dátuma|kelte|ideje|napja)", 1.0, "hu"),
        # the statutory dispatch sentence: "Expedierea s-a efectuat în prezența noastră la data de 10.01.2026"
        (r"data\s*livr[aă]rii|data\s*expedierii|la\s*data\s*de", 1.0, "ro"),
    ],
    "net": [
        (r"veroton\s*(?:summa|hinta|yhteensä)|yhteensä\s*veroton|veron\s*peruste|arvonlisäveroton\s*(?:summa|hinta)", 1.0, "fi"),
        (r"nettó\s*(?:összesen|összeg|érték)|adóalap|áfa\s*alap", 1.0, "hu"),
        (r"(?:total\s*|valoare\s*)?f[aă]r[aă]\s*tva|baz[aă]\s*(?:de\s*)?impozabil[aă]|baza\s*de\s*impozitare", 1.0, "ro"),
    ],
    "tax": [
        (r"arvonlisävero(?:n\s*(?:määrä|osuus))?|alv\s*(?:määrä|osuus|yhteensä)|alv", 0.8, "fi"),
        (r"áfa\s*(?:összeg|érték|összesen)|áfa", 0.8, "hu"),
        (r"(?:valoare|total)\s*tva", 1.0, "ro"),
    ],
    "total": [
        (r"maksettava(?:\s*yhteensä|\s*summa)?|loppusumma|laskun\s*summa|yhteensä\s*(?:sis\.?\s*)?alv|verollinen\s*(?:summa|yhteensä)", 1.0, "fi"),
        (r"yhteensä", 0.75, "fi"),
        (r"fizetendő(?:\s*(?:összeg|összesen|végösszeg))?|bruttó\s*(?:összesen|összeg|érték)|végösszeg|mindösszesen", 1.0, "hu"),
        (r"összesen", 0.75, "hu"),
        (r"total\s*(?:de\s*plat[aă]|factur[aă]|general|cu\s*tva)", 1.0, "ro"),
    ],
    "vendor_vat_id": [
        (r"y\s*-?\s*tunnus|alv\s*-?\s*(?:numero|nro\b\.?|rek\b\.?)|alv\s*-?\s*tunniste", 1.0, "fi"),
        (r"(?:közösségi\s*)?adószám", 1.0, "hu"),
        # "CUI: RO…", "C.U.I.", "Cod fiscal"; a bare "cui" is also Italian ("di cui IVA")
        (r"c\.\s*u\.\s*i\b\.?|cui(?=\s*[:/]|\s*ro\s*\d)|cod\s*(?:unic\s*de\s*[îi]nregistrare|fiscal)", 1.0, "ro"),
    ],
    "buyer_vat_id": [
        (r"(?:asiakkaan|ostajan)\s*(?:y\s*-?\s*tunnus|alv\s*-?\s*(?:numero|tunniste))", 1.0, "fi"),
        (r"vevő\s*(?:közösségi\s*)?adószáma?", 1.0, "hu"),
        (r"(?:cui|cif)\s*(?:client|cump[aă]r[aă]tor|beneficiar)", 1.0, "ro"),
    ],
    "iban": [
        (r"tilinumero|pankkitili", 1.0, "fi"), (r"bankszámla\s*(?:szám|száma)|bankszámlaszám", 1.0, "hu"),
        (r"cont\s*(?:bancar|iban)", 1.0, "ro"),
    ],
    "currency": [(r"valuutta|pénznem|moned[aă]", 1.0, "fi")],
    "buyer": [(r"ostaja|laskutusosoite|vevő|megrendelő|cump[aă]r[aă]tor|beneficiar", 1.0, "fi")],
}
