"""A German reviewer types amounts the German way, sees them read back before anything is
saved, and finds the API documentation served by the app itself."""

import re

import pytest

from invoicepipe.services.queries import show
from tests.e2e.site import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def german_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_a_german_amount_is_read_back_and_saved_after_confirmation(german_page, site):
    page, doc_id = german_page, site.docs["typed"]
    login(page, site, "anna")
    page.goto(f"{site.url}/documents/{doc_id}")
    assert "€" in page.inner_text('[data-read-as="total"]')  # amounts carry their currency
    page.fill("#field-tax", "1.234,5")
    page.click("#save-recheck")
    row = page.locator('#confirm-values tr[data-field="tax"]')
    assert "1.234,5" in row.inner_text() and "1.234,50" in row.inner_text() and "(1234.50)" in row.inner_text()
    assert show(site.app, doc_id)["extraction"]["fields"]["tax"]["value"] != "1234.50"  # nothing saved yet
    page.click("#confirm-save")
    page.wait_for_url(re.compile(r".*done=correct.*"))
    assert site.wait_for_status("typed", {"needs_review", "approved", "exported"})
    assert show(site.app, doc_id)["extraction"]["fields"]["tax"]["value"] == "1234.50"


def test_the_api_documentation_is_interactive_and_served_locally(page, site):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, site, "anna")
    page.goto(f"{site.url}/api/docs")
    try:
        page.wait_for_selector(".opblock-summary-path")
    except Exception:
        raise AssertionError(f"{errors} {page.inner_text('body')[:2000]}")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/invoices" in p for p in paths) and any("/api/documents/{doc_id}/correct" in p for p in paths)
    assert not [e for e in errors if "Content Security Policy" in e], errors
