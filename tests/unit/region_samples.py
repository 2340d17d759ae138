"""What the region generator tests share (``test_<region>_generator.py``): a region's planned
invoices, the text an invoice's HTML prints, and the check that the ground truth names only
what the page prints."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "fixtures") not in sys.path:
    sys.path.insert(0, str(ROOT / "fixtures"))

from gen.ids import group4  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from gen.scenarios import Planner  # noqa: E402

SEED = 11


def region_invoices(region: str, part: str = "all", count: int | None = None, seed: int = SEED) -> list:
    """The region's invoices as the generator plans them (all of the part, or the first ``count``)."""
    planner = Planner(seed, region, part)
    return [planner.add(i) for i in range(1, (count or len(planner.schedule)) + 1)]


def printed_text(page_html: str) -> str:
    """An invoice's HTML as its words read: tags out, entities decoded, spaces collapsed."""
    raw = html.unescape(re.sub(r"<[^>]+>", " ", page_html))
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " "))


def assert_truth_printed(inv, page, text: str, compact_ids: bool = False) -> dict:
    """The due date, IBAN, PO number and VAT id the ground truth names are on the page
    (``page`` formats dates as the layout prints them; ``compact_ids``: the VAT id may be
    printed in groups, compared without spaces, dots and dashes); returns the ground truth."""
    gt = ground_truth(inv, "x.pdf", "digital", 1, None)
    if "due_date" in gt:
        assert page.date(inv.due_date) in text, inv.layout_name
    if "iban" in gt:
        assert group4(gt["iban"]) in text, inv.layout_name
    if "po_number" in gt:
        assert gt["po_number"] in text, inv.layout_name
    if compact_ids:  # ids printed in groups ("Org.nr. 980 123 456 MVA", "BE 0123.456.789")
        assert _compact(gt["vendor_vat_id"][2:]) in _compact(text), inv.layout_name
    else:
        assert gt["vendor_vat_id"][2:] in text, inv.layout_name
    return gt


def _compact(s: str) -> str:
    return re.sub(r"[\s.\-]", "", s)
