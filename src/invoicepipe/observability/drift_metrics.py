"""Drift as Prometheus metrics, computed at scrape time from the same report as ``invoicepipe drift``.

``register(registry, app)`` adds one collector. The report costs a few bounded queries,
so it is computed at most once per ``min_interval`` seconds and reused between scrapes.

Metric names (every gauge; labels in braces):

- ``invoicepipe_drift_detected{check,segment}``: 1 when that check alarms, else 0
- ``invoicepipe_drift_statistic{check,segment}`` and ``invoicepipe_drift_threshold{check,segment}``:
  the CUSUM (accuracy), PSI (confidence), z (stp) or moved share (layout), and where it alarms
- ``invoicepipe_drift_field_accuracy{segment,window}``: window = baseline | recent
- ``invoicepipe_drift_labels{segment,window}``: reviewed fields behind it
- ``invoicepipe_drift_straight_through_ratio{window}``
- ``invoicepipe_drift_report_errors_total``: scrapes whose report could not be computed

Proposed alert: ``max by (check, segment) (invoicepipe_drift_detected) == 1`` for 30m.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional


class DriftCollector:
    def __init__(self, report: Callable[[], dict], min_interval: float = 60.0, clock=time.monotonic):
        self._report = report
        self._min_interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: Optional[dict] = None
        self._at = float("-inf")
        self.errors = 0

    def _current(self) -> Optional[dict]:
        with self._lock:
            if self._cached is None or self._clock() - self._at >= self._min_interval:
                try:
                    self._cached = self._report()
                except Exception:  # a scrape must not fail because the database hiccuped
                    self.errors += 1
                    self._at = self._clock()
                    return self._cached
                self._at = self._clock()
            return self._cached

    def describe(self):
        return []  # collected lazily: registering must not query the database

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        report = self._current()
        errors = CounterMetricFamily("invoicepipe_drift_report_errors", "Scrapes whose drift report could not be computed")
        errors.add_metric([], self.errors)
        yield errors
        if report is None:
            return
        detected = GaugeMetricFamily("invoicepipe_drift_detected", "1 when the drift check alarms", labels=["check", "segment"])
        stat = GaugeMetricFamily("invoicepipe_drift_statistic", "Drift statistic (CUSUM, PSI, z, moved share)", labels=["check", "segment"])
        threshold = GaugeMetricFamily("invoicepipe_drift_threshold", "Where the drift statistic alarms (policy)", labels=["check", "segment"])
        accuracy = GaugeMetricFamily("invoicepipe_drift_field_accuracy", "Reviewed field accuracy", labels=["segment", "window"])
        labels = GaugeMetricFamily("invoicepipe_drift_labels", "Reviewed fields (labels)", labels=["segment", "window"])
        stp = GaugeMetricFamily("invoicepipe_drift_straight_through_ratio", "Share of decided documents approved without review",
                                labels=["window"])
        for f in report["findings"]:
            key = [f["check"], f["segment"]]
            detected.add_metric(key, 1.0 if f["drifted"] else 0.0)
            stat.add_metric(key, float(f["statistic"]))
            threshold.add_metric(key, float(f["threshold"]))
            if f["check"] == "accuracy":
                for window, acc, n in (("baseline", f["baseline_accuracy"], f["baseline_labels"]),
                                       ("recent", f["window_accuracy"], f["window_labels"])):
                    labels.add_metric([f["segment"], window], float(n))
                    if acc is not None:
                        accuracy.add_metric([f["segment"], window], float(acc))
            elif f["check"] == "stp":
                stp.add_metric(["baseline"], float(f["baseline_rate"]))
                stp.add_metric(["recent"], float(f["window_rate"]))
        yield from (detected, stat, threshold, accuracy, labels, stp)


def register(registry, app, min_interval: float = 60.0) -> DriftCollector:
    """Register the drift collector for ``app`` on ``registry`` and return it."""
    from ..services.drift import drift_report

    collector = DriftCollector(lambda: drift_report(app).as_dict(), min_interval)
    registry.register(collector)
    return collector


def drift_collector(app) -> DriftCollector:
    """The collector factory ``/metrics`` uses (``exposition.collector_factories``)."""
    from ..services.drift import drift_report

    return DriftCollector(lambda: drift_report(app).as_dict())

