"""The invoice's own word, in the project's languages, whole or abbreviated.

Captions name the document they belong to with it: "Date Invoiced", "Data fatturazione",
"DATA FATT.", "Fact.nr.", "Nr. factuur", "Rechnungsnummer". Where a caption's other words are
unknown, the invoice's word alone says the value is the invoice's own (its date, its number);
"doc.", "memo", "note" or "order" name some other paper (``qualified_dates``,
``unknown_caption``).
"""

from __future__ import annotations

import re

# any inflection of the whole word ("invoiced", "Rechnungs", "fatturazione", "faktury",
# "számla", "sąskaitos", "računa", "rēķins", "arve", "laskun"), or its common abbreviations
# (the Lithuanian "Sąsk." and the Latvian "Rēķ." among them: "Sąsk. data", "Rēķ. datums")
_INVOICE_WORD = re.compile(r"(?:invoic|factur|factuu|fattur|fatur|faktur|rechn|szaml|saskait|racun|rekin|arve|lasku)\w*"
                           r"|inv|fact|fatt|fakt|rech|sask|rek")


def is_invoice_word(word: str) -> bool:
    """Whether ``word`` (lower case, accents folded, no punctuation) is the invoice's word."""
    return _INVOICE_WORD.fullmatch(word) is not None
