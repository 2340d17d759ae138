"""Screenshots of the queue and the document view for the docs (not a check).

Runs only when INVOICEPIPE_SCREENSHOTS names a folder, e.g.
``INVOICEPIPE_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/e2e/test_screenshots.py``.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.site import login

pytestmark = pytest.mark.e2e
TARGET = os.environ.get("INVOICEPIPE_SCREENSHOTS")


@pytest.mark.skipif(not TARGET, reason="set INVOICEPIPE_SCREENSHOTS=DIR to write the screenshots")
def test_save_queue_and_document_screenshots(page, site):
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    login(page, site, "anna")
    page.wait_for_selector("#queue")
    page.keyboard.press("j")
    page.screenshot(path=str(folder / "queue.png"), full_page=False)
    page.set_viewport_size({"width": 1440, "height": 1500})
    page.goto(f"{site.url}/documents/{site.docs['duplicate']}")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.focus("#field-invoice_number")
    page.wait_for_timeout(600)  # the smooth scroll to the highlighted box
    page.screenshot(path=str(folder / "document.png"), full_page=False)


@pytest.mark.skipif(not TARGET, reason="set INVOICEPIPE_SCREENSHOTS=DIR to write the screenshots")
def test_save_team_screenshots(page, site):
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    login(page, site, "ada")
    page.goto(f"{site.url}/search?vendor=acme")
    page.screenshot(path=str(folder / "search.png"), full_page=False)
    page.goto(f"{site.url}/admin/users")
    page.screenshot(path=str(folder / "accounts.png"), full_page=False)
    page.set_viewport_size({"width": 1440, "height": 1500})
    page.goto(f"{site.url}/documents/{site.docs['team']}")
    page.locator("#matching").scroll_into_view_if_needed()
    page.locator("#matching").screenshot(path=str(folder / "lines.png"))
    page.fill("#field-tax", "1.234,5")
    page.click("#save-recheck")
    page.wait_for_selector("#confirm-values")
    page.screenshot(path=str(folder / "confirm-values.png"), full_page=False)
