"""Label wording of the Croatian, Serbian and Bosnian (Latin script) and Slovenian invoice,
read like ``vocabulary.RAW`` (merged into ``vocabulary_further.FURTHER_TERMS``).

Written from the statutory content of an invoice in each country (the Croatian VAT act's
article 79 and its fiscalisation rules, the Slovenian ZDDV-1, the Serbian and Bosnian VAT
laws) and the wording of their common invoicing programs, not from any evaluation set. The
three Latin-script languages of the former Yugoslavia share most of their invoice words
("Račun", "PDV", "Ukupno"), so they carry one tag, ``hr``; Slovenian is ``sl``. What they
need beyond words:

- "Račun" is both the invoice and the (bank) account: "Žiro račun", "Transakcijski račun",
  "Tekući račun" and the Slovenian "TRR" name the vendor's account, so they are IBAN labels
  and never the invoice number's. "Predračun" is a pro-forma: the word boundary keeps it
  from reading as "račun".
- A fiscalised Croatian invoice prints its number as "number/premises/device" ("125/PP1/1");
  the JIR (the tax authority's unique id, a UUID) and the ZKI (the issuer's protective code)
  are no invoice number. "Poziv na broj" (Croatian, Serbian) and "Sklic" (Slovenian) are the
  payment's reference, which repeats the invoice number's digits: other references.
- The due date is "Datum dospijeća" / "Rok plaćanja", and, in the trade's own word, "Valuta
  plaćanja" (Slovenian "Valuta plačila"): the bare "Valuta" stays the currency's label.
- "OIB" (Croatia's personal identification number; the VAT id is "HR" + OIB) and the Serbian
  "PIB" are the vendor's tax id where no buyer's word follows them.
- The Croatian "listopad" is October and the Polish and Czech one November: those month
  names are left out of ``parsing.MONTHS`` (a date written with it is not read).
"""

from __future__ import annotations

# the number's sign: "br." / "broj" (hr), "št." / "številka" (sl)
_BR = r"(?:br\b\.?|broj)"
# (OCR reads "Št." as "St,")
_ST = r"(?:št\b[.,]?|številka)"
# OCR reads the "č" of "Račun" as "é" ("Raéun br:"), as it does Czech "č."
_RACUN = r"ra[čé]un"

