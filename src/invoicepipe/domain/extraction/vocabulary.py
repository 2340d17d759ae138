"""The label vocabulary: how invoices in each language name the fields the extractor reads.

Each entry is (regular expression, strength in [0, 1], language). Strength says how surely
the words name the field ("Rechnungsnummer" 1.0, a bare "Datum" 0.5); the language is
locale evidence for numeric dates. Families that are *not* read (``other_reference``,
``other_date``, ``other_amount``, ``other_title``) exist so their words are recognised as
labels: a delivery-note number or a subtotal before tax then ends the value segment of the
label before it and is never read as the PO number or the total.

Languages: English (with Indian GST usage), German (with Swiss QR-bill wording), French,
Dutch, Spanish, Italian, Portuguese, Polish, Czech and Slovak, Swedish, Danish and Norwegian;
Finnish, Hungarian, Romanian, Estonian, Latvian, Lithuanian and Turkish in ``vocabulary_further``. Patterns are matched on accent-folded text
(see ``labels.fold_accents``), so accented letters here also match their plain forms.
"""

from __future__ import annotations

# "No.", "Nr.", "N°", "Nº", "Núm.", "Number", "Nummer", "Numéro", "Numero", "Numer", "#", "ID"
NO = r"(?:no\b\.?|nr\b\.?|n[°ºo]\.?|n\.[°º]?|núm\b\.?|num(?:ber|mer|éro|ero|er)?\b\.?|#|id\b)"
# between a sum word and the qualifier after its tax word: "Totale IVA", "Total (IVA", "Totale
# (IVA", "Importe total IVA" (the romance languages put "included"/"excluded" after the tax word)
_TAX_AFTER = r"\s*\(?\s*(?:iva|tva|imposta|igic)\s*"
# a currency code set between a sum word and its qualifier: "Total GBP Excl. VAT", "Total EUR
# inkl. MwSt.", "Totaal EUR incl. btw" (ERPs print the document currency into the label)
_CODE = r"(?:(?:eur|gbp|usd|chf|pln|czk|sek|nok|dkk|huf|ron|inr|aud|cad|nzd|sgd|hkd|zar|jpy|cny|myr)\s*)?"

# a line that says it credits an invoice ("Kredit av faktura 000568", "Kreditering af faktura",
# "Creditering van factuur", "Storno zur Rechnung", "Storno della fattura", "Credit for
# invoice"): the invoice named is not the document's own number, and the document is a credit
# note even where its title went unread (a photo's blurred heading). Not the Spanish "abono de
# la factura": it also means the invoice's payment ("el abono de la factura se realizará por
# transferencia"), printed on ordinary invoices.
CREDITS_INVOICE = (rf"kredit(?:ering)?\s*(?:av|af)\s*faktura\s*(?:nr\b\.?)?|krediterar\s*faktura\s*(?:nr\b\.?)?|"
                   rf"creditering\s*(?:van|op)\s*(?:de\s*)?factuur\s*(?:{NO})?|"
                   rf"(?:storno|stornierung)\s*(?:zur|der)\s*rechnung\s*(?:{NO})?|"
                   rf"storno\s*(?:della\s*|alla\s*)?(?:fattura|ft\.|fatt\.)\s*(?:{NO})?|credit\s*(?:for|against)\s*invoice\s*(?:{NO})?|"
                   # an Australian adjustment note names the tax invoice it adjusts
                   rf"adjustment\s*(?:to|of|against)\s*(?:tax\s*)?invoice\s*(?:{NO})?|"
                   # a Romanian reversal names the invoice it reverses: "Stornare factura seria SBX nr. 0728"
                   r"storn(?:are|o)\s*(?:a\s*)?factur(?:ii|a|ă)(?:\s*seria\s*[a-z]{1,5})?\s*(?:nr\b\.?)?|"
                   # the Hungarian corrected or original invoice, the Finnish credited one
                   r"(?:a\s*)?(?:helyesbített|eredeti)\s*számla\s*(?:sorszáma|száma)|hyvitettävä\s*lasku|alkuperäinen\s*lasku")

# a bare word is a label only when an amount follows it on the line (OCR specks and quotes,
# a currency sign or code in between): "CASH 50.00", "Bar 20,00", "Svc Chg 10% 4.41";
# also for the sums "SUMME EUR 32,46" / "Gesamt 12,34" that head columns of invoice tables
AMOUNT_NEXT = r"(?=[\s:.*“”\"'|_~-]*(?:(?:eur|usd|gbp|chf|pln|inr|myr|sgd|sek|dkk|nok)\b|[€$£₹]|rm|s\$|rs\.?|fr\.)?[\s:.*“”\"'|_~-]*-?\d)"

# what must follow a due date's words in a sentence: the date itself, day first ("12 de
# febrero", "12.02.2026") or month first ("February 12, 2026")
SENTENCE_DATE = r"(?=[\s:]*(?:\d|[^\W\d_]{3,10}\.?\s+\d))"

