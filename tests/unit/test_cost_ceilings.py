"""Cost ceilings at the extraction layer: metered in the ledger, checked before each
expensive call, past a ceiling the call is not made and the document still reaches a
decision (review, ``cost_ceiling``); retries count what earlier attempts were granted."""

import json
from dataclasses import replace
from datetime import datetime, timezone

from invoicepipe.adapters import cost_meter
from invoicepipe.cli import main
from invoicepipe.domain.costs import (DAY, DOCUMENT, Budget, CeilingHit, CostCeiling, CostPolicy, EnginePrice, Spend, apportioned,
                                      ceiling_reason, grant, grant_within_share, refusal)
from invoicepipe.domain.decide import _cost_reasons
from invoicepipe.services import costs
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show, status
from tests.fakes import SCANNED, fake_pdf
from tests.masterdata_samples import invoice_lines

PRICES = {"tesseract": EnginePrice(0.0, 1.5), "rapidocr": EnginePrice(0.01, 8.0)}


def _policy(document=Spend(100.0, 50, 1.0), day=Spend(1000.0, 500, 10.0)) -> CostPolicy:
    return CostPolicy("EUR", PRICES, document, day)


# -- the pure rules ------------------------------------------------------------------------

def test_the_allowance_is_what_the_nearer_ceiling_leaves():
    budget = grant(_policy(), "p1", document_spent=Spend(90.0, 2, 0.0), day_spent=Spend(995.0, 10, 0.0))
    assert budget.allowance == Spend(5.0, 48, 1.0)
    assert budget.bound == {"cpu_seconds": DAY, "calls": DOCUMENT, "cost": DOCUMENT}
    spent_out = grant(_policy(), "p1", document_spent=Spend(120.0, 60, 0.0), day_spent=Spend())
    assert spent_out.allowance.cpu_seconds == 0 and spent_out.allowance.calls == 0  # never negative


def test_the_day_s_slots_are_apportioned_what_they_hold_and_an_equal_part_never_more_than_the_ceiling():
    ceiling = Spend(100_000.0, 200_003, 1_000.0)
    held = {slot: Spend(0.1 * slot + 1e-7, slot, 0.0123 * slot) for slot in range(16)}
    held[3] = Spend(150_000.0, 0, 0.0)  # past the ceiling on its own (an overshoot): keeps what it holds
    shares = apportioned(ceiling, held)
    assert set(shares) == set(held)
    for slot, share in shares.items():
        assert share.cpu_seconds >= held[slot].cpu_seconds and share.calls >= held[slot].calls and share.cost >= held[slot].cost
    assert all(shares[s].cpu_seconds == held[s].cpu_seconds for s in shares)  # nothing of the CPU left to give
    total_calls = sum(s.calls for s in shares.values())
    assert total_calls <= ceiling.calls and ceiling.calls - total_calls < 16  # only the remainder of the division kept back
    assert sum(s.cost for s in shares.values()) <= ceiling.cost


def test_a_grant_within_a_slot_s_share_is_the_document_s_whole_ceiling_bound_by_the_document():
    policy = _policy()
    budget = grant_within_share(policy, "p1")
    expected = grant(policy, "p1", Spend(), Spend())  # what the day's sum gives a first parse on a fresh day
    assert (budget.allowance, budget.bound) == (expected.allowance, expected.bound)
    assert budget.allowance == policy.document and set(budget.bound.values()) == {DOCUMENT}
    hit = refusal(budget, Spend(99.5, 0, 0.0), "tesseract", 3)
    assert hit is not None and hit.scope == DOCUMENT and hit.spent == 99.5


