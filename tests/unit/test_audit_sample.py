"""Policy-driven audit sampling: an invoice that would go straight through is reviewed
anyway when sampled, so drift labels are not only from the hard cases."""

from dataclasses import replace

from invoicepipe.domain.drift import DriftPolicy
from invoicepipe.services import review
from invoicepipe.services.queries import show
from invoicepipe.services.users import User
from tests.web_helpers import in_review, version_of


def reason_codes(app, doc_id):
    return [r["code"] for r in show(app, doc_id)["decisions"][-1]["reasons"]]


def test_a_sampled_clean_invoice_waits_for_a_person_and_is_released_by_her_confirmation(loaded, run_pipeline):
    # The same invoice goes straight through unsampled (test_pipeline_services); here every one is sampled.
    loaded.policy = replace(loaded.policy, drift=DriftPolicy(audit_sample_rate=1.0))
    doc_id = in_review(loaded, run_pipeline, number="INV-7002")
    assert show(loaded, doc_id)["status"] == "needs_review" and reason_codes(loaded, doc_id) == ["audit_sample"]
    review.approve(loaded, User(1, "anna", "reviewer"), doc_id, version_of(loaded, doc_id))  # no override needed
    run_pipeline(loaded)
    assert show(loaded, doc_id)["status"] == "exported"
