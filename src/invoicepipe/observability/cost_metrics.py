"""Today's spend against the policy's day ceilings, read at scrape time from the cost ledger.

One primary-key read of today's ``cost_days`` row per scrape: the counters of the parse
children cannot say what the day spent across processes and restarts; the ledger can.

- ``invoicepipe_cost_day_spent{measure}``: spent today (UTC) plus the allowances of parses
  running now; measure = cpu_seconds | calls | cost
- ``invoicepipe_cost_day_ceiling{measure}``: the policy's day ceiling
- ``invoicepipe_cost_day_used_ratio{measure}``: the two divided (what the alert watches)
- ``invoicepipe_cost_day_alert_ratio``: the policy's ``costs.alert_day_share``
- ``invoicepipe_cost_day_ceiling_hits``: parses stopped at a ceiling today
"""

from __future__ import annotations

from ..domain.costs import MEASURES


class CostCollector:
    def __init__(self, app):
        self.app = app

    def describe(self):
        return []  # collected lazily: registering must not query the database

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from ..services.costs import day_report

        try:
            day = day_report(self.app)["days"][-1]
        except Exception:  # noqa: BLE001 - the pipeline collector reports the database as down
            return
        policy = self.app.policy.costs
        spent = GaugeMetricFamily("invoicepipe_cost_day_spent", "Spent today (UTC) by engine calls, plus the allowances "
                                  "of parses running now, by measure.", labels=["measure"])
        ceiling = GaugeMetricFamily("invoicepipe_cost_day_ceiling", "The policy's day ceiling, by measure.", labels=["measure"])
        used = GaugeMetricFamily("invoicepipe_cost_day_used_ratio", "Share of the day ceiling used, by measure.", labels=["measure"])
        for m in MEASURES:
            value = day["spent"][m] + day["reserved"][m]
            spent.add_metric([m], float(value))
            ceiling.add_metric([m], float(policy.day.get(m)))
            if policy.day.get(m):
                used.add_metric([m], float(value) / float(policy.day.get(m)))
        alert = GaugeMetricFamily("invoicepipe_cost_day_alert_ratio", "Share of a day ceiling at which the cost alert warns (policy).")
        alert.add_metric([], float(policy.alert_day_share))
        hits = GaugeMetricFamily("invoicepipe_cost_day_ceiling_hits", "Parses stopped at a cost ceiling today (UTC).")
        hits.add_metric([], float(day["ceiling_hits"]))
        yield from (spent, ceiling, used, alert, hits)
