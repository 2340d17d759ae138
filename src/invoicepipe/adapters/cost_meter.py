"""The meter of one parse: every engine call timed, every expensive one checked first.

``metering(budget)`` makes a ``Meter`` the current one for the calling thread (a parse runs
in one thread of its child process); the readers ask ``permits(engine, page)`` before an
expensive call and wrap each call in ``charge(engine)``. Without a current meter (triage's
probe, a layout-memory re-read, the evaluation commands) every call is permitted and
nothing is recorded, so the readers work the same outside a parse.

CPU is the process's own plus its reaped children's (``tesseract`` run as a program), as
``observability.events.ocr_call`` counts it: a parse child runs one call at a time, so the
delta over a call is that call's.
"""

from __future__ import annotations

import resource
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator, Optional

from ..domain.costs import EXPENSIVE_ENGINES, Budget, CeilingHit, Spend, refusal, total

_CURRENT: ContextVar[Optional["Meter"]] = ContextVar("invoicepipe_cost_meter", default=None)


def cpu_now() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class ParseCost:
    """What one parse spent per engine, and the expensive calls it did not make."""

    engines: dict = field(default_factory=dict)  # engine -> Spend
    hits: tuple[CeilingHit, ...] = ()

    @property
    def spent(self) -> Spend:
        return total(self.engines.values())

    def engines_json(self) -> dict:
        return {name: s.as_dict() for name, s in sorted(self.engines.items())}


class Meter:
    def __init__(self, budget: Optional[Budget]):
        self.budget = budget
        self.engines: dict[str, Spend] = {}
        self.timed: dict[str, list[float]] = {}
        self.hits: list[CeilingHit] = []
        self.preparing: dict[str, float] = {}  # CPU spent preparing the page for the engine's next call

    def spent(self) -> Spend:
        return total(self.engines.values())

    def permits(self, engine: str, page: int) -> bool:
        """True when a call of ``engine`` fits what is left of the allowance; a refused
        call is remembered (engine, page, the ceiling in the way)."""
        if self.budget is None or engine not in EXPENSIVE_ENGINES:
            return True
        hit = refusal(self.budget, self.spent(), engine, page, self.timed.get(engine, ()))
        if hit is None:
            return True
        self.hits.append(hit)
        return False

    def add(self, engine: str, cpu_seconds: float, call: bool = True) -> None:
        """Count CPU against ``engine``; ``call=False`` is work for its next call (preparing
        the page), counted in its CPU and in that call's timing but not as a call."""
        cpu = max(0.0, cpu_seconds)
        if not call:
            self.engines[engine] = self.engines.get(engine, Spend()) + Spend(cpu, 0, 0.0)
            self.preparing[engine] = self.preparing.get(engine, 0.0) + cpu
            return
        price = self.budget.price(engine).cost_per_call if self.budget is not None else 0.0
        self.engines[engine] = self.engines.get(engine, Spend()) + Spend(cpu, 1, price)
        self.timed.setdefault(engine, []).append(cpu + self.preparing.pop(engine, 0.0))

    def result(self) -> ParseCost:
        return ParseCost(dict(self.engines), tuple(self.hits))


@contextmanager
def metering(budget: Optional[Budget]) -> Iterator[Meter]:
    """Make a fresh meter for ``budget`` current while the block runs."""
    meter = Meter(budget)
    token = _CURRENT.set(meter)
    try:
        yield meter
    finally:
        _CURRENT.reset(token)


def permits(engine: str, page: int) -> bool:
    meter = _CURRENT.get()
    return True if meter is None else meter.permits(engine, page)


@contextmanager
def charge(engine: str, call: bool = True) -> Iterator[None]:
    """Time one call of ``engine`` into the current meter (counted even when it raises);
    ``call=False`` times work done for its next call (see ``Meter.add``)."""
    meter = _CURRENT.get()
    if meter is None:
        yield
        return
    start = cpu_now()
    try:
        yield
    finally:
        meter.add(engine, cpu_now() - start, call)