def test_a_call_is_refused_before_it_starts_when_its_expected_spend_would_cross():
    budget = grant(_policy(document=Spend(4.0, 50, 1.0)), "p1", Spend(), Spend())
    assert refusal(budget, Spend(), "tesseract", 1) is None  # 1.5 s expected, 4 allowed
    assert refusal(budget, Spend(2.5, 1, 0.0), "tesseract", 2, timed=[1.5]) is None  # 2.5 + 1.5 = 4
    hit = refusal(budget, Spend(3.0, 2, 0.0), "tesseract", 3, timed=[1.5, 1.5])  # 3 + 1.5 > 4
    assert (hit.scope, hit.measure, hit.page, hit.ceiling, hit.spent, hit.expected) == (DOCUMENT, "cpu_seconds", 3, 4.0, 3.0, 1.5)


def test_the_expected_spend_is_the_parse_s_own_mean_once_it_timed_a_call():
    budget = grant(_policy(document=Spend(4.0, 50, 1.0)), "p1", Spend(), Spend())
    assert refusal(budget, Spend(2.0, 2, 0.0), "tesseract", 3, timed=[1.0, 1.0]) is None  # 2 + 1 <= 4
    hit = refusal(budget, Spend(2.0, 2, 0.0), "tesseract", 3, timed=[2.0, 2.0])  # 2 + 2 ... = 4: fits exactly
    assert hit is None
    hit = refusal(budget, Spend(2.6, 3, 0.0), "tesseract", 4, timed=[1.0, 1.0, 2.5])  # mean 1.5: 4.1 > 4
    assert hit == CeilingHit(DOCUMENT, "cpu_seconds", "tesseract", 4, 4.0, 2.6, 1.5)


def test_a_priced_engine_is_held_by_the_money_ceiling():
    budget = grant(_policy(document=Spend(100.0, 50, 0.015)), "p1", Spend(), Spend())
    assert refusal(budget, Spend(), "rapidocr", 1) is None
    hit = refusal(budget, Spend(8.0, 1, 0.01), "rapidocr", 2)
    assert hit.measure == "cost" and hit.scope == DOCUMENT and hit.engine == "rapidocr"


def test_the_reason_says_what_was_spent_against_which_ceiling_under_which_policy():
    hits = (CeilingHit(DAY, "cpu_seconds", "tesseract", 3, 1000.0, 999.2, 1.5),
            CeilingHit(DAY, "cpu_seconds", "tesseract", 4, 1000.0, 999.2, 1.5),
            CeilingHit(DAY, "cpu_seconds", "rapidocr", 2, 1000.0, 999.2, 8.0))
    reason = ceiling_reason(CostCeiling(hits, Spend(3.1, 3, 0.0), "2026.12-4"))
    assert reason.code == "cost_ceiling" and reason.blocks_payment
    assert "today's cost ceiling of 1,000.0 CPU seconds" in reason.message and "999.2 CPU seconds spent" in reason.message
    assert "page(s) 3, 4 not read" in reason.message and "second OCR engine not run on page(s) 2" in reason.message
    assert "policy 2026.12-4" in reason.message
    assert reason.evidence["pages_not_read"] == [3, 4] and reason.evidence["fallback_not_run"] == [2]
    assert reason.evidence["ceiling"] == 1000.0 and reason.evidence["policy_version"] == "2026.12-4"
    json.dumps(reason.evidence)  # stored with the decision


def test_the_meter_times_calls_and_refuses_past_the_allowance():
    budget = grant(_policy(document=Spend(100.0, 2, 1.0)), "p1", Spend(), Spend())
    with cost_meter.metering(budget) as meter:
        for page in (1, 2, 3):
            if cost_meter.permits("tesseract", page):
                with cost_meter.charge("tesseract"):
                    sum(range(1000))
        assert cost_meter.permits("pdf_text", 4)  # the cheap path is never refused
    result = meter.result()
    assert result.engines["tesseract"].calls == 2 and [h.page for h in result.hits] == [3]
    assert cost_meter.permits("tesseract", 9)  # outside a parse nothing is metered or refused


# -- the pipeline --------------------------------------------------------------------------

def _scan(app, number="S-1"):
    [doc] = ingest_bytes(app, fake_pdf(*invoice_lines(number=number), header=SCANNED), f"{number}.pdf", "scan", "user:test").documents
    return doc["id"]


