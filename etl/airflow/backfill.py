"""Backfill partitions through the real Airflow scheduler (`make backfill FROM=... TO=...`).

    python -m etl.airflow.backfill --from 2025-12-03 --to 2025-12-05 [--reprocess-behavior completed]

Starts what Airflow 3 needs to execute backfill runs -- api-server (the Execution API the task
processes report to), scheduler (LocalExecutor), dag-processor -- against $AIRFLOW_HOME (taken
from the environment; the Makefile defaults it to the checkout's `.airflow/`), on a free localhost port; issues `airflow backfill create`; waits for
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
    # Airflow 3.3 removes a half-made backfill only after a lock error it recognises (PostgreSQL's
    # and MySQL's codes), not after SQLite's "database is locked": what that one left is kept by
    # run_backfill, and only the days it does not cover are created again.
    ("database is locked", "the metadata database was locked; creating the days not yet covered again"),
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

    def state(self) -> dict:
        """{"is_paused": bool, "backfills": [{id, created_at, completed_at, runs: {logical date: run id}}]}"""
        code = f"from etl.airflow.backfill import _print_state; _print_state({DAG_ID!r})"
        out = subprocess.run([sys.executable, "-c", code], env=self.env, capture_output=True, text=True,
                             timeout=300, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])

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


def _print_state(dag_id: str) -> None:
    """Runs in a child process with the deployment's environment (so Airflow's settings are
    those of the services): prints the DAG's paused flag and every backfill of it with the runs
    it owns, as JSON. The REST API does not say which runs belong to which backfill."""
    from sqlalchemy import select

    from airflow.models import DagModel
    from airflow.models.backfill import Backfill, BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    def iso(value):
        return value.isoformat() if value is not None else None

    with create_session() as session:
        paused = session.scalar(select(DagModel.is_paused).where(DagModel.dag_id == dag_id))
        backfills = []
        for b in session.scalars(select(Backfill).where(Backfill.dag_id == dag_id).order_by(Backfill.id)):
            owned = session.execute(
                select(BackfillDagRun.logical_date, DagRun.run_id)
                .join(DagRun, DagRun.id == BackfillDagRun.dag_run_id)
                .where(BackfillDagRun.backfill_id == b.id)).all()
            backfills.append({"id": b.id, "created_at": iso(b.created_at), "completed_at": iso(b.completed_at),
                              "runs": {iso(logical): run_id for logical, run_id in owned}})
    print(json.dumps({"is_paused": paused, "backfills": backfills}))


def _days_ranges(logicals: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Consecutive days grouped: [(first, last), ...] (backfill create takes one window)."""
    ranges: list[list[datetime]] = []
    for d in sorted(logicals):
        if ranges and d - ranges[-1][1] == timedelta(days=1):
            ranges[-1][1] = d
        else:
            ranges.append([d, d])
    return [(lo, hi) for lo, hi in ranges]


def run_backfill(svc: AirflowServices, first: date, last: date, reprocess: str | None = None,
                 max_active_runs: int = 2, timeout: float = 1800) -> dict[str, dict]:
    """Create the backfill and wait until every partition's run has finished (again, for a
    reprocess) and the backfill is marked complete. Returns partition date -> {run_id, state,
    logical_date}.

    Exactly once per request: a `backfill create` that failed half-way (a SQLite "database is
    locked" is not a lock error to Airflow, so it does not remove what it made) leaves a
    backfill that owns runs for some days. Those runs are this request's runs: they are kept, and
    only the days no backfill of this request owns are created again (one window per stretch of
    consecutive days, each after the previous backfill completed). The DAG is unpaused for the
    backfill and paused again afterwards if it was paused before."""
    start, end = backfill_window(first, last)
    wanted: dict[datetime, str] = {}
    d = first
    while d <= last:
        wanted[logical_date_for(d)] = d.isoformat()
        d += timedelta(days=1)
    deadline = time.monotonic() + timeout
    before = svc.state()
    was_paused = before.get("is_paused")
    known = {b["id"] for b in before["backfills"]}
    claimed: list[int] = []
    covered: set[datetime] = set()
    svc.log(f"partitions {first}..{last} = logical dates {start.isoformat()} .. {end.isoformat()}")
    svc.airflow("dags", "unpause", DAG_ID)
    created_after = datetime.now(timezone.utc) - timedelta(seconds=1)
    try:
        while pending := [t for t in wanted if t not in covered]:
            lo, hi = _days_ranges(pending)[0]
            args = ["backfill", "create", "--dag-id", DAG_ID, "--from-date", lo.isoformat(),
                    "--to-date", hi.isoformat(), "--max-active-runs", str(max_active_runs)]
            if reprocess:
                args += ["--reprocess-behavior", reprocess]
            created = svc.airflow(*args, check=False)
            output = created.stderr + created.stdout
            for b in svc.state()["backfills"]:
                if b["id"] in known:
                    continue
                known.add(b["id"])
                owned = {t for t in map(_parse_ts, b["runs"]) if t in wanted}
                if created.returncode == 0 or owned:
                    claimed.append(b["id"])
                    covered |= owned
                if created.returncode != 0 and owned:
                    svc.log(f"the failed create left backfill {b['id']} with runs for "
                            f"{', '.join(sorted(wanted[t] for t in owned))}; keeping them (not created twice)")
            if created.returncode == 0 or "NoBackfillRunsToCreate" in output:
                if created.returncode != 0:
                    svc.log("no runs to create: every partition already has a run (use --reprocess-behavior)")
                # days of the window it did not take a run for already have one (kept as they are)
                covered |= {t for t in wanted if lo <= t <= hi}
                continue
            waiting = next((why for marker, why in _CREATE_AGAIN_AFTER if marker in output), None)
            if waiting is None or time.monotonic() >= deadline:
                raise RuntimeError(f"airflow backfill create failed:\n{created.stderr[-3000:]}")
            svc.log(waiting)
            time.sleep(5)
        results = _wait_for_runs(svc, wanted, reprocess, created_after, deadline, timeout)
        _wait_complete(svc, claimed, deadline)
    finally:
        if was_paused:
            svc.airflow("dags", "pause", DAG_ID, check=False)
            svc.log("news_etl paused again, as it was before the backfill")
    return results


def _wait_for_runs(svc, wanted: dict[datetime, str], reprocess: str | None, created_after: datetime,
                   deadline: float, timeout: float) -> dict[str, dict]:
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


def _wait_complete(svc, claimed: list[int], deadline: float) -> None:
    """Until the scheduler has marked this request's backfills complete (it does so on a loop
    after their last run): stopping it earlier leaves a backfill that blocks the next one."""
    while claimed:
        states = {b["id"]: b["completed_at"] for b in svc.state()["backfills"] if b["id"] in claimed}
        if all(states.get(i) for i in claimed):
            svc.log(f"backfill {', '.join(map(str, claimed))} marked complete")
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill {claimed} not marked complete: {states}")
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
