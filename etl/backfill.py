"""Backfill partitions through the real Airflow scheduler (`make backfill FROM=... TO=...`).

    python -m etl.backfill --from 2025-12-03 --to 2025-12-05 [--reprocess-behavior completed]

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
`iter_dagrun_infos_between` in tests/test_backfill.py, and end to end there.)

No admin password is created or printed by this script (it does not use `airflow standalone`);
the api-server's auth manager keeps whatever it generates under $AIRFLOW_HOME, outside git.
The scheduler runs with `use_job_schedule=False`, so it executes the backfill's runs and creates
no scheduled runs of its own while it is up."""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAG_ID = "news_etl"
# Must match the DAG's schedule, CronDataIntervalTimetable("0 2 * * *", timezone="UTC").
RUN_HOUR_UTC = 2
TERMINAL = {"success", "failed"}
# The api-server, scheduler, dag-processor, their task processes and the `airflow` CLI calls all
# write one SQLite file. Python's sqlite3 gives up on a lock after 5 s, which a busy 2-core host
# exceeds (CI saw `airflow backfill create` fail with "database is locked" while the scheduler was
# clearing runs). Every component is pointed at these arguments through
# AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS(_ASYNC), so they wait for the lock instead.
SQLITE_CONNECT_ARGS = {"timeout": 60}
_CONNECT_ARGS_PATH = f"{__name__}.SQLITE_CONNECT_ARGS"


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


def uses_sqlite(env: dict) -> bool:
    """Whether Airflow started with `env` keeps its metadata in SQLite (its default, under
    AIRFLOW_HOME) rather than a server database configured by the operator."""
    conn = env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
    return conn == "" or conn.startswith("sqlite")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AirflowServices:
    """api-server + scheduler + dag-processor for one AIRFLOW_HOME, started and stopped together."""

    COMPONENTS = (("api-server",), ("scheduler",), ("dag-processor",))

    def __init__(self, airflow_home: Path, extra_env: dict | None = None, log=print):
        self.home = Path(airflow_home).resolve()
        self.port = free_port()
        self.log = log
        self.procs: list[tuple[str, subprocess.Popen]] = []
        bin_dir = str(Path(sys.executable).parent)
        self.env = dict(os.environ)
        self.env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": os.environ.get("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags")),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": f"http://localhost:{self.port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{self.port}/execution/",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        })
        self.env.pop("AIRFLOW__CORE__UNIT_TEST_MODE", None)
        self.env.update(extra_env or {})
        if uses_sqlite(self.env):
            for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS",
                        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC"):
                self.env.setdefault(key, _CONNECT_ARGS_PATH)
        self.airflow_bin = str(Path(bin_dir) / "airflow")
        self.log_dir = self.home / "backfill-logs"

    def airflow(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run([self.airflow_bin, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=REPO)
        if check and proc.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return proc

    def start(self, ready_timeout: float = 300) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(exist_ok=True)
        self.log(f"airflow home {self.home}; api-server on 127.0.0.1:{self.port}")
        self.airflow("db", "migrate", timeout=600)
        # Serialise the DAG now rather than wait for the dag-processor's first parse.
        self.airflow("dags", "reserialize", timeout=600)
        for comp in self.COMPONENTS:
            out = open(self.log_dir / f"{comp[0]}.log", "ab")
            proc = subprocess.Popen([self.airflow_bin, *comp], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    cwd=REPO, start_new_session=True)
            self.procs.append((comp[0], proc))
        deadline = time.monotonic() + ready_timeout
        url = f"http://127.0.0.1:{self.port}/api/v2/monitor/health"
        while True:
            for name, proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"airflow {name} exited with {proc.returncode}; see {self.log_dir / name}.log")
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"api-server not healthy after {ready_timeout:.0f} s; see {self.log_dir}")
            time.sleep(2)
        self.log("api-server, scheduler and dag-processor are up")

    def stop(self, grace: float = 30) -> None:
        """SIGTERM each started process group (the component and its workers), then SIGKILL."""
        for _, proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for _, proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:  # workers the component left behind in its group
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs = []

    def __enter__(self) -> AirflowServices:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


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
        # Airflow allows one active backfill per DAG, and marks a backfill complete only on a
        # scheduler loop after its last run ends: wait for an earlier one rather than fail.
        if created.returncode != 0 and "AlreadyRunningBackfill" in output and time.monotonic() < deadline:
            svc.log("another backfill of news_etl is still active; waiting for it to complete")
            time.sleep(5)
            continue
        # A lock error rolls the creation back (Airflow deletes the half-made backfill on it); if
        # that clean-up failed too, the retry meets AlreadyRunningBackfill above and waits for the
        # scheduler to mark the empty backfill complete.
        if created.returncode != 0 and "database is locked" in output and time.monotonic() < deadline:
            svc.log("the metadata database was locked; creating the backfill again")
            time.sleep(5)
            continue
        break
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
            from etl.warehouse import Warehouse

            m = Warehouse(warehouse).read_manifest(day)
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