RAW: dict[str, list[tuple[str, float, str]]] = {
    "invoice_number": [
        (rf"invoice\s*{NO}", 1.0, "en"), (rf"inv\.?\s*{NO}", 0.9, "en"), (rf"bill\s*{NO}", 0.8, "en"),
        # national e-invoice prints name the document's own number so: Malaysia's MyInvois
        # "e-Invoice Code" / "e-Invoice No." (its "e-Invoice Type" is a code list entry, "01")
        (rf"e\s*-?\s*invoice[\s:.]*(?:code|{NO})", 1.0, "en"),
        (rf"(?:credit|adjustment)\s*note\s*{NO}", 1.0, "en"), (rf"receipt\s*{NO}", 0.6, "en"),
        # the page's own document number, whole or cut short ("Doc. No." below), as "Documento n."
        (rf"document\s*{NO}", 0.9, "en"),
        # a credit memo's own number in US small-business prints ("Date | Credit No." over its
        # values); "credit card no." and "credit note no." are other words
        (r"credit\s*(?:memo\s*)?(?:no\b\.?|#|number)", 0.9, "en"),
        # the same abbreviated: "CM #", "CM No." (a credit memo's own number; after a figure,
        # "25 cm", a length)
        (r"(?<!\d)(?<!\d\s)cm\s*(?:no\b\.?|#)", 0.9, "en"),
        # a credit note's own number after its title, as "Credit Note No." ("NOTA DI CREDITO N. 199/26
        # DEL 29/01/26", "Nota de crédito n.º", "Creditnota nr.")
        (rf"(?:nota\s*di\s*(?:credito|accredito)|nota\s*de\s*(?:crédito|abono)|creditnota|creditfactuur)\s*{NO}", 1.0, "it"),
        # till receipts number themselves under their own words: "Bon-Nr.", "Bonnr.", "Ticket n°",
        # "TRANS#", "DOC. N.", "Nr wydruku", "Factura simplificada N°". Weak (0.5): a till's short
        # number is read wrong by OCR more often than an invoice's, and a calibration fitted on
        # invoices would pass it on sight
        (r"bon\s*-?\s*(?:nr\b\.?|nummer)|kassenbon\s*-?\s*(?:nr\b\.?|nummer)", 0.5, "de"),
        (r"ticket\s*(?:n[°º]|no\b\.?|nr\b\.?)|trans(?:action)?\s*(?:#|no\b\.?|nr\b\.?)", 0.5, "en"),
        (r"doc\.\s*n\.|scontrino\s*(?:n\.|nr\b\.?|n[°º])|nr\s*(?:wydruku|paragonu)|paragon\s*nr\b\.?", 0.5, "it"),
        (rf"(?:factura\s*simplificada|tique)\s*{NO}", 0.5, "es"),
        (r"\w*rechnungs?\s*-?\s*(?:\(\d+\)\s*)?(?:nummer|nr\.?|no\.?)", 1.0, "de"),
        # a cancellation's or correction's own number: "Storno-Nr.", "Stornorechnungsnummer",
        # "Korrektur-Nr." ("Storno zur Rechnung Nr." names the cancelled invoice's, below)
        (r"(?:gutschrifts?|beleg|(?:storno|korrektur)(?:rechnungs?)?)\s*-?\s*(?:nummer|nr\.?)", 0.9, "de"),
        # a title naming the document, then its number further on: "Rechnung des Versicherers (575) Nr. 01.234"
        # (not when the gap names another document: "Rechnung gemäß Bestellung Nr. 4711", nor
        # across other labels of a header row: "Invoice  Invoice date  Due date  PO Number  Customer No.",
        # nor over a number of four digits or more: "FACTURÉ À  F2026-00153  N° de facture" is a
        # caption, a value and the next caption, not one label; nor from the date's "Facturé le"
        # (invoiced on), folded to "facture le", in a row of captions before the next's "N°")
        (r"(?:rechnung|gutschrift|invoice|credit\s*note|facture|avoir|factura|fattura|fatura|faktura|factuur)\b(?!\s*le\b)"
         r"(?:(?!\d{4}|bestell|auftrag|order|liefer|commande|delivery|date|datum|due|fällig|customer|kunde|client|p\.?o\b|number|nummer|rechnung|invoice|facture"
         r"|factura|fattura|fatura|faktur|factuur|pedido|ordine|encomenda|zamówieni|bestelling|albar|fecha|data|cliente|klant|kund)[^:]){0,45}?"
         r"\s(?:nr\b\.?|no\b\.?|n[°º]\.?|#|č\.)", 0.8, "en"),
        # abbreviated: "Re.-Nr.", "Rg.-Nr.", "Invoice Ref.", "Fatt. n."
        (r"(?:re|rg|rng)\.?\s*-?\s*nr\b\.?", 0.9, "de"), (rf"invoice\s*ref(?:erence)?\b\.?(?:\s*{NO})?", 0.9, "en"),
        (rf"fatt\.\s*{NO}", 0.9, "it"),
        (r"faktura\s*-?\s*(?:nr\b\.?|no\b\.?|n[°º]\.?|#)|fakturanummer|fakturanr\.?|kredit(?:faktura|nota)\s*-?\s*(?:nummer|nr\.?)", 1.0, "sv"),
        # not "No" before the date's "Facturé le" (folded "facture le") in a row of captions
        (r"(?:n[°º]|no\.?|numéro)\s*(?:de\s+)?(?:la\s+)?facture(?!\s*le\b)", 1.0, "fr"),
        (r"(?:facture|avoir)\s*(?:n[°º]|no\.?|numéro|#)|(?:n[°º]|no\.?|numéro)\s*(?:d['’]\s*)?avoir", 1.0, "fr"),
        (r"factuur\s*-?\s*(?:nummer|nr\.?)", 1.0, "nl"),
        (rf"(?:factura|fra\.)\s*(?:rectificativa\s*)?{NO}|(?:n\.?[°º]?|núm\.?|número|no\.)\s*(?:de\s+)?(?:factura|fra\.)", 1.0, "es"),
        # the statutory "serie y número" of a Spanish invoice (its number within its series),
        # as a caption: "Serie y nº", "SERIE Y NÚMERO:", "Serie/Número" (not "Número de serie",
        # a product's serial number)
        (r"serie\s*(?:y|/|-)\s*(?:n\.?[°º]|núm\.?|número)", 1.0, "es"),
        # its "de" misread by OCR ("N° jo factura", "Nº dc factura"): still the number's label
        (r"n\.?[°º]\s*[a-z]{2}\s+factura", 0.9, "es"),
        # a corrective invoice's own number under its title: "Rectificativa nº", "Abono nº"
        (rf"(?:rectificativa|abono)\s*{NO}|{NO}\s*(?:de\s*)?(?:(?:la\s*)?factura\s*)?(?:rectificativa|abono)", 1.0, "es"),
        (rf"fattura\s*(?:elettronica\s*)?{NO}|(?:n\.?[°º]?|nr\.?|num\.?|numero|no\.)\s*(?:della\s+)?fattura|numero\s*documento", 1.0, "it"),
        (rf"fa(?:c)?tura\s*{NO}|(?:n\.?[°º]?|número|no\.)\s*(?:da\s+)?fa(?:c)?tura", 1.0, "pt"),
        # the document's own number by the word "document" ("Documento n.", "N.º documento", "Nr
        # dokumentu"), weaker than an invoice word; "Fatura-Recibo n.º"; "Réf. facture"
        (rf"documento\s*{NO}|(?:n\.?[°º]?|nr\.?|num\.?|núm\.?|número)\s*(?:do\s*|del\s*|de\s*)?documento", 0.9, "it"),
        (r"(?:nr|numer)\s*dokumentu", 0.8, "pl"),
        # "Doc. No.", "Dok. Nr.", "DOC. N.º" (the document word cut short: on the page, the page's
        # own, as "Nº doc." is to ``unknown_caption`` and "Documento n." above), "Dokumentnummer",
        # the French accounting "N° de pièce" / "Pièce n°" (the document's own number)
        (rf"do[ck]\.?\s*{NO}", 0.9, "en"), (r"dokument\s*-?\s*(?:nummer|nr\b\.?)", 0.8, "de"),
        (r"(?:n[°º]|no\.?|numéro)\s*(?:de\s+)?pièce|pièce\s*(?:n[°º]|no\b\.?|numéro)", 0.8, "fr"), (rf"fatura\s*-?\s*recibo\s*{NO}", 1.0, "pt"),
        (r"r[ée]f(?:[ée]rence)?\.?\s*(?:de\s*(?:la\s*)?)?facture", 0.9, "fr"),
        # a reference block under the title "FACTURA" / "FATTURA" / "FATURA" names the number
        # with the bare word: "Número A26-00606", "Numero 615/2026". Only when a value with a
        # digit (or nothing: the value below) follows, so "Número de pedido", "Numero cliente"
        # and "Numero d'ordine" stay the labels of other references; a speck OCR reads between
        # ("Numero ° 627/2026", "Numero + 634/2026": the specks OCR reads, as before amounts) is passed over
        (r"n[úu]mero(?=[\s:.°º*+“”\"'‘’|_~-]*(?:$|[^\s:]*\d))", 0.8, "es"),
        # the Polish "Numer FS 291/2026" (a series code in capitals, then the number): the same
        # bare word ("Numer NIP 123...", "Numer KSeF ..." name other numbers)
        (r"numer(?=[\s:.°º*+“”\"'‘’|_~-]*(?:$|[^\s:]*\d|(?!(?i:nip|regon|krs|bdo)\b)(?-i:[A-Z]{1,4})\s+\d))", 0.8, "pl"),
        # "Nr faktury VAT:": the VAT of the invoice's name ("faktura VAT") is no tax caption
        (r"faktur[ay]\s*(?:vat\s*)?(?:nr\b\.?|numer)|(?:nr|numer)\s*faktury(?:\s*vat\b)?", 1.0, "pl"),
        # a correcting invoice's own number ("Korekta do faktury nr" names the invoice it corrects)
        (r"(?:faktura\s*)?korygująca\s*(?:vat\s*)?(?:nr\b\.?|numer)|korekta\s*(?:nr\b\.?|numer)|(?:nr|numer)\s*korekty", 1.0, "pl"),
        # Czech and Slovak: "Číslo faktury", "Faktura č.", "Číslo dokladu", "Faktúra číslo"
        # (OCR reads the sign "č." as "é." or "¢.", and the "ň" of "daňový" as "h")
        (r"(?:číslo|č\.)\s*(?:faktury|faktúry|dokladu|dobropisu)|fakt[uú]ra\s*(?:[-–]\s*da[ňh]ový\s*doklad\s*)?(?:[čé]\.|číslo)", 1.0, "cs"),
        # a credit note's or corrective document's own number: "Dobropis č.", "Opravný daňový doklad č."
        (r"(?:dobropis|opravn[ýá]\s*(?:da[ňh]ový\s*)?(?:doklad|faktúra)|da[ňh]ový\s*doklad)\s*(?:[čé]\.|číslo)", 1.0, "cs"),
        (r"(?:booking|reservation)\s*(?:id|ref(?:erence)?|no\b\.?|number)", 0.5, "en"),
        # the bare document word with a colon is a label, no heading: "Invoice: 12345", "Rechnung: 2026-0412"
        (r"(?:invoice|rechnung|facture|factuur|factura|fattura|fatura|faktura)\s*:", 0.8, "en"),
        (r"invoice", 0.35, "en"), (r"rechnung", 0.35, "de"), (r"facture", 0.35, "fr"), (r"factuur", 0.35, "nl"),
        (r"factura", 0.35, "es"), (r"fattura", 0.35, "it"), (r"fatura", 0.35, "pt"), (r"faktura", 0.35, "pl"),
    ],
    "invoice_date": [
        (r"invoice\s*date|date\s*of\s*invoice|date\s*of\s*issue|issue\s*date|bill(?:ing)?\s*date", 1.0, "en"),
        # the document word abbreviated before the date word: "Inv. Date", "Re.-Datum", "Rg.-Datum",
        # "Rech.-Datum", "Fact. date", "Fatt. data", "Fra. fecha"
        (r"(?:inv|re|rg|rech|rechn|fact|fakt|fatt|fra)\.\s*-?\s*(?:date|datum|data|fecha)", 0.9, "en"),
        (r"(?:rechnungs|beleg|gutschrifts)\s*-?\s*datum|ausstellungsdatum", 1.0, "de"),
        # one date for the issue and the supply ("Rechnungsdatum/Leistungsdatum", "Rechnungs- und
        # Lieferdatum", "Invoice/Tax Point Date"): the date of issue, not another event's
        (r"rechnungs\s*-?\s*(?:datum\s*)?(?:/|und|u\.|=|&)\s*(?:liefer|leistungs)\s*-?\s*datum|"
         r"(?:liefer|leistungs)\s*-?\s*(?:datum\s*)?(?:/|und|u\.|=|&)\s*rechnungs\s*-?\s*datum", 1.0, "de"),
        (r"invoice\s*(?:/|&|and)\s*(?:delivery|supply|tax\s*point)\s*date|date\s*of\s*invoice\s*(?:/|&|and)\s*(?:delivery|supply)", 1.0, "en"),
        (r"issued\s*(?:at|on)|date\s*(?:issued|raised)|raised\s*on|invoiced\s*on", 0.8, "en"),
        # ERP prints ("Document Date" of a sales invoice, Business Central and Dynamics)
        (r"document\s*date", 0.9, "en"),
        # "Facturé le" (invoiced on) beside "Expédié le" in a header strip
        (r"date\s*(?:de\s*(?:la\s*)?)?factur(?:e|ation)|date\s*d['’]émission|émise?\s*le|facturée?\s*le", 1.0, "fr"),
        # the billing program's print date, on French invoices the date of issue: "Date d'édition"
        (r"date\s*d['’]\s*édition", 0.9, "fr"),
        # the document's date by the word for the paper, as "Document Date": the accounting
        # programs' "Date pièce", "Fecha documento", "Belegdatum", "Documentdatum"
        (r"date\s*(?:de\s*(?:la\s*)?)?pièce", 0.9, "fr"), (r"fecha\s*(?:del\s*)?documento", 0.9, "es"),
        (r"belegdatum", 0.9, "de"), (r"documentdatum", 0.9, "nl"),
        (r"factuur\s*datum|datum\s*(?:van\s*)?uitgifte|uitgiftedatum", 1.0, "nl"), (r"opgemaakt\s*op", 0.8, "nl"), (r"faktura\s*-?\s*dat(?:um|o)", 1.0, "sv"),
        # "Fecha fra.": "fra." is the usual abbreviation of factura
        (r"fecha\s*(?:de\s*(?:la\s*)?)?(?:factura|fra\.|emisión|expedición)", 1.0, "es"),
        (r"data\s*(?:della\s*|del\s*|di\s*)?(?:fattura|emissione|documento|doc\.)", 1.0, "it"),
        (r"(?:data|dt\.)\s*(?:da\s*|de\s*)?(?:fa(?:c)?tura|emissão)|data\s*do\s*documento", 1.0, "pt"),
        (r"data\s*(?:wystawienia|faktury)", 1.0, "pl"), (r"data\s*wyst\.", 0.9, "pl"), (r"data\s*dokumentu", 0.9, "pl"),
        (r"d[aá]tum\s*(?:vystavení|vyhotovení|vystavenia|vyhotovenia)", 1.0, "cs"), (r"d[aá]tum\s*dokladu", 0.9, "cs"),
        (r"date", 0.5, "en"), (r"datum", 0.5, "de"), (r"dated", 0.6, "en"), (r"vom", 0.45, "de"),
        (r"du", 0.3, "fr"), (r"fecha", 0.5, "es"), (r"data", 0.5, "it"), (r"del", 0.3, "it"),
        (r"z\s*dnia", 0.45, "pl"),
    ],
    "due_date": [
        (r"due\s*date|payment\s*due(?:\s*date)?|due\s*(?:on|by)|pay(?:able)?\s*by", 1.0, "en"),
        (r"(?:please\s*)?(?:remit|pay)\s*(?:until|before)", 0.8, "en"),
        (r"fällig(?:keit)?(?:s\s*datum)?(?:\s*am)?|zahlbar\s*bis|zahlungsziel", 1.0, "de"),
        (r"fälligkeits\s*-?\s*(?:datum|tag)|(?:bitte\s*)?(?:überweisen|zahlen|begleichen)\s*(?:sie\s*)?(?:den\s*betrag\s*)?"
         r"(?:bis|spätestens)\s*(?:zum|am)?", 1.0, "de"),
        # "zahlbar innerhalb 30 Tagen netto bis": never across a date ("zahlbar ... bis 04.04., 3% Skonto ... bis")
        (r"zahlbar(?:\s+(?!\S*\d[./]\d)\S+){0,5}?\s+bis", 0.8, "de"), (r"netto\s*bis", 0.75, "de"),
        (r"(?:date\s*d['’])?échéance|date\s*limite\s*de\s*(?:paiement|règlement)|à\s*payer\s*avant\s*le", 1.0, "fr"),
        # "Payable jusqu'au 19.02.2026", "À régler avant le ...": the Swiss and Belgian wording
        (r"(?:payable|à\s*payer|à\s*régler)\s*(?:jusqu['’]\s*au|avant\s*le|au\s*plus\s*tard\s*le)", 1.0, "fr"),
        (r"vervaldatum|vervaldag|uiterste\s*betaal\s*-?\s*datum|te\s*betalen\s*(?:vóór|voor)", 1.0, "nl"),
        (r"(?:fecha\s*(?:de\s*)?)?vencimiento|vence\s*el|fecha\s*límite\s*de\s*pago", 1.0, "es"),
        # abbreviated: "Fecha vto.", "F. Vcto.", "Vto."
        (r"(?:f(?:echa|\.)\s*(?:de\s*)?)?vc?to\.", 0.9, "es"),
        # the heading of a schedule of instalments ("VENCIMIENTOS" over "Fecha  Importe" over
        # "08/02/2026  546,18 €"): its first date is the due date (``search``: the bare date word
        # heading the schedule's column does not end the heading's block)
        (r"vencimientos", 0.9, "es"),
        (r"(?:data\s*(?:di\s*)?)?scadenza|(?:totale\s*)?da\s*pagare\s*entro(?:\s*il)?", 1.0, "it"),
        # "Pagabile entro il", "Pagadero antes del", "Pagável até", "Betaalbaar vóór": the payable
        # word of each language with its "by" (as "Payable by", "Zahlbar bis")
        (r"pagabile\s*entro(?:\s*il)?|(?:pagamento|saldare)\s*entro(?:\s*il)?", 1.0, "it"),
        (r"pagadero\s*(?:antes\s*del?|hasta\s*el|el)|(?:pagar|abonar)\s*antes\s*del?", 1.0, "es"),
        (r"pagável\s*até|(?:pagar|liquidar)\s*até", 1.0, "pt"), (r"betaalbaar\s*(?:vóór|voor|tot|uiterlijk)", 1.0, "nl"),
        (r"(?:data\s*(?:de\s*)?)?vencimento|pagar\s*até", 1.0, "pt"),
        # "Do zapłaty do dnia" (to be paid by the day): "Do zapłaty" alone is the amount due
        (r"termin\s*(?:płatności|zapłaty)|płatne\s*do|(?:do\s*)?zapłat[ya]\s*do\s*dnia", 1.0, "pl"),
        # "Splatnost 14 dní" (the terms) holds no date, so a bare "Splatnost" reads only a date
        (r"d[aá]tum\s*splatnosti|splatn[oé]\s*do", 1.0, "cs"), (r"splatnos[tť]", 0.8, "cs"),
        (r"förfallo\s*-?\s*(?:datum|dag)|sista\s*betalningsdag|betalas\s*senast", 1.0, "sv"),
        (r"forfalds\s*-?\s*(?:dato|dag)|betales\s*senest", 1.0, "da"), (r"forfalls\s*-?\s*dato", 1.0, "no"),
        (r"date\s*due", 1.0, "en"), (r"data\s*płatności", 1.0, "pl"), (r"data\s*limite\s*de\s*pagamento", 1.0, "pt"),
        # the due date said in a sentence: a word of paying, a few words, then "by" / "antes del" /
        # "avant le" / "entro il" and the date itself ("Rogamos efectúen el pago antes del 12 de
        # febrero de 2026", "Payment is due by 12 February 2026", "à régler au plus tard le
        # 12/02/2026"). The words between hold no digit (never across a date or a number of
        # days), and the date must follow at once: "payment by bank transfer" is no label
        (rf"(?:pay|paid|payment|payable|remit|settle(?:ment)?)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:by|before|no\s*later\s*than|on\s*or\s*before|until){SENTENCE_DATE}", 0.9, "en"),
        (rf"(?:zahlung|überweisung|bezahlung|begleichung|zahlen|überweisen|begleichen|zahlbar)\w*\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:bis(?:\s*(?:zum|spätestens))?|spätestens(?:\s*(?:am|bis(?:\s*zum)?))?){SENTENCE_DATE}", 0.9, "de"),
        (rf"(?:paiement|règlement|payer|régler|réglée?s?|payable|virement)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:avant\s*le|au\s*plus\s*tard\s*le|jusqu['’]\s*au|d['’]\s*ici\s*le){SENTENCE_DATE}", 0.9, "fr"),
        (rf"(?:pago|abono|pagar|abonar|ingreso|transferencia)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:antes\s*del?|a\s*más\s*tardar\s*el|hasta\s*el|no\s*más\s*tarde\s*del?){SENTENCE_DATE}", 0.9, "es"),
        (rf"(?:pagamento|pagare|saldare|saldo|bonifico|versamento)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:entro\s*(?:e\s*non\s*oltre\s*)?il|non\s*oltre\s*il){SENTENCE_DATE}", 0.9, "it"),
        (rf"(?:betaling|betalen|voldoen|overmaken|over\s*te\s*maken)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:vóór|voor|uiterlijk(?:\s*op)?){SENTENCE_DATE}", 0.9, "nl"),
        (rf"(?:pagamento|pagar|liquidar|liquidação|transferência)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:até\s*(?:ao?\s*)?(?:dia\s*)?|antes\s*de){SENTENCE_DATE}", 0.9, "pt"),
        (rf"(?:zapłat\w*|płatn\w*|przelew\w*|uregulowa\w*|wpłat\w*)\b(?:\s+(?!\S*\d)\S+){{0,4}}?\s+"
         rf"(?:do\s*dnia|w\s*terminie\s*do|do){SENTENCE_DATE}", 0.9, "pl"),
        # a payment box: "AMOUNT DUE" / "£ 288.71" / "by 29 January 2026", the date alone under
        # the amount with only its "by"; weak: a wrapped sentence may open a line the same way
        (rf"^\s*(?:due\s*)?by{SENTENCE_DATE}", 0.6, "en"),
    ],
    "po_number": [
        (rf"purchase\s*order\s*{NO}?", 1.0, "en"), (rf"p\.?\s?o\.?\s*(?:{NO}|(?=:))", 0.9, "en"), (rf"(?:your\s*)?order\s*{NO}", 0.7, "en"),
        (rf"buyer['’]?s\s*order\s*{NO}?", 1.0, "en"),
        # "Your PO", "Customer PO", "Client P.O." name the buyer's order with no "No." after them
        (rf"(?:your|customer|client|buyer)['’]?s?\s*p\.?\s?o\b\.?(?:\s*{NO})?", 1.0, "en"),
        (r"(?:your\s*)?order\s*ref(?:erence)?\.?", 0.9, "en"),
        (r"bestell\s*-?\s*(?:nummer|nr\.?)|ihre\s*bestellung|auftrags\s*-?\s*(?:nummer|nr\.?)", 1.0, "de"),
        (r"bon\s*de\s*commande|votre\s*commande|n[°º]\s*(?:de\s*)?commande", 1.0, "fr"),
        (rf"commande\s*{NO}|(?:votre\s*)?r[ée]f(?:[ée]rence)?\.?\s*(?:de\s*)?commande", 1.0, "fr"),
        (r"ihr(?:e)?\s*auftrag(?:s\s*-?\s*(?:nummer|nr\.?))?", 0.9, "de"), (r"nota\s*de\s*encomenda", 1.0, "pt"),
        (r"(?:uw\s*)?ordernummer|inkoopordernummer|bestelnummer|inkooporder", 0.8, "nl"),
        (rf"orden\s*de\s*compra|pedido\s*de\s*compra|(?:su\s*)?pedido\s*{NO}|(?:n\.?[°º]?|núm\.?|número)\s*(?:de\s*)?pedido|su\s*pedido", 1.0, "es"),
        (rf"ordine\s*(?:d['’]acquisto\s*)?{NO}|ordine\s*d['’]acquisto|(?:n\.?[°º]?|num\.?|numero|vs\.?|rif\.?)\s*ordine", 1.0, "it"),
        (rf"ordem\s*de\s*compra|(?:nota\s*de\s*)?encomenda\s*{NO}|(?:n\.?[°º]?|número|vossa)\s*(?:da\s*|do\s*)?(?:encomenda|pedido)", 1.0, "pt"),
        # "V/ Requisição", "N.º requisição": the buyer's purchase requisition (Portuguese ERPs)
        (rf"(?:v/\s*|vossa\s*|(?:n\.?[°º]?|número)\s*(?:de\s*|da\s*)?)requisição|requisição\s*{NO}", 1.0, "pt"),
        (r"zamówienie\s*nr\b\.?|(?:nr|numer)\s*zamówienia", 1.0, "pl"),
        (r"(?:číslo\s*|č\.\s*)objednávky|(?:vaše\s*|vaša\s*)?objednávka\s*(?:č\.|číslo)?|obj\.\s*č\.", 1.0, "cs"),
        (r"er\s*beställning|ert\s*order\s*-?\s*(?:nummer|nr\.?)|inköpsorder(?:nummer)?", 0.9, "sv"),
        (r"(?:deres|jeres)\s*(?:ordre|bestilling)\s*(?:nr\.?|nummer)?|indkøbsordre|innkjøpsordre", 0.9, "da"),
        # the buyer's order named as "yours" with no number word: "Your order", "Vostra
        # ordinazione", "Sua encomenda", "Uw bestelling", "N.º de encomenda"
        (r"your\s*order(?!\s*(?:confirmation|date|of\b))", 0.9, "en"),
        (r"(?:vostr[ao]|vs\.?)\s*(?:ordinazione|ordine)|ordinazione\s*(?:n\.|nr\.?|n[°º])?", 1.0, "it"),
        (r"(?:sua|v/)\s*encomenda|(?:n\.?[°º]?|número)\s*de\s*encomenda", 1.0, "pt"),
        (r"uw\s*(?:bestelling|order)(?:\s*(?:nummer|nr\.?))?", 1.0, "nl"), (r"beställnings\s*-?\s*(?:nummer|nr\.?)", 0.9, "sv"),
        (r"pedido", 0.7, "es"), (r"ordine", 0.7, "it"), (r"encomenda", 0.7, "pt"), (r"zamówienie", 0.7, "pl"),
    ],
    # references to other documents: never a PO number, in any language
    "other_reference": [
        # the Norwegian payment id (KID) and the vendor's own order and reference ("Vår ordre")
        (r"kid\s*(?:-?\s*(?:nr\b\.?|nummer))?|vår\s*(?:ordre(?:\s*-?\s*nr\b\.?)?|ref(?:eranse)?\b\.?)", 1.0, "no"),
        (rf"(?:delivery|dispatch|despatch)\s*(?:note|doc(?:ument)?)?\s*{NO}?|(?:packing\s*slip|shipment)\s*{NO}?", 1.0, "en"),
        (rf"order\s*confirmation\s*{NO}?|(?:customer|client|account)\s*(?:{NO}|code|ref(?:erence)?)|"
         rf"quot(?:ation|e)\s*{NO}?|contract\s*{NO}?|supplier['’]?s\s*ref(?:erence)?\.?", 1.0, "en"),
        (r"lieferschein\s*-?\s*(?:nummer|nr\.?)?|auftragsbestätigung\s*(?:nr\.?)?|kunden\s*-?\s*(?:nummer|nr\.?)|"
         r"angebots?\s*-?\s*(?:nummer|nr\.?)?|vertrags?\s*-?\s*(?:nummer|nr\.?)?", 1.0, "de"),
        (r"bon\s*de\s*livraison|bl\s*n[°º]|confirmation\s*de\s*commande|(?:n[°º]|code)\s*client|devis\s*(?:n[°º])?|contrat\s*(?:n[°º])?", 1.0, "fr"),
        (r"pakbon(?:nummer)?|leveringsbon|orderbevestiging|klant\s*-?\s*(?:nummer|nr\.?)|offerte\s*(?:nummer|nr\.?)?|contract\s*nummer", 1.0, "nl"),
        (rf"albarán\s*(?:{NO})?|confirmación\s*de\s*pedido|(?:n\.?[°º]?|número|cód(?:igo)?\.?)\s*(?:de\s*)?cliente|presupuesto\s*(?:{NO})?|contrato\s*(?:{NO})?", 1.0, "es"),
        (rf"d\.?d\.?t\.?\s*(?:{NO})?|documento\s*di\s*trasporto|bolla\s*(?:di\s*consegna)?|conferma\s*(?:d['’])?ordine|"
         rf"cod(?:ice)?\.?\s*cliente|offerta\s*(?:{NO})?|contratto\s*(?:{NO})?", 1.0, "it"),
        (rf"guia\s*de\s*(?:remessa|transporte)|confirmação\s*de\s*encomenda|(?:n\.?[°º]?|número)\s*(?:de\s*)?cliente|orçamento\s*(?:{NO})?", 1.0, "pt"),
        (r"(?:wz|dowód\s*dostawy)\s*(?:nr\b\.?)?|potwierdzenie\s*zamówienia|(?:nr|numer)\s*klienta|oferta\s*(?:nr\b\.?)?|umowa\s*(?:nr\b\.?)?", 1.0, "pl"),
        (r"referenz(?:nummer)?|zusätzliche\s*informationen", 1.0, "de"),  # QR-bill payment reference
        # Czech and Slovak: delivery note, customer number, order confirmation, the payment
        # symbols (the variable symbol repeats the invoice number's digits), the company number
        (r"dodací\s*list\s*(?:č\.|číslo)?|potvrzení\s*objednávky|(?:číslo|č\.)\s*(?:zákazníka|odběratele|odberateľa)|"
         r"zákaznické\s*číslo|odběratel\s*č\.(?!\s*(?:fakt[uú]r|doklad|dobropis))|(?:variabilní|variabilný|konstantní|konštantný|specifický|špecifický)\s*symbol|"
         r"ičo|ič(?=\s*:)", 1.0, "cs"),
        (r"följesedel(?:snummer)?|orderbekräftelse|kund\s*-?\s*(?:nummer|nr\.?)|følgeseddel|ordrebekræftelse|ordrebekreftelse|"
         r"pakkseddel|kunde\s*-?\s*(?:nummer|nr\.?)", 1.0, "sv"),
        # a credit note names the invoice it corrects: that number is not its own
        (rf"(?:gutschrift|storno|korrektur|stornierung)\s*(?:zu(?:r)?|für)\s*(?:der\s*|die\s*)?rechnung\s*(?:{NO})?|"
         rf"(?:ursprüngliche|korrigierte|stornierte)\s*rechnung\s*(?:{NO})?|"
         rf"(?:original|related|referenced?|corrected|cancel(?:l)?ed)\s*(?:e\s*-?\s*)?invoice\s*(?:ref(?:erence)?\b\.?\s*)?(?:{NO})?|"
         rf"credit\s*(?:note|memo)\s*(?:for|against|to)\s*invoice\s*(?:{NO})?|"
         rf"facture\s*(?:d['’]origine|initiale|rectifiée|corrigée|annulée)\s*(?:{NO})?|(?:avoir|note\s*de\s*crédit)\s*(?:sur|relati(?:f|ve)\s*à)\s*(?:la\s*)?facture\s*(?:{NO})?|"
         rf"factura\s*(?:rectificada|original)\s*(?:{NO})?|fattura\s*(?:di\s*riferimento|originale|stornata)\s*(?:{NO})?|"
         rf"riferimento\s*fattura|(?:correctie\s*op|originele|creditnota\s*(?:bij|op|voor))\s*(?:de\s*)?factuur\s*(?:{NO})?|dotyczy\s*faktury\s*(?:nr\b\.?)?|"
         # Polish "Korekta do faktury nr", "korygowanej faktury"; Czech "k faktuře č."; "rectifica la factura",
         # "relativa alla fattura", "referente à fatura": the corrected invoice's number, printed
         # on the correcting document as plainly as its own
         rf"korekta\s*(?:do\s*)?faktury\s*(?:nr\b\.?)?|korygowanej\s*faktury\s*(?:nr\b\.?)?|faktury\s*korygowanej\s*:?|k\s*fakt(?:uře|úre)\s*(?:č\.|číslo)?|"
         rf"rectifica(?:tiva)?\s*(?:de\s*)?(?:a\s*)?la\s*factura\s*(?:{NO})?|(?:relativa|riferita)\s*alla\s*fattura\s*(?:{NO})?|"
         rf"(?:referente|relativa)\s*[àa]\s*fatura\s*(?:{NO})?|"
         rf"faktura\s*korygowana|fatura\s*(?:original|retificada)\s*(?:{NO})?|(?:avser|gäller)\s*faktura\s*(?:nr\b\.?)?", 1.0, "en"),
        (CREDITS_INVOICE, 1.0, "en"),
    ],
    # dates of other events: a delivery date is not the date of issue
    "other_date": [
        (r"(?:delivery|dispatch|shipping|order|supply|service)\s*date|date\s*of\s*(?:delivery|supply|service)", 1.0, "en"),
        # US billing prints: "Ship Date", "Date Shipped", "Shipped"
        (r"ship(?:ped)?\s*date|date\s*shipped", 1.0, "en"),
        (r"(?:liefer(?:schein)?|leistungs|bestell|auftrags|vertrags|angebots)\s*-?\s*datum", 1.0, "de"),
        (r"date\s*de\s*(?:livraison|commande)|date\s*d['’]\s*expédition|expédiée?\s*le", 1.0, "fr"), (r"leverdatum|leveringsdatum|prestatiedatum", 1.0, "nl"),
        (r"fecha\s*de\s*(?:entrega|pedido)", 1.0, "es"), (r"data\s*(?:di\s*)?(?:consegna|ordine)", 1.0, "it"),
        (r"data\s*de\s*(?:entrega|encomenda)", 1.0, "pt"), (r"data\s*(?:sprzedaży|dostawy|zamówienia)", 1.0, "pl"),
        # the statutory wording of the Polish sale date (KSeF and most invoicing programs)
        (r"data\s*dokonania\s*lub\s*zakończenia\s*dostawy", 1.0, "pl"),
        # Czech tax point ("Datum uskutečnění zdanitelného plnění", "DUZP"), Slovak delivery date
        (r"(?:d[aá]tum\s*)?(?:uskut(?:ečnění|\.)?\s*)?zdan(?:itelného|\.)?\s*plnění|duzp|d[aá]tum\s*(?:dodání|dodania)", 1.0, "cs"),
    ],
    "net": [
        # "Net Amount Due" is what is to be paid (the amount due's label), no net before tax
        (r"sub\s*-?\s*total|net\s*(?:amount|total)(?!\s*(?:due|payable))|total\s*net|total\s*excl\.?(?:uding)?\s*(?:vat|tax)|amount\s*before\s*tax", 1.0, "en"),
        # receipts: "Total Sales (Excluding GST)", "Total before tax": a sum before tax is net, never the total
        # a utility bill's "Total charges before VAT"
        (rf"total\s*{_CODE}(?:sales\s*|amount\s*|charges\s*)?\(?\s*(?:excl\.?|excluding|exclusive\s*of|before|without|w/o)\s*(?:gst|vat|tax|sst)\)?", 1.0, "en"),
        (r"(?:total\s*)?taxable\s*(?:value|amount)|net\s*value", 1.0, "en"), (r"net", 0.7, "en"),
        # Australian and New Zealand GST wording: "Total ex GST", "Subtotal (ex GST)"
        (rf"(?:sub\s*-?\s*)?total\s*{_CODE}(?:credit\s*|amount\s*)?\(?\s*ex\.?\s*(?:gst|vat|tax)\)?", 1.0, "en"),
        # legacy prints: "GOODS VALUE", "Value of goods" (the goods before tax and charges)
        (r"goods\s*(?:value|total)|(?:total\s*)?value\s*of\s*goods", 1.0, "en"),
        # US invoices: "Merchandise Total" (the goods before freight, discount and sales tax)
        (r"merchandise\s*(?:sub\s*-?\s*)?(?:total|value|amount)", 1.0, "en"),
        (r"(?:rechnungs|gesamt)?summe\s*(?:ohne|exkl\.?|excl\.?)\s*(?:ust|mwst|umsatzsteuer)\.?|positionssumme|summe\s*(?:der\s*)?positionen", 1.0, "de"),
        (rf"total\s*{_CODE}(?:exkl\.?|ohne)\s*(?:mwst|ust)\.?", 1.0, "de"),
        (r"základ\s*dan[ěe]|základ\s*dph|(?:celkem|celkom|spolu|suma|cena)\s*bez\s*dph", 1.0, "cs"),
        (r"netto\s*-?\s*(?:betrag|summe)|summe\s*netto|gesamt\s*netto|zwischensumme|warenwert|nettowert|netto", 0.9, "de"),
        # Belgian French writes "hors TVA" as "HTVA" ("Total HTVA"); a bare "HTVA" heads the unit price column too
        (r"total\s*ht|montant\s*(?:total\s*)?ht|total\s*hors\s*tax(?:es?)?|(?:sous\s*-?\s*)?total\s*htva|montant\s*htva", 1.0, "fr"),
        (r"exclusief\s*btw|subtotaal|(?:totaal|bedrag)\s*(?:excl\.?|exclusief)\s*btw|(?:btw\s*-?\s*)?grondslag", 1.0, "nl"),
        # "Sous-total" is the sum before tax, as "Subtotal"; "Base HT", "Net HT"
        (r"sous\s*-?\s*total|(?:base|net)\s*h\.?t\.?", 1.0, "fr"),
        # "Base imponible total", "Imponibile totale": the sum word completes the net's label; read
        # apart, it labels the net's value as the total
        (r"(?:total\s*)?base\s*imponible(?:\s*total)?|importe\s*neto|total\s*(?:sin|antes\s*de)\s*iva", 1.0, "es"), (r"neto", 0.9, "es"),
        # "Imponibile totale", but not the next column's "Totale" in a summary header ("Totale
        # imponibile  Totale imposta", FatturaPA's RIEPILOGHI IVA E TOTALI)
        (r"(?:totale\s*)?imponibile(?:\s*totale(?!\s*(?:imposta|iva|documento|fattura)))?|totale\s*(?:merce|netto)|importo\s*netto", 1.0, "it"),
        (r"subtotale", 0.9, "it"),
        (r"base\s*tributável|(?:valor|total)\s*(?:líquido|sem\s*iva|ilíquido)|incidência", 1.0, "pt"),
        (r"(?:wartość|razem|suma|kwota)\s*netto", 1.0, "pl"),
        # a sum word, then the tax word it leaves out after it: "Totale IVA esclusa", "Total (IVA
        # excluido)", "Total TVA non comprise", "Valor IVA não incluído", "Totale al netto dell'IVA"
        # (the tax word alone would label the net as the tax)
        (rf"(?:totale|importo){_TAX_AFTER}(?:esclus[ao]|non\s*inclus[ao]|non\s*compres[ao])\)?|totale\s*al\s*netto\s*(?:di|dell['’]\s*)?\s*iva", 1.0, "it"),
        (rf"(?:total|importe|base){_TAX_AFTER}(?:excluid[ao]|no\s*incluid[ao])\)?", 1.0, "es"),
        (rf"(?:total|montant){_TAX_AFTER}(?:non\s*compris(?:e|es)?|exclue?s?|non\s*inclus(?:e|es)?)\)?", 1.0, "fr"),
        (rf"(?:total|valor){_TAX_AFTER}(?:excluído|não\s*incluído)\)?", 1.0, "pt"),
        (r"netto\s*-?\s*(?:belopp|beløb|beløp)|beskattningsunderlag|momsgrundlag|grunnlag\s*mva|delsumma|delsum|mellemsum", 1.0, "sv"),
        # "Sum eks. mva", "Sum ekskl. mva", "Total ekskl. moms": the sum before the tax
        (r"(?:sum|total|beløp)\s*(?:eks|ekskl|exkl)\.?\s*(?:mva|moms)", 1.0, "no"),
    ],
    "tax": [
        (r"(?:total\s*)?(?:sales\s*)?(?:vat|tax|gst)(?:\s*amount|\s*total)?", 0.8, "en"),
        (r"[cisu]gst|utgst|sst", 0.8, "en"),
        # Canadian sales taxes: the harmonized, provincial and Quebec ones ("HST 13%", "GST/HST", "TPS", "TVQ")
        (r"gst\s*/\s*hst|hst|pst|qst|tps|tvq|tvh", 0.8, "en"),
        (r"mwst\.?|ust\.?|umsatzsteuer|mehrwertsteuer|steuerbetrag|summe\s*ust", 0.8, "de"),
        (r"(?:montant\s*|total\s*)?tva", 0.8, "fr"), (r"(?:totaal\s*)?btw(?:\s*-?\s*bedrag)?", 0.8, "nl"),
        (r"(?:cuota\s*|importe\s*|total\s*)?(?:iva|igic)", 0.8, "es"),
        (r"(?:totale\s*|importo\s*)?(?:iva|imposta)", 0.8, "it"),
        (r"(?:valor\s*|total\s*)?(?:do\s*)?iva", 0.8, "pt"),
        (r"(?:kwota|wartość|podatek)\s*vat|razem\s*vat", 0.8, "pl"),
        # Polish fiscal receipts: "PTU A 23%" per rate letter, "SUMA PTU" their sum
        (r"suma\s*ptu", 0.9, "pl"), (r"ptu(?:\s*[a-g]\b)?", 0.7, "pl"), (r"di\s*cui\s*iva", 0.9, "it"),
        (r"(?:total\s*)?moms(?:belopp|beløb)?|mervärdesskatt|merværdiafgift|merverdiavgift|(?:sum\s*)?mva(?:\s*-?\s*beløp)?", 0.8, "sv"),
        # insurance premiums carry insurance tax instead of VAT
        (r"versicherungs?steuer", 0.8, "de"),
        (r"(?:výše\s*|suma\s*)?dph(?:\s*celkem|\s*celkom)?", 0.8, "cs"),
    ],
    "total": [
        (r"grand\s*total|total\s*amount(?:\s*due)?|invoice\s*total|total\s*incl\.?(?:uding)?\s*(?:vat|tax)?|total\s*due", 1.0, "en"),
        # "Total inc GST", "Total credit inc GST", "Total (inc. GST)"
        (rf"total\s*{_CODE}(?:credit\s*|amount\s*|payable\s*)?\(?\s*inc\.?\s*(?:gst|vat|tax)\)?", 1.0, "en"),
        (rf"total\s*{_CODE}(?:sales\s*|amount\s*)?\(?\s*(?:incl\.?|including|inclusive\s*(?:of\s*)?)\s*(?:gst|vat|tax|sst)\)?", 1.0, "en"),
        (r"(?:amount|balance)\s*due|total", 0.8, "en"), (r"(?:amount\s*)?due\s*payable|total\s*payable|(?:amount|balance)\s*(?:payable|to\s*pay)", 0.9, "en"),
        (r"total\s*invoice\s*(?:value|amount)", 1.0, "en"),
        # a bill that carries a balance forward: "Total charges this bill" (for this period) is
        # the invoice's own total; "Amount due" adds the balance brought forward
        (r"total\s*(?:charges|amount)\s*(?:for\s*)?this\s*(?:bill|invoice|period|statement)", 1.0, "en"),
        # "Invoice Amount 29,749.64 USD" under the sums: the invoice's whole amount. 0.9, as
        # "Total payable": a remittance advice's column of that name lists other invoices' totals
        (r"invoice\s*amount", 0.9, "en"),
        # a credit memo's own total: "Credit Total", "Credit Memo Total" ("Total credit" may be
        # a credit applied to an invoice)
        (r"credit\s*(?:memo\s*|note\s*)?total", 1.0, "en"),
        # and in the other languages: "Total Gutschrift", "Gutschriftsbetrag", "Total note de
        # crédit", "Montant de l'avoir", "Totale nota di credito", "Totaal creditnota"
        (r"(?:total|summe|betrag)\s*(?:der\s*)?gutschrift|gutschrifts?\s*-?\s*(?:betrag|summe|total)", 1.0, "de"),
        (r"total\s*(?:de\s*la\s*)?note\s*de\s*crédit|montant\s*(?:de\s*l['’]\s*)?avoir", 1.0, "fr"),
        (r"totale\s*nota\s*(?:di\s*)?(?:credito|accredito)", 1.0, "it"),
        (r"totaal\s*credit(?:nota|factuur)", 1.0, "nl"),
        (r"gesamt\s*-?\s*(?:betrag|summe)|rechnungs\s*-?\s*betrag|brutto\s*-?\s*betrag|summe\s*brutto|endbetrag|rechnungssumme", 1.0, "de"),
        (r"bruttosumme|gesamtsumme|summe\s*(?:inkl\.?|mit)\s*(?:ust|mwst|umsatzsteuer)\.?|rechnungstotal|total\s*inkl\.?\s*(?:mwst|ust)\.?", 1.0, "de"),
        (r"zu\s*zahlen(?:der\s*betrag)?|zahlbetrag|brutto", 0.85, "de"),
        # the Swiss "Zu bezahlen" / "Total zu bezahlen" (the amount payable, after a rounding row)
        (r"(?:total\s*)?zu\s*bezahlen", 0.9, "de"), (r"gesamt\s*-?\s*brutto", 1.0, "de"),
        # till receipts: "SUMME EUR 12,34", "Gesamt 12,34". Both are also column headers of
        # invoice tables ("Einzelpreis  Gesamt"): a label only with an amount right after it
        (rf"summe{AMOUNT_NEXT}", 0.8, "de"), (rf"gesamt{AMOUNT_NEXT}", 0.6, "de"),
        # the QR-bill's amount box ("Währung  Betrag" over "CHF  1 234.55") repeats the total; a bare
        # "Betrag" is also every German table's amount column, so only the pair counts
        (r"währung\s*betrag|currency\s*amount|monnaie\s*montant|valuta\s*importo", 0.5, "de"),
        # a credit note's total says what it credits, tax included: "Avoir TTC", "Total avoir TTC"
        (r"total\s*ttc|montant\s*ttc|total\s*facture|(?:total\s*|montant\s*)?avoir\s*ttc", 1.0, "fr"),
        (r"net\s*à\s*payer|montant\s*à\s*payer|somme\s*à\s*payer|total\s*à\s*payer", 0.9, "fr"),
        (r"montant\s*total", 0.9, "fr"), (r"montant\s*dû|solde\s*dû|reste\s*à\s*payer", 0.8, "fr"),
        (r"totaal(?:bedrag)?|te\s*betalen", 0.9, "nl"),
        (r"(?:totaal|netto)\s*te\s*betalen|factuurbedrag", 1.0, "nl"),
        # "TOTAL RECTIFICATIVA", "Total factura rectificativa": a corrective invoice's own total
        (r"importe\s*total|total\s*(?:factura|con\s*iva)(?:\s*rectificativa)?|total\s*rectificativa|total\s*a\s*pagar|"
         r"importe\s*a\s*pagar|(?:neto|l[ií]quido)\s*a\s*pagar", 1.0, "es"),
        (r"totale\s*(?:documento|fattura|d?a\s*pagare|ivato)|netto\s*d?a\s*pagare|importo\s*totale", 1.0, "it"),
        # a sum word, then the tax word it includes after it: "Totale IVA inclusa", "Importe total
        # (IVA incluido)", "Total TVA comprise", "Total c/ IVA incluído", "Totaal incl. btw"
        (rf"(?:totale|importo(?:\s*totale)?){_TAX_AFTER}(?:inclus[ao]|compres[ao])\)?", 1.0, "it"),
        (rf"(?:total|importe(?:\s*total)?)(?:\s*c/)?{_TAX_AFTER}incluid[ao]\)?", 1.0, "es"),
        (rf"(?:total|montant(?:\s*total)?){_TAX_AFTER}(?:inclus(?:e|es)?|compris(?:e|es)?)\)?", 1.0, "fr"),
        (rf"(?:total|valor(?:\s*total)?)(?:\s*c/)?{_TAX_AFTER}incluído\)?", 1.0, "pt"),
        (r"totaal\s*(?:incl\.?|inclusief)\s*btw", 1.0, "nl"),
        (r"totale", 0.8, "it"),
        # "Total líquido a pagar": the net (líquido) to pay is the amount payable, as Italian "netto a pagare"
        (r"valor\s*(?:total|a\s*pagar)|total\s*(?:da\s*)?fa(?:c)?tura|total\s*(?:a\s*pagar|com\s*iva|do\s*documento)|"
         r"(?:total|valor)\s*l[ií]quido\s*a\s*pagar", 1.0, "pt"),
        (r"(?:razem\s*)?do\s*zapłaty|(?:wartość|razem|suma|kwota)\s*brutto|ogółem", 1.0, "pl"),
        (r"suma", 0.85, "pl"), (r"totale\s*complessivo", 1.0, "it"),
        (r"(?:celkem|celkom|suma)\s*k\s*(?:úhradě|úhrade|vrácení|vráteniu)|k\s*(?:úhradě|úhrade)|(?:celkem|celkom)\s*(?:vč\.|včetně|vrátane|s)\s*dph", 1.0, "cs"),
        (rf"celkem{AMOUNT_NEXT}|celkom{AMOUNT_NEXT}", 0.6, "cs"),
        # Slovak: "Spolu k úhrade", "Suma na úhradu", "Spolu s DPH", "Celková suma"
        (r"spolu\s*(?:k\s*úhrade|s\s*dph|vrátane\s*dph)|(?:suma\s*|celkom\s*)?na\s*úhradu|celková\s*suma|suma\s*spolu", 1.0, "cs"),
        (r"spolu", 0.75, "cs"),
        # Malaysian receipts: "Jumlah" / "Jumlah Besar" (grand total), after the SST line
        (r"jumlah(?:\s*besar)?", 0.85, "ms"),
        (r"(?:summa\s*)?att\s*betala|fakturabelopp|totalbelopp|(?:summa|total)\s*(?:inkl\.?|inklusive|med)\s*moms", 1.0, "sv"),
        # a credit note's sum in the customer's favour: "Til gode kr -118,60", "Att få tillbaka"
        (r"til\s*gode|tilgodehavende|att\s*få\s*tillbaka", 1.0, "no"),
        (r"(?:at|å)\s*betale|(?:beløb|beløp)\s*i\s*alt|i\s*alt\s*(?:inkl\.?\s*moms)?|totalbeløb|fakturabeløb|sum\s*å\s*betale|"
         r"total\s*(?:inkl\.?|inklusive)\s*(?:moms|mva)", 1.0, "da"),
        (r"summa|totalt", 0.75, "sv"),
    ],
    # amount labels that are none of net/tax/total; matching them keeps their words from
    # being read as a shorter label ("Gesamtbetrag der Zuschläge" is not "Gesamtbetrag")
    "other_amount": [
        (r"(?:gesamt\s*betrag|summe)\s*(?:der\s*)?(?:zuschläge|abschläge|rabatte|nachlässe)|erhaltene\s*anzahlungen|bereits\s*(?:gezahlt|bezahlt)", 1.0, "de"),
        (r"total\s*(?:discounts?|allowances?|charges?)|prepaid\s*amount|amount\s*paid|already\s*paid|total\s*paid", 1.0, "en"),
        # receipts: cash handed over and change returned are larger/smaller than the total
        (r"cash\s*(?:tendered|paid|received)|tendered|change\s*due|rounding(?:\s*adj(?:ustment)?)?", 1.0, "en"),
        # till receipts: what was handed over, given back, paid by card, saved, tipped. Bare
        # words that also name goods ("8-pin connector", "bar stool", "card reader") and
        # payment terms ("Cash at Hotel"): labels only with an amount right after them, and
        # weaker than 0.5 so a value line under a header is still read. Discount words are
        # not here: "Rabatt" rows are line items of invoices.
        (rf"(?:cash(?:\s*tend)?|change|(?:credit\s*|debit\s*)?card|visa|mastercard|amex|nets|tip|gratuity|service\s*charge|"
         rf"svc\s*chg|(?:total\s*)?(?:you\s*)?saved|(?:total\s*)?savings){AMOUNT_NEXT}", 0.45, "en"),
        (rf"(?:bar(?:geld)?|gegeben|rückgeld|ec\s*-?\s*karte|karte|(?:sie\s*haben\s*)?gespart){AMOUNT_NEXT}", 0.45, "de"),
        (rf"(?:espèces|rendu|monnaie\s*rendue|cb|carte\s*bancaire|économie(?:\s*réalisée)?){AMOUNT_NEXT}", 0.45, "fr"),
        (rf"(?:efectivo|entregado|cambio|tarjeta|(?:ha\s*)?ahorrado){AMOUNT_NEXT}", 0.45, "es"),
        (rf"(?:contanti?|resto|pagamento\s*elettronico|importo\s*pagato|risparmio){AMOUNT_NEXT}", 0.45, "it"),
        (rf"(?:contant|wisselgeld|pin|(?:u\s*heeft\s*)?bespaard){AMOUNT_NEXT}", 0.45, "nl"),
        (rf"(?:gotówka|karta|wpłacono|oszczędzasz){AMOUNT_NEXT}", 0.45, "pl"),
        # how many articles were sold ("Total Items: 3", "No. of Items: 12"): a count, never the total
        (r"total\s*(?:items?|qty|quantity|pieces|pcs|articles?|artículos|articoli|artikel)|(?:no\.?|number)\s*of\s*items|"
         r"items?\s*count|anzahl\s*(?:artikel|positionen)|nombre\s*d['’]articles|nb\.?\s*articles?|"
         r"(?:n\.?[°º]?|número|numero)\s*(?:de\s*|di\s*)?(?:artículos|articoli)|aantal\s*artikelen|"
         r"ilość\s*(?:pozycji|artykułów)|antal\s*artiklar", 1.0, "en"),
        # the gross sold at each rate letter of a Polish fiscal receipt: neither net nor the total
        (r"sprzedaż\s*opodatkowana(?:\s*[a-g]\b)?", 1.0, "pl"),
        (r"total\s*(?:des\s*)?(?:remises|acomptes?)|acompte\s*versé|déjà\s*payé", 1.0, "fr"),
        (r"total\s*(?:descuentos?|anticipos?)|ya\s*pagado", 1.0, "es"),
        (r"totale\s*sconti|acconto|già\s*pagato", 1.0, "it"),
        (r"já\s*pago|troco|adiantamento", 1.0, "pt"),
        (r"zapłacono|reszta|zaliczka|cena\s*(?:jedn\.?\s*)?(?:netto|brutto)", 1.0, "pl"),
        # a cash discount and the amount payable with it are neither tax nor the total
        (r"(?:zahl|rechnungs|gesamt)?betrag\s*(?:bei|nach|abzgl\.?|abzüglich|mit)\s*(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?skonto(?:abzug)?|"
         r"(?:abzgl\.?|abzüglich)?\s*(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?skonto(?:\s*-?\s*betrag)?", 1.0, "de"),
        (r"(?:cash|early\s*payment|prompt\s*payment|settlement)\s*discount|(?:amount|total)\s*(?:if\s*paid\s*(?:by|within)|after\s*discount)", 1.0, "en"),
        (r"escompte(?:\s*pour\s*paiement\s*anticipé)?|montant\s*(?:net\s*)?après\s*escompte|sconto\s*(?:cassa|pagamento)|"
         r"descuento\s*(?:por\s*)?pronto\s*pago|betalingskorting|kassarabatt|desconto\s*(?:de\s*)?pronto\s*pagamento", 1.0, "fr"),
        # rounding rows (see ROUNDING): net + tax + rounding = total
        (r"round(?:ing|ed)?\s*off|öres\s*-?\s*avrundning|avrundning|afrunding|avrunding|arrondi(?:ssement)?|rundung(?:sdifferenz)?|"
         r"afronding(?:sverschil)?|redondeo|arrotondamento|arredondamento|zaokrąglenie|zaokrouhlení|zaokrúhlenie|"
         r"zaokruženje|zaokrožitev", 1.0, "en"),
    ],
    "iban": [(r"iban", 1.0, "en"), (r"konto\s*/\s*zahlbar\s*an|konto\s*/\s*payable\s*to|compte\s*/\s*payable\s*à", 0.9, "de")],
    "vendor_vat_id": [
        (r"vat\s*-?\s*(?:id|no\.?|number|reg(?:istration)?(?:\s*no\.?)?)|tax\s*id|gstin(?:\s*/\s*uin)?|ein|tin|abn", 1.0, "en"),
        (r"ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|umsatzsteuer\s*-?\s*id(?:ent\w*)?(?:\s*-?\s*nr\.?)?|mwst\s*-?\s*nr\.?|uid(?:\s*-?\s*nr\.?)?", 1.0, "de"),
        (r"(?:n[°º]\s*)?tva\s*intra(?:com(?:munautaire)?)?\.?|n[°º]\s*tva", 1.0, "fr"),
        (r"btw\s*-?\s*(?:nummer|nr\.?|id)", 1.0, "nl"),
        (r"n\.?\s*i\.?\s*f\.?(?:\s*-?\s*iva)?|c\.?\s*i\.?\s*f\.?", 1.0, "es"),
        (r"p(?:artita)?\.?\s*iva|cod(?:ice)?\.?\s*fiscale", 1.0, "it"),
        (r"nipc|(?:n\.?[°º]?\s*)?contribuinte|cnpj", 1.0, "pt"),
        (r"nip(?:\s*ue)?", 1.0, "pl"),
        # Czech "DIČ", Slovak "IČ DPH"; a bare "dic" is also the Spanish and Italian December, so
        # only before a colon or a CZ/SK id
        (r"dič(?=\s*:|\s+(?:cz|sk)\d)|ič\s*dph", 1.0, "cs"),
        (r"moms\s*-?\s*reg(?:istrerings)?\.?\s*-?\s*(?:nr\.?|nummer)|momsnr\.?|cvr\s*-?\s*(?:nr\.?|nummer)?|mva\s*-?\s*nr\.?", 1.0, "sv"),
        # Malaysian sales and service tax, Singapore GST: "SST Reg. No.: W10-1808-32000079"
        (r"(?:sst|gst)\s*-?\s*(?:reg(?:istration)?\.?\s*(?:no\b\.?|number|id)?|no\b\.?|id\b)|sales\s*tax\s*reg(?:istration)?\.?\s*(?:no\b\.?|number)?", 1.0, "en"),
        # Canada's GST/HST (and Quebec's TPS/TVQ) registration, its business number
        (r"(?:gst\s*/\s*hst|hst|tps\s*/\s*tvh|tps|tvq|qst)\s*-?\s*(?:reg(?:istration)?\.?\s*(?:no\b\.?|number|#)?|no\b\.?|#)|"
         r"business\s*(?:no\b\.?|number)", 1.0, "en"),
        # the Norwegian organisation number, printed with "MVA" where the firm is VAT-registered
        (r"org\.?\s*-?\s*nr\b\.?|organisasjons\s*-?\s*(?:nr\b\.?|nummer)|foretaksregisteret", 1.0, "no"),
    ],
    # the customer's own tax id, printed beside the seller's: never the vendor's (``vendor.vat_id_candidates``).
    # Longer than the seller's labels inside them ("Buyer TIN", "TVA client", "Ihre UID"), so they win
    "buyer_vat_id": [
        (r"(?:buyer|customer|client|purchaser|recipient)['’]?s?\s*(?:(?:vat|tax|gst|sst)\s*-?\s*(?:id|no\b\.?|number|reg(?:istration)?\.?(?:\s*no\b\.?)?)|"
         r"tin|gstin(?:\s*/\s*uin)?|abn|ein)|your\s*(?:vat|tax|gst)\s*-?\s*(?:id|no\b\.?|number|reg(?:istration)?\.?(?:\s*no\b\.?)?)", 1.0, "en"),
        (r"ihre\s*(?:ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|uid(?:\s*-?\s*nr\.?)?|steuer\s*-?\s*(?:nr\.?|nummer))|"
         r"kunden\s*-?\s*(?:ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|uid)|"
         r"(?:ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|uid(?:\s*-?\s*nr\.?)?)\s*(?:des|der)\s*(?:kunden|leistungsempfängers|rechnungsempfängers|käufers)", 1.0, "de"),
        (r"(?:n[°º]\s*)?tva\s*(?:intra(?:com(?:munautaire)?)?\.?\s*)?(?:du\s*)?client|votre\s*(?:n[°º]\s*(?:de\s*)?)?tva", 1.0, "fr"),
        (r"(?:nif|cif)\s*(?:del\s*)?cliente", 1.0, "es"),
        (r"p(?:artita)?\.?\s*iva\s*(?:del\s*)?cliente|cod(?:ice)?\.?\s*fiscale\s*(?:del\s*)?cliente", 1.0, "it"),
        (r"uw\s*btw\s*-?\s*(?:nummer|nr\.?|id)|btw\s*-?\s*(?:nummer|nr\.?)\s*(?:van\s*de\s*)?klant", 1.0, "nl"),
        (r"nif\s*(?:do\s*)?(?:adquirente|cliente)|contribuinte\s*(?:do\s*)?cliente", 1.0, "pt"),
        (r"nip\s*nabywcy", 1.0, "pl"),
        (r"(?:dič|ič\s*dph)\s*odb[ěe]ratel[ea]", 1.0, "cs"),
    ],
    "currency": [(r"currency|währung|devise|valuta|moneda|divisa|moeda|waluta|měna", 1.0, "en")],
    # a bare number word opening a line ("Nummer 2026-0042" under a "FACTUUR" title): the
    # invoice number only under a document title (see ``extract._numbers_under_title``)
    "number_word": [(r"^\s*(?:number|nummer|numero|numer|nr\b\.?|no\b\.?|n[°º]\.?)", 0.7, "en")],
    # "note de crédit" is the Belgian (and Canadian) French title where France prints "avoir"
    "credit_note": [(r"credit\s*note|gutschrift|avoir|creditnota|credit\s*memo|nota\s*de\s*crédito|factura\s*rectificativa|note\s*de\s*crédit|"
                     r"nota\s*di\s*credito|faktura\s*korygująca|kreditfaktura|kreditnota|creditfactuur|stornorechnung|rechnungskorrektur|"
                     r"nota\s*de\s*abono|factura\s*de\s*abono|nota\s*di\s*accredito|credit\s*invoice|adjustment\s*note|dobropis|opravn[ýá]\s*(?:daňový\s*)?(?:doklad|faktúra)|"
                     r"hyvityslasku|(?:jóváíró|sztornó|storno|helyesbítő)\s*számla|factur[aă]\s*storno|not[aă]\s*de\s*credit|"
                     # Estonian, Latvian, Lithuanian and Turkish credit notes (kv-2.29's languages)
                     r"kreeditarve|kredītrēķins|kreditinė\s*(?:pvm\s*)?sąskait(?:a|os)|iade\s*faturas[ıi]|"
                     # the Spanish "Abono" titles a credit note only with its number after it ("ABONO Nº
                     # A-2026/00184"); alone it is also a payment ("abono en cuenta")
                     r"abono(?=\s*(?:n\.?[°º]|núm|número|no\.))", 1.0, "en")],
    # titles of the parts of a Swiss QR-bill: not field labels, but they must not be read as one
    "other_title": [(r"zahlteil|empfangsschein|section\s*paiement|récépissé|sezione\s*pagamento|ricevuta", 1.0, "de")],
    "buyer": [(r"bill(?:ed)?\s*to|ship\s*to|sold\s*to|customer|käufer|kunde|rechnungsempfänger|leistungsempfänger|client|destinataire|factuuradres|"
               r"zahlbar\s*durch|cliente|destinatario|nabywca|odbiorca|odběratel|odberateľ|příjemce", 1.0, "en")],
}

