"""Backfill partitions through the real Airflow scheduler (`make backfill FROM=... TO=...`).

    python -m etl.airflow.backfill --from 2025-12-03 --to 2025-12-05 [--reprocess-behavior completed]

Starts what Airflow 3 needs to execute backfill runs -- api-server (the Execution API the task
processes report to), scheduler (LocalExecutor), dag-processor -- against $AIRFLOW_HOME (the
Makefile's `.airflow/`), on a free localhost port; issues `airflow backfill create`; waits for
the runs; prints each partition's result; and stops the processes it started.

Dates: FROM/TO are PARTITION dates. The DAG's CronDataIntervalTimetable("0 2 * * *") gives each
run the data interval [day 02:00, next day 02:00), and the partition is the day the interval
starts on (airflow_tasks.partition_date falls back to data_interval_start). For this timetable
Airflow 3.3 sets a run's logical_date to the START of its interval (its run_after and run id
carry the end): partition P is the run with logical_date P 02:00 UTC, run id
backfill__<P+1>T02:00:00+00:00. `backfill create` takes the runs whose interval starts inside
[--from-date, --to-date], so the window is [FROM 02:00, TO 02:00]. (Checked against Airflow's own
`iter_dagrun_infos_between` in tests/airflow/test_backfill.py, and end to end there.)

No admin password is created or printed by this script (it does not use `airflow standalone`);
the api-server's auth manager keeps whatever it generates under $AIRFLOW_HOME, outside git.
The scheduler runs with `use_job_schedule=False`, so it executes the backfill's runs and creates
no scheduled runs of its own while it is up."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

from etl.airflow.services import REPO, LocalAirflow, airflow_cli

DAG_ID = "news_etl"
# Must match the DAG's schedule, CronDataIntervalTimetable("0 2 * * *", timezone="UTC").
RUN_HOUR_UTC = 2
TERMINAL = {"success", "failed"}
# Failures of `airflow backfill create` that pass: (what its output says, what we tell the user).
_CREATE_AGAIN_AFTER = (
    # One active backfill per DAG, marked complete only on a scheduler loop after its last run.
    ("AlreadyRunningBackfill", "another backfill of news_etl is still active; waiting for it to complete"),
    # A lock error rolls the creation back (Airflow deletes the half-made backfill on it); if that
    # clean-up failed too, the next attempt meets AlreadyRunningBackfill until the scheduler has
    # marked the empty backfill complete.
    ("database is locked", "the metadata database was locked; creating the backfill again"),
)


def logical_date_for(partition: date) -> datetime:
    """The logical date (= data interval start) of the run that builds `partition`."""
    return datetime.combine(partition, dtime(RUN_HOUR_UTC), tzinfo=timezone.utc)


def partition_for(logical: datetime) -> date:
    """Inverse of logical_date_for: the day the run's data interval starts on."""
    return logical.astimezone(timezone.utc).date()


def backfill_window(first: date, last: date) -> tuple[datetime, datetime]:
    if last < first:
        raise ValueError(f"TO ({last}) is before FROM ({first})")
    return logical_date_for(first), logical_date_for(last)


