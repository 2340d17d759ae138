"""Where a parse runs: in a child process under the policy's limits, or inline (tests).

Both runners take a top-level function ``fn(readers, *args)`` and return its result, and
both turn what it raises into the one error hierarchy: our own errors as they are, a
``MemoryError`` into ``LimitExceeded`` naming ``parse_memory_mb``, and anything else the
reader or the extractor raises on this input (``decimal.InvalidOperation`` from an absurd
amount, an ``IndexError`` on a malformed page) into ``UnreadableDocument`` with its real
reason: the same bytes raise it again, so retrying cannot help.

``ChildProcessRunner`` keeps a small pool of long-lived ``spawn`` children (PDFium is not
fork-safe once threads run), one per worker thread that needed one, created on first use.
A child that is killed (a limit, a crash) is replaced, and so is one whose address space
grew past ``RECYCLE_GROWTH_SHARE`` of its allowance; the worker process and the other
children carry on. Measured on the 2-core test machine (``benchmarks/parse_isolation.py``):
starting a child (interpreter + pdfplumber, pypdfium2, extraction imports) costs 0.8 to
1.5 s, five to ten times the ~150 ms a digital invoice needs in all, so one child per
document is too dear; a call to a live child only adds pickling the PDF and the result,
within the noise for a one-page invoice (33.2 ms in the child vs 33.5 ms inline, median).

A call may ask the worker something half-way (``run(..., answer=fn)``: the work gets an
``ask`` keyword and ``ask(request)`` returns ``answer(request)``, computed in the worker).
A parse asks for the resolved vendor's layout memory and purchase orders, which only the
worker's database has, and carries on with what it read still in memory: before, it
returned the whole text to the worker and got it back in a second call, pickled four times
per document. While answering, the worker may run further calls (``run`` from the same
thread): they go to the child that asked, which serves them before it waits on, so a
nested read needs no second child. An answer that fails leaves the child waiting: it is
replaced, and the failure is raised as it was (a database error stays transient).

An argument that stays the same from call to call (the vendor master, the same tuple while
its table's version holds) is passed as ``Shared(slot, value)``: a child is sent it once
and keeps it under ``slot``; later calls with the same object send only the slot's name.
Pickled with every call, the master cost the worker and the child time in proportion to
the number of vendors (and the child a fresh tuple, so its vendor index was re-hashed) on
every invoice.
"""

from __future__ import annotations

import decimal
import gc
import importlib
import multiprocessing
import os
import resource
import signal
import threading
import time
from typing import Any, Callable, Optional

from ..domain.policy import ParseLimits
from ..errors import InvoicepipeError, LimitExceeded, ReaderCrashed, TransientError, UnreadableDocument

READERS_MODULE = "invoicepipe.adapters.readers"
WORK_MODULE = "invoicepipe.services.parse_work"
POLL_S = 0.2
# A child is replaced once its address space has grown this share of ``parse_memory_mb``
# past what it mapped before its first document: its limit is that baseline plus the
# allowance, so a child that kept what it once allocated would leave less to each later
# document. Replacing children by call count alone (every 250 documents) restarted them
# for nothing: a child's address space stays flat after its first documents (8 MB over 300
# digital invoices here), and each start costs 0.8-1.5 CPU s.
RECYCLE_GROWTH_SHARE = 0.25
SINGLE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT")
ORPHAN_CHECK_S = 0.5
CHILD_GC_THRESHOLD = 7000  # allocations between first-generation passes in a parse child (Python's default: 700)


def memory_exceeded(limits: ParseLimits) -> LimitExceeded:
    return LimitExceeded(f"needs more than {limits.parse_memory_mb} MB to parse (limit parse_memory_mb)", "parse_memory_mb")


def cpu_exceeded(limits: ParseLimits) -> LimitExceeded:
    return LimitExceeded(f"needs more than {limits.parse_cpu_seconds} s of CPU time to parse (limit parse_cpu_seconds)",
                         "parse_cpu_seconds")


