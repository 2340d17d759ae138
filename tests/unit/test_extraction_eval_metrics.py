"""The extraction evaluation's comparison rules and figures, on a tiny synthetic set."""

import json
from pathlib import Path

import pytest

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.domain.models import ExtractedField, Extraction
from invoicepipe.domain.routing import route_invoice
from invoicepipe.evaluation import extraction_metrics as m
from invoicepipe.evaluation.corpus import load_corpus
from invoicepipe.evaluation.field_compare import is_correct, names_agree

REPO = Path(__file__).resolve().parents[2]
POLICY = load_policy(REPO / "policy" / "default.yaml", REPO / "schemas")


def test_comparison_rules_per_kind_of_field():
    assert is_correct("total", "1234.50", "1234.5") and not is_correct("total", "-12.00", "12.00")
    assert is_correct("total", "-12.00", "12.00", credit_note=True)
    assert is_correct("invoice_number", "RE 2026/001", "re-2026-001") and is_correct("invoice_number", "#BLR_1", "#BLR_1")
    assert not is_correct("invoice_number", "RE-2026-0011", "RE-2026-001")
    assert is_correct("invoice_date", "2026-03-14", "2026-03-14") and not is_correct("invoice_date", None, "2026-03-14")
    assert is_correct("vendor_id", None, "")  # a vendor outside the master: resolving none is right
    assert names_agree("Coolblue B.V.", "Coolblue BV") and names_agree("Sold by Amazon Web Services, Inc.", "Amazon Web Services")
    assert not names_agree("Bei Spiel GmbH", "usegroup Inh. Jochen Stärk")


def outcome(name, form, fields, routed="review"):
    d = m.DocOutcome(name, form, 1, 0.5, 0.01, "v")
    d.fields = {n: m.FieldOutcome(exp, pred, raw, conf, exp == pred, "vendor_id" if n == "vendor" else n)
                for n, (exp, pred, raw, conf) in fields.items()}
    d.routed = routed
    return d


@pytest.fixture
def docs():
    return [
        outcome("a", "digital", {"total": ("10.00", "10.00", 0.9, 0.99), "invoice_number": ("A1", "A1", 0.9, 0.99)}, "auto"),
        outcome("b", "digital", {"total": ("20.00", "21.00", 0.9, 0.97), "invoice_number": ("B1", "B1", 0.9, 0.99)}, "auto"),
        outcome("c", "scan", {"total": ("30.00", None, 0.0, 0.0), "invoice_number": ("C1", "CI", 0.4, 0.3)}),
        outcome("d", "scan", {"total": ("40.00", "40.00", 0.6, 0.6), "invoice_number": ("D1", "D1", 0.8, 0.9)}),
    ]


def test_field_accuracy_coverage_precision_and_above_threshold(docs):
    table = m.field_table(docs, POLICY)
    total = table["total"]
    assert (total["n"], total["accuracy"], total["coverage"], total["precision"]) == (4, 0.5, 0.75, round(2 / 3, 4))
    assert total["threshold"] == 0.95 and total["above_threshold"] == 2 and total["above_threshold_accuracy"] == 0.5
    assert table["invoice_number"]["accuracy"] == 0.75 and table["invoice_number"]["critical"]
    json.dumps(table)


def test_reliability_bins_count_every_extracted_field_once(docs):
    raw, calibrated = m.reliability(docs, True), m.reliability(docs, False)
    assert sum(b["n"] for b in raw) == sum(b["n"] for b in calibrated) == 7
    top = next(b for b in calibrated if b["bin"] == "0.99-1.00")
    assert top["n"] == 3 and top["accuracy"] == 1.0


def test_reliability_per_field_and_the_accuracy_of_high_confidence_values(docs):
    per_field = m.reliability_by_field(docs)
    assert [(b["bin"], b["n"], b["accuracy"]) for b in per_field["total"]] == [("0.50-0.80", 1, 1.0), ("0.95-0.99", 1, 0.0),
                                                                                ("0.99-1.00", 1, 1.0)]
    high = m.high_confidence(docs, POLICY)
    # totals at 0.99 and 0.97 (threshold 0.95), numbers at 0.99, 0.99 and 0.9 (threshold 0.9)
    assert (high["n"], high["accuracy"], high["wrong"]) == (5, 0.8, ["b:total"])
    # what five values prove is far less than the 80 % they showed
    assert 0.3 < high["lower_bound"] < 0.5
    assert m.high_confidence([], POLICY)["lower_bound"] is None


def test_straight_through_and_auto_error_rate(docs):
    figures = m.routing_figures(docs)
    assert figures["straight_through"] == 0.5 and figures["auto_error_rate"] == 0.5 and figures["auto_wrong"] == ["b"]
    forms = m.by_form(docs)
    assert forms["digital"]["straight_through"] == 1.0 and forms["scan"]["critical_accuracy"]["total"] == 0.5


