"""The per-input budget (etl.run.budget): CPU time and memory growth, in the main thread and in
other threads, and never swallowed by the pipeline's `except Exception` backstops."""
import re
import threading
import time

import pytest

from etl.run.budget import BudgetExceeded, budget


def _spin(seconds_cap: float = 120.0) -> None:
    # A pure-Python loop that would run for minutes; the cap only keeps a broken budget from hanging the suite.
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds_cap:
        pass


def test_a_busy_loop_is_stopped_after_its_cpu_budget():
    t0 = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        with budget("a loop", seconds=0.3, memory_mb=0):
            _spin()
    assert info.value.reason == "timeout"
    assert time.monotonic() - t0 < 60  # far below the loop's own length, on any machine


def test_a_catastrophic_regex_is_stopped_too():
    with pytest.raises(BudgetExceeded):
        with budget("a regex", seconds=0.3, memory_mb=0):
            re.match(r"(a+)+$", "a" * 64 + "b")  # exponential backtracking in C


def test_except_exception_does_not_swallow_the_verdict():
    def backstop():
        try:
            _spin()
        except Exception:  # what a reader's last line of defence does
            return "swallowed"

    with pytest.raises(BudgetExceeded):
        with budget("a guarded loop", seconds=0.3, memory_mb=0):
            backstop()


def test_memory_growth_past_the_ceiling_is_too_costly():
    hoard = []
    with pytest.raises(BudgetExceeded) as info:
        with budget("a hoarder", seconds=0, memory_mb=64):
            for _ in range(2000):  # up to ~2 GB if nothing stopped it
                hoard.append(bytearray(1 << 20))
                sum(range(2000))  # some CPU, so the CPU-time ticks come
    hoard.clear()
    assert info.value.reason == "too_costly"


def test_work_within_budget_is_untouched_and_the_timer_is_disarmed():
    with budget("quick", seconds=5, memory_mb=512):
        total = sum(range(10_000))
    assert total == 49_995_000
    _spin(0.5)  # no late SIGPROF fires after the block


def test_a_worker_thread_is_stopped_by_the_watchdog():
    outcome = {}

    def work():
        try:
            with budget("a loop in a thread", seconds=0.3, memory_mb=0):
                _spin()
            outcome["result"] = "finished"
        except BudgetExceeded as exc:
            outcome["result"] = exc.reason

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=100)
    assert outcome.get("result") == "timeout"