def _with_costs(app, **kw):
    app.policy = replace(app.policy, costs=replace(app.policy.costs, **kw))


def _reasons(app, doc_id):
    return {r["code"]: r for d in show(app, doc_id)["decisions"][-1:] for r in d["reasons"]}


def test_a_scan_past_the_document_ceiling_goes_to_review_unread_with_the_reason(loaded, run_pipeline):
    _with_costs(loaded, document=Spend(100.0, 0, 1.0))
    doc_id = _scan(loaded)
    run_pipeline(loaded)
    shown = show(loaded, doc_id)
    assert shown["status"] == "needs_review"
    assert loaded.readers.reads == ["text", "ocr_skipped"]
    found = _reasons(loaded, doc_id)["cost_ceiling"]
    assert found["evidence"]["scope"] == "document" and found["evidence"]["measure"] == "calls"
    assert found["evidence"]["ceiling"] == 0 and found["evidence"]["policy_version"] == loaded.policy.version
    assert found["evidence"]["pages_not_read"] == [1]
    report = costs.document_report(loaded, doc_id)
    assert [p["outcome"] for p in report["parses"]] == ["metered"] and report["parses"][0]["ceiling"]["hits"][0]["page"] == 1
    assert costs.day_report(loaded)["days"][-1]["ceiling_hits"] == 1


def test_every_parse_is_metered_into_the_day_and_the_document(loaded, run_pipeline):
    digital = ingest_bytes(loaded, fake_pdf(*invoice_lines(number="D-1")), "d.pdf", "portal", "user:test").documents[0]["id"]
    scan = _scan(loaded)
    run_pipeline(loaded)
    day = costs.day_report(loaded)["days"][-1]
    assert day["parses"] == 2 and day["spent"]["calls"] == 3 and day["reserved"]["calls"] == 0  # 2 text reads, 1 OCR page
    assert set(day["engines"]) == {"pdf_text", "tesseract"}
    assert costs.document_report(loaded, digital)["spent"]["calls"] == 1
    assert costs.document_report(loaded, scan)["spent"]["calls"] == 2
    assert "cost_ceiling" not in _reasons(loaded, scan)
    # a parse that met no ceiling is stored with none (SQL NULL, not the JSON text 'null')
    from sqlalchemy import text
    with loaded.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cost_ledger WHERE ceiling IS NOT NULL")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM cost_ledger WHERE outcome = 'metered'")).scalar_one() == 2


def test_the_day_ceiling_holds_across_documents(loaded, run_pipeline):
    _with_costs(loaded, day=Spend(1000.0, 2, 10.0))  # the first scan's text read and OCR page
    first = _scan(loaded, "S-1")
    run_pipeline(loaded)
    second = _scan(loaded, "S-2")
    run_pipeline(loaded)
    assert "cost_ceiling" not in _reasons(loaded, first)
    found = _reasons(loaded, second)["cost_ceiling"]
    assert found["evidence"]["scope"] == "day" and "today's cost ceiling of 2 engine calls" in found["message"]
    assert show(loaded, second)["status"] == "needs_review"


def test_a_retry_cannot_spend_what_a_dead_attempt_was_granted(loaded, run_pipeline):
    """An attempt that died without settling counts at its allowance: a parse that keeps
    dying (or is re-sent by the sweeper) cannot retry its way past the document's ceiling."""
    _with_costs(loaded, document=Spend(100.0, 2, 1.0))
    doc_id = _scan(loaded)
    with loaded.uow.begin() as tx:  # an earlier attempt granted 2 calls, its worker killed
        costs.grant(loaded, tx, doc_id, datetime.now(timezone.utc))
    run_pipeline(loaded)
    report = costs.document_report(loaded, doc_id)
    assert [p["outcome"] for p in report["parses"]] == ["lost", "metered"]
    assert report["parses"][1]["allowance"]["calls"] == 0
    assert "cost_ceiling" in _reasons(loaded, doc_id)
    assert costs.day_report(loaded)["days"][-1]["reserved"]["calls"] == 0


