"""The policy as plain data: thresholds, amount bands, tolerances, triage limits.

The policy file is validated against ``schemas/policy.schema.json`` by the adapter that
reads it; this module only turns an already-valid mapping into frozen dataclasses, so the
router and reconciler stay pure functions of (input, master data, policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Optional

from .costs import CostPolicy, cost_policy_from_dict
from .drift import DriftPolicy
from .triage import TriageLimits


@dataclass(frozen=True)
class AmountBand:
    above: Decimal
    threshold_bonus: float = 0.0
    always_review: bool = False


@dataclass(frozen=True)
class VendorRouting:
    thresholds: Mapping[str, float] = field(default_factory=dict)
    always_review: bool = False
    max_auto_amount: Optional[Decimal] = None


STRICTER, LOOSER = "stricter", "looser"


@dataclass(frozen=True)
class Tolerances:
    price_percent: Decimal = Decimal("0")
    price_absolute: Decimal = Decimal("0")
    quantity_percent: Decimal = Decimal("0")
    quantity_absolute: Decimal = Decimal("0")
    header_total_absolute: Decimal = Decimal("0")
    # Freight/shipping/handling lines not on the PO: accepted up to the larger of the two.
    charges_absolute: Decimal = Decimal("0")
    charges_percent: Decimal = Decimal("0")
    # How a percentage and an absolute tolerance combine: "stricter" allows the smaller of
    # the two (a 0.50 allowance must not let a 3.53 item through at +12 %), "looser" the larger.
    # A 0 next to a non-zero limit means "no limit of this kind"; 0 and 0 mean exact.
    combine: str = STRICTER

    def allowed(self, expected: Decimal, percent: Decimal, absolute: Decimal) -> Decimal:
        """The variance allowed on ``expected`` under this tolerance's combination rule."""
        relative = abs(expected) * percent / Decimal(100)
        if self.combine != STRICTER:
            return max(absolute, relative)
        limits = [x for x, given in ((absolute, absolute > 0), (relative, percent > 0)) if given]
        return min(limits) if limits else Decimal(0)


@dataclass(frozen=True)
class RoutingPolicy:
    required_fields: tuple[str, ...]
    default_threshold: float
    thresholds: Mapping[str, float]
    amount_bands: tuple[AmountBand, ...] = ()
    vendor_overrides: Mapping[str, VendorRouting] = field(default_factory=dict)

    def threshold(self, field_name: str, vendor_id: Optional[str] = None) -> float:
        override = self.vendor_overrides.get(vendor_id or "")
        if override and field_name in override.thresholds:
            return override.thresholds[field_name]
        return self.thresholds.get(field_name, self.default_threshold)


@dataclass(frozen=True)
class ReconcilePolicy:
    tolerances: Tolerances
    vendor_tolerances: Mapping[str, Tolerances] = field(default_factory=dict)
    duplicate_threshold: float = 0.8
    duplicate_date_window_days: int = 45
    bank_change_window_days: int = 30
    non_po_invoices: str = "review"  # review | approval: both hold the invoice, never auto-approved
    # A content duplicate needs the wording this alike and the printed amounts (or numbers)
    # to agree this much (fingerprints.py; figures in benchmarks/content_prints.py).
    content_text_min: float = 0.45
    content_amounts_min: float = 0.5
    content_numbers_min: float = 0.6

    def tolerances_for(self, vendor_id: Optional[str]) -> Tolerances:
        return self.vendor_tolerances.get(vendor_id or "", self.tolerances)