class AirflowServices(LocalAirflow):
    """The deployment a backfill needs: api-server + scheduler + dag-processor on a free port,
    with the DAG serialised before they start and no scheduled runs of the scheduler's own."""

    def __init__(self, airflow_home: Path, extra_env: dict | None = None, log=print):
        super().__init__(airflow_home, dags_folder=os.environ.get("AIRFLOW__CORE__DAGS_FOLDER"),
                         extra_env={"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False", **(extra_env or {})})
        self.log = log

    def airflow(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        return airflow_cli(args, self.env, timeout=timeout, check=check)

    def migrate(self) -> None:
        super().migrate()
        # Serialise the DAG now rather than wait for the dag-processor's first parse.
        self.airflow("dags", "reserialize", timeout=600)

    def start(self, timeout: float = 300) -> AirflowServices:
        self.log(f"airflow home {self.home}; api-server on 127.0.0.1:{self.port}")
        super().start(timeout)
        self.log("api-server, scheduler and dag-processor are up")
        return self


def list_runs(svc: AirflowServices) -> list[dict]:
    out = svc.airflow("dags", "list-runs", DAG_ID, "-o", "json").stdout
    for line in out.splitlines():  # warnings may be printed before the JSON line
        if line.startswith("[{") or line.strip() == "[]":
            return json.loads(line)
    return []


def _parse_ts(value) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def run_backfill(svc: AirflowServices, first: date, last: date, reprocess: str | None = None,
                 max_active_runs: int = 2, timeout: float = 1800) -> dict[str, dict]:
    """Create the backfill and wait until every partition's run has finished (again, for a
    reprocess). Returns partition date -> {run_id, state, logical_date}."""
    start, end = backfill_window(first, last)
    wanted = {}
    d = first
    while d <= last:
        wanted[logical_date_for(d)] = d.isoformat()
        d += timedelta(days=1)
    svc.airflow("dags", "unpause", DAG_ID)
    created_after = datetime.now(timezone.utc) - timedelta(seconds=1)
    args = ["backfill", "create", "--dag-id", DAG_ID, "--from-date", start.isoformat(),
            "--to-date", end.isoformat(), "--max-active-runs", str(max_active_runs)]
    if reprocess:
        args += ["--reprocess-behavior", reprocess]
    svc.log(f"partitions {first}..{last} = logical dates {start.isoformat()} .. {end.isoformat()}")
    deadline = time.monotonic() + timeout
    while True:
        created = svc.airflow(*args, check=False)
        output = created.stderr + created.stdout
        waiting = next((why for marker, why in _CREATE_AGAIN_AFTER if marker in output), None)
        if created.returncode == 0 or waiting is None or time.monotonic() >= deadline:
            break
        svc.log(waiting)
        time.sleep(5)
    if created.returncode != 0:
        if "NoBackfillRunsToCreate" not in output:
            raise RuntimeError(f"airflow backfill create failed:\n{created.stderr[-3000:]}")
        svc.log("no runs to create: every partition already has a run (use --reprocess-behavior)")
    results: dict[str, dict] = {}
    while True:
        results = {}
        for r in list_runs(svc):
            logical = _parse_ts(r.get("logical_date"))
            if logical is None or logical not in wanted:
                continue
            ended = _parse_ts(r.get("end_date"))
            state = r.get("state")
            if state in TERMINAL and ended is not None and ended < created_after:
                # Finished before this backfill: final unless this backfill is to rerun it.
                rerun = reprocess == "completed" or (reprocess == "failed" and state == "failed")
                if rerun:
                    state = f"waiting:{state}"
            results[wanted[logical]] = {"run_id": r.get("run_id"), "state": state,
                                        "logical_date": logical.isoformat()}
        if len(results) == len(wanted) and all(v["state"] in TERMINAL for v in results.values()):
            return dict(sorted(results.items()))
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill runs not finished after {timeout:.0f} s: {results}")
        time.sleep(5)


def report(results: dict[str, dict], warehouse: str | None) -> str:
    lines = []
    for day, r in results.items():
        line = f"{day}: {r['state']:<8} run {r['run_id']} (logical date {r['logical_date']})"
        if warehouse:
            from etl.warehouse import open_warehouse

            m = open_warehouse(warehouse).read_manifest(day)
            if m:
                line += f"; published by {m['run_id']}: {m['input_count']} input(s), " + \
                        ", ".join(f"{t} {n}" for t, n in m["row_counts"].items())
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="backfill", description=__doc__.split("\n\n")[0])
    ap.add_argument("--from", dest="first", required=True, type=date.fromisoformat, help="first partition date")
    ap.add_argument("--to", dest="last", required=True, type=date.fromisoformat, help="last partition date")
    ap.add_argument("--reprocess-behavior", choices=("none", "failed", "completed"), default=None)
    ap.add_argument("--max-active-runs", type=int, default=2)
    ap.add_argument("--airflow-home", default=os.environ.get("AIRFLOW_HOME", str(REPO / ".airflow")))
    ap.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the runs")
    args = ap.parse_args(argv)
    if args.last < args.first:
        ap.error("--to is before --from")
    warehouse = os.environ.get("NEWS_ETL_WAREHOUSE", str(REPO / "warehouse"))
    with AirflowServices(Path(args.airflow_home), log=lambda m: print(f"backfill: {m}", flush=True)) as svc:
        results = run_backfill(svc, args.first, args.last, args.reprocess_behavior,
                               args.max_active_runs, args.timeout)
    print(report(results, warehouse))
    return 0 if all(r["state"] == "success" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
