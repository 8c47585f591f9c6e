"""A time budget and a memory ceiling for one input's work, in whatever process does it.

    with budget(f"parsing {uri}"):
        ...                      # raises BudgetExceeded("timeout" | "too_costly") when over

Readers and NLP are built to cost time and memory linear in an input's size, with small
constants; this is the backstop for what that design misses. A busy worker cannot be asked to
look at a clock, so the clock interrupts it:

  * In a process's main thread (every pool worker, and the CLI with one process) an interval
    timer (ITIMER_PROF, SIGPROF: it ticks with the CPU time the process uses, so an idle process
    is never woken) calls a handler every TICK seconds of CPU; the handler compares the thread's
    CPU time with the budget and the resident memory with the ceiling and raises BudgetExceeded.
    Python runs signal handlers between bytecodes and inside long regular-expression matches, so
    a runaway parser loop or a catastrophic regex is stopped too. The timer runs only inside a
    budgeted block (other code never sees SIGPROF's EINTRs).
  * In another thread (a batch thread processing inline), a watchdog thread checks the same and
    raises the exception in the worker thread (PyThreadState_SetAsyncExc), which Python delivers
    at the thread's next bytecode.

Time is CPU time of the thread doing the work, not wall-clock time: on a machine shared with
other jobs an input's cost, not the machine's load, decides whether it is over budget (the
19 MB text file: 25 s of CPU over 81 s of wall clock on a loaded 2-core machine). A thread that
waits without computing is not what this guards against (inputs are local files; FIFOs and
devices are refused at discovery).

Memory is the growth of the process's resident set since the block began (read from
/proc/self/statm, Linux only; elsewhere only time is enforced). BudgetExceeded derives from
BaseException so that the pipeline's `except Exception` backstops (which turn a reader bug into a
parse_error) do not swallow it; the handler keeps raising on every tick until the block ends, so
a C extension that swallows one exception does not escape the budget."""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from etl import config

TICK = 0.1  # seconds of CPU time between checks


class BudgetExceeded(BaseException):
    """An input went over its time budget (`reason` "timeout") or memory ceiling ("too_costly")."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def _thread_clock(thread_id: int):
    """A function giving the CPU time of thread `thread_id` from any thread (the main thread's
    handler runs in the main thread itself; the watchdog reads other threads' clocks)."""
    if thread_id == threading.main_thread().ident:
        return time.thread_time
    try:
        clock = time.pthread_getcpuclockid(thread_id)
        return lambda: time.clock_gettime(clock)
    except (AttributeError, OSError):
        return time.process_time


@dataclass
class _Block:
    what: str
    seconds: float
    rss_limit: int  # bytes of RSS beyond which the block is over; 0: no ceiling
    start_rss: int
    thread_id: int
    fired: bool = False

    def __post_init__(self):
        self.clock = _thread_clock(self.thread_id)
        self.deadline = self.clock() + self.seconds

    def verdict(self) -> BudgetExceeded | None:
        if self.seconds and self.clock() > self.deadline:
            return BudgetExceeded("timeout", f"{self.what} took more than {self.seconds:g} s of CPU time")
        if self.rss_limit:
            rss = _rss()
            if rss > self.rss_limit:
                grown = (rss - self.start_rss) / 2**20
                return BudgetExceeded("too_costly", f"{self.what} needed more than {config.input_memory_mb()} MB "
                                                    f"(resident memory grew by {grown:.0f} MB)")
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss() -> int:
    """Resident set size of this process in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_active: _Block | None = None  # the main thread's block


def _on_tick(signum, frame) -> None:
    block = _active
    if block is not None:
        exc = block.verdict()
        if exc is not None:
            block.fired = True
            raise exc


@contextlib.contextmanager
def budget(what: str, seconds: float | None = None, memory_mb: int | None = None) -> Iterator[None]:
    """Run the block under the input time budget and memory ceiling (defaults from config;
    0 turns either off). Nested blocks run under the outer one only."""
    seconds = config.input_seconds() if seconds is None else seconds
    memory_mb = config.input_memory_mb() if memory_mb is None else memory_mb
    start_rss = _rss() if memory_mb else 0
    rss_limit = start_rss + memory_mb * 2**20 if memory_mb and start_rss else 0
    if not seconds and not rss_limit:
        yield
        return
    block = _Block(what, seconds, rss_limit, start_rss, threading.get_ident())
    if threading.current_thread() is threading.main_thread():
        with _main_thread(block):
            yield
    else:
        with _watched(block):
            yield


@contextlib.contextmanager
def _main_thread(block: _Block) -> Iterator[None]:
    global _active
    if _active is not None:  # nested: the outer block's budget applies
        yield
        return
    previous = signal.signal(signal.SIGPROF, _on_tick)
    _active = block
    signal.setitimer(signal.ITIMER_PROF, TICK, TICK)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        _active = None
        signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)


# --- other threads: a watchdog ----------------------------------------------------------------
_watch_lock = threading.Lock()
_watched_blocks: dict[int, _Block] = {}
_watchdog: threading.Thread | None = None


@contextlib.contextmanager
def _watched(block: _Block) -> Iterator[None]:
    global _watchdog
    with _watch_lock:
        if block.thread_id in _watched_blocks:  # nested
            nested = True
        else:
            nested = False
            _watched_blocks[block.thread_id] = block
            if _watchdog is None or not _watchdog.is_alive():
                _watchdog = threading.Thread(target=_watch, name="input-budget", daemon=True)
                _watchdog.start()
    if nested:
        yield
        return
    try:
        yield
    finally:
        with _watch_lock:
            _watched_blocks.pop(block.thread_id, None)
        if block.fired:
            # An exception may still be pending for this thread if the block ended in between.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(block.thread_id), None)


def _watch() -> None:
    while True:
        time.sleep(TICK)
        with _watch_lock:
            blocks = list(_watched_blocks.values())
        for block in blocks:
            exc = block.verdict()
            if exc is None:
                continue
            with _watch_lock:
                if _watched_blocks.get(block.thread_id) is not block:
                    continue
                block.fired = True
                # The exception type is all that can be passed; the handler reads the reason from it.
                kind = _TimeoutInThread if exc.reason == "timeout" else _TooCostlyInThread
                kind.details[block.thread_id] = exc.detail
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(block.thread_id), ctypes.py_object(kind))


class _TimeoutInThread(BudgetExceeded):
    details: dict[int, str] = {}

    def __init__(self, *args):
        detail = self.details.pop(threading.get_ident(), "time budget exceeded")
        super().__init__("timeout", detail)


class _TooCostlyInThread(BudgetExceeded):
    details: dict[int, str] = {}

    def __init__(self, *args):
        detail = self.details.pop(threading.get_ident(), "memory ceiling exceeded")
        super().__init__("too_costly", detail)
