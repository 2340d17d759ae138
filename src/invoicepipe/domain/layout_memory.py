"""Per-vendor layout memory: where a vendor prints each field, learned from corrections.

A ``FieldSpot`` records, for one field of one vendor, the value's box relative to the page
(fractions of width and height, so it survives a different page size or scan resolution)
and the label printed before it on its line, or above it. Spots seen on several
documents gain weight; the memory is plain data the extractor receives as an argument
(``extract_invoice(..., memory=...)``) and an adapter stores as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Optional

LAYOUT_MEMORY_FORMAT = 1
MAX_SPOTS_PER_FIELD = 3


@dataclass(frozen=True)
class FieldSpot:
    field: str
    page: int  # 1 = first page; -1 = last page (totals of multi-page invoices)
    box: tuple[float, float, float, float]  # x0, top, x1, bottom as fractions of the page
    label: str  # normalised words printed next to the value; "" when none
    label_above: bool = False  # the label is on the line above the value, not left of it
    seen: int = 1

    def near(self, other: "FieldSpot", tolerance: float = 0.02) -> bool:
        return self.field == other.field and self.page == other.page and all(
            abs(a - b) <= tolerance for a, b in zip(self.box, other.box))


@dataclass(frozen=True)
class VendorLayout:
    vendor_key: str
    spots: tuple[FieldSpot, ...] = ()
    documents: int = 0

    def spots_for(self, field: str) -> list[FieldSpot]:
        return sorted((s for s in self.spots if s.field == field), key=lambda s: -s.seen)


def vendor_memory_key(vendor_id: Optional[str], printed_name: Optional[str]) -> Optional[str]:
    """The key a vendor's layout is stored under: the master id, else the printed name."""
    if vendor_id:
        return vendor_id
    name = " ".join("".join(ch for ch in (printed_name or "").lower() if ch.isalnum() or ch.isspace()).split())
    return f"name:{name}" if name else None


def merge_layouts(old: Optional[VendorLayout], new: VendorLayout) -> VendorLayout:
    """Add the spots of one more document: a spot seen again (same field, place and label)
    counts up; a field keeps its ``MAX_SPOTS_PER_FIELD`` most seen, newest first on ties."""
    if old is None:
        return new
    spots = list(old.spots)
    for spot in new.spots:
        same = next((i for i, s in enumerate(spots) if s.near(spot) and (s.label, s.label_above) == (spot.label, spot.label_above)), None)
        if same is None:
            spots.insert(0, spot)
        else:
            spots[same] = replace(spots[same], box=spot.box, seen=spots[same].seen + spot.seen)
    kept: list[FieldSpot] = []
    for field in dict.fromkeys(s.field for s in spots):
        ranked = sorted((s for s in spots if s.field == field), key=lambda s: -s.seen)
        kept.extend(ranked[:MAX_SPOTS_PER_FIELD])
    return VendorLayout(old.vendor_key, tuple(kept), old.documents + max(1, new.documents))


def layout_to_dict(layout: VendorLayout) -> dict:
    return {"format": LAYOUT_MEMORY_FORMAT, "vendor_key": layout.vendor_key, "documents": layout.documents,
            "spots": [{"field": s.field, "page": s.page, "box": [round(v, 4) for v in s.box], "label": s.label,
                       "label_above": s.label_above, "seen": s.seen}
                      for s in layout.spots]}


def layout_from_dict(raw: Mapping) -> VendorLayout:
    if raw.get("format") != LAYOUT_MEMORY_FORMAT:
        raise ValueError(f"unknown layout memory format {raw.get('format')!r}")
    spots = tuple(FieldSpot(s["field"], int(s["page"]), tuple(float(v) for v in s["box"]), s.get("label") or "",
                            bool(s.get("label_above", False)), int(s.get("seen", 1)))
                  for s in raw.get("spots", ()))
    return VendorLayout(raw["vendor_key"], spots, int(raw.get("documents", 0)))
