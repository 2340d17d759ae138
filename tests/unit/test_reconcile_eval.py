"""``invoicepipe eval reconcile``: the labelled set in the repository and a corpus-style set."""

import csv
import json

import pytest

from invoicepipe.cli import EXIT_OK, main
from invoicepipe.config import PROJECT_ROOT


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    return tmp_path


def run_eval(folder, capsys) -> dict:
    assert main(["eval", "reconcile", str(folder), "--json"]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def test_the_fixture_set_meets_the_duplicate_goals_and_its_labels(env, capsys):
    report = run_eval(PROJECT_ROOT / "fixtures" / "reconcile_eval", capsys)
    assert report["invoices"] >= 300
    assert report["duplicates"]["recall"] >= 0.99 and report["duplicates"]["precision"] >= 0.98
    assert set(report["outcomes"]) == {"approved", "needs_review"}
    assert report["outcomes"]["approved"].get("needs_review", 0) == 0 and report["outcomes"]["needs_review"].get("approved", 0) == 0
    assert report["reasons_as_labelled"]["matching"] == report["reasons_as_labelled"]["labelled"], report["mismatches"][:5]
    payments = report["payments"]
    assert payments["judged"] == report["invoices"] and payments["paid_but_should_be_held"] == [] == payments["held_but_should_be_paid"]
    assert not (env / "var").exists()  # the eval never touches the configured database


def test_paid_but_should_be_held_is_counted():
    from invoicepipe.evaluation.labelled_set import Case
    from invoicepipe.evaluation.reconcile_eval import score

    held = Case("a", {}, expected_outcome="needs_review", expected_reasons=["bank_mismatch"], expected_paid=False)
    paid = Case("b", {}, expected_outcome="approved", expected_reasons=[], expected_paid=True)
    results = [{"id": "a", "outcome": "needs_review", "reasons": ["bank_mismatch"], "linked": None, "case": held, "paid": True},
               {"id": "b", "outcome": "approved", "reasons": [], "linked": None, "case": paid, "paid": False}]
    payments = score(results)["payments"]
    assert payments["paid_but_should_be_held"] == ["a"] and payments["held_but_should_be_paid"] == ["b"]


def write_corpus(folder, docs):
    (folder / "gt").mkdir(parents=True)
    with (folder / "manifest.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "vendor", "invoice_number", "total", "dedup_group"])
        for name, group, gt in docs:
            writer.writerow([f"pdf/{name}.pdf", gt["vendor"], gt["invoice_number"], gt["total"], group])
            (folder / "gt" / f"{name}.json").write_text(json.dumps({"file": f"pdf/{name}.pdf", **gt}))


def test_a_corpus_is_read_in_place_with_renderings_of_one_invoice_as_duplicates(env, tmp_path, capsys):
    base = {"vendor": "Lieferant GmbH", "vendor_vat_id": "DE123456789", "invoice_number": "471102", "invoice_date": "2018-03-05",
            "total": "529.87", "net": "473.00", "currency": "EUR", "document_type_code": "380"}
    write_corpus(tmp_path / "corpus", [
        ("a_first_rendering", "g1", base),
        ("b_other_generator", "g1", {**base, "invoice_date": "2013-03-05"}),  # one invoice, rendered years apart
        ("c_same_number_other_amount", "g2", {**base, "total": "235.62", "net": "198.00"}),
        ("d_credit_note", "g3", {**base, "invoice_number": "AV-1", "document_type_code": "381"}),
        ("e_other_vendor_same_number", "g4", {**base, "vendor": "Grundbesitz GmbH & Co.", "vendor_vat_id": "DE136695976"}),
    ])
    report = run_eval(tmp_path / "corpus", capsys)
    assert report["duplicates"] == {"precision": 1.0, "recall": 1.0, "tp": 1, "fp": 0, "fn": 0, "errors": []}
    assert report["outcomes"] == {"(unlabelled)": {"needs_review": 5}}
    assert report["reason_counts"]["duplicate_suspected"] == 1 and report["reason_counts"]["invoice_number_reused"] == 1


def test_text_report_names_precision_recall_and_the_matrix(env, capsys):
    assert main(["eval", "reconcile", str(PROJECT_ROOT / "fixtures" / "sample")]) == EXIT_OK
    out = capsys.readouterr().out
    assert "duplicates: precision 1.0000  recall 1.0000" in out and "outcomes (rows expected, columns actual)" in out
