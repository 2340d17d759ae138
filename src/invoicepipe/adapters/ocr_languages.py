"""Which Tesseract language data reads a document.

Measured on one German scan page (single OCR thread): English alone 1.7 s, ``deu+eng``
2.2 s (1.3x), all eight packs at once (``eng+deu+fra+spa+ita+nld+por+pol``) 4.7 s (2.7x),
because Tesseract runs every model on every line. So ``auto`` reads the first page in
English, guesses the language from the words it got (invoice vocabulary is distinctive:
"Rechnung", "fattura", "do zapłaty"), and when another installed language wins, reads that
page again and every further page with ``<lang>+eng`` (English stays in: part numbers,
product names and bank lines are often English). English documents cost nothing extra.
On the generated world scans (10 of 12 documents not English) ``benchmarks/extraction.py``
measured 2.72x bare English Tesseract per page against 1.33x with ``eng`` fixed: about twice
the time for a non-English first page, 1.3x for its further pages. What it buys: the
language's letters and words ("Müller & Söhne", "Nürnberg", "Scadenza" where English read
"Miiller & Séhne", "Niimberg", "Scatlenza"), which the vendor name, the labels and the
reviewer see. See fixtures/README.md for the accuracy figures.

Since the in-process engine (``ocr_engine``) the first page is no longer read twice: a
half-resolution English pass over its upper half (``ocr_first_pass``, read band by band
until ``language_is_clear``; ``LanguageChoice.after_first_pass``) names the language and
the page is read once with it; only when that pass names none and the full English read
does is the page read again.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from typing import Iterable, Optional

import pytesseract

from invoicepipe.domain.models import Word

# A few frequent invoice words per language, accent-folded and lower case. Words shared by
# several languages ("data", "iva") count for none of them, English words ("date", "page",
# "total") for no other language, and another language must outnumber English.
_WORDS = {
    "deu": "rechnung rechnungsnummer rechnungsdatum datum betrag summe mwst ust gesamtbetrag netto brutto "
           "zahlbar bestellnummer lieferschein kunde kundennummer menge einzelpreis bezeichnung fallig und "
           "der die das fur bankverbindung steuernummer seite von zahlteil empfangsschein konto waehrung",
    "fra": "facture date montant tva total ht ttc echeance commande client quantite designation prix "
           "unitaire reglement le la les des du pour page sur avoir paiement coordonnees bancaires",
    "spa": "factura fecha importe base imponible vencimiento pedido cliente cantidad descripcion precio "
           "unitario el los las del para pagina albaran forma pago nif",
    "ita": "fattura scadenza imponibile totale ordine cliente quantita descrizione prezzo importo il della "
           "delle per pagina pagamento partita documento ddt coordinate bancarie",
    "nld": "factuur factuurnummer factuurdatum bedrag btw totaal vervaldatum klant aantal omschrijving "
           "prijs het een van voor betaling pagina",
    "por": "fatura emissao vencimento valor encomenda cliente quantidade descricao preco unitario da do "
           "dos das para pagina pagamento contribuinte iliquido",
    "pol": "faktura wystawienia sprzedazy termin platnosci zaplaty razem netto brutto nabywca sprzedawca "
           "ilosc nazwa cena wartosc nip nr strona zamowienia rachunek bankowy",
    # Czech, Slovak, Croatian (with Serbian and Bosnian in Latin script) and Slovenian: none
    # of the words above, so the eight languages' own counts stay as they were
    "ces": "vystaveni splatnosti uskutecneni zdanitelneho plneni celkem uhrazeni mnozstvi variabilni konstantni "
           "dodavatel odberatel zaklad dane sazba zpusob prevodem ucet danovy doklad objednavky dodaci",
    "slk": "vyhotovenia vystavenia dodania splatnosti celkom spolu mnozstvo variabilny konstantny dodavatel "
           "odberatel zaklad dane sadzba sposob uhrady prevodnym prikazom ucet danovy doklad objednavky dodaci",
    "hrv": "racun racuna broj izdavanja isporuke dospijeca placanja osnovica pdv ukupno platiti iznos kupac "
           "dobavljac kolicina cijena otpremnica narudzbenica oib ziro poziv nacin mjesto vrijeme operater porez",
    "slv": "racun racuna stevilka izdaje opravljene storitve dobave placila rok osnova ddv skupaj placilo znesek "
           "kupec dobavitelj kolicina dobavnica narocilnica trr sklic nacin kraj izdal enota vrednost",
}
_ENGLISH = set("invoice date total amount due page of the and for to number subtotal tax vat payment bill ship "
               "qty quantity description price unit balance terms order customer bank account credit note".split())
_LEXICON = {lang: set(words.split()) - _ENGLISH for lang, words in _WORDS.items()}
_SHARED = {w for lang, ws in _LEXICON.items() for w in ws if sum(w in other for other in _LEXICON.values()) > 1}
_INSTALLED: dict[str, frozenset[str]] = {}
MIN_HITS = 4  # below this a page says too little to leave English


def _fold(text: str) -> str:
    text = text.lower().replace("ł", "l").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _hits(words: Iterable[Word], installed: frozenset[str]) -> tuple[dict[str, int], int]:
    """(invoice words per installed non-English language, English invoice words)."""
    tokens = [t for w in words for t in re.findall(r"[a-z]+", _fold(w.text))]
    scores = {lang: sum(1 for t in tokens if t in lex and t not in _SHARED)
              for lang, lex in _LEXICON.items() if lang in installed}
    return scores, sum(1 for t in tokens if t in _ENGLISH)


def guess_language(words: Iterable[Word], installed: frozenset[str]) -> Optional[str]:
    """The installed non-English Tesseract language whose invoice words occur most on the
    page, or None when none occurs at least ``MIN_HITS`` times."""
    scores, english = _hits(words, installed)
    if not scores:
        return None
    lang, hits = max(scores.items(), key=lambda kv: kv[1])
    return lang if hits >= MIN_HITS and hits > english else None


def language_is_clear(words: Iterable[Word], installed: frozenset[str]) -> bool:
    """True when one language, English included, leads every other by ``MIN_HITS`` invoice
    words: more of the same page is then very unlikely to turn the guess (a page read from
    the top can stop here)."""
    scores, english = _hits(words, installed)
    counts = sorted([english, *scores.values(), 0], reverse=True)
    return counts[0] >= MIN_HITS and counts[0] - counts[1] >= MIN_HITS


def installed_languages(cmd: str) -> frozenset[str]:
    """Tesseract's installed language data (remembered per program path)."""
    if cmd not in _INSTALLED:
        try:
            _INSTALLED[cmd] = frozenset(pytesseract.get_languages(config="")) if shutil.which(cmd) else frozenset()
        except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError):
            _INSTALLED[cmd] = frozenset()
    return _INSTALLED[cmd]


