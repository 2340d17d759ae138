"""The "kilo" region (fixtures/gen/kilo*.py): juliet's composed layouts with every caption drawn
from a wording catalogue of its own (kilo_words.CAPTIONS).

The checks run without a browser: the catalogue has every field for every locale, six captions
or more each, none repeated and none copied from the juliet catalogue; the dev and holdout halves
of every list are disjoint (case-insensitively too); the same seed gives the same draws, pages and
ground truth (another seed other draws); a dev invoice draws only dev captions and a holdout
invoice only holdout ones, and the holdout shows many of its own; every drawn caption that the
page prints is on the page; the ground truth's values are printed and its ids and IBANs valid;
the parts keep juliet's vendors apart.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from stdnum import iban as std_iban

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen import juliet, kilo  # noqa: E402
from gen.kilo_docs import KiloPage, invoice_html  # noqa: E402
from gen.kilo_words import CAPTIONS, FIELDS, captions, part_words  # noqa: E402
from gen.records import ground_truth  # noqa: E402
from tests.unit.region_samples import assert_truth_printed, printed_text, region_invoices  # noqa: E402

_CACHE: dict = {}
_DEFAULT_LOCALES = ("en_gb", "en_us", "de", "fr", "es", "it", "nl", "pt", "pl", "et", "lv", "lt", "tr")


def _invoices(part: str, count: int = 60, seed: int = 11):
    key = (part, count, seed)
    if key not in _CACHE:
        _CACHE[key] = region_invoices("kilo", part, count, seed=seed)
    return _CACHE[key]


def _text(inv) -> str:
    return printed_text(invoice_html(inv, 11))


def test_every_locale_has_every_field_with_six_captions_or_more():
    assert set(CAPTIONS) == set(_DEFAULT_LOCALES) == set(kilo.LOCALES)
    for loc, fields in CAPTIONS.items():
        assert set(fields) == set(FIELDS), loc
        for f, words in fields.items():
            assert len(words) >= 6, (loc, f)
            assert len(set(words)) == len(words), (loc, f)
            assert all(w == w.strip() and "  " not in w for w in words), (loc, f)
            assert len(captions(loc, f, "dev")) >= 3 and len(captions(loc, f, "holdout")) >= 3, (loc, f)
            if f == "tax":
                assert all("{rate}" in w for w in words), (loc, f)
            if f in ("title_no", "credit_title_no"):
                assert all("{no}" in w for w in words), (loc, f)


def test_dev_and_holdout_captions_are_disjoint_and_cover_the_list():
    for loc, fields in CAPTIONS.items():
        for f, words in fields.items():
            dev, hold = part_words(words, "dev"), part_words(words, "holdout")
            assert not set(dev) & set(hold), (loc, f)
            assert not {w.casefold() for w in dev} & {w.casefold() for w in hold}, (loc, f)
            assert sorted(dev + hold) == sorted(words) == sorted(part_words(words, "all"))


def test_no_caption_is_copied_from_the_juliet_catalogue():
    for loc, fields in CAPTIONS.items():
        lang = juliet.LANGS[loc]
        theirs = {w for ws in lang["labels"].values() for w in ws}
        theirs |= set(lang["title_no"]) | set(lang["credit_title_no"]) | {lang["vat_label"], lang["bank"], lang["buyer"]}
        for f, words in fields.items():
            assert not set(words) & theirs, (loc, f, set(words) & theirs)


def test_the_same_seed_gives_the_same_draws_pages_and_ground_truth():
    a, b = region_invoices("kilo", "dev", 20), region_invoices("kilo", "dev", 20)
    for x, y in zip(a, b):
        assert x.design == y.design
        assert invoice_html(x, 11) == invoice_html(y, 11)
        assert ground_truth(x, "x.pdf", "digital", 1, None) == ground_truth(y, "x.pdf", "digital", 1, None)
    other = region_invoices("kilo", "dev", 20, seed=12)
    assert [i.design for i in other] != [i.design for i in a]
    # its own streams: not the juliet region's draws under another name
    jul = region_invoices("juliet", "dev", 20)
    assert [i.design["header"] for i in jul] != [i.design["header"] for i in a] or \
        [i.design["columns"] for i in jul] != [i.design["columns"] for i in a]


def test_each_part_draws_only_its_own_captions():
    for part in ("dev", "holdout"):
        seen = set()
        for inv in _invoices(part, 132 if part == "dev" else 143):
            lang = inv.design["lang"]
            for f, word in kilo.drawn_captions(inv.design).items():
                assert word in captions(lang, f, part), (part, lang, f, word)
                seen.add((lang, f, word))
        assert len(seen) >= 500, (part, len(seen))
    assert {i.design["lang"] for i in _invoices("dev", 132)} == set(_DEFAULT_LOCALES) - {"tr"}
    assert {i.design["lang"] for i in _invoices("holdout", 143)} == set(_DEFAULT_LOCALES)


def test_the_page_prints_the_drawn_captions():
    for part in ("dev", "holdout"):
        for inv in _invoices(part):
            text, page, d = _text(inv), KiloPage(inv, 11), inv.design
            for f, value in page.fields():
                assert f"{page.label(f)} {value}" in text or f"{value} {page.label(f)}" in text or \
                    page.label(f) in text, (inv.index, f)
            if d["header"] == "title_number":
                assert d["title_no"].format(no=inv.number) in text
            else:
                assert page.label("invoice_no") in text
            assert d["words"]["net"] in text and d["words"]["total"] in text
            for rate, _, _ in inv.tax_groups():
                if d["totals"] != "breakdown":
                    assert page.tax_caption(rate).replace("\u00a0", " ") in text, (inv.index, page.tax_caption(rate))
            for f in ("bank", "buyer", "iban", "vat_id"):
                assert d["kilo"][f] in text, (inv.index, f)
            if d["kilo"]["supply"]:
                assert d["words"]["supply_date"].upper() in text.upper()


def test_what_the_ground_truth_names_is_printed_and_adds_up():
    for part in ("dev", "holdout"):
        for inv in _invoices(part):
            text, page = _text(inv), KiloPage(inv, 11)
            gt = assert_truth_printed(inv, page, text)
            assert inv.number in text and inv.vendor.printed_name in text
            assert page.num(inv.total).replace("\u00a0", " ") in text
            assert page.date(inv.issue_date).replace("\u00a0", " ") in text
            assert Decimal(gt["net"]) + Decimal(gt["tax"]) == Decimal(gt["total"])
            assert gt["layout"] == inv.layout_name and gt["layout"].startswith("kilo_")
            if "iban" in gt:
                assert std_iban.is_valid(gt["iban"])
            if inv.design["due"] == "terms":
                assert "due_date" not in gt
            if inv.design["kilo"]["supply"]:  # the supply date is never the issue date
                assert page.date(inv.issue_date) != page.date(inv.issue_date.fromordinal(
                    inv.issue_date.toordinal() - inv.design["kilo"]["supply"]))


def test_the_parts_keep_juliets_vendors_apart():
    assert set(kilo.DEV).isdisjoint(kilo.HOLDOUT)
    dev_ids = {i.vendor.vendor_id for i in _invoices("dev")}
    hold_ids = {i.vendor.vendor_id for i in _invoices("holdout")}
    assert dev_ids <= {v[0] for v in juliet._DEV_VENDORS} and hold_ids <= {v[0] for v in juliet._HOLD_VENDORS}
    assert {i.layout_name for i in _invoices("dev")} <= set(kilo.DEV)
    assert {i.layout_name for i in _invoices("holdout")} <= set(kilo.HOLDOUT)
    for part in ("dev", "holdout"):  # credit notes of both signs, long invoices, no PO
        invs = _invoices(part)
        assert any(i.doc_type == "381" and i.total < 0 for i in invs)
        assert any(i.doc_type == "381" and i.total > 0 for i in invs)
        assert any(len(i.lines) >= 40 for i in invs)
        assert any(i.po_number is None and i.doc_type == "380" for i in invs)