@dataclass(frozen=True)
class Amounts:
    """Amount limits are written in one base currency; ``fx_rates`` converts the others
    (units of the base currency per unit of the currency, as of ``rates_as_of``)."""

    base_currency: str = "EUR"
    fx_rates: Mapping[str, Decimal] = field(default_factory=dict)
    rates_as_of: Optional[str] = None

    def to_base(self, amount: Decimal, currency: Optional[str]) -> Optional[Decimal]:
        """``amount`` in the base currency, or None when the currency has no rate."""
        if currency == self.base_currency:
            return amount
        rate = self.fx_rates.get(currency or "")
        return None if rate is None else (amount * rate).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ParseLimits:
    """What one parse (reading, OCR, extraction) may use before its document ends in
    ``failed`` naming the limit: memory (address space) and CPU time of the parse's own
    process, wall-clock time, pages, pixels of one rendered page, and the size of an XML e-invoice."""

    parse_memory_mb: int = 2048
    parse_cpu_seconds: int = 120
    parse_wall_seconds: int = 300
    max_pages: int = 200
    max_pixels_per_page: int = 60_000_000
    # An e-invoice XML is parsed whole into memory; even one carrying its attachments
    # (BG-24, base64) stays far below this, and a bigger one is refused before parsing.
    max_xml_bytes: int = 30_000_000


@dataclass(frozen=True)
class Policy:
    version: str
    triage: TriageLimits
    routing: RoutingPolicy
    reconcile: ReconcilePolicy
    max_attempts: int = 3
    amounts: Amounts = field(default_factory=Amounts)
    limits: ParseLimits = field(default_factory=ParseLimits)
    drift: DriftPolicy = field(default_factory=DriftPolicy)
    costs: CostPolicy = field(default_factory=CostPolicy)


def _tolerances(raw: Mapping[str, Any]) -> Tolerances:
    return Tolerances(**{k: (v if k == "combine" else Decimal(str(v))) for k, v in raw.items()})


def _amounts(raw: Mapping[str, Any]) -> Amounts:
    return Amounts(base_currency=raw.get("base_currency", "EUR"),
                   fx_rates={c.upper(): Decimal(str(r)) for c, r in (raw.get("fx_rates") or {}).items()},
                   rates_as_of=str(raw["rates_as_of"]) if raw.get("rates_as_of") else None)


def policy_from_dict(raw: Mapping[str, Any]) -> Policy:
    """Build a Policy from a mapping that already validated against the policy schema."""
    routing = raw["routing"]
    reconcile = raw["reconcile"]
    return Policy(
        version=str(raw["version"]),
        triage=TriageLimits(**raw["triage"]),
        routing=RoutingPolicy(
            required_fields=tuple(routing["required_fields"]),
            default_threshold=float(routing["default_threshold"]),
            thresholds={k: float(v) for k, v in (routing.get("thresholds") or {}).items()},
            amount_bands=tuple(
                sorted(
                    (
                        AmountBand(Decimal(str(b["above"])), float(b.get("threshold_bonus", 0)), bool(b.get("always_review", False)))
                        for b in routing.get("amount_bands") or ()
                    ),
                    key=lambda b: b.above,
                )
            ),
            vendor_overrides={
                vid: VendorRouting(
                    thresholds={k: float(v) for k, v in (o.get("thresholds") or {}).items()},
                    always_review=bool(o.get("always_review", False)),
                    max_auto_amount=Decimal(str(o["max_auto_amount"])) if o.get("max_auto_amount") is not None else None,
                )
                for vid, o in (routing.get("vendor_overrides") or {}).items()
            },
        ),
        reconcile=ReconcilePolicy(
            tolerances=_tolerances(reconcile["tolerances"]),
            # A vendor override changes only the keys it names; the rest come from the defaults.
            vendor_tolerances={vid: _tolerances({**reconcile["tolerances"], **t}) for vid, t in (reconcile.get("vendor_overrides") or {}).items()},
            duplicate_threshold=float(reconcile.get("duplicate_threshold", 0.8)),
            duplicate_date_window_days=int(reconcile.get("duplicate_date_window_days", 45)),
            bank_change_window_days=int(reconcile.get("bank_change_window_days", 30)),
            non_po_invoices=reconcile.get("non_po_invoices", "review"),
            **{f"content_{k}": float(v) for k, v in (reconcile.get("content_duplicates") or {}).items()},
        ),
        max_attempts=int(raw["retries"]["max_attempts"]),
        amounts=_amounts(raw.get("amounts") or {}),
        limits=ParseLimits(**{k: int(v) for k, v in (raw.get("limits") or {}).items()}),
        drift=DriftPolicy(**(raw.get("drift") or {})),
        costs=cost_policy_from_dict(raw.get("costs")),
    )
