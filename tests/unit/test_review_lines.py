"""A reviewer edits, adds, removes and splits line items; the decision runs on them again."""

import re

import pytest

from invoicepipe.adapters.db.documents import extraction_from_json
from invoicepipe.domain.typed_input import Convention
from invoicepipe.errors import PermanentError
from invoicepipe.services import review_lines
from invoicepipe.services.queries import show
from invoicepipe.services.users import User
from tests.web_helpers import in_review, load_master, person, version_of

ANNA = User(1, "anna", "reviewer")


@pytest.fixture
def loaded(app, tmp_path):
    load_master(app, tmp_path)
    return app


def lines_of(app, doc_id):
    with app.uow.begin() as tx:
        return extraction_from_json(tx.documents.latest_extraction(doc_id)).lines


def test_an_over_billed_line_corrected_to_what_was_received_passes_the_match(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, qty="12")  # the PO line was received 10 times
    assert "quantity_over_received" in [r["code"] for d in show(loaded, doc)["decisions"][-1:] for r in d["reasons"]]
    [line] = lines_of(loaded, doc)
    result = review_lines.correct_lines(loaded, ANNA, doc, version_of(loaded, doc), [
        {"index": "0", "description": line.description, "quantity": "10", "unit_price": "12,50", "amount": ""}])
    assert result["status"] == "reconciling" and result["changes"]["lines"]["sum_after"] == "125.00"
    [fixed] = lines_of(loaded, doc)
    assert (fixed.quantity, str(fixed.amount), fixed.box) == (10, "125.00", line.box)  # its box on the page is kept
    run_pipeline(loaded)
    reasons = [r["code"] for r in show(loaded, doc)["decisions"][-1]["reasons"]]
    assert "quantity_over_received" not in reasons  # judged again on the corrected line: nothing skipped


def test_split_add_and_remove(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    [line] = lines_of(loaded, doc)
    review_lines.correct_lines(loaded, ANNA, doc, version_of(loaded, doc), [
        {"index": "0", "description": line.description, "quantity": "6", "unit_price": "12.50", "amount": "75.00"},
        {"description": line.description, "quantity": "4", "unit_price": "12.50"},  # split off
        {"description": "Freight", "amount": "9,90"},
        {"description": "", "quantity": "", "unit_price": "", "amount": ""},  # an empty row is ignored
        {"description": "Wrong", "amount": "1.00", "remove": "1"},
    ], Convention(",", "dmy"))
    assert [(li.description, str(li.amount)) for li in lines_of(loaded, doc)] == [
        (line.description, "75.00"), (line.description, "50.00"), ("Freight", "9.90")]


@pytest.mark.parametrize("row, message", [
    ({"description": "Widget", "quantity": "10", "unit_price": "12.50", "amount": "130.00"}, r"10 x 12.50 is 125.00, not 130.00"),
    ({"description": "", "amount": "5.00"}, "a description is needed"),
    ({"description": "Widget", "quantity": "10"}, "give the amount, or the quantity and the unit price"),
    ({"description": "Widget", "quantity": "1,250", "unit_price": "2"}, "ambiguous"),
])
def test_a_line_that_does_not_add_up_is_refused_with_its_figures(loaded, run_pipeline, row, message):
    doc = in_review(loaded, run_pipeline, po=None)
    with pytest.raises(PermanentError, match=message):
        review_lines.correct_lines(loaded, ANNA, doc, version_of(loaded, doc), [row])


def test_the_page_edits_lines_and_shows_their_boxes(loaded, run_pipeline):
    doc = in_review(loaded, run_pipeline, po=None)
    anna = person(loaded, "anna2")
    page = anna.get(f"/documents/{doc}").text
    assert 'id="lines-form"' in page and 'name="line_0_quantity"' in page and "data-split" in page
    assert re.search(r'<rect data-field="line-0"', page)  # the line's box on the page image
    data = {"csrf_token": anna.csrf, "version": version_of(loaded, doc), "line_0_index": "0", "line_0_description": "Widget standard",
            "line_0_quantity": "8", "line_0_unit_price": "12.50", "line_0_amount": "", "line_1_description": "Packing",
            "line_1_amount": "5.00"}
    assert anna.post(f"/documents/{doc}/lines", data=data, follow_redirects=False).status_code == 303
    assert [str(li.amount) for li in lines_of(loaded, doc)] == ["100.00", "5.00"]
    api = anna.post(f"/api/documents/{doc}/lines", headers={"X-CSRF-Token": anna.csrf},
                    json={"version": version_of(loaded, doc), "lines": [{"description": "Widget", "quantity": "1.5", "unit_price": "2"}]})
    assert api.status_code in (200, 409)  # 409 when the re-check moved it on meanwhile; never a silent change