# A credit note's title with a number word after it is its own number's caption, as "Invoice
# No." is an invoice's: "Note de crédit N°", "Rechnungskorrektur-Nr.", "Kreditnota nr." (the
# titles from the credit-note list, so a title it learns names its number too), and so is the
# title with "Ref." ("Credit Note Ref.", as "Invoice Ref."). The German "Rech.-Nr." abbreviates
# "Rechnungsnummer" as "Re.-Nr." and "Rg.-Nr." do.
RAW["invoice_number"] += [(r"(?:%s)\s*-?\s*(?:%s|ref(?:erence)?\b\.?)" % (RAW["credit_note"][0][0], NO), 1.0, "en"),
                          (r"rechn?\.?\s*-?\s*nr\b\.?", 0.9, "de")]

# the payment's reference among the "other_reference" labels: the number a bank transfer
# quotes, which repeats the document's own number more often than any other's (the Norwegian
# KID, the QR-bill's reference, the Czech and Slovak variable symbol, the Finnish and Estonian
# reference number, the Croatian "Poziv na broj", the Slovenian "Sklic", the Structured
# Creditor Reference). ``number_siblings`` does not take a number printed after one for
# another document's.
PAYMENT_REFERENCE = (r"kid(?:\s*-?\s*(?:nr\b\.?|nummer))?|referenz(?:nummer)?|(?:variabilní|variabilný)\s*symbol|"
                     r"viite(?:numero)?|viitenumber|poziv\s*na\s*broj(?:\s*\w+)?|sklic(?:\s*(?:na\s*številko|številka))?|"
                     r"(?:payment|creditor)\s*reference")
