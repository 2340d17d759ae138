"""What the lookup benchmarks share: their options and a database loaded once with prior rows.

A loaded database is reused on the next run when it holds the requested number of rows, so
the million-row load (minutes) is paid once; any other count is refused rather than mixed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import Engine, Table, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from invoicepipe.adapters.db.engine import make_engine  # noqa: E402
from invoicepipe.adapters.db.migrate import upgrade  # noqa: E402


def lookup_options(description: str, database: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / database}")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--vendors", type=int, default=5_000)
    ap.add_argument("--probes", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=11)
    return ap


def loaded_database(args, table: Table, what: str, load: Callable[[Engine, int, int, int], float]) -> Optional[Engine]:
    """The migrated database holding ``args.rows`` rows of ``table`` (loading them if it is
    empty), or None (with the reason on stderr) when it holds another number."""
    upgrade(args.database_url)
    engine = make_engine(args.database_url)
    with engine.connect() as conn:
        present = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if present == 0:
        print(f"loading {args.rows:,} prior {what} from {args.vendors:,} vendors into {engine.dialect.name} ...")
        print(f"  load took {load(engine, args.rows, args.vendors, args.seed):.1f} s")
    elif present != args.rows:
        print(f"the database holds {present:,} {what}, not {args.rows:,}: point --database-url at an empty database", file=sys.stderr)
        return None
    else:
        print(f"reusing {present:,} prior {what} already loaded")
    return engine
