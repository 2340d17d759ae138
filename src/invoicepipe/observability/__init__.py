"""Metrics for operators: Prometheus exposition on the web service and on every worker pool.

- ``metrics.py``: the event metrics (counters and histograms, multiprocess-safe), built
  lazily so the process can choose multiprocess mode before prometheus_client is imported.
- ``events.py``: instrumentation at the point things happen (a committed state change, an
  export retry, an OCR call, an audit checkpoint); it never raises into the pipeline.
- ``collector.py``: values that live in the database or the broker (documents by state,
  review backlog and its age, export lag, queue depth and oldest message age), read at
  scrape time with bounded, indexed queries.
- ``dramatiq_metrics.py``: the Dramatiq middleware timing every step per pool, and the
  pool's exposition server.
- ``exposition.py``: what ``/metrics`` serves; other modules add collectors with
  ``register_collector``.
- ``drift_metrics.py``: the drift report (``invoicepipe drift``) as gauges, computed at
  scrape time at most once a minute.
"""
