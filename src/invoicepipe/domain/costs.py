"""Cost ceilings at the extraction layer, as plain data and pure rules.

Three measures are metered for every engine call (reading a text layer, a Tesseract page, a
RapidOCR page): CPU seconds, calls, and money where an engine has a price per call. The
policy (``costs``) puts a ceiling on each, per document (over all of its parses, retries
included) and per UTC day (over every document). A parse is *granted* an allowance before
it starts: what is left under the document's ceiling and under the day's, whichever is
smaller, with the parses already running counted at their own allowances (``grant``). Each
expensive call is checked against it *before* it starts (``refusal``): one whose expected
spend would cross the allowance is not made, and the skip is kept as a ``CeilingHit`` that
the decision turns into the blocking reason ``cost_ceiling`` (``ceiling_reason``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

from .models import Reason

MEASURES = ("cpu_seconds", "calls", "cost")
DOCUMENT, DAY = "document", "day"
# Engines whose calls may be refused: the text layer is the cheap path and always read.
EXPENSIVE_ENGINES = frozenset({"tesseract", "rapidocr"})
_UNITS = {"cpu_seconds": "CPU seconds", "calls": "engine calls", "cost": ""}


@dataclass(frozen=True)
class Spend:
    """An amount of each measure: what was spent, what is allowed, or a ceiling."""

    cpu_seconds: float = 0.0
    calls: int = 0
    cost: float = 0.0

    def __add__(self, other: "Spend") -> "Spend":
        return Spend(self.cpu_seconds + other.cpu_seconds, self.calls + other.calls, self.cost + other.cost)

    def __sub__(self, other: "Spend") -> "Spend":
        return Spend(self.cpu_seconds - other.cpu_seconds, self.calls - other.calls, self.cost - other.cost)

    def get(self, measure: str) -> float:
        return getattr(self, measure)

    def floored(self) -> "Spend":
        """No measure below zero (what is left after a ceiling was passed is nothing)."""
        return Spend(max(0.0, self.cpu_seconds), max(0, self.calls), max(0.0, self.cost))

    def as_dict(self) -> dict:
        return {"cpu_seconds": round(self.cpu_seconds, 3), "calls": int(self.calls), "cost": round(self.cost, 6)}

    @classmethod
    def from_dict(cls, raw: Optional[Mapping]) -> "Spend":
        raw = raw or {}
        return cls(float(raw.get("cpu_seconds") or 0), int(raw.get("calls") or 0), float(raw.get("cost") or 0))


def total(spends: Iterable[Spend]) -> Spend:
    out = Spend()
    for s in spends:
        out = out + s
    return out


@dataclass(frozen=True)
class EnginePrice:
    """What one call of an engine costs: money (a hosted engine's price; the local engines
    cost none) and the CPU seconds to expect before this parse has timed one call itself."""

    cost_per_call: float = 0.0
    cpu_seconds_per_call: float = 1.0


@dataclass(frozen=True)
class CostPolicy:
    currency: str = "EUR"
    engines: Mapping[str, EnginePrice] = field(default_factory=dict)
    document: Spend = Spend(120.0, 60, 1.0)
    day: Spend = Spend(100_000.0, 200_000, 1_000.0)
    alert_day_share: float = 0.8  # share of a day ceiling at which the alert warns

    def price(self, engine: str) -> EnginePrice:
        return self.engines.get(engine, EnginePrice())


def cost_policy_from_dict(raw: Optional[Mapping]) -> CostPolicy:
    """The ``costs`` section of an already-validated policy (absent: the defaults)."""
    raw = raw or {}
    defaults = CostPolicy()
    engines = {name: EnginePrice(float(e.get("cost_per_call", 0)), float(e.get("cpu_seconds_per_call", 1.0)))
               for name, e in (raw.get("engines") or {}).items()}

    def ceilings(key: str, default: Spend) -> Spend:
        given = raw.get(key) or {}
        return Spend(float(given.get("cpu_seconds", default.cpu_seconds)), int(given.get("calls", default.calls)),
                     float(given.get("cost", default.cost)))

    return CostPolicy(currency=str(raw.get("currency", defaults.currency)), engines=engines,
                      document=ceilings("document", defaults.document), day=ceilings("day", defaults.day),
                      alert_day_share=float(raw.get("alert_day_share", defaults.alert_day_share)))


@dataclass(frozen=True)
class Budget:
    """What one parse may spend, granted before it starts, and what bounds it: for each
    measure the scope whose ceiling is nearer (``bound``), that ceiling and what the scope
    had spent (or reserved) before this parse (``before``)."""

    allowance: Spend
    bound: Mapping[str, str]
    ceilings: Mapping[str, Spend]
    before: Mapping[str, Spend]
    prices: Mapping[str, EnginePrice]
    policy_version: str

    def price(self, engine: str) -> EnginePrice:
        return self.prices.get(engine, EnginePrice())


def grant(policy: CostPolicy, policy_version: str, document_spent: Spend, day_spent: Spend) -> Budget:
    """The allowance of the next parse: per measure, the smaller of what the document's and
    the day's ceilings leave (``day_spent`` includes the allowances of parses running now,
    so concurrent parses never share the same remainder)."""
    left = {DOCUMENT: (policy.document - document_spent).floored(), DAY: (policy.day - day_spent).floored()}
    bound = {m: DOCUMENT if left[DOCUMENT].get(m) <= left[DAY].get(m) else DAY for m in MEASURES}
    allowance = Spend(*(left[bound[m]].get(m) for m in MEASURES))
    return Budget(allowance, bound, {DOCUMENT: policy.document, DAY: policy.day},
                  {DOCUMENT: document_spent, DAY: day_spent}, dict(policy.engines), policy_version)


def grant_within_share(policy: CostPolicy, policy_version: str) -> Budget:
    """``grant`` of a document's first parse whose share of the day (a slot's, see
    ``apportioned``) covers the document's whole ceiling: the document's ceiling binds every
    measure. What the day had spent is not read on that path and no refusal names it (the
    bound scope is the document's), so ``before`` holds the document's only."""
    return Budget(policy.document.floored(), {m: DOCUMENT for m in MEASURES}, {DOCUMENT: policy.document, DAY: policy.day},
                  {DOCUMENT: Spend()}, dict(policy.engines), policy_version)


def _floor6(value: float) -> float:
    return math.floor(value * 1e6) / 1e6


def apportioned(day_ceiling: Spend, held: Mapping[int, Spend]) -> dict[int, Spend]:
    """Each slot's share of the day: what it holds (spent plus reserved) and an equal part of
    what ``day_ceiling`` leaves after all the slots hold, rounded down (calls whole, the
    others to 1e-6, below float error at these sizes), so the shares never add up to more
    than the ceiling (and to no less than what is held: a slot already past its part keeps
    what it holds, with nothing more)."""
    left = (day_ceiling - total(held.values())).floored()
    n = max(1, len(held))
    part = Spend(_floor6(left.cpu_seconds / n), int(left.calls) // n, _floor6(left.cost / n))
    return {slot: spend + part for slot, spend in held.items()}


@dataclass(frozen=True)
class CeilingHit:
    """An expensive call that was not made: which engine, on which page, and the ceiling in
    the way with what its scope had spent when the call was refused."""

    scope: str
    measure: str
    engine: str
    page: int
    ceiling: float
    spent: float
    expected: float = 0.0  # what the call was expected to spend of the measure

    def as_dict(self) -> dict:
        return {"scope": self.scope, "measure": self.measure, "engine": self.engine, "page": self.page,
                "ceiling": round(self.ceiling, 6), "spent": round(self.spent, 6), "expected": round(self.expected, 6)}

    @classmethod
    def from_dict(cls, raw: Mapping) -> "CeilingHit":
        return cls(str(raw["scope"]), str(raw["measure"]), str(raw["engine"]), int(raw["page"]), float(raw["ceiling"]),
                   float(raw["spent"]), float(raw.get("expected") or 0.0))


def expected_call(budget: Budget, engine: str, timed: Iterable[float]) -> Spend:
    """What the next call of ``engine`` is expected to spend: the mean CPU of the calls this
    parse has timed (pages of one document cost alike), else the policy's estimate."""
    seen = list(timed)
    price = budget.price(engine)
    cpu = sum(seen) / len(seen) if seen else price.cpu_seconds_per_call
    return Spend(cpu, 1, price.cost_per_call)


def refusal(budget: Budget, spent: Spend, engine: str, page: int, timed: Iterable[float] = ()) -> Optional[CeilingHit]:
    """The ceiling a call of ``engine`` would cross after ``spent`` in this parse, or None
    when it may run. Checked before the call: an expensive path past a ceiling is not taken."""
    expected = expected_call(budget, engine, timed)
    after = spent + expected
    for measure in MEASURES:
        if after.get(measure) > budget.allowance.get(measure) + 1e-9:
            scope = budget.bound[measure]
            return CeilingHit(scope, measure, engine, page, budget.ceilings[scope].get(measure),
                              budget.before[scope].get(measure) + spent.get(measure), expected.get(measure))
    return None


@dataclass(frozen=True)
class CostCeiling:
    """The evidence of a parse that stopped at a ceiling: what it skipped and why."""

    hits: tuple[CeilingHit, ...]
    spent: Spend  # what the parse itself spent
    policy_version: str
    currency: str = "EUR"


def _amount(measure: str, value: float, currency: str) -> str:
    if measure == "cost":
        return f"{value:,.4f} {currency}"
    if measure == "calls":
        return f"{int(value)} {_UNITS[measure]}"
    return f"{value:,.1f} {_UNITS[measure]}"


def _pages(numbers: Iterable[int]) -> str:
    shown = sorted(set(numbers))
    return ", ".join(map(str, shown[:10])) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")


def ceiling_reason(found: CostCeiling) -> Reason:
    """The blocking reason ``cost_ceiling``: which ceiling (document or day), what had been
    spent against it, which pages were not read and where the second engine was not run, and
    the policy version whose ceilings these are."""
    first = found.hits[0]
    unread = [h.page for h in found.hits if h.engine != "rapidocr"]
    no_fallback = [h.page for h in found.hits if h.engine == "rapidocr"]
    scope = "this document's" if first.scope == DOCUMENT else "today's"
    skipped = "; ".join(x for x in (f"page(s) {_pages(unread)} not read" if unread else "",
                                    f"second OCR engine not run on page(s) {_pages(no_fallback)}" if no_fallback else "") if x)
    message = (f"OCR stopped at {scope} cost ceiling of {_amount(first.measure, first.ceiling, found.currency)} "
               f"({_amount(first.measure, first.spent, found.currency)} spent, the next page expected to need "
               f"{_amount(first.measure, first.expected, found.currency)}; policy {found.policy_version}): {skipped}")
    return Reason("cost_ceiling", message, {
        "scope": first.scope, "measure": first.measure, "ceiling": first.ceiling, "spent": round(first.spent, 6),
        "policy_version": found.policy_version, "pages_not_read": sorted(set(unread)),
        "fallback_not_run": sorted(set(no_fallback)), "parse_spent": found.spent.as_dict(),
        "hits": [h.as_dict() for h in found.hits]})
