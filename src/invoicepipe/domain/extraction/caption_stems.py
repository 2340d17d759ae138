"""Whose number a caption names, told by the stems of its words.

A caption ending in a number word names some number; its other words say whose. The
document's own words share stems across languages and abbreviations ("rech", "fact", "fakt",
"lasku", "saskait": ``DOCUMENT_STEM``). Besides the document's number, a head prints the buyer's account, an
order's, a delivery note's, a confirmation's, a contract's, a tax or company register's id, a
telephone and a house in a street. Their words share stems across the project's languages and
their cognates ("Klient", "Kunde", "klant", "cliente"; "Bestell", "zamów", "pedido"; "Liefer",
"otprem", "albarán"), so a caption in a language no list holds that holds one of them is no
guess at the document's number (``unknown_caption``, ``dated_number``, ``title_stem``). Written
by hand: no library lists such stems; each was a word of an invoicing program's caption.
"""

from __future__ import annotations

import re

from invoicepipe.domain.extraction.labels import fold_accents

# the stems of document words in the project's languages and their abbreviations; they win
# over the others' ("Tax Invoice No.", "Kundenrechnung Nr.")
DOCUMENT_STEM = re.compile(r"(?i)rech|fact|fakt|fatt|fatu|inv|bill|dok|doc|memo|belg|beleg|boekstuk|nota|note|szaml|"
                           r"saskait|rekin|arve|lasku|racun|voucher|credit|kredit|gutschr|avoir|abono|odobren|dobropis|korekt|koryg|rectific|rettific")
# the stems, at a word's start, of the other numbers a head prints (the buyer's account, an
# order, a delivery, a contract, a tax or a company register's id, a telephone, a house in a
# street) across the project's languages and their cognates ("Klient nr", "Kundennr.",
# "Zamówienie nr", "Otpremnica br.", "USt-IdNr.", "Org.nr.", "Tel. nr", "calle F nº"): such a
# caption is no lone guess
OTHER_STEM = re.compile(r"(?i)(?<![^\W\d_])(?:klient|klijent|client|kund|klant|asiakas|kupac|kupc|odberat|vevo|ugyfel|"
                        r"acquirent|comprador|buyer|customer|debitor|account|konto|zamow|bestell|auftrag|ordin|pedid|"
                        r"command|order|tilaus|narud|objedn|rendel|liefer|albar|ddt|livrais|otprem|dodac|pristat|"
                        r"uzsak|pasut|tellim|leveran|delivery|dispatch|shipp|contra|vertrag|projek|project|"
                        r"ust|steuer|vat|tax|btw|iva|tva|moms|mva|alv|pvm|pdv|dph|nip|regon|kvk|siret|siren|oib|cif|nif|gst|"
                        r"org|registr|handelsreg|company|firm|tel|phone|fax|mobil|gsm|iban|bank|swift|bic|"
                        r"street|strass|stras|calle|carrer|rua|rue|ulic|avenid|piazz|viale|road|polig|"
                        # an address's words and a street's abbreviations ("Sediul: Bd. Dacia nr. 30",
                        # "Str. Fabricii nr. 117", "Sitz", "Adresse"): a house number's caption
                        r"str\b|bd\b|blvd|bulev|boulev|sediu|sitz|adres|address|indirizz|direcc|endere|"
                        # the delivery note's, the order's and the buyer's words of further languages
                        r"consegn|bolla|pakbon|leverbon|dostaw|szallit|aviz|vaztar|pavadz|saatel|lahete|foljesedel|"
                        r"folgesed|pakkse|dobavn|remessa|bestil|bestall|comand|naroc|encomend|pirkej|nabywc|odbiorc|"
                        r"ostaja|kaufer|koper|acheteur|comprator|kjoper|kober|kopare|"
                        r"patvirt|confirm|bestatig|bevestig|conferm|potwierdz|potvrd)")


# the stems, at a word's start, of papers named with the document's own word that are not the
# document: a pro forma invoice ("Predračun", "Proforma", "Zálohová faktura"), an advance or
# a prepayment invoice, and the offer before it ("Cenová ponuka", "Angebot", "Offerte"). The
# document word inside them ("Pred*račun*") would take their number for the document's.
ANOTHER_DOCUMENT = re.compile(r"(?i)(?<![^\W\d_])(?:pro\s*-?\s*forma|predra|predfakt|zaloh|vorausrech|"
                              r"anzahlungsrech|abschlagsrech|prepay|advance|acconto|anticip|acompte|"
                              r"angebot|offer|quot|ponud|ponuk|cenov)")


def names_another(caption: str) -> bool:
    """The caption's words name another party's or paper's number and not the document's."""
    words = fold_accents(caption)
    return bool(ANOTHER_DOCUMENT.search(words)) or (bool(OTHER_STEM.search(words)) and not DOCUMENT_STEM.search(words))


def names_the_document(caption: str) -> bool:
    """The caption's words hold the document's word, and name no other paper by it."""
    words = fold_accents(caption)
    return bool(DOCUMENT_STEM.search(words)) and not ANOTHER_DOCUMENT.search(words)
