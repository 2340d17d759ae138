"""The controller's queries: audit search filters, CSV export, chain status and "why"."""

import csv
import io
from datetime import date, timedelta

import pytest

from invoicepipe.services import review
from invoicepipe.domain.csv_cells import csv_cell as _cell
from invoicepipe.services.audit_search import AuditFilters, export_csv, search, why
from invoicepipe.services.users import User
from tests.web_helpers import in_review, load_master, person, version_of

ANNA = User(1, "anna", "reviewer")


@pytest.fixture
def history(app, tmp_path, run_pipeline):
    load_master(app, tmp_path)
    clean = in_review(app, run_pipeline, number="INV-1")
    rejected = in_review(app, run_pipeline, po=None, number="INV-2")
    review.reject(app, ANNA, rejected, version_of(app, rejected), "+cmd|' /C calc'!A0")
    return {"clean": clean, "rejected": rejected}


def steps(result):
    return [e["step"] for e in result["events"]]


def test_search_filters_by_document_actor_action_outcome_policy_and_dates(app, history):
    assert steps(search(app, AuditFilters(document_id=history["clean"])))[0] == "export"
    assert steps(search(app, AuditFilters(actor="user:anna"))) == ["review_reject"]
    assert search(app, AuditFilters(action="review_reject", outcome="rejected"))["total"] == 1
    assert search(app, AuditFilters(policy_version="test-lenient", action="decide"))["total"] == 2
    today = date.today()
    assert search(app, AuditFilters(date_from=today - timedelta(days=1), date_to=today))["total"] > 10
    assert search(app, AuditFilters(date_to=today - timedelta(days=1)))["total"] == 0
    assert {e["document_id"] for e in search(app, AuditFilters(vendor="acme"), limit=1000)["events"]} == set(history.values())
    assert search(app, AuditFilters(vendor="V200"))["total"] == 0
    clean = search(app, AuditFilters(document_id=history["clean"]), limit=1)["events"][0]
    assert clean["invoice_number"] and clean["vendor_id"] and clean["total"]  # plain columns beside each event
    by_number = search(app, AuditFilters(invoice_number=clean["invoice_number"].lower()), limit=1000)["events"]
    assert history["clean"] in {e["document_id"] for e in by_number}


def test_csv_export_neutralises_spreadsheet_formulas(app, history):
    text = "".join(export_csv(app, AuditFilters(document_id=history["rejected"]), batch=3))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["seq"] for r in rows] == sorted((r["seq"] for r in rows), key=int)  # oldest first, across batches
    assert rows[-1]["step"] == "review_reject" and rows[-1]["actor"] == "user:anna"
    assert "+cmd|' /C calc'!A0" in rows[-1]["reasons"]
    assert rows[-1]["reasons"].startswith("review_reject") or ":" in rows[-1]["reasons"]  # "code: message", not JSON
    assert not any(r["reasons"].startswith("[") or r["inputs"].startswith("{") for r in rows)
    assert rows[-1]["invoice_number"] and rows[-1]["vendor_id"] and rows[-1]["total"]
    assert not any(cell[:1] in ("=", "+", "-", "@") for r in rows for cell in r.values())
    assert (_cell("=1+1"), _cell("-5"), _cell("@SUM(A1)"), _cell("plain"), _cell(None), _cell(7)) == ("'=1+1", "'-5", "'@SUM(A1)", "plain", "", "7")


def test_why_lays_out_the_evidence_behind_an_outcome(app, history):
    result = why(app, history["clean"])
    assert result["document"]["status"] == "exported"
    assert {f["name"] for f in result["fields"]} >= {"invoice_number", "total", "vendor_id"}
    assert result["policy_version"] == "test-lenient" and result["thresholds"]["loaded"]
    assert result["match"][0]["inputs"]["po_number"] == "4500123"
    assert [d["to_status"] for d in result["decisions"]] == ["approved", "exported"]
    assert result["decisions"][0]["actor"].startswith("worker:")
    rejected = why(app, history["rejected"])
    assert rejected["human_actions"][0]["actor"] == "user:anna"


def test_controller_pages_and_api(app, history):
    carl = person(app, "carl", "controller")
    page = carl.get("/audit", params={"actor": "anna"})
    assert page.status_code == 200 and "review_reject" in page.text
    assert carl.get("/audit", params={"date_from": "yesterday"}).status_code == 422
    exported = carl.get("/audit/export.csv", params={"document": history["clean"]})
    assert exported.headers["content-type"].startswith("text/csv") and "attachment" in exported.headers["content-disposition"]
    assert "export" in exported.text
    assert "intact" in carl.get("/audit/verify").text
    assert carl.get(f"/api/documents/{history['clean']}/why").json()["document"]["status"] == "exported"
    assert "Who decided, when" in carl.get(f"/documents/{history['clean']}/why").text
    assert carl.get(f"/api/documents/{history['rejected']}/trail").json()[-1]["step"] == "review_reject"