def wall_exceeded(limits: ParseLimits) -> LimitExceeded:
    return LimitExceeded(f"parsing took longer than {limits.parse_wall_seconds} s (limit parse_wall_seconds)", "parse_wall_seconds")


def describe_bad_data(exc: BaseException) -> str:
    """The reason shown for an unexpected error raised while reading or extracting."""
    if isinstance(exc, decimal.InvalidOperation):
        return "an amount on the document cannot be used as a number (decimal.InvalidOperation: too many digits or malformed)"
    text = str(exc).strip()
    return f"the document's content cannot be processed: {type(exc).__name__}{': ' + text[:300] if text else ''}"


def classify_failure(exc: BaseException, limits: ParseLimits) -> InvoicepipeError:
    """The error to raise for ``exc`` raised inside a parse (see the module docstring)."""
    if isinstance(exc, InvoicepipeError):
        return exc
    if isinstance(exc, MemoryError):
        return memory_exceeded(limits)
    if isinstance(exc, RecursionError):
        return UnreadableDocument("the document is nested too deeply to read (RecursionError)")
    return UnreadableDocument(describe_bad_data(exc))


class _AnswerFailed(BaseException):
    """Carries an answer's failure through the work unclassified (a BaseException: the
    work's own ``except Exception`` must not swallow it)."""

    def __init__(self, error: BaseException):
        super().__init__(error)
        self.error = error


def _passing_failures(answer: Callable) -> Callable:
    def ask(request: Any) -> Any:
        try:
            return answer(request)
        except BaseException as exc:  # noqa: BLE001 - re-raised as it was by the runner
            raise _AnswerFailed(exc) from exc
    return ask


class Shared:
    """An argument a child keeps between calls (see the module docstring): ``value`` is sent
    to a child once per object (compared by identity, held until another object takes the
    slot), and the work receives ``value`` itself."""

    __slots__ = ("slot", "value")

    def __init__(self, slot: str, value: Any):
        self.slot, self.value = slot, value


class _Kept:
    """What is sent in place of a ``Shared`` value the child already keeps."""

    __slots__ = ("slot",)

    def __init__(self, slot: str):
        self.slot = slot


def _resolve(args: tuple, kept: dict) -> tuple:
    """The child's side: a ``Shared`` value is kept under its slot, a ``_Kept`` replaced by it."""
    out = []
    for arg in args:
        if isinstance(arg, Shared):
            kept[arg.slot] = arg = arg.value
        elif isinstance(arg, _Kept):
            arg = kept[arg.slot]
        out.append(arg)
    return tuple(out)


def _unshared(args: tuple) -> tuple:
    return tuple(arg.value if isinstance(arg, Shared) else arg for arg in args)


class InlineRunner:
    """Runs the parse in the calling thread with ``readers`` (the fake ones in unit tests,
    or wherever a child process is not wanted): the same error classification, no limits
    but the page and pixel checks the readers make themselves."""

    def __init__(self, readers: Any, limits: ParseLimits):
        self.readers, self.limits = readers, limits

    def run(self, fn: Callable, *args: Any, deadline: Optional[float] = None, answer: Optional[Callable] = None) -> Any:
        args = _unshared(args)
        try:
            if answer is None:
                return fn(self.readers, *args)
            return fn(self.readers, *args, ask=_passing_failures(answer))
        except _AnswerFailed as failed:
            raise failed.error from None  # the worker's own failure, not the document's
        except Exception as exc:  # noqa: BLE001 - classified, see the module docstring
            raise classify_failure(exc, self.limits) from exc

    def close(self) -> None:
        return None


# -- the child side -------------------------------------------------------------------------

