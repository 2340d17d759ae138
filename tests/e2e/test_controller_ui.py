"""The controller in headless Chromium: audit search, CSV export, chain check, "why"."""

import csv
import io
import re

import pytest

from tests.e2e.site import login

pytestmark = pytest.mark.e2e


def test_audit_search_and_csv_export(page, site):
    original = site.docs["original"]
    login(page, site, "carl")
    page.click("header.top nav a:has-text('Audit')")
    page.fill("#audit-document", str(original))
    page.fill("#audit-action", "export")
    page.click("#audit-search")
    page.wait_for_url(re.compile(r".*action=export.*"))
    assert page.inner_text("#audit-total") == "1"
    assert "approved → exported" in page.inner_text("#audit-results")
    with page.expect_download() as download:
        page.click("#csv-export")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [(r["document_id"], r["step"], r["to_status"]) for r in rows] == [(str(original), "export", "exported")]


def test_chain_status_and_why_view(page, site):
    original = site.docs["original"]
    login(page, site, "carl")
    page.goto(f"{site.url}/audit/verify")
    assert page.inner_text("#chain-status") == "intact"
    page.goto(f"{site.url}/documents/{original}/why")
    assert page.inner_text("#why-status") in ("approved", "exported")
    assert "INV-1001" in page.inner_text("#why-fields")
    assert "4500123" in page.inner_text("#why-match")
    assert re.search(r"approved by worker:", page.inner_text("#why-decisions"))
