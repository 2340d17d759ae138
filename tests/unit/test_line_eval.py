"""The extraction eval scores line items: amounts as a multiset, and their count."""

import json
from decimal import Decimal

from invoicepipe.domain.models import LineItem
from invoicepipe.evaluation.corpus import load_corpus
from invoicepipe.evaluation.line_compare import line_truth, lines_correct, predicted_lines


def _lines(*amounts):
    return [LineItem(f"item {i}", amount=Decimal(a), confidence=0.9 - i / 10) for i, a in enumerate(amounts)]


def test_line_amounts_are_compared_as_a_multiset_to_the_cent():
    expected = line_truth({"lines": [{"amount": "10"}, {"amount": "2.50"}, {"amount": "10.00"}]})
    assert expected == {"line_items": "2.50|10.00|10.00", "line_item_count": "3"}
    value, conf = predicted_lines("line_items", _lines("10.00", "10.00", "2.5"))
    assert lines_correct("line_items", value, expected["line_items"]) and conf == 0.7
    missing, _ = predicted_lines("line_items", _lines("10.00", "2.50"))
    assert not lines_correct("line_items", missing, expected["line_items"])
    wrong, _ = predicted_lines("line_items", _lines("10.00", "10.00", "25.00"))
    assert not lines_correct("line_items", wrong, expected["line_items"])
    assert predicted_lines("line_items", []) == (None, 0.0)


def test_credit_note_lines_compare_absolute_amounts_and_count_alone_is_scored():
    assert lines_correct("line_items", "-5.00|-7.00", "5.00|7.00", credit_note=True)
    assert not lines_correct("line_items", "-5.00|-7.00", "5.00|7.00")
    assert line_truth({"line_item_count": 4}) == {"line_item_count": "4"}
    assert lines_correct("line_item_count", predicted_lines("line_item_count", _lines("1", "2", "3", "4"))[0], "4")


def test_corpus_truth_carries_the_line_fields(tmp_path):
    (tmp_path / "gt").mkdir()
    (tmp_path / "manifest.csv").write_text("file\npdf/x.pdf\n")
    (tmp_path / "gt" / "x.json").write_text(json.dumps({"total": "3.00", "lines": [{"amount": "1.00"}, {"amount": "2.00"}]}))
    [doc] = load_corpus(tmp_path).documents
    assert doc.truth == {"total": "3.00", "line_items": "1.00|2.00", "line_item_count": "2"}
