"""CSRF on every state change, roles on the server, headers, inert untrusted text, bad uploads."""

import re

import pytest
from fastapi.routing import APIRoute

from invoicepipe.services.queries import show
from invoicepipe.web.app import create_app
from tests.web_helpers import in_review, load_master, person, version_of


@pytest.fixture
def anna(app):
    return person(app, "anna", "reviewer")


def _routes(routes):
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            yield from _routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route


def _post_routes(app):
    for route in _routes(create_app(app).routes):
        if "POST" in route.methods and route.path != "/login":
            yield route.path.replace("{doc_id}", "1").replace("{action}", "approve")


def test_every_state_changing_route_refuses_a_session_request_without_the_csrf_token(app, anna):
    paths = list(_post_routes(app))
    assert "/logout" in paths and "/upload" in paths and "/api/invoices" in paths and "/documents/1/approve" in paths
    for path in paths:
        for headers in ({}, {"X-CSRF-Token": "wrong"}):
            response = anna.post(path, data={"version": "1"}, headers=headers, follow_redirects=False)
            assert response.status_code == 403, (path, headers, response.status_code)
            assert "CSRF" in response.text


def test_the_csrf_token_in_the_header_or_the_form_is_accepted(app, anna, tmp_path, run_pipeline):
    load_master(app, tmp_path)
    doc_id = in_review(app, run_pipeline, po=None)
    response = anna.post(f"/api/documents/{doc_id}/hold", json={"version": version_of(app, doc_id), "note": "ask vendor"},
                         headers={"X-CSRF-Token": anna.csrf})
    assert response.status_code == 200
    response = anna.post(f"/documents/{doc_id}/release", data={"version": version_of(app, doc_id), "csrf_token": anna.csrf},
                         follow_redirects=False)
    assert response.status_code == 303


def test_a_reviewer_is_denied_controller_pages_and_a_controller_is_not(app, anna):
    for path in ("/audit", "/audit/export.csv", "/audit/verify", "/documents/1/why", "/documents/1/trail", "/api/audit/events",
                 "/api/audit/verify", "/api/documents/1/why"):
        assert anna.get(path).status_code == 403, path
    carl = person(app, "carl", "controller")
    assert carl.get("/audit").status_code == 200
    assert carl.get("/api/audit/verify").json()["ok"] is True
    assert "Audit" in carl.get("/queue").text and ">Audit<" not in anna.get("/queue").text


def test_pages_carry_security_headers_and_server_timing(app, anna):
    response = anna.get("/queue")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["server-timing"])


def test_a_script_in_a_vendor_name_is_rendered_as_inert_text(app, anna, run_pipeline):
    doc_id = in_review(app, run_pipeline, lines=["<script>alert(1)</script> Ltd", "Invoice No: X-9", "Invoice date: 2026-03-14",
                                                  "Total: 50.00 EUR"])
    assert show(app, doc_id)["status"] == "needs_review"
    for page in (anna.get("/queue").text, anna.get(f"/documents/{doc_id}").text):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in page


def test_a_bad_upload_is_rejected_with_its_reason_and_still_recorded(app, anna):
    response = anna.post("/upload", data={"csrf_token": anna.csrf},
                         files={"files": ("invoice.pdf", b"<html><body>hello</body></html>", "application/pdf")},
                         follow_redirects=False)
    assert response.status_code == 303  # post/redirect/get: reloading the result does not upload again
    response = anna.get(response.headers["location"])
    assert "not a PDF, image or e-invoice XML (looks like HTML)" in response.text
    doc_id = int(re.search(r'href="/documents/(\d+)"', response.text).group(1))
    assert show(app, doc_id)["status"] == "rejected"


def test_the_api_ingest_rejects_empty_and_oversized_files(app, anna):
    headers = {"X-CSRF-Token": anna.csrf}
    empty = anna.post("/api/invoices", headers=headers, files={"file": ("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 422 and empty.json()["detail"] == "file is empty"
    assert empty.json()["documents"][0]["status"] == "rejected"
    limit = anna.app.state.config.max_upload_bytes
    huge = anna.post("/api/invoices", headers=headers, files={"file": ("big.pdf", b"%PDF-" + b"0" * (limit + 100_000), "application/pdf")})
    assert huge.status_code == 413


def test_the_openapi_document_describes_the_json_api(app):
    spec = person(app, "dora", "reviewer").get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/queue", "/api/documents/{doc_id}", "/api/documents/{doc_id}/approve", "/api/documents/{doc_id}/correct",
                 "/api/invoices", "/api/audit/events", "/api/audit/events.csv", "/api/audit/verify", "/api/documents/{doc_id}/why"):
        assert path in paths, path
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
