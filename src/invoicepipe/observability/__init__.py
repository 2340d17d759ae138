"""Metrics collectors computed at scrape time (registered by the /metrics endpoint)."""
