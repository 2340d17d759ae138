"""The "juliet" region (fixtures/gen/juliet*.py): every invoice's layout composed from independent
random choices (locale, seller position, header style, label synonyms, date and amount notation,
currency placement, table and totals style, columns, references, due date or terms).

The checks run without a browser: the same seed gives the same pages and ground truth; every
invoice adds up (lines to the net, rates to the tax, net + tax to the total; a printed price
before a line discount gives the unit price exactly); the page prints the number, the total, the
dates, the PO, the VAT id and the IBAN the ground truth names, and no due date is named where only
the terms are printed; every id and IBAN passes python-stdnum; both parts have credit notes of
both signs, long invoices and invoices without PO; the values reserved for the holdout (the
Turkish locale, two header styles, a table style, a totals style, two synonyms per label) never
appear in dev, and do appear in the holdout.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from stdnum import iban as std_iban
from stdnum.eu import vat as std_vat
from stdnum.gb import vat as std_gb_vat
from stdnum.tr import vkn as std_vkn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen import juliet  # noqa: E402
from gen.juliet_docs import JulietPage, invoice_html  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import assert_truth_printed, printed_text, region_invoices  # noqa: E402

_CACHE: dict = {}


def _invoices(part: str, count: int = 60, seed: int = 11):
    key = (part, count, seed)
    if key not in _CACHE:
        _CACHE[key] = region_invoices("juliet", part, count, seed=seed)
    return _CACHE[key]


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def test_the_same_seed_gives_the_same_pages_and_ground_truth():
    a, b = region_invoices("juliet", "dev", 20), region_invoices("juliet", "dev", 20)
    for x, y in zip(a, b):
        assert x.design == y.design
        assert invoice_html(x, 11) == invoice_html(y, 11)
        assert ground_truth(x, "x.pdf", "digital", 1, None) == ground_truth(y, "x.pdf", "digital", 1, None)
    other = region_invoices("juliet", "dev", 20, seed=12)
    assert [i.design for i in other] != [i.design for i in a]


def test_every_invoice_adds_up_and_prints_its_number_total_and_dates():
    for part in ("dev", "holdout"):
        for inv in _invoices(part):
            gt = ground_truth(inv, "x.pdf", "digital", 1, None)
            assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"])
            assert sum((Decimal(l["amount"]) for l in gt["lines"]), Decimal("0.00")) == Decimal(gt["net"])
            for line in gt["lines"]:
                assert (Decimal(line["quantity"]) * Decimal(line["unit_price"])).quantize(Decimal("0.01")) == \
                    Decimal(line["amount"])
            for line, pct in zip(inv.lines, inv.design["disc"]):
                if pct:
                    assert juliet.list_price(line.unit_price, pct) * (100 - pct) / 100 == line.unit_price
            text, p = _text(inv), JulietPage(inv, 11)
            assert inv.number in text
            assert p.num(inv.total).replace("\u00a0", " ") in text
            assert p.date(inv.issue_date).replace("\u00a0", " ") in text
            if gt["document_type_code"] == "381":
                assert "due_date" not in gt
                assert inv.credit_ref in text
            if inv.design["due"] == "terms":
                assert "due_date" not in gt
                assert inv.design["terms"].format(d=inv.vendor.terms_days) in text
            if "sku" not in inv.columns:
                assert all("sku" not in l for l in gt["lines"])


def test_what_the_ground_truth_names_is_printed_and_valid():
    for part in ("dev", "holdout"):
        for inv in _invoices(part):
            text = _text(inv)
            gt = assert_truth_printed(inv, JulietPage(inv, 11), text)
            assert inv.vendor.printed_name in text
            for line in gt["lines"]:
                assert line["description"] in text
            if "iban" in gt:
                assert std_iban.is_valid(gt["iban"])
            vat, cc = gt["vendor_vat_id"], inv.vendor.country
            if cc == "TR":
                assert std_vkn.is_valid(vat)
            elif cc == "GB":
                assert std_gb_vat.is_valid(vat)
            elif cc != "US":
                assert std_vat.is_valid(vat), vat


def test_both_parts_have_credit_notes_long_invoices_and_no_po():
    for part in ("dev", "holdout"):
        invs = _invoices(part)
        assert any(i.doc_type == "381" and i.total < 0 for i in invs), part
        assert any(i.doc_type == "381" and i.total > 0 for i in invs), part
        assert any(len(i.lines) >= 40 for i in invs), part
        assert any(i.po_number is None and i.doc_type == "380" for i in invs), part
        assert any(i.due_date is None and i.doc_type == "380" for i in invs), part


def test_the_axes_vary_and_the_holdout_values_never_appear_in_dev():
    dev, hold = _invoices("dev", 132), _invoices("holdout", 143)
    for axis in ("seller", "header", "table", "totals", "currency", "date"):
        assert len({i.design[axis] for i in dev}) >= 3, axis
    assert len({i.design["lang"] for i in dev}) == 12
    for inv in dev:
        assert not juliet.reserved_in(inv.design), inv.index
        assert inv.design["lang"] != "tr" and inv.vendor.vendor_id not in {v[0] for v in juliet._HOLD_VENDORS}
    seen = set().union(*(juliet.reserved_in(i.design) for i in hold))
    for axis, values in juliet.RESERVED.items():
        for value in values:
            prefix = "language" if axis == "language" else axis
            assert f"{prefix}:{value}" in seen, (axis, value)
    assert sum(1 for s in seen if s.startswith("label:")) >= 20
    # dev pages never print a reserved synonym as a label of its field
    dev_words = {(i.design["lang"], f, w) for i in dev for f, w in i.design["words"].items()}
    for lang, f, w in dev_words:
        assert w not in juliet.reserved_synonyms(juliet.LANGS[lang]["labels"][f])


def test_header_styles_draw_only_the_styles_named():
    # ``generate.py --header-styles caption,right_label``: a dev set of the holdout's header styles
    from gen.scenarios import Planner

    planner = Planner(11, "juliet", "dev", ("caption", "right_label"))
    drawn = {planner.add(i).design["header"] for i in range(1, 25)}
    assert drawn == {"caption", "right_label"}
    assert {inv.design["header"] for inv in _invoices("dev", 24)} <= set(juliet.HEADER) - juliet.RESERVED["header"]


def test_totals_styles_draw_only_the_styles_named():
    # ``generate.py --totals-styles row``: a dev set of the holdout's totals style
    from gen.scenarios import Planner

    planner = Planner(11, "juliet", "dev", (), (), ("row",))
    assert {planner.add(i).design["totals"] for i in range(1, 13)} == {"row"}
    assert {inv.design["totals"] for inv in _invoices("dev", 24)} <= set(juliet.TOTALS) - juliet.RESERVED["totals"]


def _local_invoices(part: str, languages: tuple, count: int = 66, seed: int = 11):
    from gen.scenarios import Planner

    planner = Planner(seed, "juliet", part, (), languages)
    return [planner.add(i) for i in range(1, count + 1)]


def test_languages_draw_only_the_named_locales_with_valid_ids_and_ibans():
    # ``generate.py --languages hr,sl,sk``: the Croatian, Slovenian and Slovak vendors alone
    from stdnum.hr import oib
    from stdnum.iso7064 import mod_11_10
    from stdnum.si import ddv
    from stdnum.sk import dph

    check = {"HR": lambda v: oib.is_valid(v[2:]), "SI": ddv.is_valid, "SK": dph.is_valid}
    for part in ("dev", "holdout"):
        invs = _local_invoices(part, ("hr", "sl", "sk"))
        assert {i.design["lang"] for i in invs} == {"hr", "sl", "sk"}, part
        assert {i.vendor.country for i in invs} == {"HR", "SI", "SK"}, part
        assert any(i.doc_type == "381" and i.total < 0 for i in invs) and any(len(i.lines) >= 40 for i in invs)
        for inv in invs:
            cc, text, page = inv.vendor.country, _text(inv), JulietPage(inv, 11)
            gt = assert_truth_printed(inv, page, text)
            assert gt["currency"] == "EUR" and gt["vendor_vat_id"] in text
            assert std_vat.is_valid(gt["vendor_vat_id"]) and check[cc](gt["vendor_vat_id"]), gt["vendor_vat_id"]
            assert gt["vendor_vat_id"].startswith(cc) and len(gt["vendor_vat_id"]) == {"HR": 13, "SI": 10, "SK": 12}[cc]
            assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"])
            assert inv.number in text and page.num(inv.total).replace("\u00a0", " ") in text
            assert {l.vat_rate for l in inv.lines} <= {"HR": {Decimal("0.25"), Decimal("0.13"), Decimal("0.05")},
                                                       "SI": {Decimal("0.22"), Decimal("0.095"), Decimal("0.05")},
                                                       "SK": {Decimal("0.23"), Decimal("0.19"), Decimal("0.05")}}[cc]
            iban = gt["iban"]
            assert std_iban.is_valid(iban) and iban[:2] == cc
            if cc == "HR":  # bank code and account, each with its ISO 7064 MOD 11,10 digit
                assert len(iban) == 21 and mod_11_10.is_valid(iban[4:11]) and mod_11_10.is_valid(iban[11:])
            elif cc == "SI":  # the BBAN's own MOD 97-10 pair
                assert len(iban) == 19 and int(iban[4:]) % 97 == 1
            else:  # prefix and account, weighted MOD 11
                assert len(iban) == 24
                assert sum(int(d) * w for d, w in zip(iban[14:], (6, 3, 7, 9, 10, 5, 8, 4, 2, 1))) % 11 == 0
            if part == "dev":
                assert not juliet.reserved_in(inv.design), inv.index
    dev_ids = {i.vendor.vendor_id for i in _local_invoices("dev", ("hr", "sl", "sk"))}
    hold_ids = {i.vendor.vendor_id for i in _local_invoices("holdout", ("hr", "sl", "sk"))}
    assert len(dev_ids) == len(hold_ids) == 3 and not dev_ids & hold_ids
    assert {i.design["lang"] for i in _local_invoices("dev", ("sl",), 20)} == {"sl"}
    assert {i.design["lang"] for i in _local_invoices("holdout", ("tr", "sk"), 20)} == {"tr", "sk"}
    # without --languages they are never drawn
    assert not {i.design["lang"] for i in _invoices("dev") + _invoices("holdout")} & set(juliet.OPT_IN)


def test_languages_option_is_refused_where_it_cannot_draw():
    import pytest

    sys.path.insert(0, str(ROOT / "fixtures"))
    import generate

    for argv, words in ((["--region", "core", "--languages", "hr"], "juliet region"),
                        (["--region", "juliet", "--languages", "hr,xx"], "xx not among"),
                        (["--region", "juliet", "--part", "dev", "--languages", "tr"], "no vendor of tr")):
        with pytest.raises(SystemExit) as err:
            generate.main(["--out", "/nonexistent/never-written", "--count", "1"] + argv)
        assert words in str(err.value)
