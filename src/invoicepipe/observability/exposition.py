"""What ``/metrics`` serves: the event metrics of this process (or of every process sharing
the multiprocess directory) plus the collectors registered for the scrape.

Other modules extend the scrape with ``register_collector(factory)``: ``factory(app)``
returns a prometheus_client collector (an object with ``collect()``), built once per
``/metrics`` endpoint.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from .multiprocess import active_directory

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_FACTORIES: list[Callable[[Any], Any]] = []


def register_collector(factory: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Add a collector factory to every ``/metrics`` built afterwards (usable as a decorator)."""
    if factory not in _FACTORIES:
        _FACTORIES.append(factory)
    return factory


def collector_factories() -> list[Callable[[Any], Any]]:
    from .collector import PipelineCollector
    from .cost_metrics import CostCollector
    from .drift_metrics import drift_collector

    return [PipelineCollector, drift_collector, CostCollector, *_FACTORIES]


class _Collectors:
    """A registry-like object over several collectors, for ``generate_latest``."""

    def __init__(self, collectors: Iterable[Any]):
        self.collectors = list(collectors)

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def render_multiprocess(directory: str) -> bytes:
    """Every process's event metrics in ``directory`` (a pool's exposition server)."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)


class MetricsEndpoint:
    """The ``/metrics`` of a process that holds an App: its event metrics and the
    scrape-time collectors over the App's database and broker."""

    def __init__(self, app, factories: Optional[list[Callable[[Any], Any]]] = None):
        from .metrics import metrics

        metrics()  # the families exist (at zero) before the first event, so queries and alerts see them
        self.collectors = [factory(app) for factory in (factories or collector_factories())]

    def render(self) -> bytes:
        from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        directory = active_directory()
        if directory:
            events = CollectorRegistry()
            MultiProcessCollector(events, path=directory)
        else:
            events = REGISTRY
        return generate_latest(_Collectors([events, *self.collectors]))
