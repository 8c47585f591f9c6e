"""Fault injection for the crash and concurrency tests, off unless the environment asks for it.

The pipeline calls `checkpoint(name)` at named points of a run. Two variables act on them:

    NEWS_ETL_CRASH_AT=<name>[,<name>...]   the process SIGKILLs itself on reaching that point
                                           (no cleanup, no finally blocks: a power cut, in effect)
    NEWS_ETL_PAUSE_AT=<name>=<seconds>     the process sleeps there (to hold a lock open, say)
    NEWS_ETL_FAIL_AT=<name>[,<name>...]    OSError(ENOSPC) is raised there, once per process
                                           (a disk filling up: the run's own error handling runs)

A name may end in `*` to match every checkpoint with that prefix. Nothing here reads input data;
with neither variable set a checkpoint is one dictionary lookup."""
from __future__ import annotations

import errno
import os
import signal
import time

CRASH_VAR = "NEWS_ETL_CRASH_AT"
PAUSE_VAR = "NEWS_ETL_PAUSE_AT"
FAIL_VAR = "NEWS_ETL_FAIL_AT"
_failed: set[str] = set()  # once per process: the recovery that follows must not meet it again


def _matches(pattern: str, name: str) -> bool:
    pattern = pattern.strip()
    if not pattern:
        return False
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def checkpoint(name: str) -> None:
    crash = os.environ.get(CRASH_VAR)
    if crash and any(_matches(p, name) for p in crash.split(",")):
        os.kill(os.getpid(), signal.SIGKILL)
    fail = os.environ.get(FAIL_VAR)
    if fail and name not in _failed and any(_matches(p, name) for p in fail.split(",")):
        _failed.add(name)
        raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} (injected at {name})")
    pause = os.environ.get(PAUSE_VAR)
    if pause:
        for item in pause.split(","):
            pattern, _, seconds = item.rpartition("=")
            if _matches(pattern, name):
                time.sleep(float(seconds))


def reset() -> None:
    """Let NEWS_ETL_FAIL_AT fire again in this process (for tests that run several times)."""
    _failed.clear()
