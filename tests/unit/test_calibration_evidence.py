"""The calibration per evidence class of amounts: a class decides which map calibrates, and
the classes that must never pass a threshold are capped whatever a map says."""

import pytest

from invoicepipe.domain.calibration import CalibrationMap, CalibrationTable, apply_calibration
from invoicepipe.domain.extraction import extract_invoice

from .test_amount_checks import AGREEING, LOST_GROUP, _scan


def test_a_lonely_scanned_total_and_a_conflict_never_pass_a_threshold():
    ex = extract_invoice(_scan(LOST_GROUP), [])
    lifted = CalibrationMap(((0.0, 0.999),), 1000)
    table = CalibrationTable("t", ex.extractor_version, {"total|ocr|conflict": lifted, "total|ocr|alone": lifted,
                                                         "total|conflict": lifted})
    assert apply_calibration(ex, table, "ocr").confidence("total") <= 0.5


def test_the_class_decides_which_map_calibrates():
    ex = extract_invoice(_scan(AGREEING), [])
    table = CalibrationTable("t", ex.extractor_version, {"total|ocr|two": CalibrationMap(((0.0, 0.997),), 600),
                                                         "total|ocr": CalibrationMap(((0.0, 0.1),), 600)})
    assert apply_calibration(ex, table, "ocr").confidence("total") == pytest.approx(0.997)




def test_a_thin_per_source_map_gives_way_to_the_class_pooled_over_sources():
    thin, pooled = CalibrationMap(((0.0, 0.9),), 60), CalibrationMap(((0.0, 0.99),), 300)
    table = CalibrationTable("t", "x", {"total|ocr|two": thin, "total|two": pooled, "total|text|two": CalibrationMap(((0.0, 0.97),), 200)})
    assert table.calibrate("total", "ocr", 0.95, "two") == pytest.approx(0.99)
    assert table.calibrate("total", "text", 0.95, "two") == pytest.approx(0.97)  # enough samples: its own map
    assert table.calibrate("total", "ocr", 0.95, "one") == 0.8  # no map for the class: not lifted
