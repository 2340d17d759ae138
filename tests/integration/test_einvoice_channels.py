"""Stand-alone e-invoice XML from the drop folder and the upload API, processed by the
per-pool workers on a real Redis broker (SQLite and PostgreSQL), with the real readers in
their bounded child processes: each reaches its decision, hostile XML ends in failed."""

from __future__ import annotations

import time

import pytest

from invoicepipe.adapters.inbox import DropFolder
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.models import SETTLED, Status
from invoicepipe.runtime import PoolWorkers
from invoicepipe.services.audit import verify
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.queries import show, status
from tests.einvoice_samples import cii, ubl
from invoicepipe.services.users import add_user
from tests.web_helpers import client_for, load_master

pytestmark = pytest.mark.integration

BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="x">&b;</cbc:ID></Invoice>"""


# An approved document's export is still on its way through the workers: wait for it too
# (on a loaded machine the check otherwise caught an invoice between approval and export).
SETTLED_HERE = SETTLED - {Status.APPROVED}


def _settled(app, folder, ids_of, timeout_s=300) -> dict[str, dict]:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        process_inbox(app, folder)
        ids = ids_of()
        shown = {name: show(app, doc_id) for name, doc_id in ids.items()}
        if len(ids) == 3 and all(Status(d["status"]) in SETTLED_HERE for d in shown.values()):
            return shown
        time.sleep(0.3)
    pytest.fail(f"not settled after {timeout_s}s: {status(app)}")


def test_e_invoices_from_the_drop_folder_and_the_upload_api_reach_their_decision(database_url, clean_redis, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url,
                                 redis_url=clean_redis, settle_s=0.1, fast_threads=1, slow_threads=1)
    app = bootstrap(settings)
    load_master(app, tmp_path)
    folder = DropFolder(settings.inbox_dir, settings.settle_s)
    folder.ensure_layout()
    (folder.root / "portal" / "xrechnung-ubl.xml").write_bytes(ubl(number="XR-1"))
    (folder.root / "email" / "laughs.xml").write_bytes(BILLION_LAUGHS)
    _, token = add_user(app, "erp", "integrator", None, "user:test")  # a system: Bearer token, no session
    uploaded = client_for(app).post("/api/invoices", headers={"Authorization": f"Bearer {token}"},
                          files={"file": ("factur-x.xml", cii(number="XR-2", po=None, total="150.00", due="150.00"), "application/xml")})
    assert uploaded.status_code == 201, uploaded.text
    upload_id = uploaded.json()[0]["id"]

    def ids_of() -> dict[str, int]:
        names = {show(app, i)["filename"]: i for i in range(1, status(app)["total"] + 1)}
        return {**{k: v for k, v in names.items() if k in ("xrechnung-ubl.xml", "laughs.xml")}, "upload": upload_id}

    workers = PoolWorkers(app)
    workers.start()
    try:
        docs = _settled(app, folder, ids_of)
    finally:
        workers.stop()
    dropped, hostile, upload = docs["xrechnung-ubl.xml"], docs["laughs.xml"], docs["upload"]
    assert dropped["status"] == "exported", dropped["decisions"]
    assert dropped["pool"] == "fast" and dropped["extraction"]["fields"]["vendor_id"]["value"] == "V100"
    assert upload["status"] == "needs_review"
    assert "einvoice_rule" in {r["code"] for d in upload["decisions"] for r in d["reasons"]}
    assert hostile["status"] == "failed" and hostile["reason"].startswith("XML refused for safety")
    assert verify(app)["ok"]
    app.close()
