"""What running each parse in a child process costs: a one-page digital invoice read and
extracted inline and in a live child of ``ChildProcessRunner``, and the start of a child.

    .venv/bin/python benchmarks/parse_isolation.py [ROUNDS]

Prints medians and the ratio; no assertions (benchmarks are not tests).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(rounds: int = 30) -> None:
    from invoicepipe.adapters import readers
    from invoicepipe.adapters.parse_isolation import ChildProcessRunner
    from invoicepipe.domain.policy import ParseLimits
    from invoicepipe.services.parse_work import read_and_extract
    from tests.hostile_pdfs import text_page

    pdf = text_page(["ACME Industrial Supplies GmbH", "Invoice No: INV-1", "Invoice date: 2026-03-14",
                     "Net: 125.00 EUR", "VAT 19%: 23.75 EUR", "Total: 148.75 EUR"] * 4)
    limits = ParseLimits()
    args = (pdf, "application/pdf", 40, limits, [], None)
    runner = ChildProcessRunner(limits)
    try:
        started = time.perf_counter()
        runner.run(read_and_extract, *args)
        first = time.perf_counter() - started
        inline, child = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            read_and_extract(readers, *args)
            inline.append(time.perf_counter() - t)
            t = time.perf_counter()
            runner.run(read_and_extract, *args)
            child.append(time.perf_counter() - t)
    finally:
        runner.close()
    a, b = statistics.median(inline) * 1000, statistics.median(child) * 1000
    print(f"first call (starts the child): {first * 1000:.0f} ms")
    print(f"per document, inline: {a:.1f} ms   in a live child: {b:.1f} ms   overhead: {b - a:+.1f} ms ({b / a:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
