"""On PostgreSQL, two invoices of one vendor pass the payment gate one after the other.

Two copies of one invoice, both released by a person at the same moment, must not both be
paid: the gate locks the vendor's row, so the second decision waits for the first and then
sees the copy it approved. The test holds the first decision's transaction open and shows
the second cannot even gather its evidence until it ends, then lets both run.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from invoicepipe.adapters.broker import DeferredEnqueuer
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import Status
from invoicepipe.errors import GateRefused, TransientError
from invoicepipe.services import review
from invoicepipe.services.decide import decide_document
from invoicepipe.services.evidence import gather_evidence
from invoicepipe.services.masterdata import load_master_data
from invoicepipe.services.parse import invoice_columns
from invoicepipe.services.review_view import document_view
from invoicepipe.services.users import User
from tests.masterdata_samples import write_master
from tests.reconcile_builders import invoice

ANNA = User(1, "anna", "reviewer")


@pytest.fixture
def app(postgres_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url)
    application = bootstrap(settings, log_level="WARNING")
    application.enqueuer = DeferredEnqueuer()  # export is not under test
    for kind, path in write_master(tmp_path / "master").items():
        load_master_data(application, kind, path)
    yield application
    application.close()


def stored(app, name: str) -> int:
    extraction = invoice(vendor_id="V100", po=None)
    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256=name.encode().hex().ljust(64, "0"), filename=name, channel="email",
                                  media_type="application/pdf", size_bytes=1, status=Status.EXTRACTED)
        tx.documents.save_extraction(doc_id, extraction, "test", [])
        tx.documents.upsert_invoice(doc_id, **invoice_columns(extraction, "email"))
    decide_document(app, doc_id, "worker:test")
    return doc_id


def release(app, doc_id: int) -> dict:
    view = document_view(app, doc_id)
    notes = {r["code"]: (r["digest"], "checked with the vendor") for r in view["reasons"]}
    return review.approve(app, ANNA, doc_id, view["version"], notes)


def test_two_copies_released_together_are_not_both_paid(app):
    first, second = stored(app, "first.pdf"), stored(app, "second.pdf")
    assert [r["code"] for r in document_view(app, second)["reasons"]] == ["duplicate_suspected", "no_po"]
    # The second copy's approval is under way (its transaction holds the vendor's row)...
    with app.uow.begin() as holding:
        doc = holding.documents.get(first)
        gather_evidence(app, holding, doc, invoice(vendor_id="V100", po=None))
        # ...so the first copy's decision cannot gather its evidence meanwhile.
        with pytest.raises(TransientError):
            with app.uow.begin() as other:
                other.conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                gather_evidence(app, other, other.documents.get(second), invoice(vendor_id="V100", po=None))
    # Released one after the other: the copy is paid, the original then sees it and is held.
    assert release(app, second)["status"] == "approved"
    with pytest.raises(GateRefused, match="Possible duplicate"):
        release(app, first)
    with app.uow.begin() as tx:
        assert tx.documents.get(first).status is Status.NEEDS_REVIEW and tx.documents.outbox_entry(first) is None
