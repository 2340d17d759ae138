"""Finding any document, in any state, from what a controller has in hand."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from invoicepipe.adapters.db import tables as t
from invoicepipe.domain.invoice_numbers import normalise_invoice_number, search_key

from invoicepipe.errors import PermanentError
from invoicepipe.services.document_search import filters_from_text, search_documents
from invoicepipe.services.queries import show
from invoicepipe.domain.typed_input import Convention
from tests.web_helpers import in_review, load_master, person


@pytest.fixture
def loaded(app, tmp_path, run_pipeline):
    load_master(app, tmp_path)
    app.docs = {"review": in_review(app, run_pipeline, po=None, number="FA202600759", qty="3", day="2026-03-20"),
                "paid": in_review(app, run_pipeline, number="INV-1001")}
    return app


def found(app, **raw):
    return [r["id"] for r in search_documents(app, filters_from_text(**raw))["results"]]


def test_a_number_is_found_with_ocr_look_alikes_spaces_and_without_its_prefix(loaded):
    doc = loaded.docs["review"]
    for typed in ("FA202600759", "fa 2026 00759", "FA2O26OO759", "600759", "759"):
        assert doc in found(loaded, number=typed), typed
    assert doc not in found(loaded, number="FA202600758")
    for typed in ("inv1001", "INV 1OO1", "INV-1001"):  # printed with a separator, typed without (and the reverse)
        assert loaded.docs["paid"] in found(loaded, number=typed), typed


def test_documents_in_every_state_are_found_by_vendor_amount_date_po_and_state(loaded):
    paid, review = loaded.docs["paid"], loaded.docs["review"]
    assert show(loaded, paid)["status"] in ("exported", "approved")
    assert set(found(loaded, vendor="acme")) >= {paid, review}
    assert paid in found(loaded, po="4500123") and review not in found(loaded, po="4500123")
    assert found(loaded, state="needs_review") == [review]
    total = show(loaded, paid)["extraction"]["fields"]["total"]["value"]
    assert paid in found(loaded, amount_min=total, amount_max=total)
    assert paid not in found(loaded, amount_min=str(float(total) + 1))
    german = filters_from_text(Convention(",", "dmy"), amount_min=total.replace(".", ","), date_from="1. Januar 2026")
    assert paid in [r["id"] for r in search_documents(loaded, german)["results"]]


def test_bad_filters_name_the_field(loaded):
    with pytest.raises(PermanentError, match="amount min"):
        filters_from_text(amount_min="lots")
    with pytest.raises(PermanentError, match="state"):
        filters_from_text(state="paid")


def test_pages_continue_by_id_not_offset(loaded):
    first = search_documents(loaded, filters_from_text(vendor="acme"), limit=1)
    assert len(first["results"]) == 1 and first["next_before"] == first["results"][0]["id"]
    rest = search_documents(loaded, filters_from_text(vendor="acme"), before=first["next_before"], limit=1)
    assert rest["results"][0]["id"] < first["results"][0]["id"]


def test_the_search_page_and_api_open_each_result(loaded):
    anna, carl = person(loaded, "anna"), person(loaded, "carl", "controller")
    page = anna.get("/search", params={"number": "fa2026 00759"})
    assert page.status_code == 200 and f'href="/documents/{loaded.docs["review"]}"' in page.text
    assert "/why" not in page.text.split('id="search-results"')[1]  # the why view is a controller's
    assert f'href="/documents/{loaded.docs["review"]}/why"' in carl.get("/search", params={"number": "759"}).text
    assert anna.get(f"/documents/{loaded.docs['paid']}").status_code == 200  # any state opens
    api = anna.get("/api/search", params={"number": "00759"}).json()
    assert [r["id"] for r in api["results"]] == [loaded.docs["review"]] and api["results"][0]["invoice_number"] == "FA202600759"
    assert anna.get("/api/search").status_code == 422
    assert anna.get("/search", params={"amount_min": "1.234"}, headers={"Accept-Language": "*"}).status_code == 422


NUMBERS = ["FA-2026/00759", "7", "INV 1001", "ТЕСТ-42", "R_100%"]


@pytest.fixture
def numbered(app):
    """A few documents with awkward numbers, POs and file names, written as the parser writes them."""
    now = datetime.now(timezone.utc)
    with app.uow.begin() as tx:
        for n, number in enumerate(NUMBERS, start=1):
            tx.conn.execute(insert(t.documents).values(id=n, sha256=f"{n:064x}", filename=f"Scan_{number}.PDF", channel="api", size_bytes=1,
                                                       status="needs_review", attempts=0, version=1, created_at=now, updated_at=now))
            po = f"45-{n:05d}"
            tx.conn.execute(insert(t.invoices).values(document_id=n, invoice_number=number, invoice_number_norm=normalise_invoice_number(number),
                                                      invoice_number_bare=search_key(number), po_number=po, po_number_bare=search_key(po),
                                                      created_at=now))
    return app


def ids(app, **raw) -> list[int]:
    return [r["id"] for r in search_documents(app, filters_from_text(**raw))["results"]]


def test_fragments_short_fragments_and_other_scripts(numbered):
    assert ids(numbered, number="2O26 OO7") == [1]  # O for 0, inside the number
    assert ids(numbered, number="7") == [2]  # one character: the whole number, not every number with a 7
    assert ids(numbered, number="тест 42") == [4]  # Cyrillic, case-blind
    assert ids(numbered, number="r-100") == [5]
    assert ids(numbered, po="4500003") == [3] and ids(numbered, po="0000") == [5, 4, 3, 2, 1]
    assert ids(numbered, filename="scan_inv") == [3]  # case-blind
    assert ids(numbered, filename="100%") == [5]  # a LIKE wildcard typed is a character
