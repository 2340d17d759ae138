"""More label wording, read like ``vocabulary.RAW`` (same format, merged by ``labels``): the
Finnish, Hungarian and Romanian invoice, and the Estonian, Latvian, Lithuanian and Turkish one
(and, from ``vocabulary_south_slavic``, the Croatian, Serbian, Bosnian and Slovenian one).

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
- Estonian "Viitenumber" and Latvian/Lithuanian delivery notes ("Pavadzīme", "Važtaraštis") are
  other documents' numbers; a Latvian "Pavadzīme-rēķins" is both, and names the invoice. The
  Turkish e-invoice's ETTN (its UUID) is no invoice number.

Patterns are folded like the rest (``labels.fold_accents``), so accents here also match the
plain letters OCR reads.
"""

from __future__ import annotations

from invoicepipe.domain.extraction.vocabulary_south_slavic import SOUTH_SLAVIC_TERMS

FURTHER_TERMS: dict[str, list[tuple[str, float, str]]] = {
    "invoice_number": [
        (r"arve\s*(?:nr\b\.?|number)|arve\s*-?\s*saateleht\s*nr\b\.?|kreeditarve\s*nr\b\.?", 1.0, "et"),
        (r"rēķin(?:s|a)\s*(?:nr\b\.?|numurs)|pavadzīme\s*-?\s*rēķins\s*nr\b\.?|kredītrēķin(?:s|a)\s*(?:nr\b\.?|numurs)", 1.0, "lv"),
        (r"(?:pvm\s*|kreditinės\s*)?sąskait(?:a|os)\s*(?:-?\s*faktūr(?:a|os)\s*)?(?:nr\b\.?|numeris)|kreditinė\s*sąskaita\s*nr\b\.?", 1.0, "lt"),
        # the series and number of a Lithuanian invoice ("Serija ir Nr.", "Serija ABC Nr. 123")
        (r"serija\s*(?:ir\s*)?nr\b\.?", 0.9, "lt"),  # "Serija ir Nr.", "Serija Nr.": the series and number
        (r"fatura\s*(?:no\b\.?|numarası|nr\b\.?)|iade\s*faturası\s*no\b\.?", 1.0, "tr"), (r"belge\s*no\b\.?", 0.6, "tr"),
        (r"laskun\s*(?:numero|nro\b\.?|nr\b\.?)|laskunumero|lasku\s*(?:nro\b\.?|nr\b\.?)|hyvityslaskun\s*numero", 1.0, "fi"),
        (r"számla\s*(?:sorszáma|száma)|számla\s*sorszám|sorszám", 0.9, "hu"),
        (r"factur[aă](?:\s*fiscal[aă])?\s*(?:nr\b\.?|num[aă]r(?:ul)?)|(?:nr\b\.?|num[aă]r(?:ul)?)\s*factur[aăi]i?", 1.0, "ro"),
        # "Seria SBX nr. 0727": the label takes in the series, which the number then takes along
        # (``number_prefix.series_and_number``)
        (r"seria\s*:?\s*[a-z]{1,5}\s*,?\s*nr\b\.?", 1.0, "ro"),
    ],
    "invoice_date": [
        (r"arve\s*kuupäev|väljastamise\s*kuupäev", 1.0, "et"), (r"kuupäev", 0.5, "et"), (r"väljastatud|koostatud", 0.8, "et"),
        (r"koostamise\s*kuupäev", 1.0, "et"),
        (r"rēķina\s*datums|izrakstīšanas\s*datums|izrakstīts\s*\(\s*datums\s*\)", 1.0, "lv"), (r"datums", 0.5, "lv"), (r"izrakstīts", 0.8, "lv"),
        (r"sąskaitos\s*data|išrašymo\s*data", 1.0, "lt"), (r"išrašyta", 0.8, "lt"),
        (r"fatura\s*tarihi|düzenleme\s*tarihi|düzenlenme\s*tarihi", 1.0, "tr"),
        # the document's date by the word for the paper, as "Document Date", "Belegdatum" and
        # "Data dokumentu" (``vocabulary``): an accounting program's name for the date of issue
        (r"dokumendi\s*kuupäev", 0.9, "et"), (r"dokumenta\s*datums", 0.9, "lv"), (r"dokumento\s*data", 0.9, "lt"),
        (r"belge\s*tarihi", 0.9, "tr"), (r"bizonylat\s*(?:kelte|dátuma)", 0.9, "hu"), (r"data\s*documentului", 0.9, "ro"),
        (r"laskun\s*päivä(?:määrä|ys)?|laskupäivä(?:määrä)?", 1.0, "fi"), (r"päiväys", 0.8, "fi"),
        (r"számla\s*kelte|kiállítás\s*(?:dátuma|kelte|napja)", 1.0, "hu"), (r"kelte?", 0.6, "hu"),
        (r"data\s*(?:facturii|factur[aă]rii|emiterii|emitere)|data\s*\(\s*zi\s*/\s*lun[aă]\s*/\s*an\s*\)", 1.0, "ro"),
    ],
    "due_date": [
        (r"maksetähtaeg|tasumise\s*tähtaeg|tasuda\s*hiljemalt", 1.0, "et"),
        (r"apmaksas\s*termiņš|samaksas\s*termiņš|(?:ap|sa)maksāt\s*līdz", 1.0, "lv"),
        (r"apmokėti\s*iki|mokėjimo\s*terminas|apmokėjimo\s*terminas", 1.0, "lt"),
        (r"vade\s*tarihi|son\s*ödeme\s*tarihi", 1.0, "tr"),
        (r"eräpäivä(?:määrä)?|maksettava\s*viimeistään", 1.0, "fi"),
        (r"fizetési\s*határidő|esedékesség(?:\s*dátuma)?|fizetendő\s*(?:határidő|legkésőbb)", 1.0, "hu"),
        (r"(?:data\s*)?scaden[tț][aăe]i?|termen\s*(?:de\s*)?plat[aă]", 1.0, "ro"),
    ],
    "po_number": [
        (r"tellimus(?:e)?\s*(?:nr\b\.?|number)|teie\s*tellimus", 0.9, "et"),
        (r"pasūtījum(?:s|a)\s*(?:nr\b\.?|numurs)", 0.9, "lv"),
        (r"užsakym(?:as|o)\s*(?:nr\b\.?|numeris)", 0.9, "lt"),
        (r"sipariş\s*(?:no\b\.?|numarası)", 0.9, "tr"),
        (r"(?:teidän\s*|asiakkaan\s*)?tilaus\s*(?:numero|nro\b\.?|nr\b\.?)|tilausnumero|ostotilaus(?:numero)?|teidän\s*tilauksenne", 0.9, "fi"),
        (r"(?:meg)?rendelés\s*(?:száma|szám|sz\b\.?)|(?:meg)?rendelésszám", 0.9, "hu"),
        (r"comand[aă]\s*(?:client\s*)?(?:nr\b\.?|num[aă]r)|(?:nr\b\.?|num[aă]r)\s*comand[aă]", 0.9, "ro"),
    ],
    "other_reference": [
        (r"saateleht(?:\s*nr\b\.?)?|viitenumber|kliendi\s*(?:nr\b\.?|kood)", 1.0, "et"),
        (r"pavadzīme(?:\s*nr\b\.?)?|klienta\s*(?:nr\b\.?|kods)|līgum(?:s|a)\s*nr\b\.?", 1.0, "lv"),
        (r"važtaraštis(?:\s*nr\b\.?)?|kliento\s*(?:nr\b\.?|kodas)|sutartis\s*nr\b\.?", 1.0, "lt"),
        # the invoice a credit note credits, named in the dative ("to invoice"): "Kreeditarve
        # arvele 393", "Kredītrēķins rēķinam Nr. BPD-00728", "Kreditinė sąskaita sąskaitai Nr."
        (r"(?:kreeditarve\s*)?arvele(?:\s*nr\b\.?)?", 1.0, "et"),
        (r"(?:kredītrēķins\s*)?rēķinam(?:\s*nr\b\.?)?", 1.0, "lv"),
        (r"(?:kreditinė\s*sąskaita\s*)?sąskaitai(?:\s*nr\b\.?)?", 1.0, "lt"),
        (r"irsaliye\s*(?:no\b\.?|numarası|tarihi)?|müşteri\s*(?:no\b\.?|kodu)|ettn", 1.0, "tr"),
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
        (r"summa\s*(?:käibemaksuta|km-ta)|maksustatav\s*summa|kokku\s*(?:ilma\s*)?km-ta", 1.0, "et"),
        (r"summa\s*bez\s*pvn|kopā\s*bez\s*pvn|apliekamā\s*summa", 1.0, "lv"),
        (r"suma\s*be\s*pvm|iš\s*viso\s*be\s*pvm|apmokestinamoji\s*vertė", 1.0, "lt"),
        (r"ara\s*toplam|mal\s*hizmet\s*toplam(?:\s*tutarı)?|matrah|kdv\s*matrahı", 1.0, "tr"),
        (r"veroton\s*(?:summa|hinta|yhteensä)|yhteensä\s*veroton|veron\s*peruste|arvonlisäveroton\s*(?:summa|hinta)", 1.0, "fi"),
        (r"nettó\s*(?:összesen|összeg|érték)|adóalap|áfa\s*alap", 1.0, "hu"),
        (r"(?:total\s*|valoare\s*)?f[aă]r[aă]\s*tva|baz[aă]\s*(?:de\s*)?impozabil[aă]|baza\s*de\s*impozitare", 1.0, "ro"),
    ],
    "tax": [
        (r"käibemaks|km\s*\d{1,2}\s*%", 0.8, "et"),
        (r"pvn(?:\s*summa)?", 0.8, "lv"),
        (r"pvm(?:\s*suma)?", 0.8, "lt"),
        (r"(?:hesaplanan\s*)?kdv(?:\s*tutarı)?", 0.8, "tr"),
        (r"arvonlisävero(?:n\s*(?:määrä|osuus))?|alv\s*(?:määrä|osuus|yhteensä)|alv", 0.8, "fi"),
        (r"áfa\s*(?:összeg|érték|összesen)|áfa", 0.8, "hu"),
        (r"(?:valoare|total)\s*tva", 1.0, "ro"),
    ],
    "total": [
        (r"kokku\s*tasuda|arve\s*summa|kokku\s*(?:koos\s*km-ga|km-ga)", 1.0, "et"), (r"tasuda", 0.9, "et"),
        (r"kopā\s*(?:apmaksai|ar\s*pvn)|summa\s*apmaksai", 1.0, "lv"), (r"apmaksai", 0.9, "lv"),
        (r"mokėtina\s*suma|iš\s*viso\s*(?:su\s*pvm|mokėti)|bendra\s*suma", 1.0, "lt"),
        (r"genel\s*toplam|ödenecek\s*tutar|vergiler\s*dahil\s*toplam(?:\s*tutar)?", 1.0, "tr"),
        (r"maksettava(?:\s*yhteensä|\s*summa)?|loppusumma|laskun\s*summa|yhteensä\s*(?:sis\.?\s*)?alv|verollinen\s*(?:summa|yhteensä)", 1.0, "fi"),
        (r"yhteensä", 0.75, "fi"),
        (r"fizetendő(?:\s*(?:összeg|összesen|végösszeg))?|bruttó\s*(?:összesen|összeg|érték)|végösszeg|mindösszesen", 1.0, "hu"),
        (r"összesen", 0.75, "hu"),
        (r"total\s*(?:de\s*plat[aă]|factur[aă]|general|cu\s*tva)", 1.0, "ro"),
    ],
    "vendor_vat_id": [
        (r"kmkr\s*(?:nr\b\.?|number)?|km\s*-?\s*kohustuslase\s*nr\b\.?", 1.0, "et"),
        (r"pvn\s*(?:reģ(?:istrācijas)?\.?\s*)?(?:nr\b\.?|numurs)", 1.0, "lv"),
        (r"pvm\s*(?:mokėtojo\s*)?kodas", 1.0, "lt"),
        (r"vergi\s*(?:no\b\.?|numarası|kimlik\s*no\b\.?)|vkn", 1.0, "tr"),
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

# the Croatian, Serbian, Bosnian and Slovenian wording has a module of its own (its notes are long)
for _field, _terms in SOUTH_SLAVIC_TERMS.items():
    FURTHER_TERMS.setdefault(_field, []).extend(_terms)
