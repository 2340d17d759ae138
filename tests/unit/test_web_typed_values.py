"""The document page reads typed amounts and dates in the person's convention and shows them
back before saving; amounts are displayed with grouping and their currency."""

import re

import pytest

from invoicepipe.services.queries import show
from tests.web_helpers import in_review, load_master, person, version_of


@pytest.fixture
def loaded(app, tmp_path):
    load_master(app, tmp_path)
    return app


def post_correction(client, doc_id, version, headers=None, confirmed=None, **fields):
    data = {"csrf_token": client.csrf, "version": str(version), **{f"field_{k}": v for k, v in fields.items()}}
    if confirmed:
        data["confirmed"] = confirmed
    return client.post(f"/documents/{doc_id}/correct", data=data, headers=headers or {}, follow_redirects=False)


def test_a_typed_amount_is_shown_back_and_saved_only_when_confirmed(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    anna = person(loaded, "anna")
    version = version_of(loaded, doc_id)
    page = post_correction(anna, doc_id, version, {"Accept-Language": "de-DE,de;q=0.9"}, tax="1.234")
    assert page.status_code == 200 and 'id="confirm-values"' in page.text
    row = re.search(r'<tr data-field="tax">.*?</tr>', page.text, re.S).group(0)
    assert "<code>1.234</code>" in row and "1.234,00" in row and "(1234.00)" in row  # read the German way, shown both ways
    assert version_of(loaded, doc_id) == version  # nothing saved yet
    stored = re.search(r'name="field_tax" value="([^"]+)"', page.text).group(1)
    assert stored == "1234.00"
    done = post_correction(anna, doc_id, version, None, tax=stored, confirmed="1")
    assert done.status_code == 303, re.search(r'id="error[^>]*>([^<]*)', done.text)
    assert show(loaded, doc_id)["extraction"]["fields"]["tax"]["value"] == "1234.00"


def test_without_a_known_convention_an_ambiguous_amount_is_refused_not_guessed(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    anna = person(loaded, "anna")
    version = version_of(loaded, doc_id)
    page = post_correction(anna, doc_id, version, {"Accept-Language": "*"}, tax="1.234")
    assert page.status_code == 422 and "ambiguous" in page.text
    assert version_of(loaded, doc_id) == version


def test_the_api_reads_values_in_the_locale_it_names(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    anna = person(loaded, "anna")
    body = {"version": version_of(loaded, doc_id), "fields": {"tax": "1.234", "due_date": "03/04/2026"}, "locale": "en-US"}
    refused = anna.post(f"/api/documents/{doc_id}/correct", json=body, headers={"X-CSRF-Token": anna.csrf})
    assert refused.status_code == 422 and "more than two decimals" in refused.text
    body["fields"]["tax"] = "1,234"
    done = anna.post(f"/api/documents/{doc_id}/correct", json=body, headers={"X-CSRF-Token": anna.csrf})
    assert done.status_code == 200, done.text
    assert done.json()["changes"]["tax"]["to"] == "1234.00" and done.json()["changes"]["due_date"]["to"] == "2026-03-04"


def test_amounts_are_shown_with_grouping_and_currency(loaded, run_pipeline):
    doc_id = in_review(loaded, run_pipeline, po=None)
    anna = person(loaded, "anna")
    total = show(loaded, doc_id)["extraction"]["fields"]["total"]["value"]
    page = anna.get(f"/documents/{doc_id}", headers={"Accept-Language": "de-DE"}).text
    shown = re.search(r'data-read-as="total">([^<]+)<', page).group(1)
    whole, cents = total.split(".")
    assert shown.replace("\xa0", " ").startswith(f"{int(whole):,}".replace(",", ".") + "," + cents)
    queue = anna.get("/queue", headers={"Accept-Language": "en-GB"}).text
    assert f"{int(whole):,}.{cents}" in queue
