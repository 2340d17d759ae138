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


def _split_table() -> CalibrationTable:
    return CalibrationTable("cal-test", "kv-x", {
        "invoice_number|text": CalibrationMap(((0.5, 0.88), (0.6, 0.995))),
        "invoice_number|read": CalibrationMap(((0.4, 0.7), (0.8, 0.97), (0.9, 0.995))),
        "invoice_number|ocr": CalibrationMap(((0.4, 0.87), (0.75, 0.987)))})


def test_an_ocr_value_with_its_reading_factor_is_the_product_of_two_measured_chances():
    table = _split_table()
    # a boxed number read at 0.97 under a middling label (0.64 = 0.66 x 0.97): the field
    # surely (0.995), its characters surely (0.995)
    assert table.calibrate("invoice_number", "ocr", 0.64, read=0.97) == round(0.995 * 0.995, 4)
    # the same score from a strong label over an unsure reading (0.64 = 0.99 x 0.65): under
    # the read map's top step, whose lower steps stand on few samples, the one map decides
    assert table.calibrate("invoice_number", "ocr", 0.64, read=0.65) == 0.87
    assert table.calibrate("invoice_number", "ocr", 0.64, read=0.85) == 0.87
    assert table.calibrate("invoice_number", "ocr", 0.64, read=0.9) == round(0.995 * 0.995, 4)
    # without the factor (or on a text layer) the one map stands
    assert table.calibrate("invoice_number", "ocr", 0.64) == 0.87
    assert table.calibrate("invoice_number", "text", 0.64, read=0.97) == 0.995
    # a score without the factor under every text-layer step: nothing
    assert table.calibrate("invoice_number", "ocr", 0.3, read=0.97) == 0.0
    # never more than MAX_LIFT above the raw score
    lenient = CalibrationTable("cal-test", "kv-x", {"invoice_number|text": CalibrationMap(((0.0, 0.99),)),
                                                    "invoice_number|read": CalibrationMap(((0.0, 0.99),))})
    assert lenient.calibrate("invoice_number", "ocr", 0.3, read=0.97) == 0.7


def test_a_reading_factor_below_the_read_maps_top_step_falls_back_to_the_ocr_map():
    assert _split_table().calibrate("invoice_number", "ocr", 0.3, read=0.35) == 0.0  # under the ocr map's steps too
    assert _split_table().calibrate("invoice_number", "ocr", 0.45, read=0.35) == 0.85  # 0.87, under raw + MAX_LIFT


def test_without_a_read_map_the_ocr_map_stands():
    table = CalibrationTable("cal-test", "kv-x", {k: m for k, m in _split_table().maps.items() if not k.endswith("|read")})
    assert table.calibrate("invoice_number", "ocr", 0.64, read=0.97) == 0.87


def test_apply_reads_the_factor_from_the_evidence():
    ex = Extraction({"invoice_number": ExtractedField("invoice_number", "4711", 0.64, "label_below", evidence=("read:0.970",)),
                     "po_number": ExtractedField("po_number", "4500", 0.64, "label_below", evidence=("read:x",))},
                    extractor_version="kv-x")
    out = apply_calibration(ex, _split_table(), "ocr")
    assert out.confidence("invoice_number") == round(0.995 * 0.995, 4)
    assert out.confidence("po_number") == 0.64  # no usable factor, no map for the field: raw, under the cap


def test_read_maps_are_fitted_on_values_surely_the_field():
    from invoicepipe.domain.calibration import fit_read_maps
    base = _split_table()
    # 300 readings at 0.95 under strong labels, all right; 300 at 0.95 under weak labels,
    # a third wrong (wrong value, not misread): the weak ones are not the reading's fault
    rows = [(0.7, 0.95, True)] * 300 + [(0.45, 0.95, i % 3 != 0) for i in range(300)]
    table = fit_read_maps(base, {"invoice_number": rows, "po_number": rows}, min_samples=30)
    assert table.maps["invoice_number|read"](0.95) >= 0.98
    assert "po_number|read" not in table.maps  # no text-layer map to say which were surely the field
    # too few sure samples: no map
    assert "invoice_number|read" not in fit_read_maps(CalibrationTable("c", "kv-x", {
        "invoice_number|text": base.maps["invoice_number|text"]}), {"invoice_number": rows[:20]}).maps
