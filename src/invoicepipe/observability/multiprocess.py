"""Multiprocess mode: the processes of one pool (or of ``invoicepipe up`` and its parse
children) write their metrics to files in one directory, and one exposition reads them all.

The directory must be chosen before prometheus_client is first imported in any of those
processes, so the commands that start them (``worker``, ``up``) call ``use_directory``
first; child processes inherit it through the environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_HOST_ENV = "INVOICEPIPE_METRICS_HOST"
METRICS_PORT_ENV = "INVOICEPIPE_METRICS_PORT"
# Each pool's exposition port unless INVOICEPIPE_METRICS_PORT / --metrics-port says otherwise.
POOL_PORTS = {"fast": 9191, "slow": 9192, "pipeline": 9193}


def use_directory(path: Path, *, clear: bool = True) -> Path:
    """Put this process (and its children) in multiprocess mode over ``path``.

    ``clear`` empties it first: files of a previous run would add counts of processes long
    gone (Prometheus reads the restart as a counter reset, which rate() handles)."""
    path.mkdir(parents=True, exist_ok=True)
    if clear:
        for f in path.glob("*.db"):
            f.unlink(missing_ok=True)
    os.environ[METRICS_DIR_ENV] = str(path)
    # Dramatiq's Prometheus middleware reads its own variable when imported.
    os.environ["dramatiq_prom_db"] = str(path)
    return path


def clear_live_gauges(path: Path) -> None:
    """Drop the live gauges of processes that are gone (a pool killed with SIGKILL never
    marked its processes dead); counters and histograms stay."""
    for f in path.glob("gauge_live*.db"):
        f.unlink(missing_ok=True)


def active_directory() -> Optional[str]:
    """The directory this process's metrics live in, or None when they live in memory.

    prometheus_client fixed its storage when first imported; a directory named in the
    environment only after that is not where this process's values are."""
    directory = os.environ.get(METRICS_DIR_ENV) or None
    if directory is None:
        return None
    from prometheus_client import values

    return directory if values.ValueClass is not values.MutexValue else None


def can_choose() -> bool:
    """False once prometheus_client is imported in this process (its storage is fixed)."""
    return "prometheus_client" not in sys.modules


def mark_dead(pid: int) -> None:
    """Tell prometheus_client a process of the pool ended (its live gauges stop counting)."""
    directory = active_directory()
    if not directory:
        return
    try:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, directory)
    except Exception:  # noqa: BLE001 - best effort at shutdown
        pass