SOUTH_SLAVIC_TERMS: dict[str, list[tuple[str, float, str]]] = {
    "invoice_number": [
        # "Račun br.", "R-1 račun br.", "Račun-otpremnica br.", "Broj računa", "Faktura broj" (sr, bs)
        (rf"(?:r\s*-?\s*1\s*)?{_RACUN}\s*(?:-?\s*otpremnica\s*)?(?:r\s*-?\s*1\s*)?{_BR}|(?:broj|br\.)\s*{_RACUN}a", 1.0, "hr"),
        (rf"faktura\s*{_BR}|(?:broj|br\.)\s*fakture", 1.0, "hr"),
        # a credit note's own number: "Knjižno odobrenje br.", "Odobrenje br.", "Storno račun br."
        (rf"(?:knjižno\s*)?odobrenje\s*{_BR}|storno\s*{_RACUN}\s*{_BR}|(?:broj|br\.)\s*(?:knjižnog\s*)?odobrenja", 1.0, "hr"),
        (rf"(?:broj|br\.)\s*dokumenta", 0.8, "hr"),
        (rf"{_RACUN}\s*{_ST}|(?:številka|št\b[.,]?)\s*{_RACUN}a|dobropis\s*{_ST}|(?:številka|št\.)\s*dobropisa", 1.0, "sl"),
        (rf"(?:številka|št\.)\s*dokumenta", 0.8, "sl"),
        # the title with the invoice's type: "RAČUN R-1" (to a VAT-registered buyer), "R-2": the
        # type is no number
        (rf"{_RACUN}\s*:", 0.8, "hr"), (rf"{_RACUN}(?:\s*r\s*-?\s*[12])?|r\s*-?\s*[12]\s*{_RACUN}", 0.35, "hr"),
    ],
    "invoice_date": [
        (rf"datum\s*(?:i\s*vrijeme\s*)?izdavanja(?:\s*{_RACUN}a)?|datum\s*(?:{_RACUN}a|fakture|dokumenta)", 1.0, "hr"),
        (r"mjesto\s*i\s*datum(?:\s*izdavanja)?", 0.9, "hr"),
        (rf"datum\s*(?:izdaje|izstavitve)(?:\s*{_RACUN}a)?|datum\s*{_RACUN}a|kraj\s*in\s*datum(?:\s*izdaje)?", 1.0, "sl"),
    ],
    "due_date": [
        (r"datum\s*dospije[ćc]a|dospije[ćc]e|valuta\s*pla[ćc]anja|datum\s*valute|pla(?:titi|tivo)\s*do|rok\s*za\s*pla[ćc]anje", 1.0, "hr"),
        # "Rok plaćanja: 30 dana" is the terms: the words read only a date after them
        (r"rok\s*pla[ćc]anja", 0.9, "hr"),
        (r"datum\s*zapadlosti|zapade\s*(?:dne)?|pla[čc]ilo\s*do|valuta\s*pla[čc]ila|pla[čc]ljivo\s*do", 1.0, "sl"),
        (r"rok\s*pla[čc]ila", 0.9, "sl"),
    ],
    "po_number": [
        (rf"narudžbenic[ae]\s*{_BR}?|(?:broj|br\.)\s*narudžb(?:e|enice)|narudžba\s*{_BR}?|vaša\s*narudžba(?:\s*{_BR})?", 1.0, "hr"),
        (rf"porudžbenic[ae]\s*{_BR}?|porudžbina\s*{_BR}?|(?:broj|br\.)\s*porudžb(?:ine|enice)", 1.0, "hr"),
        (rf"naročilnic[ae]\s*{_ST}?|naročilo\s*{_ST}?|(?:številka|št\.)\s*naročil(?:a|nice)|vaše\s*naročilo", 1.0, "sl"),
    ],
    "other_reference": [
        # the delivery note, the offer, the contract, the customer's code, the payment reference,
        # the fiscal codes, the registration number, a pro-forma
        (rf"otpremnic[ae]\s*{_BR}?|ponud[ae]\s*{_BR}?|ugovor(?:a)?\s*{_BR}?|šifra\s*(?:kupca|partnera|klijenta)|"
         rf"(?:broj|br\.)\s*(?:kupca|partnera)|poziv\s*na\s*broj(?:\s*(?:primatelja|platitelja|odobrenja|zaduženja))?|"
         rf"jir|zki|matični\s*broj|pred{_RACUN}\s*{_BR}?", 1.0, "hr"),
        (rf"dobavnic[ae]\s*{_ST}?|ponudb[ae]\s*{_ST}?|pogodb[ae]\s*{_ST}?|sklic(?:\s*(?:na\s*številko|številka))?|"
         rf"šifra\s*(?:kupca|partnerja)|matična\s*številka|pred{_RACUN}\s*{_ST}?", 1.0, "sl"),
        # the invoice a credit note or a reversal corrects: "Odobrenje po računu br.", "Storno
        # računa br.", "Odnosi se na račun br.", "Dobropis k računu št.", "Za račun št."
        (rf"(?:knjižno\s*)?odobrenje\s*(?:za|po|uz)\s*{_RACUN}(?:u)?\s*{_BR}?|storno\s*{_RACUN}a\s*{_BR}?|"
         rf"(?:po|uz)\s*{_RACUN}u\s*{_BR}?|(?:se\s*)?odnosi\s*(?:se\s*)?na\s*(?:{_RACUN}|fakturu)\s*{_BR}?", 1.0, "hr"),
        (rf"dobropis\s*(?:k|h|za)\s*{_RACUN}u?\s*{_ST}?|(?:k|h)\s*{_RACUN}u\s*{_ST}?|velja\s*za\s*{_RACUN}\s*{_ST}?|"
         rf"(?:se\s*)?nanaša\s*na\s*{_RACUN}\s*{_ST}?", 1.0, "sl"),
    ],
    "other_date": [
        (r"datum\s*(?:isporuke|otpreme|prometa|dostave|narudžbe|obavljen(?:e|ja)(?:\s*usluge)?|obavljanja(?:\s*usluge)?|isporuke\s*dobara)", 1.0, "hr"),
        # "Datum opravljene" / "storitve": the caption wrapped in its cell is the date of service still
        (r"datum\s*opravljen(?:e|ih)(?:\s*(?:storitve|storitev|dobave))?|datum\s*(?:dobave|odpreme|storitve|prometa|naročila)", 1.0, "sl"),
    ],
    "net": [
        (r"(?:porezna\s*)?osnovica(?:\s*(?:za\s*)?pdv(?:-?a)?)?|(?:ukupno|iznos|vrijednost)\s*bez\s*pdv(?:-?a)?|neto\s*iznos|"
         r"iznos\s*bez\s*poreza", 1.0, "hr"),
        (rf"osnova\s*za\s*(?:obračun\s*)?ddv|davčna\s*osnova|(?:znesek|skupaj|vrednost)\s*brez\s*ddv|neto\s*znesek", 1.0, "sl"),
    ],
    "tax": [
        (rf"(?:iznos\s*|ukupno\s*|obračunati\s*)?pdv(?:-?a)?|porez\s*na\s*dodanu\s*vrijednost", 0.8, "hr"),
        (rf"(?:znesek\s*|skupaj\s*|obračunani\s*)?ddv|davek\s*na\s*dodano\s*vrednost", 0.8, "sl"),
    ],
    "total": [
        (rf"ukupno\s*za\s*(?:platiti|plaćanje|uplatu)|za\s*(?:platiti|plaćanje|uplatu)|sveukupno|ukupn(?:i|an)\s*iznos(?:\s*{_RACUN}a)?|"
         r"iznos\s*za\s*(?:plaćanje|uplatu)|(?:ukupno|iznos|vrijednost)\s*(?:s|sa)\s*(?:pdv(?:-?om)?|porezom)", 1.0, "hr"),
        (r"ukupno", 0.75, "hr"),
        (r"(?:znesek|skupaj)\s*za\s*plačilo|za\s*plačilo|(?:skupaj|vrednost|znesek)\s*z\s*ddv|skupn[ia]\s*(?:znesek|vrednost)|"
         r"končni\s*znesek", 1.0, "sl"),
        (r"skupaj", 0.75, "sl"),
    ],
    "other_amount": [
        # an advance already paid, deducted from the total ("Predujam", "Avans", "Že plačano")
        (r"predujam|avans|već\s*plaćeno|plaćeno\s*(?:avansom|predujmom)", 1.0, "hr"),
        (r"že\s*plačano|predplačilo|plačan\s*avans", 1.0, "sl"),
    ],
    "vendor_vat_id": [
        (r"oib|pdv\s*(?:id|broj|identifikacijski\s*broj)|pib|id\s*broj|porezni\s*broj", 1.0, "hr"),
        (r"id\s*(?:št\.?\s*)?za\s*ddv|identifikacijska\s*številka\s*za\s*ddv|davčna\s*številka|ddv\s*(?:št\b\.?|številka)|id\s*ddv", 1.0, "sl"),
    ],
    "buyer_vat_id": [
        (rf"(?:oib|pib|pdv\s*(?:id|broj)|id\s*broj)\s*(?:kupca|naručitelja|primatelja\s*{_RACUN}a)", 1.0, "hr"),
        (r"(?:id\s*(?:št\.?\s*)?za\s*ddv|davčna\s*številka|id\s*ddv)\s*(?:kupca|naročnika)", 1.0, "sl"),
    ],
    "iban": [
        (rf"žiro\s*-?\s*{_RACUN}|transakcijski\s*{_RACUN}|tekući\s*{_RACUN}", 1.0, "hr"),
        (r"trr", 1.0, "sl"),
    ],
    # the bare "Odobrenje" titles a credit note as "Dobropis" does (``vocabulary``)
    "credit_note": [(rf"(?:knjižno\s*)?odobrenje|storno\s*{_RACUN}\b|knjižna\s*odobritev", 1.0, "hr")],
    "buyer": [(r"kupac|naručitelj|naručilac|kupec|naročnik", 1.0, "hr")],
}
