"""Every region of unseen layouts splits them into a dev part and a holdout part that share
no layout, and the planner draws each part's invoices from its own layouts only: rules are
written on the dev part, the holdout measures how they generalise."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from gen.scenarios import Planner  # noqa: E402


def _layouts_drawn(region: str, part: str, count: int | None = None) -> set[str]:
    planner = Planner(11, region, part)
    return {planner.add(i).layout_name for i in range(1, (count or len(planner.schedule)) + 1)}


@pytest.mark.parametrize("region, dev, holdout", [("harbor", 5, 5), ("delta", 8, 4), ("echo", 8, 4), ("fox", 8, 4),
                                                  ("golf", 8, 4), ("hotel", 8, 4), ("india", 8, 4),
                                                  ("juliet", 12, 13), ("kilo", 12, 13)])
def test_parts_split_the_layouts_and_stay_apart(region, dev, holdout):
    module = importlib.import_module(f"gen.{region}")
    assert set(module.DEV).isdisjoint(module.HOLDOUT)
    assert (len(module.DEV), len(module.HOLDOUT)) == (dev, holdout)
    for part, layouts in (("dev", module.DEV), ("holdout", module.HOLDOUT)):
        assert _layouts_drawn(region, part, 45) <= set(layouts)
    if hasattr(module, "LAYOUTS"):
        assert _layouts_drawn(region, "all") == set(module.LAYOUTS)
