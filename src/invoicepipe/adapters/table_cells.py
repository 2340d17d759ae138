"""pdfplumber's cells of a ruled table from its edge intersections, without its rescans.

``pdfplumber.table.intersections_to_cells`` finds, for each intersection in sorted order,
the smallest cell it is the top-left corner of: it copies the rest of the sorted points to
find the points straight below and straight right, and rebuilds two sets of edge boxes for
every pair it tests. That is half of a ruled page's table finding. Here the points below and
right come from the points grouped by x and by y (the same points in the same order: later
in (x, y) order with the same x, or with the same y), and each point's edge boxes are a set
made once; the tests are the same, in the same order, so the cells are the same list.
``tests/unit/test_table_cells.py`` compares both.
"""

from __future__ import annotations

import math
from typing import Optional

from pdfplumber.table import intersections_to_cells

Point = tuple[float, float]
Cell = tuple[float, float, float, float]


def cells(intersections: dict) -> list[Cell]:
    """``intersections_to_cells(intersections)``: the cells, in the order of their corners."""
    points = sorted(intersections)
    if any(math.isnan(x) or math.isnan(y) for x, y in points):  # NaN equals nothing: grouping would differ
        return intersections_to_cells(intersections)
    vertical = {p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["v"]} for p, edges in intersections.items()}
    horizontal = {p: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["h"]} for p, edges in intersections.items()}
    same_x: dict[float, list[Point]] = {}
    same_y: dict[float, list[Point]] = {}
    for point in points:  # each list in sorted order: by y for one x, by x for one y
        same_x.setdefault(point[0], []).append(point)
        same_y.setdefault(point[1], []).append(point)

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]):
            return True
        return p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])

    def smallest_cell(pt: Point) -> Optional[Cell]:
        below = [p for p in same_x[pt[0]] if p > pt]
        right = [p for p in same_y[pt[1]] if p > pt]
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                    return (pt[0], pt[1], corner[0], corner[1])
        return None

    return [cell for cell in map(smallest_cell, points) if cell]