def test_a_uniform_threshold_policy_changes_only_thresholds():
    policy = m.uniform_threshold_policy(POLICY, 0.5)
    ex = Extraction({n: ExtractedField(n, v, 0.6, "label_right") for n, v in
                     (("vendor_id", "V1"), ("invoice_number", "1"), ("invoice_date", "2026-01-01"), ("total", "5.00"), ("currency", "EUR"),
                      ("net", "5.00"), ("tax", "0.00"))})  # a net beside the total: a total read alone is held whatever the threshold
    assert route_invoice(ex, None, POLICY).outcome == "review"
    assert route_invoice(ex, None, policy).outcome == "auto"
    assert policy.routing.amount_bands == POLICY.routing.amount_bands


def test_corpus_reader_uses_the_master_and_drops_values_the_print_does_not_show(tmp_path):
    (tmp_path / "gt").mkdir()
    (tmp_path / "master").mkdir()
    (tmp_path / "manifest.csv").write_text("file,total_visible_in_text\npdf/x.pdf,False\n")
    (tmp_path / "gt" / "x.json").write_text(json.dumps({"vendor": "ACME", "total": "1.00", "document_type_code": "381"}))
    (tmp_path / "master" / "vendors.json").write_text(json.dumps([{"vendor_id": "V1", "name": "ACME GmbH"}]))
    corpus = load_corpus(tmp_path)
    [doc] = corpus.documents
    assert corpus.vendors[0].vendor_id == "V1"
    assert doc.truth == {"vendor": "ACME", "total": "1.00", "document_type": "credit_note", "vendor_id": ""}
    assert doc.not_printed == {"total"}


def test_held_figures_say_what_held_each_document_and_whether_the_held_value_was_right():
    right_total = outcome("a", "scan", {"total": ("10.00", "10.00", 0.6, 0.6), "vendor": ("V1", "V1", 0.9, 0.9)})
    right_total.held = [("low_confidence", "total"), ("low_confidence", "total")]  # counted once
    wrong_total = outcome("b", "scan", {"total": ("10.00", "1.00", 0.6, 0.6), "vendor": ("V1", "V1", 0.9, 0.9)})
    wrong_total.held = [("low_confidence", "total"), ("unknown_vendor", None)]
    passed = outcome("c", "digital", {"total": ("5.00", "5.00", 0.99, 0.99)}, routed="auto")
    figures = m.held_figures([right_total, wrong_total, passed])
    assert figures["held"] == 2 and figures["held_clean"] == 1  # only "a" had every critical field right
    assert figures["by_reason"]["low_confidence:total"] == {"documents": 2, "value_right": 1, "scored": 2}
    assert figures["by_reason"]["unknown_vendor"] == {"documents": 1, "value_right": 0, "scored": 0}
    assert figures["documents"] == [
        {"document": "a", "form": "scan", "clean": True, "reasons": ["low_confidence:total"]},
        {"document": "b", "form": "scan", "clean": False, "reasons": ["low_confidence:total", "unknown_vendor"]}]


def test_the_books_hold_the_vendors_earlier_invoices_as_a_person_confirmed_them(tmp_path):
    # what the numbering check reads in the eval: the numbers of the vendor's documents listed
    # before this one, newest first; another form of the same invoice is a copy, not an earlier one
    (tmp_path / "gt").mkdir()
    (tmp_path / "master").mkdir()
    rows = [("a", "V1", "RE-1"), ("b", "V2", "X-7"), ("c", "V1", "RE-2"), ("d", "V1", "RE-3"), ("e", "V1", "RE-3")]
    (tmp_path / "manifest.csv").write_text("file\n" + "".join(f"pdf/{name}.pdf\n" for name, _, _ in rows))
    for name, vendor, number in rows:
        (tmp_path / "gt" / f"{name}.json").write_text(json.dumps({"vendor_id": vendor, "invoice_number": number}))
    (tmp_path / "master" / "vendors.json").write_text(json.dumps([{"vendor_id": "V1", "name": "ACME"}, {"vendor_id": "V2", "name": "B"}]))
    corpus = load_corpus(tmp_path)
    docs = {d.name: d for d in corpus.documents}
    assert corpus.numbers_before(docs["a"], "V1") == []
    assert corpus.numbers_before(docs["e"], "V1") == ["RE-2", "RE-1"]
    assert corpus.numbers_before(docs["d"], "V1", limit=1) == ["RE-2"]
    assert corpus.numbers_before(docs["e"], None) == []  # no vendor resolved: no books to read


def test_the_no_history_configuration_reads_each_document_as_the_vendors_first():
    from invoicepipe.evaluation.configurations import configuration
    assert configuration("default").use_history and not configuration("no-history").use_history
