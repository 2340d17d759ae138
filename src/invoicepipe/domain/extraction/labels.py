"""Label vocabulary (English, German, French, Dutch) and label matching on lines.

Each label is a regular expression with a strength in [0, 1] (how surely it names the field)
and a language tag (used as locale evidence for dates and decimal marks). Matches on a line
are resolved longest-first so "Total HT" is never also read as a bare "Total".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from invoicepipe.domain.extraction.layout import Line

_NO = r"(?:no\b\.?|nr\b\.?|n[°ºo]\.?|num(?:ber|mer|éro|ero)?\b\.?|#|id\b)"
_RAW: dict[str, list[tuple[str, float, str]]] = {
    "invoice_number": [
        (rf"invoice\s*{_NO}", 1.0, "en"), (rf"inv\.?\s*{_NO}", 0.9, "en"), (rf"bill\s*{_NO}", 0.8, "en"),
        (rf"credit\s*note\s*{_NO}", 1.0, "en"), (rf"(?:document|receipt)\s*{_NO}", 0.6, "en"),
        (r"\w*rechnungs?\s*-?\s*(?:\(\d+\)\s*)?(?:nummer|nr\.?|no\.?)", 1.0, "de"),
        (r"(?:gutschrifts?|beleg)\s*-?\s*(?:nummer|nr\.?)", 0.9, "de"),
        # a title naming the document, then its number further on: "Rechnung des Versicherers (575) Nr. 01.234"
        # (not when the gap names another document: "Rechnung gemäß Bestellung Nr. 4711")
        (r"(?:rechnung|gutschrift|invoice|credit\s*note|facture|avoir)\b(?:(?!bestell|auftrag|order|liefer|commande|delivery)[^:]){0,45}?"
         r"\s(?:nr\b\.?|no\b\.?|n[°º]\.?|#)", 0.8, "en"),
        (r"faktura\s*(?:nr\b\.?|no\b\.?|n[°º]\.?|#)|fakturanummer", 1.0, "en"),
        (r"(?:n[°º]|no\.?|numéro)\s*(?:de\s+)?(?:la\s+)?facture", 1.0, "fr"),
        (r"(?:facture|avoir)\s*(?:n[°º]|no\.?|numéro|#)", 1.0, "fr"),
        (r"factuur\s*-?\s*(?:nummer|nr\.?)", 1.0, "nl"),
        (r"(?:booking|reservation)\s*(?:id|ref(?:erence)?|no\b\.?|number)", 0.5, "en"),
        (r"invoice", 0.35, "en"), (r"rechnung", 0.35, "de"), (r"facture", 0.35, "fr"), (r"factuur", 0.35, "nl"),
    ],
    "invoice_date": [
        (r"invoice\s*date|date\s*of\s*invoice|date\s*of\s*issue|issue\s*date|billing\s*date", 1.0, "en"),
        (r"(?:rechnungs|beleg|gutschrifts)\s*-?\s*datum|ausstellungsdatum", 1.0, "de"),
        (r"issued\s*(?:at|on)|date\s*issued", 0.8, "en"),
        (r"date\s*(?:de\s*(?:la\s*)?)?factur(?:e|ation)|date\s*d['’]émission", 1.0, "fr"),
        (r"factuur\s*datum", 1.0, "nl"),
        (r"date", 0.5, "en"), (r"datum", 0.5, "de"), (r"dated", 0.5, "en"), (r"vom", 0.45, "de"),
        (r"du", 0.3, "fr"),
    ],
    "due_date": [
        (r"due\s*date|payment\s*due(?:\s*date)?|due\s*(?:on|by)|pay(?:able)?\s*by", 1.0, "en"),
        (r"(?:please\s*)?(?:remit|pay)\s*(?:until|before)", 0.8, "en"),
        (r"fällig(?:keit)?(?:s\s*datum)?(?:\s*am)?|zahlbar\s*bis|zahlungsziel", 1.0, "de"),
        (r"zahlbar(?:\s+\S+){0,5}?\s+bis", 0.8, "de"),
        (r"(?:date\s*d['’])?échéance|date\s*limite\s*de\s*paiement|à\s*payer\s*avant\s*le", 1.0, "fr"),
        (r"vervaldatum|te\s*betalen\s*voor", 1.0, "nl"),
    ],
    "po_number": [
        (rf"purchase\s*order\s*{_NO}?", 1.0, "en"), (rf"p\.?\s?o\.?\s*(?:{_NO}|(?=:))", 0.9, "en"), (rf"(?:your\s*)?order\s*{_NO}", 0.7, "en"),
        (r"bestell\s*-?\s*(?:nummer|nr\.?)|ihre\s*bestellung|auftrags\s*-?\s*(?:nummer|nr\.?)", 1.0, "de"),
        (r"bon\s*de\s*commande|votre\s*commande|n[°º]\s*(?:de\s*)?commande", 1.0, "fr"),
        (r"(?:uw\s*)?ordernummer|inkoopordernummer", 0.8, "nl"),
    ],
    "net": [
        (r"sub\s*-?\s*total|net\s*(?:amount|total)|total\s*net|total\s*excl\.?(?:uding)?\s*(?:vat|tax)|amount\s*before\s*tax", 1.0, "en"),
        (r"(?:rechnungs|gesamt)?summe\s*(?:ohne|exkl\.?|excl\.?)\s*(?:ust|mwst|umsatzsteuer)\.?|positionssumme|summe\s*(?:der\s*)?positionen", 1.0, "de"),
        (r"netto\s*-?\s*(?:betrag|summe)|summe\s*netto|gesamt\s*netto|zwischensumme|warenwert|nettowert|netto", 0.9, "de"),
        (r"total\s*ht|montant\s*(?:total\s*)?ht|total\s*hors\s*tax(?:es?)?", 1.0, "fr"),
        (r"exclusief\s*btw|subtotaal|totaal\s*excl\.?\s*btw", 1.0, "nl"),
    ],
    "tax": [
        (r"(?:total\s*)?(?:sales\s*)?(?:vat|tax|gst)(?:\s*amount|\s*total)?", 0.8, "en"),
        (r"mwst\.?|ust\.?|umsatzsteuer|mehrwertsteuer|steuerbetrag|summe\s*ust", 0.8, "de"),
        (r"(?:montant\s*|total\s*)?tva", 0.8, "fr"), (r"btw", 0.8, "nl"),
    ],
    "total": [
        (r"grand\s*total|total\s*amount(?:\s*due)?|invoice\s*total|total\s*incl\.?(?:uding)?\s*(?:vat|tax)?|total\s*due", 1.0, "en"),
        (r"(?:amount|balance)\s*due|total", 0.8, "en"), (r"(?:amount\s*)?due\s*payable|total\s*payable|amount\s*payable", 0.9, "en"),
        (r"gesamt\s*-?\s*(?:betrag|summe)|rechnungs\s*-?\s*betrag|brutto\s*-?\s*betrag|summe\s*brutto|endbetrag|rechnungssumme", 1.0, "de"),
        (r"bruttosumme|gesamtsumme|summe\s*(?:inkl\.?|mit)\s*(?:ust|mwst|umsatzsteuer)\.?", 1.0, "de"),
        (r"zu\s*zahlen(?:der\s*betrag)?|zahlbetrag|brutto", 0.85, "de"),
        (r"total\s*ttc|montant\s*ttc|total\s*facture", 1.0, "fr"),
        (r"net\s*à\s*payer|montant\s*à\s*payer|somme\s*à\s*payer|total\s*à\s*payer", 0.9, "fr"),
        (r"totaal(?:bedrag)?|te\s*betalen", 0.9, "nl"),
    ],
    # amount labels that are none of net/tax/total; matching them keeps their words from
    # being read as a shorter label ("Gesamtbetrag der Zuschläge" is not "Gesamtbetrag")
    "other_amount": [
        (r"(?:gesamt\s*betrag|summe)\s*(?:der\s*)?(?:zuschläge|abschläge|rabatte|nachlässe)|erhaltene\s*anzahlungen|bereits\s*(?:gezahlt|bezahlt)", 1.0, "de"),
        (r"total\s*(?:discounts?|allowances?|charges?)|prepaid\s*amount|amount\s*paid|already\s*paid|total\s*paid", 1.0, "en"),
        (r"total\s*(?:des\s*)?(?:remises|acomptes?)|acompte\s*versé|déjà\s*payé", 1.0, "fr"),
    ],
    "iban": [(r"iban", 1.0, "en")],
    "vendor_vat_id": [
        (r"vat\s*-?\s*(?:id|no\.?|number|reg(?:istration)?(?:\s*no\.?)?)|tax\s*id|gstin", 1.0, "en"),
        (r"ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|umsatzsteuer\s*-?\s*id(?:ent\w*)?(?:\s*-?\s*nr\.?)?", 1.0, "de"),
        (r"(?:n[°º]\s*)?tva\s*intra(?:com(?:munautaire)?)?\.?|n[°º]\s*tva", 1.0, "fr"),
        (r"btw\s*-?\s*(?:nummer|nr\.?|id)", 1.0, "nl"),
    ],
    "currency": [(r"currency|währung|devise|valuta", 1.0, "en")],
    "credit_note": [(r"credit\s*note|gutschrift|avoir|creditnota|credit\s*memo", 1.0, "en")],
    "buyer": [(r"bill(?:ed)?\s*to|ship\s*to|sold\s*to|customer|käufer|kunde|rechnungsempfänger|leistungsempfänger|client|destinataire|factuuradres", 1.0, "en")],
}


@dataclass(frozen=True)
class LabelHit:
    field: str
    strength: float
    lang: str
    line: Line
    start: int
    end: int


def fold_accents(text: str) -> str:
    """Drop diacritics character by character (offsets stay valid): OCR often reads "à" as
    "a" or "ä" as "a", and a label should match either way."""
    return "".join(unicodedata.normalize("NFD", ch)[0] if ord(ch) > 127 else ch for ch in text)


_COMPILED = [
    # a label must not start or end inside a word ("Pos" is not "PO", "invoice_number_1" holds
    # no label); a digit may follow directly ("n°562044387")
    (field, re.compile(r"(?<![\w])(?:%s)(?![^\W\d])" % fold_accents(rx), re.I), s, lang)
    for field, items in _RAW.items()
    for rx, s, lang in items
]


CREDIT_NOTE = re.compile(r"(?i)(?<!\w)(?:%s)(?!\w)" % _RAW["credit_note"][0][0])
SELF_BILLED = re.compile(r"(?i)selbst\s*ausgestellt|gutschriftsverfahren|self[-\s]*billed|self[-\s]*billing|autofactur")


def find_labels(line: Line) -> list[LabelHit]:
    """All label hits on ``line``, overlapping hits resolved in favour of the longest."""
    hits = []
    text = fold_accents(line.text)
    for field, rx, strength, lang in _COMPILED:
        for m in rx.finditer(text):
            if m.end() > m.start():
                hits.append(LabelHit(field, strength, lang, line, m.start(), m.end()))
    hits.sort(key=lambda h: (-(h.end - h.start), -h.strength))
    kept: list[LabelHit] = []
    for h in hits:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)