class LanguageChoice:
    """The language list of one document's OCR: fixed, or chosen after its first page."""

    def __init__(self, setting: str, installed: frozenset[str]):
        self.auto = setting == "auto"
        self.installed = installed
        self.current = "eng" if self.auto else setting
        self.decided = not self.auto
        self.quick_tried = False

    def wants_first_pass(self) -> bool:
        """True while the language is open and no quick pass has been tried."""
        return not self.decided and not self.quick_tried

    def is_clear(self, words: list[Word]) -> bool:
        """True when ``words`` already name the language beyond doubt (``language_is_clear``)."""
        return language_is_clear(words, self.installed)

    def after_first_pass(self, words: list[Word]) -> None:
        """Fix the list from a quick English pass over the first page when it names a
        language; otherwise leave the choice to the full English read."""
        self.quick_tried = True
        lang = guess_language(words, self.installed)
        if lang is not None:
            self.current = f"{lang}+eng"
            self.decided = True

    def after_first_page(self, words: list[Word]) -> Optional[str]:
        """The language list to read the first page again with, or None; fixes the list for
        the following pages."""
        if self.decided:
            return None
        self.decided = True
        lang = guess_language(words, self.installed)
        if lang is None:
            return None
        self.current = f"{lang}+eng"
        return self.current
