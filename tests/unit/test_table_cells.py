"""adapters/table_cells against pdfplumber's ``intersections_to_cells``: the same cells in
the same order, on random grids of ruling lines (gaps, broken lines, merged cells, lines
that stop short, rectangles) and on the generated invoices' ruled pages."""

from __future__ import annotations

import random

import pytest
from pdfplumber.table import TableSettings, edges_to_intersections, intersections_to_cells

from invoicepipe.adapters.table_cells import cells


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if top == bottom else "v", "object_type": "line"}


def _random_edges(rng: random.Random) -> list[dict]:
    xs = sorted(rng.sample(range(0, 500, 10), rng.randrange(2, 9)))
    ys = sorted(rng.sample(range(0, 700, 10), rng.randrange(2, 12)))
    edges = []
    for y in ys:  # horizontal rules, some broken or cut short
        a, b = xs[0], xs[-1]
        if rng.random() < 0.3:
            a = rng.choice(xs)
        if rng.random() < 0.3:
            b = rng.choice(xs[xs.index(a):]) if a in xs else b
        if rng.random() < 0.2:
            middle = rng.choice(xs)
            edges += [_edge(a, y, middle, y), _edge(middle, y, b, y)]
        else:
            edges.append(_edge(a, y, b, y))
    for x in xs:  # vertical rules, some missing in stretches (merged cells)
        start = ys[0]
        for k in range(1, len(ys)):
            if rng.random() < 0.15:
                if ys[k - 1] > start:
                    edges.append(_edge(x, start, x, ys[k - 1]))
                start = ys[k]
        if ys[-1] > start:
            edges.append(_edge(x, start, x, ys[-1]))
    for _ in range(rng.randrange(3)):  # a box drawn apart, maybe overlapping the grid
        x, y = rng.randrange(0, 500), rng.randrange(0, 700)
        w, h = rng.randrange(5, 80), rng.randrange(5, 40)
        edges += [_edge(x, y, x + w, y), _edge(x, y + h, x + w, y + h), _edge(x, y, x, y + h), _edge(x + w, y, x + w, y + h)]
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(60))
def test_random_grids_give_pdfplumbers_cells(seed):
    settings = TableSettings.resolve(None)
    intersections = edges_to_intersections(_random_edges(random.Random(seed)), settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    assert cells(intersections) == intersections_to_cells(intersections)


def test_no_intersections_no_cells():
    assert cells({}) == []


def test_generated_ruled_pages_give_pdfplumbers_cells(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from invoicepipe.adapters.pdf import open_pdfium
    from invoicepipe.adapters.pdf_words import page_drawing

    generator = Path(__file__).resolve().parents[2] / "fixtures" / "generate.py"
    subprocess.run([sys.executable, str(generator), "--out", str(tmp_path), "--count", "8", "--seed", "5", "--forms", "digital"],
                   check=True, capture_output=True)
    found = 0
    for path in sorted(tmp_path.glob("pdf/*.pdf")):
        with open_pdfium(path.read_bytes()) as pdf:
            page = pdf[0]
            try:
                edges = page_drawing(page).edges
            finally:
                page.close()
        intersections = edges_to_intersections(edges, 3, 3)
        expected = intersections_to_cells(intersections)
        assert cells(intersections) == expected
        found += len(expected)
    assert found > 0  # the core layouts include ruled tables
