"""Fault injection for the crash and concurrency tests, off unless the environment asks for it.

The pipeline calls `checkpoint(name)` at named points of a run. Two variables act on them:

    NEWS_ETL_CRASH_AT=<name>[,<name>...]   the process SIGKILLs itself on reaching that point
                                           (no cleanup, no finally blocks: a power cut, in effect)
    NEWS_ETL_PAUSE_AT=<name>=<seconds>     the process sleeps there (to hold a lock open, say)

A name may end in `*` to match every checkpoint with that prefix. Nothing here reads input data;
with neither variable set a checkpoint is one dictionary lookup."""
from __future__ import annotations

import os
import signal
import time

CRASH_VAR = "NEWS_ETL_CRASH_AT"
PAUSE_VAR = "NEWS_ETL_PAUSE_AT"


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
    pause = os.environ.get(PAUSE_VAR)
    if pause:
        for item in pause.split(","):
            pattern, _, seconds = item.rpartition("=")
            if _matches(pattern, name):
                time.sleep(float(seconds))