# which "other_amount" labels are rounding rows (totals.py adds their amount to net + tax)
ROUNDING = (r"round|avrundning|afrunding|avrunding|arrondi|rundung|afronding|redondeo|arrotondamento|arredondamento|"
            r"zaokrąglenie|zaokrouhlení|zaokrúhlenie|zaokruženje|zaokrožitev")
# which "other_amount" labels are charges added after the subtotal (totals.py: net + tax + charge = total)
CHARGES = r"tip|gratuity|service\s*charge|svc\s*chg"
# a cash discount's terms: a date in the same clause is the discount deadline, not the due date
DISCOUNT = (r"skonto|discount|escompte|sconto|descuento|pronto\s*pago|korting|rabat|desconto|kassarabatt|rabatt|"
            r"upust|popust|early\s*payment")
# words of a receipt's head that are not the shop's name (``receipt_vendor``). Street and
# place words only with a number on the line: "Lot 3, Jalan Bukit Bintang", "Bahnhofstr. 3",
# but "CAFETERÍA LA PLAZA" is a name
RECEIPT_ADDRESS_WORDS = (
    r"(?<![^\W\d_])(?:str\.|stra(?:ss|ß)e|street|st\.|road|rd\.|ave(?:nue)?|blvd|boulevard|lane|jalan|lot|blk|block|sector|"
    r"shop|unit|ul\.|aleja|place|rue|avenue|bd|chemin|via|viale|piazza|calle|avda\.?|plaza|paseo|weg|gasse|platz|allee|"
    r"laan|straat|plein|gracht|gatan|vägen|torget)(?![^\W\d_])"
    # compounds: "Bahnhofstr. 3", "Königstraße 40", "Drottninggatan 5"
    r"|(?:str\.|stra(?:ss|ß)e|weg|gasse|platz|allee|straat|gatan|vägen)(?![^\W\d_])"
)
# phone and web lines, the document's title, a greeting: never the name
RECEIPT_HEAD_WORDS = (
    r"(?<![^\W\d_])(?:tel|phone|tél|fax|www|http|e-?mail|"
    r"receipt|tax\s*invoice|invoice|bill|paragon|fiskalny|kassenbon|quittung|beleg|ticket|ricevuta|scontrino|"
    r"factura\s*simplificada|kvitto|bon|documento\s*commerciale|welcome|willkommen|bienvenue|bienvenido|benvenuti|welkom|thank|danke|merci|gracias|"
    r"grazie|dziękujemy|bedankt|tack)(?![^\W\d_])"
)