def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _die_when_orphaned(worker_pid: int) -> None:
    """End this child and its Tesseract as soon as the worker that started it is gone.

    A SIGKILLed worker cannot close our pipe in time: a long OCR call would run on for
    minutes as an orphan, holding a core the restarted pool needs. Our own process group
    (``setpgrp``) holds just us and our Tesseract, so killing it ends exactly those.
    """
    def watch() -> None:
        while os.getppid() == worker_pid:
            time.sleep(ORPHAN_CHECK_S)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _child_main(conn, readers_module: str, memory_mb: int, worker_pid: Optional[int] = None) -> None:
    """Serve calls until the pipe closes. Each call gets its own CPU allowance: RLIMIT_CPU
    counts the process's whole life, so the soft limit is moved to 'used so far + allowance'
    before every call; at the limit the kernel sends SIGXCPU, which ends the child."""
    # Tesseract runs as our child: killing the group ends it too. No PR_SET_PDEATHSIG here:
    # it fires when the *thread* that started us ends, and worker threads come and go; a
    # child whose worker died notices its new parent within ORPHAN_CHECK_S and ends itself
    # (``_die_when_orphaned``), even in the middle of a call.
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the worker, which stops us
    # The worker's pid comes from the worker itself: if it died while we were starting,
    # our parent is already someone else and we end at once.
    _die_when_orphaned(worker_pid or os.getppid())
    # One thread per library: a parse is single-threaded by design, and a BLAS pool sized to
    # the machine's cores reserves address space per thread before any document is read.
    for name in SINGLE_THREAD_ENV:
        os.environ.setdefault(name, "1")
    readers = importlib.import_module(readers_module)
    importlib.import_module(WORK_MODULE)  # the extraction code, so the first document does not pay for it
    _spare_the_collector()
    # The limit is the document's allowance on top of what the loaded libraries already
    # map: their address space differs from machine to machine (measured 207 MB here), and
    # an absolute limit made the same document fit on one machine and abort on another.
    baseline_mb = _vm_size_mb(os.getpid()) or 0.0
    limit = int((baseline_mb + memory_mb) * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_hard, cpu_hard))  # no allowance between calls
    conn.send(("ready", baseline_mb))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        _serve(conn, readers, message)


def _spare_the_collector() -> None:
    """Keep the cyclic garbage collector off the loaded libraries and out of the parse's way.

    A parse allocates tens of thousands of short-lived containers (characters, edges, words,
    lines), so the collector ran about six times per digital invoice, and every few
    invoices a full pass walked the ~90,000 objects the imports left behind (pdfplumber,
    numpy, the extraction rules) though none of them ever becomes garbage: 3 of ~30 CPU ms
    per invoice. Frozen, the imports are never walked again; a larger first generation
    lets a parse's own objects die by reference count before a pass looks at them. Cycles
    are still collected, a few thousand allocations later: about 0.3 ms per invoice.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(CHILD_GC_THRESHOLD, *gc.get_threshold()[1:])


_KEPT: dict = {}  # the child's ``Shared`` values by slot (one child process: one store)


def _serve(conn, readers, message: tuple) -> None:
    """Run one call and send its reply. The call's CPU allowance is set for its duration;
    after it, the allowance in force before it comes back, moved on by what this call
    used: a call made while the worker answers an outer call's question (a nested read)
    spends its own allowance, not the outer call's."""
    _, fn, args, cpu_seconds, asks = message
    args = _resolve(args, _KEPT)
    previous, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    began = _cpu_used()
    _set_cpu_soft(int(began) + cpu_seconds + 1, cpu_hard)
    try:
        reply = ("ok", fn(readers, *args, ask=_asker(conn, readers)) if asks else fn(readers, *args))
    except MemoryError:
        reply = ("memory", None)
    except TransientError as exc:
        reply = ("transient", str(exc))
    except Exception as exc:  # noqa: BLE001 - classified in the parent
        reply = ("error", exc if isinstance(exc, InvoicepipeError) else describe_bad_data(exc))
    _set_cpu_soft(previous if previous == resource.RLIM_INFINITY else previous + int(_cpu_used() - began) + 1, cpu_hard)
    try:
        conn.send(reply)
    except MemoryError:
        conn.send(("memory", None))


