"""Scoring of the end-to-end eval: given results and labels, the counts come out right."""

from __future__ import annotations

from invoicepipe.evaluation.e2e_score import (as_expected, duplicate_counts, machine_paid, score, shows_reasons,
                                              unsafe_payments)


def result(name, doc_id, *, expected="approved", reasons_expected=(), dup_of=None, settled="exported", final=None,
           reasons=(), linked=None, re_arrival=False, truth_total="100.00", paid_total="100.00", scenario="clean", form="digital"):
    final = final or settled
    paid = final in ("approved", "exported") and not re_arrival
    return {"name": name, "scenario": scenario, "kind": "copy" if dup_of else "original", "form": form,
            "expected_outcome": expected, "expected_reasons": list(reasons_expected), "duplicate_of": dup_of,
            "truth_total": truth_total, "document_id": doc_id, "re_arrival": re_arrival, "settled_status": settled,
            "reasons": list(reasons), "linked": linked, "final_status": final, "paid_total": paid_total if paid else None}


def test_a_copy_paid_while_its_original_is_paid_counts_as_paid_twice():
    results = [
        result("a.pdf", 1),
        result("b.pdf", 2, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="a.pdf", scenario="copy_scan"),
    ]
    unsafe = unsafe_payments(results)
    assert [r["name"] for r in unsafe["paid_twice"]] == ["b.pdf"]
    assert [r["name"] for r in unsafe["paid_should_be_held"]] == ["b.pdf"]
    assert duplicate_counts(results)["fn"] == 1


def test_a_copy_of_a_held_original_paid_once_is_not_paid_twice_but_is_unsafe():
    results = [
        result("a.pdf", 1, expected="needs_review", reasons_expected=["no_po"], settled="needs_review", reasons=["no_po"]),
        result("b.pdf", 2, expected="needs_review", reasons_expected=["duplicate_suspected", "no_po"], dup_of="a.pdf"),
    ]
    unsafe = unsafe_payments(results)
    assert unsafe["paid_twice"] == []
    assert [r["name"] for r in unsafe["paid_should_be_held"]] == ["b.pdf"]


def test_a_third_copy_linking_the_second_is_right_and_paying_any_two_of_one_invoice_is_paid_twice():
    results = [
        result("a.pdf", 1, settled="needs_review", final="exported"),  # a reviewer approved it later
        result("b.pdf", 2, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="a.pdf",
               settled="needs_review", reasons=["duplicate_suspected"], linked="a.pdf"),
        result("c.pdf", 3, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="b.pdf",
               settled="approved", linked=None),
    ]
    assert [r["name"] for r in unsafe_payments(results)["paid_twice"]] == ["c.pdf"]
    counts = duplicate_counts(results)
    assert (counts["tp"], counts["fp"], counts["fn"]) == (1, 0, 1)


def test_a_re_arrival_of_identical_bytes_is_a_caught_duplicate_and_never_a_second_payment():
    results = [
        result("a.pdf", 1),
        result("a-again.pdf", 1, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="a.pdf",
               re_arrival=True, settled="exported", linked="a.pdf"),
    ]
    unsafe = unsafe_payments(results)
    assert all(not rows for rows in unsafe.values())
    assert duplicate_counts(results)["tp"] == 1
    assert shows_reasons(results[1]) and as_expected(results[1])


def test_a_wrong_link_and_a_hard_negative_flagged_are_false_positives():
    results = [
        result("a.pdf", 1),
        result("x.pdf", 2),
        result("b.pdf", 3, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="a.pdf",
               settled="needs_review", reasons=["duplicate_suspected"], linked="x.pdf"),
        result("rent-feb.pdf", 4, settled="needs_review", reasons=["duplicate_suspected"], linked="a.pdf", scenario="recurring"),
    ]
    counts = duplicate_counts(results)
    assert (counts["tp"], counts["fp"], counts["fn"]) == (0, 2, 1)
    assert counts["precision"] == 0.0 and counts["recall"] == 0.0


def test_paid_with_a_wrong_amount_compares_the_exported_total_with_the_truth():
    results = [result("a.pdf", 1, truth_total="1234.50", paid_total="1234.5"),
               result("b.pdf", 2, truth_total="1234.50", paid_total="234.50"),
               result("c.pdf", 3, truth_total="10.00", paid_total=None, settled="approved")]
    assert [r["name"] for r in unsafe_payments(results)["paid_wrong_amount"]] == ["b.pdf", "c.pdf"]


def test_held_with_the_labelled_reasons_needs_every_reason_and_no_payment():
    held_right = result("a.pdf", 1, expected="needs_review", reasons_expected=["price_variance"], settled="needs_review",
                        reasons=["price_variance", "low_confidence"])
    held_other = result("b.pdf", 2, expected="needs_review", reasons_expected=["price_variance", "bank_mismatch"],
                        settled="needs_review", reasons=["price_variance"])
    report = score([held_right, held_other, result("c.pdf", 3), result("d.pdf", 4, settled="needs_review", reasons=["low_confidence"])])
    assert report["held_showing_reasons"] == {"matching": 1, "expected_held": 2, "rate": 0.5}
    assert report["straight_through"] == {"paid": 1, "clean": 2, "rate": 0.5}
    assert report["as_expected"] == 2
    assert not machine_paid(held_right)


def test_breakdowns_split_the_figures_by_scenario_and_form():
    results = [result("a.pdf", 1, form="digital"),
               result("b.pdf", 2, expected="needs_review", reasons_expected=["duplicate_suspected"], dup_of="a.pdf",
                      form="scan", scenario="copy_scan")]
    report = score(results)
    assert report["by"]["form"]["scan"]["paid_twice"] == 1
    assert report["by"]["form"]["digital"]["paid_twice"] == 0
    assert report["by"]["scenario"]["copy_scan"]["duplicates"]["fn"] == 1
    assert report["outcomes"] == {"approved": {"exported": 1}, "needs_review": {"exported": 1}}
    assert report["unsafe_total"] == 2