def test_a_person_confirming_every_field_resolves_it():
    from invoicepipe.domain.models import ExtractedField, Extraction

    found = CostCeiling((CeilingHit(DOCUMENT, "calls", "tesseract", 1, 0, 0, 1),), Spend(), "p")
    machine = Extraction({"total": ExtractedField("total", "10.00", 0.9, "ocr")}, (), "v")
    person = Extraction({"total": ExtractedField("total", "10.00", 1.0, "review", by="reviewer")}, (), "v")

    class Ev:
        cost_ceiling = found
        extraction = machine
    assert [r.code for r in _cost_reasons(Ev)] == ["cost_ceiling"]
    Ev.extraction = person
    assert _cost_reasons(Ev) == []


def test_status_and_the_cost_command_show_today_against_the_ceiling(loaded, run_pipeline, monkeypatch, capsys):
    _scan(loaded)
    run_pipeline(loaded)
    today = status(loaded)["cost_today"]["days"][-1]
    assert today["spent"]["calls"] == 2 and today["ceiling"]["calls"] == loaded.policy.costs.day.calls
    monkeypatch.setattr("invoicepipe.cli_cost.make_app", lambda: loaded)
    assert main(["cost", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["days"][-1]["parses"] == 1
    _with_costs(loaded, day=Spend(1000.0, 2, 10.0))  # 2 of 2 calls used: past the alert share
    assert main(["cost"]) == 1
    assert "2 / 2 calls (100.0%)" in capsys.readouterr().out
    assert main(["cost", "--document", "1"]) == 0
    assert "metered" in capsys.readouterr().out


def test_the_review_screen_explains_the_reason_in_words(loaded, run_pipeline):
    from tests.web_helpers import person

    _with_costs(loaded, document=Spend(100.0, 0, 1.0))
    doc_id = _scan(loaded)
    run_pipeline(loaded)
    page = person(loaded, "anna", "reviewer").get(f"/documents/{doc_id}").text
    item = page[page.index('data-code="cost_ceiling"'):]
    item = item[: item.index("</li>")]
    assert "Not fully read: a cost ceiling was reached" in item
    assert "OCR stopped at this document&#39;s cost ceiling of 0 engine calls" in item or \
        "OCR stopped at this document's cost ceiling of 0 engine calls" in item
    assert "page(s) 1 not read" in item and "To resolve: read the pages the machine did not" in item
    assert "It cannot be overridden." in item


def test_preparing_a_page_counts_in_its_engine_s_cpu_and_timing_but_is_no_call():
    budget = grant(_policy(), "p1", Spend(), Spend())
    with cost_meter.metering(budget) as meter:
        meter.add("tesseract", 0.5, call=False)
        meter.add("tesseract", 1.0)
    assert meter.engines["tesseract"] == Spend(1.5, 1, 0.0) and meter.timed["tesseract"] == [1.5]


def test_an_attempt_closed_as_lost_is_not_settled_again_by_its_late_worker(loaded):
    """The worker of a dead attempt may still report after the next attempt closed its row
    as lost: the row and the day keep the allowance counted once, not twice."""
    doc_id = _scan(loaded)
    now = datetime.now(timezone.utc)
    with loaded.uow.begin() as tx:
        first = costs.grant(loaded, tx, doc_id, now)
    with loaded.uow.begin() as tx:
        costs.grant(loaded, tx, doc_id, now)  # closes the first as lost
    before = costs.day_report(loaded)["days"][-1]
    late = cost_meter.ParseCost({"tesseract": Spend(1.5, 1, 0.0)})
    with loaded.uow.begin() as tx:
        assert costs.settle(tx, first, late) is None
    assert costs.day_report(loaded)["days"][-1] == before
    assert [p["outcome"] for p in costs.document_report(loaded, doc_id)["parses"]] == ["lost", "running"]