def _set_cpu_soft(soft: int, hard: int) -> None:
    if hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > hard):
        soft = hard
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _asker(conn, readers) -> Callable:
    """``ask(request)`` inside the child: the request goes to the worker, and calls the
    worker makes while answering are served here until the answer comes."""
    def ask(request: Any) -> Any:
        conn.send(("ask", request))
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                os._exit(0)  # the worker is gone (or replaced us): nothing to answer to
            if message[0] == "answer":
                return message[1]
            _serve(conn, readers, message)
    return ask


# -- the parent side ------------------------------------------------------------------------

def _vm_size_mb(pid: int) -> Optional[float]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


class _Child:
    def __init__(self, ctx, readers_module: str, limits: ParseLimits):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_child_main, args=(theirs, readers_module, limits.parse_memory_mb, os.getpid()),
                                   name="invoicepipe-parse", daemon=True)
        self.process.start()
        theirs.close()
        self.calls = 0
        self.healthy = True  # False once it died, ran out of time or memory: it is replaced
        self.spoiled = False  # a call (a nested one too) ran out of memory: replace it after the outer call
        self.ready = False
        self.baseline_mb = 0.0  # the child's address space before its first document
        self.kept: dict = {}  # slot -> the Shared value this child holds (a strong reference: identity stays unique)

    def _wait_ready(self, limits: ParseLimits) -> None:
        # Starting the interpreter and importing the readers is not the document's time.
        while not self.conn.poll(POLL_S):
            if not self.process.is_alive():
                self.process.join(1)
                raise self._death(limits, 0.0)
        _, baseline = self.conn.recv()
        self.baseline_mb = float(baseline or 0.0)
        self.ready = True

    def grown(self, limits: ParseLimits) -> bool:
        """Has the child's address space grown past what it may keep (``RECYCLE_GROWTH_SHARE``)?"""
        size = _vm_size_mb(self.process.pid)
        return size is not None and size - self.baseline_mb > RECYCLE_GROWTH_SHARE * limits.parse_memory_mb

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def call(self, fn: Callable, args: tuple, limits: ParseLimits, deadline: float,
             answer: Optional[Callable] = None) -> Any:
        if not self.ready:
            started = time.monotonic()
            self._wait_ready(limits)
            deadline += time.monotonic() - started
        self.calls += 1
        self.healthy = False  # until a reply arrives (a child that failed, and what it kept, is replaced)
        self.conn.send(("call", fn, self._sharing(args), limits.parse_cpu_seconds, answer is not None))
        while True:
            kind, value = self._receive(limits, deadline)
            if kind != "ask":
                break
            if answer is None:
                raise ReaderCrashed("the parse asked the worker a question it was not given a way to answer")
            try:
                reply = answer(value)
            finally:
                self.healthy = False  # a nested call's reply set it; this call has not replied yet
            self.conn.send(("answer", reply))  # (an answer that raised left the child waiting: replaced)
        self.spoiled = self.spoiled or kind == "memory"
        self.healthy = not self.spoiled
        if kind == "ok":
            return value
        if kind == "memory":
            raise memory_exceeded(limits)
        if kind == "transient":
            raise TransientError(value)
        raise value if isinstance(value, InvoicepipeError) else UnreadableDocument(value)

    def _sharing(self, args: tuple) -> tuple:
        """``args`` as sent: a ``Shared`` value this child keeps already goes as its slot's name."""
        out = []
        for arg in args:
            if isinstance(arg, Shared):
                if self.kept.get(arg.slot) is arg.value:
                    arg = _Kept(arg.slot)
                else:
                    self.kept[arg.slot] = arg.value
            out.append(arg)
        return tuple(out)

    def _receive(self, limits: ParseLimits, deadline: float) -> tuple:
        peak_mb = 0.0
        while not self.conn.poll(POLL_S):
            peak_mb = max(peak_mb, _vm_size_mb(self.process.pid) or 0.0)
            if not self.process.is_alive():
                self.process.join(1)
                raise self._death(limits, peak_mb)
            if time.monotonic() > deadline:
                raise wall_exceeded(limits)
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise self._death(limits, peak_mb) from None

    def _death(self, limits: ParseLimits, peak_mb: float) -> InvoicepipeError:
        code = self.process.exitcode
        signum = -code if code is not None and code < 0 else None
        if signum == signal.SIGXCPU:
            return cpu_exceeded(limits)
        # Native readers (PDFium) abort instead of raising when an allocation fails under
        # RLIMIT_AS; a child last seen near its address-space limit died of memory.
        if peak_mb - self.baseline_mb >= 0.8 * limits.parse_memory_mb:
            return memory_exceeded(limits)
        name = signal.Signals(signum).name if signum else f"exit code {code}"
        return ReaderCrashed(f"the reader crashed on this document ({name}) while parsing")


