"""The reviewer's day in headless Chromium: log in and out, work the queue, correct and
approve, reject, compare a duplicate with its original, and untrusted text stays inert."""

import re

import pytest

from invoicepipe.services.queries import show
from tests.e2e.site import SCRIPT_VENDOR, login

pytestmark = pytest.mark.e2e


def test_login_and_logout(page, site):
    page.goto(f"{site.url}/queue")
    page.wait_for_url(re.compile(r".*/login\?next=%2Fqueue"))
    page.fill("#username", "anna")
    page.fill("#password", "not her password")
    page.click("#login")
    assert "wrong username or password" in page.inner_text("#error")
    login(page, site, "anna")
    assert "anna" in page.inner_text("header.top")
    page.click("#logout")
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(f"{site.url}/queue")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))


def test_queue_shows_priority_counts_filters_and_opens_from_the_keyboard(page, site):
    login(page, site, "anna")
    ids = [int(i) for i in page.locator("#queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")]
    assert site.docs["price"] in ids and site.docs["script_vendor"] in ids
    # Same due date (invoice date + terms): the larger amount comes first.
    assert ids.index(site.docs["price"]) < ids.index(site.docs["unknown_po"])
    assert "No purchase order quoted" in page.inner_text("#reason-counts")
    page.select_option("#filter-reason", "po_unknown")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*reason=po_unknown.*"))
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-id") == str(site.docs["unknown_po"])
    page.goto(f"{site.url}/queue?vendor=script")
    assert page.locator("#queue tbody tr").first.get_attribute("data-id") == str(site.docs["script_vendor"])
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/documents/{site.docs['script_vendor']}\?vendor=script"))
    assert "Vendor not in the vendor master" in page.inner_text("#reasons")


def test_correct_a_field_then_approve_from_the_keyboard(page, site):
    doc_id = site.docs["no_po"]
    login(page, site, "anna")
    page.goto(f"{site.url}/documents/{doc_id}")
    page.keyboard.press("u")  # the least certain field first
    assert page.evaluate("document.activeElement.dataset.field")
    page.fill("#field-due_date", "2026-05-31")
    page.click("#save-recheck")
    page.wait_for_url(re.compile(r".*done=correct.*"))
    # Reconciliation runs again on the corrected fields; a non-PO invoice comes back to review.
    assert site.wait_for_status("no_po", {"needs_review"}) == "needs_review"
    page.goto(f"{site.url}/documents/{doc_id}")
    assert page.input_value("#field-due_date") == "2026-05-31"
    assert "reviewer's corrections" in page.inner_text("#correct-form")
    # A non-PO invoice is paid only when a person overrides "no PO" with a note.
    page.fill('li[data-code="no_po"] input[name="note"]', "stationery, approved by the budget owner")
    page.click('button[data-override="no_po"]')
    page.wait_for_url(re.compile(r".*done=override.*"))
    assert "Overridden by user:anna" in page.inner_text("#reasons")
    page.keyboard.press("a")
    page.wait_for_url(re.compile(r".*done=approve.*"))
    assert f"Document {doc_id} approved." in page.inner_text(".notice")
    assert site.wait_for_status("no_po", {"approved", "exported"})
    with site.app.uow.begin() as tx:
        assert tx.documents.outbox_entry(doc_id)["payload"]["due_date"] == "2026-05-31"


def test_reject_with_a_reason(page, site):
    doc_id = site.docs["over_billed"]
    login(page, site, "anna")
    page.goto(f"{site.url}/documents/{doc_id}")
    assert "More billed than received" in page.inner_text("#reasons")
    assert "4500123" in page.inner_text("#matching")
    page.keyboard.press("r")
    page.keyboard.type("quantity disputed with the vendor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*done=reject.*"))
    shown = show(site.app, doc_id)
    assert shown["status"] == "rejected" and "quantity disputed with the vendor" in shown["reason"]


def test_duplicate_is_shown_beside_its_original_and_marked(page, site):
    doc_id, original = site.docs["duplicate"], site.docs["original"]
    login(page, site, "anna")
    page.goto(f"{site.url}/documents/{doc_id}")
    compare = page.inner_text("#duplicate-compare")
    assert f"Original ({original}" in compare and "INV-1001" in compare
    assert page.locator("#duplicate .side-by-side figure").count() == 2
    assert page.input_value("#duplicate-of") == str(original)
    page.click("#mark-duplicate")
    page.wait_for_url(re.compile(r".*done=duplicate.*"))
    shown = show(site.app, doc_id)
    assert shown["status"] == "duplicate" and f"document {original}" in shown["reason"]


def test_a_script_as_vendor_name_is_shown_as_text(page, site):
    login(page, site, "anna")
    row = page.locator(f"#queue tbody tr[data-id='{site.docs['script_vendor']}'] td.vendor")
    assert SCRIPT_VENDOR in row.inner_text()
    page.goto(f"{site.url}/documents/{site.docs['script_vendor']}")
    assert page.input_value("#field-vendor") == SCRIPT_VENDOR
    assert SCRIPT_VENDOR in page.inner_text("#reasons")
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert(1)'))")
    assert page.dialogs == []


def test_a_reviewer_is_denied_the_controller_pages(page, site):
    login(page, site, "anna")
    assert page.locator("header.top nav a", has_text="Audit").count() == 0
    response = page.goto(f"{site.url}/audit")
    assert response.status == 403
    assert "Not allowed" in page.inner_text("#error-title")
    assert page.goto(f"{site.url}/documents/{site.docs['original']}/why").status == 403
