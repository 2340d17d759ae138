"""Keeps a pool's ``dramatiq`` process group running: ``invoicepipe worker POOL``.

When one of Dramatiq's worker processes dies (SIGKILL, the OOM killer), the ``dramatiq``
parent stops the others and exits; nothing inside Dramatiq starts it again. The supervisor
runs the command as its own process group and starts it again after a back-off (doubling
from ``min_backoff`` to ``max_backoff``, back to the minimum once a run lasted
``stable_after`` seconds), logging each exit and restart. The group dies with the
supervisor (``PR_SET_PDEATHSIG`` on Linux), and SIGTERM/SIGINT are passed on to it, so a
container stop still lets the running messages finish.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
import time
from typing import Callable, Optional, Sequence

PR_SET_PDEATHSIG = 1
STOP_GRACE_S = 30.0


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _kill_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def supervise(argv: Sequence[str], log, *, min_backoff: float = 1.0, max_backoff: float = 60.0, stable_after: float = 60.0,
              stopping: Optional[threading.Event] = None, env: Optional[dict] = None,
              before_start: Optional[Callable[[], None]] = None) -> int:
    """Run ``argv`` until ``stopping`` is set (or SIGTERM/SIGINT arrives), restarting it
    whenever it exits; ``before_start`` runs before each start. Returns 0 after a requested stop."""
    stopping = stopping or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
    backoff, restarts = min_backoff, 0
    while not stopping.is_set():
        started = time.monotonic()
        if before_start is not None:
            before_start()
        # start_new_session: the pool is its own process group, so a restart can end every
        # process of the old one and a signal to the group reaches them all
        proc = subprocess.Popen(list(argv), start_new_session=True, preexec_fn=die_with_parent, env=env)
        log.info("pool_started", pid=proc.pid, restarts=restarts, command=" ".join(argv))
        while proc.poll() is None and not stopping.is_set():
            stopping.wait(0.2)
        if stopping.is_set():
            _stop(proc, log)
            return 0
        ran = time.monotonic() - started
        _kill_group(proc.pid, signal.SIGKILL)  # anything the dead parent left behind
        if ran >= stable_after:
            backoff = min_backoff
        restarts += 1
        log.warning("pool_exited", pid=proc.pid, exit_code=proc.returncode, ran_s=round(ran, 1), restart_in_s=backoff,
                    restarts=restarts)
        stopping.wait(backoff)
        backoff = min(backoff * 2, max_backoff)
    return 0


def _stop(proc: subprocess.Popen, log) -> None:
    log.info("pool_stopping", pid=proc.pid)
    _kill_group(proc.pid, signal.SIGTERM)  # Dramatiq finishes running messages on SIGTERM
    try:
        proc.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid, signal.SIGKILL)
        proc.wait()
