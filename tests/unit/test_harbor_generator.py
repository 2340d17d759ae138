"""The "harbor" region (fixtures/gen/harbor*.py): ten HTML layouts of conventions the other
regions lack (legal footer, carried-forward pages, several rates with exempt lines, PO in a
sentence or a table row, remit-to blocks, marks on the paper copies).

The checks run without a browser: every invoice adds up, the HTML prints every value the
ground truth states in the layout's notation, hand-cut pages carry their running sums, and
the paper marks appear only on the copy that is scanned.
"""

from __future__ import annotations

import html
import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.harbor_docs import HarborPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from gen.scenarios import Planner  # noqa: E402


def _text(inv, paper: bool = False) -> str:
    raw = html.unescape(re.sub(r"<[^>]+>", " ", invoice_html(inv, 11, paper)))
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " "))


def _invoices(part: str = "all", count: int | None = None):
    planner = Planner(11, "harbor", part)
    return [planner.add(i) for i in range(1, (count or len(planner.schedule)) + 1)]


def test_every_invoice_adds_up_and_prints_its_ground_truth():
    for inv in _invoices():
        gt = ground_truth(inv, "x.pdf", "digital", 1, None)
        assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"])
        text = _text(inv)
        p = HarborPage(inv, 11)
        assert inv.number in text
        assert p.money(inv.total).replace("\u00a0", " ") in text, inv.layout_name
        assert p.date(inv.issue_date) in text
        if inv.po_number:
            assert inv.po_number in text


def test_exempt_and_reduced_rates_appear_beside_the_standard_rate():
    rates: dict[str, set] = {}
    for inv in _invoices():
        rates.setdefault(inv.layout_name, set()).update(l.vat_rate for l in inv.lines)
    assert Decimal("0") in rates["harbor_es_tipos"] | rates["harbor_pl_zw"] | rates["harbor_pt_isento"]
    assert len(rates["harbor_de_fusszeile"]) == 2


def test_hand_cut_pages_carry_the_running_sum_and_repeat_the_head():
    inv = next(i for i in _invoices() if i.layout_name == "harbor_nl_transport" and len(i.lines) > 20)
    text = _text(inv)
    p = HarborPage(inv, 11)
    first = sum((l.amount for l in inv.lines[:20]), Decimal("0.00"))
    assert f"Transport {p.num(first)}" in text and f"Transport van vorige pagina {p.num(first)}" in text
    assert text.count(inv.vendor.printed_name) >= 2 and "Pagina 2 van" in text


def test_paper_marks_only_on_the_paper_copy():
    inv = next(i for i in _invoices() if i.layout_name == "harbor_en_us_remit")
    assert "RECEIVED" in _text(inv, paper=True) and "RECEIVED" not in _text(inv)
    fax = next(i for i in _invoices() if i.layout_name == "harbor_it_fax")
    assert "@top-left" in invoice_html(fax, 11, True) and "@top-left" not in invoice_html(fax, 11)