class ChildProcessRunner:
    """Runs each parse in a long-lived child process under the policy's limits (see the
    module docstring). ``readers_module`` is imported by the child (the real readers, or a
    test's)."""

    def __init__(self, limits: ParseLimits, readers_module: str = READERS_MODULE, max_calls_per_child: int = 10_000):
        self.limits, self.readers_module = limits, readers_module
        self.max_calls_per_child = max_calls_per_child
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[_Child] = []  # under _lock; the one put back last at the end
        self._all: set[_Child] = set()
        self._lock = threading.Lock()
        self._asking = threading.local()  # the child whose question this thread is answering
        self._last = threading.local()  # the child this thread's last call ran in
        self.started = 0  # children started so far (replacements included)

    def _take(self) -> _Child:
        while True:
            with self._lock:
                if not self._idle:
                    break
                # the child of this thread's last call when it is idle, else the one put back
                # last: triage's probe leaves a document's pages loaded in its child for the
                # parse of the same message (``pdf_held``), which then meets them there
                mine = getattr(self._last, "child", None)
                child = mine if mine is not None and mine in self._idle else self._idle[-1]
                self._idle.remove(child)
            if child.process.is_alive():
                self._last.child = child
                return child
            self._discard(child)  # died while idle (killed from outside): not a document's fault
        child = _Child(self._ctx, self.readers_module, self.limits)
        self._last.child = child
        with self._lock:
            self._all.add(child)
            self.started += 1
        return child

    def _discard(self, child: _Child) -> None:
        child.kill()
        with self._lock:
            self._all.discard(child)

    def run(self, fn: Callable, *args: Any, deadline: Optional[float] = None, answer: Optional[Callable] = None) -> Any:
        """``fn(readers, *args)`` in a child; ``deadline`` (monotonic) defaults to now +
        ``parse_wall_seconds``. A child that failed in any way but a plain error is replaced.
        With ``answer``, ``fn`` gets ``ask`` (see the module docstring)."""
        deadline = deadline if deadline is not None else time.monotonic() + self.limits.parse_wall_seconds
        asking = getattr(self._asking, "child", None)
        if asking is not None:  # called while answering a child's question: that child serves it
            return asking.call(fn, args, self.limits, deadline, self._answering(asking, answer) if answer else None)
        child = self._take()
        try:
            return child.call(fn, args, self.limits, deadline, self._answering(child, answer) if answer else None)
        finally:
            # a backstop on calls for what the address space does not show (descriptors, caches)
            if child.healthy and child.calls < self.max_calls_per_child and not child.grown(self.limits):
                with self._lock:
                    self._idle.append(child)
            else:
                self._discard(child)

    def _answering(self, child: _Child, answer: Callable) -> Callable:
        def answering(request: Any) -> Any:
            outer = getattr(self._asking, "child", None)
            self._asking.child = child
            try:
                return answer(request)
            finally:
                self._asking.child = outer
        return answering

    def close(self) -> None:
        with self._lock:
            children = list(self._all)
            self._all.clear()
        for child in children:
            child.kill()
