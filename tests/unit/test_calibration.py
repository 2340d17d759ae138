"""Confidence calibration: monotone, bounded, conservative, versioned."""

import json

import pytest

from invoicepipe.adapters.calibration_store import DEFAULT_TABLE, load_calibration
from invoicepipe.domain.calibration import (
    CalibrationMap, CalibrationTable, apply_calibration, fit_map, fit_table, pool_adjacent_violators, table_from_dict,
    table_to_dict, wilson_lower)
from invoicepipe.domain.extraction import EXTRACTOR_VERSION
from invoicepipe.domain.models import ExtractedField, Extraction


def samples(rows):
    """rows: (raw score, right, wrong) -> individual samples."""
    return [(raw, True) for raw, r, _ in rows for _ in range(r)] + [(raw, False) for raw, _, w in rows for _ in range(w)]


def test_adjacent_violators_are_pooled_so_accuracy_never_falls():
    blocks = pool_adjacent_violators([(0.2, 1, 10), (0.4, 6, 10), (0.5, 4, 10), (0.9, 100, 100)])
    accuracies = [c / n for _, c, n in blocks]
    assert accuracies == sorted(accuracies)
    assert sum(n for _, _, n in blocks) == 130
    assert [low for low, _, _ in blocks] == [0.2, 0.4, 0.9]  # 0.4 and 0.5 pooled


def test_a_sparse_bin_stays_near_its_raw_score():
    sparse = fit_map(samples([(0.62, 2, 0), (0.96, 600, 0)]))
    assert sparse(0.62) < 0.8 < 0.99 <= sparse(0.96)  # two lucky samples do not make 0.62 certain


def test_low_scores_too_few_alone_are_pooled_with_one_another_not_with_the_scores_above():
    rows = [(0.22, 4, 0), (0.33, 3, 0), (0.45, 4, 0), (0.96, 600, 0)]
    m = fit_map(samples(rows))
    # eleven right values read under weak labels: some confidence, far below any threshold
    assert 0.3 < m(0.22) == m(0.45) < 0.8 and m(0.1) == 0.0
    # a few lucky samples too few even together: nothing, as before
    assert fit_map(samples(rows[1:])).steps[0][0] == 0.95


def test_fitted_map_is_monotone_bounded_and_below_the_observed_accuracy():
    m = fit_map(samples([(0.3, 5, 15), (0.6, 30, 10), (0.85, 80, 2), (0.96, 400, 0)]))
    grid = [i / 100 for i in range(101)]
    values = [m(x) for x in grid]
    assert values == sorted(values) and all(0 <= v <= 1 for v in values)
    assert m(0.3) <= 0.25 and m(0.6) <= 0.75 and m(0.85) < 80 / 82
    assert 0.99 <= m(0.97) < 1.0  # 400 right of 400: at least 99 %, never certainty
    assert m(0.1) == 0.0  # below every sample: no evidence, no confidence


def test_wilson_lower_bound_grows_with_evidence():
    assert wilson_lower(10, 10) < wilson_lower(100, 100) < wilson_lower(1000, 1000) < 1.0
    assert wilson_lower(0, 0) == 0.0


def test_table_round_trips_and_rejects_a_non_monotone_map():
    table = fit_table({"total|text": samples([(0.5, 10, 30), (0.9, 60, 0)])}, "cal-test", EXTRACTOR_VERSION, min_samples=10)
    again = table_from_dict(json.loads(json.dumps(table_to_dict(table))))
    assert again == table
    broken = table_to_dict(table)
    broken["maps"]["total|text"]["steps"] = [[0.1, 0.9], [0.5, 0.2]]
    with pytest.raises(ValueError, match="monotone"):
        table_from_dict(broken)


def test_apply_uses_field_and_source_keeps_exact_sources_and_caps_unknown_fields():
    table = CalibrationTable("cal-test", "kv-x", {"total|ocr": CalibrationMap(((0.0, 0.2), (0.9, 0.97))),
                                                  "total": CalibrationMap(((0.0, 0.5),))})
    ex = Extraction({"total": ExtractedField("total", "1.00", 0.93, "label_right"),
                     "iban": ExtractedField("iban", "DE89", 0.95, "label_right"),
                     "invoice_number": ExtractedField("invoice_number", "7", 1.0, "einvoice_xml")}, extractor_version="kv-x+einvoice-1.0")
    ocr = apply_calibration(ex, table, "ocr")
    assert ocr.confidence("total") == 0.97 and ocr.confidence("invoice_number") == 1.0
    assert ocr.confidence("iban") == 0.8  # no map for the field: capped below routing thresholds
    assert apply_calibration(ex, table, "text").confidence("total") == 0.5  # falls back to the field's map


def test_a_table_of_another_extractor_version_is_refused():
    table = CalibrationTable("cal-old", "kv-0.1", {})
    with pytest.raises(ValueError, match="kv-0.1"):
        apply_calibration(Extraction({}, extractor_version="kv-9"), table, "text")


def test_the_shipped_table_belongs_to_this_extractor_and_is_monotone():
    if not DEFAULT_TABLE.is_file():
        pytest.skip("no calibration table shipped")
    table = load_calibration()
    assert table.extractor_version == EXTRACTOR_VERSION
    for key, m in table.maps.items():
        values = [v for _, v in m.steps]
        assert values == sorted(values) and all(0 <= v < 1 for v in values), key


def test_carry_over_keeps_earlier_maps_but_the_amounts_and_the_refitted_fields():
    from invoicepipe.evaluation.fit_calibration import carry_over
    new = {"version": "new", "maps": {"total|text|two": "T", "invoice_number|text": "N2", "invoice_date": "D2"}}
    old = {"version": "old", "maps": {"total|text|two": "t", "invoice_number|text": "n1", "invoice_date": "d1"}}
    assert carry_over(new, old)["maps"] == {"total|text|two": "T", "invoice_number|text": "n1", "invoice_date": "d1"}
    refitted = carry_over(new, old, frozenset({"invoice_number"}))
    assert refitted["maps"] == {"total|text|two": "T", "invoice_number|text": "N2", "invoice_date": "d1"}
    assert refitted["carried_over"]["maps"] == ["invoice_date"]
