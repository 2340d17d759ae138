"""Cells written to a CSV a person will open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by common spreadsheets (CSV injection), so a vendor name or a note from outside could
execute in a controller's spreadsheet. Values are stored as the text they are; every CSV we
write passes each cell through ``csv_cell``, which prefixes such text with a quote.
"""

from __future__ import annotations

import json
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` as inert text for a spreadsheet: a leading formula character gets a ``'``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any) -> str:
    """Any value as one safe CSV cell: JSON for lists and dicts, empty for None."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, sort_keys=True, default=str)
    else:
        text = str(value)
    return neutralise_formula(text)
