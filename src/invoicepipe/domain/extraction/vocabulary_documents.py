"""More label wording, read like ``vocabulary.RAW`` (same format, merged by ``labels``): how
printed e-invoices name their fields.

E-invoice renderers (the XRechnung and ZUGFeRD visualisations, Factur-X readable copies,
ERP print layouts fed by the same data) print the EN 16931 totals under the standard's own
business-term names or close to them, in German, English and French: "Gesamtbetrag der
Rechnung einschließlich Umsatzsteuer" (BT-112), "Invoice total amount with VAT", "Montant
total TVA comprise", the paid amount (BT-113) apart from the total, document-level
allowances and charges (BT-107/108) that are neither. Kept apart from ``vocabulary.py`` so
the receipts' wording there and this can change without touching each other.
"""

from __future__ import annotations

_TAX_WORD = r"(?:ust|mwst|umsatzsteuer|mehrwertsteuer|versicherungs?steuer|vat|tax|tva)\b\.?"
_RATE = r"(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?"
_INCLUDING = r"(?:inkl\.?|inklusive|einschl\.?|einschließlich|incl\.?|including|inclusive\s*of|with|mit|y\s*compris)"

EINVOICE_TERMS: dict[str, list[tuple[str, float, str]]] = {
    "po_number": [
        # "Bestellung: B123456789", "gemäß Bestellung Nr. 2018-471331": the order itself names its number
        (r"bestellung\s*(?:nr\b\.?|nummer)?", 0.85, "de"),
    ],
    # the buyer's own reference (BT-10): on many invoices that print one it is their order
    # number, on others a file or contact reference. Read as the PO number only where no label
    # names an order (``extract``), and weakly: the vendor's open POs confirm it (``po_search``)
    "buyer_reference": [
        (r"your\s*ref(?:erence)?\b\.?|votre\s*r[ée]f(?:[ée]rence)?\b\.?", 0.6, "en"),
        (r"ihr(?:e)?\s*(?:zeichen|referenz)|su\s*ref(?:erencia)?\b\.?|(?:vs\.?|vostro|vostra)\s*rif(?:erimento)?\b\.?|"
         r"uw\s*(?:referentie|kenmerk)|(?:sua|vossa)\s*ref(?:erência)?\b\.?|(?:wasz|państwa)\s*(?:znak|referencja)", 0.6, "de"),
    ],
    "net": [
        # BT-109: "Gesamtbetrag der Rechnung ohne Umsatzsteuer", "Invoice total amount without VAT", "Montant total hors TVA"
        (rf"gesamt\s*(?:betrag|summe)\s*(?:der\s*rechnung\s*)?(?:ohne|exkl\.?|exklusive|zzgl\.?)\s*{_TAX_WORD}", 1.0, "de"),
        (rf"(?:invoice\s*)?total\s*amount\s*(?:without|excluding|excl\.?)\s*{_TAX_WORD}", 1.0, "en"),
        (r"montant\s*total\s*hors\s*(?:tva|taxes?)", 1.0, "fr"),
    ],
    "tax": [
        # BT-110: "Gesamtbetrag der Umsatzsteuer", "Summe Umsatzsteuer", "Umsatzsteuerbetrag", "Montant total de la TVA"
        (r"(?:gesamt\s*betrag\s*der\s*|summe\s*(?:der\s*)?)?(?:umsatzsteuer|mehrwertsteuer|mwst\.?|ust\.?)(?:\s*-?\s*betrag)?", 0.8, "de"),
        (r"(?:invoice\s*)?total\s*(?:vat|tax)\s*amount", 0.9, "en"),
        (r"montant\s*(?:total\s*)?de\s*la\s*tva|total\s*de\s*la\s*tva", 0.9, "fr"),
    ],
    "total": [
        # BT-112, the gross sum named with the tax it includes: "vierteljährlicher Beitrag inklusive 19 %
        # Versicherungsteuer", "Gesamtsumme einschließlich Umsatzsteuer" (a bare "inkl. 19 % MwSt 3,03" under a
        # total is the tax it contains: it names no sum and stays no label)
        (rf"(?:betrag|beitrag|summe|premium|amount|montant)\s*(?:der\s*rechnung\s*)?{_INCLUDING}\s*{_RATE}{_TAX_WORD}", 0.9, "de"),
        (rf"gesamt\s*(?:betrag|summe)\s*(?:der\s*rechnung\s*)?{_INCLUDING}\s*{_RATE}{_TAX_WORD}", 1.0, "de"),
        (rf"(?:invoice\s*)?total\s*amount\s*{_INCLUDING}\s*{_TAX_WORD}", 1.0, "en"),
        (r"(?:montant\s*)?total\s*(?:tva\s*comprise?|toutes\s*taxes\s*comprises)", 1.0, "fr"),
        # a credit note's gross: "Gutschriftsbetrag", "Montant de l'avoir", "Credit note total"
        (r"gutschrifts?\s*-?\s*(?:betrag|summe)|montant\s*(?:total\s*)?de\s*l['’]\s*avoir|credit\s*(?:note\s*)?(?:total|amount)", 1.0, "de"),
        # what a credit note pays back, where an invoice says what is to be paid: "Do zwrotu"
        # beside "Do zapłaty", "Te crediteren" beside "Te betalen", "K vrácení" beside "K úhradě"
        (r"(?:razem\s*|kwota\s*)?do\s*zwrotu", 1.0, "pl"), (r"(?:totaal\s*)?te\s*crediteren", 0.9, "nl"),
        (r"(?:total|valor)\s*a\s*creditar", 1.0, "pt"), (r"(?:total|montant)\s*à\s*(?:créditer|rembourser)", 1.0, "fr"),
        (r"(?:total|importe)\s*a\s*(?:abonar|devolver)", 1.0, "es"), (r"(?:totale|importo)\s*da\s*rimborsare", 1.0, "it"),
        (r"(?:gesamt\s*)?erstattungsbetrag|zu\s*erstattende?r?\s*betrag", 1.0, "de"),
        (r"refund\s*(?:due|amount|total)|amount\s*to\s*be\s*refunded", 1.0, "en"), (r"k\s*vrácení|k\s*vráteniu", 0.9, "cs"),
    ],
    "other_amount": [
        # BT-113 paid amount and BT-107/108 document allowances and charges: neither net, tax nor total
        (r"gezahlter\s*betrag|(?:geleistete\s*|erhaltene\s*)?anzahlung(?:en)?|vorauszahlung(?:s\s*betrag)?", 1.0, "de"),
        (r"paid\s*amount|sum\s*of\s*(?:allowances|charges)(?:\s*on\s*document\s*level)?", 1.0, "en"),
        (r"(?:montant\s*)?total\s*des\s*(?:frais|charges|majorations)|montant\s*(?:déjà\s*)?(?:payé|versé)", 1.0, "fr"),
    ],
}
