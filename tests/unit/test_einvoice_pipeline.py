"""Stand-alone e-invoices through every channel (drop folder, upload API, e-mail) to a
decision, on SQLite with the StubBroker; the XML is read by the real reader."""

from email.message import EmailMessage

from invoicepipe.adapters.inbox import DropFolder
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.ingest import ingest_bytes
from invoicepipe.services.queries import show
from tests.einvoice_samples import cii, ubl
from tests.web_helpers import person


def _codes(shown) -> set:
    return {r["code"] for d in shown["decisions"] for r in d["reasons"]}


def test_a_dropped_ubl_invoice_is_read_exactly_matched_and_exported(loaded, run_pipeline):
    folder = DropFolder(loaded.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    (folder.root / "portal" / "rechnung").write_bytes(ubl())  # no extension: the content says what it is
    [result] = process_inbox(loaded, folder)
    run_pipeline(loaded)
    shown = show(loaded, result.documents[0]["id"])
    assert shown["media_type"] == "application/xml" and shown["pool"] == "fast"
    assert shown["status"] == "exported", shown["decisions"]
    fields = shown["extraction"]["fields"]
    assert fields["vendor_id"]["value"] == "V100"
    assert (fields["total"]["value"], fields["total"]["confidence"], fields["total"]["method"]) == ("148.75", 1.0, "einvoice_xml")
    assert shown["extraction"]["reader"].startswith("defusedxml")


def test_an_uploaded_cii_invoice_that_does_not_add_up_is_held_and_rendered(loaded, run_pipeline):
    anna = person(loaded, "anna", "reviewer")
    data = cii(total="150.00", due="150.00", seller="Acme Industrial Supplies GmbH <script>alert(1)</script>")
    response = anna.post("/api/invoices", headers={"X-CSRF-Token": anna.csrf}, files={"file": ("inv.xml", data, "text/xml")})
    assert response.status_code == 201, response.text
    doc_id = response.json()[0]["id"]
    run_pipeline(loaded)
    shown = show(loaded, doc_id)
    assert shown["status"] == "needs_review" and "einvoice_rule" in _codes(shown)
    page = anna.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert 'id="einvoice"' in page.text and "Widget standard" in page.text and "Buyer AG" in page.text
    assert "Total with VAT" in page.text and "150.00" in page.text and "BR-CO-15" in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    resource = anna.get(f"/api/documents/{doc_id}").json()
    assert resource["einvoice"]["seller"]["vat_id"] == "DE123456789"


def test_hostile_xml_ends_in_failed_with_a_clear_reason(loaded, run_pipeline):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
           b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&s;</ID></Invoice>')
    [doc] = ingest_bytes(loaded, xxe, "evil.xml", "api", "user:test").documents
    run_pipeline(loaded)
    shown = show(loaded, doc["id"])
    assert shown["status"] == "failed"
    assert shown["reason"].startswith("XML refused for safety") and "passwd" not in shown["reason"]


def test_xml_attachments_of_an_email_become_documents(loaded, run_pipeline):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "ap@vendor.example", "ap@buyer.example", "XRechnung", "<x1@vendor.example>"
    msg.set_content("Our e-invoices.")
    msg.add_attachment(ubl(number="M-1"), maintype="application", subtype="xml", filename="m1.xml")
    msg.add_attachment(cii(number="M-2").decode(), subtype="xml", filename="m2.xml", disposition="inline")  # text/xml, named
    docs = ingest_bytes(loaded, msg.as_bytes(), "mail.eml", "email", "user:test").documents
    assert len(docs) == 2
    run_pipeline(loaded)
    numbers = {show(loaded, d["id"])["extraction"]["fields"]["invoice_number"]["value"] for d in docs}
    assert numbers == {"M-1", "M-2"}


def test_the_same_invoice_in_both_syntaxes_is_caught_as_a_duplicate(loaded, run_pipeline):
    [first] = ingest_bytes(loaded, ubl(number="D-1"), "d1.xml", "portal", "user:test").documents
    run_pipeline(loaded)
    [second] = ingest_bytes(loaded, cii(number="D-1"), "d1-cii.xml", "email", "user:test").documents
    run_pipeline(loaded)
    assert show(loaded, first["id"])["status"] == "exported"
    again = show(loaded, second["id"])
    assert again["status"] in ("needs_review", "duplicate") and _codes(again) & {"duplicate_suspected", "invoice_number_reused"}
