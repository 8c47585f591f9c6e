"""Start, watch and stop a real local Airflow: api-server, scheduler, dag-processor (and triggerer).

This is the ONE place that knows how to bring Airflow's services up on this machine. It is shared by
  * `make airflow`   -> `python -m etl.airflow.services serve` (foreground; Ctrl-C stops everything),
  * `make backfill`  -> reuse `LocalAirflow` (start, `airflow backfill create ...`, `wait_for_runs`, stop),
  * tests/airflow/test_local_executor.py (LocalExecutor, parallelism >= 2, a throw-away AIRFLOW_HOME).
Please extend it here rather than copying the start/wait/stop logic elsewhere.

Pitfalls it takes care of (found running Airflow 3.3 here):
  * Airflow spawns child `airflow ...` processes through PATH, so the venv's bin/ goes first in PATH.
  * Workers reach the API server's Execution API at [core] execution_api_server_url; it must name
    the port the api-server really listens on, or every task fails with "Connection refused".
  * On a busy box the first tasks can time out while the api-server boots; the DAG retries them,
    and `start()` waits for the health endpoint before returning.
  * They all write one SQLite file by default: each waits up to a minute for its lock, not 5 s.
  * All components must share one airflow.cfg (its generated jwt_secret signs the tokens the
    api-server hands to task processes), so `airflow db migrate` runs first and writes it.

Usage:
    with LocalAirflow(home, landing=..., warehouse=..., parallelism=4) as af:   # start() + stop()
        run_id = af.trigger("news_etl", conf={"partition_date": "2025-12-03"})
        state = af.wait_for_run("news_etl", run_id, timeout=900)
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from etl import config

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ALL_COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
# The triggerer only serves deferrable tasks, which news_etl does not use.
PIPELINE_COMPONENTS = ("api-server", "scheduler", "dag-processor")
FINISHED_STATES = {"success", "failed"}
# Every component, its task processes and the `airflow` CLI calls write one SQLite file, and
# Python's sqlite3 gives up on a lock after 5 s, which a busy 2-core host exceeds (CI saw
# `airflow backfill create` fail with "database is locked" while the scheduler cleared runs).
# airflow_env points [database] sql_alchemy_connect_args(_async) here so they wait instead.
SQLITE_CONNECT_ARGS = {"timeout": 60}


class AirflowServiceError(RuntimeError):
    """A service died, never became healthy, or a run did not finish in time."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def password_file(home: str | os.PathLike) -> Path:
    """Where the Simple auth manager writes the generated login(s): {"admin": "<password>"}."""
    return Path(home) / "simple_auth_manager_passwords.json.generated"


def airflow_env(home: str | os.PathLike, port: int, *, dags_folder: str | os.PathLike | None = None,
                landing: str | os.PathLike | None = None, warehouse: str | os.PathLike | None = None,
                parallelism: int | None = None, all_admins: bool = False,
                extra: dict[str, str] | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for every Airflow process of one local deployment (and for `airflow` CLI calls
    against it). `base` defaults to the current environment."""
    env = dict(os.environ if base is None else base)
    # 127.0.0.1, not localhost: "localhost" may resolve to ::1 first, where nothing listens
    url = f"http://127.0.0.1:{port}"
    env.update({
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder or REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": env.get("AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT", "60"),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": env.get("AIRFLOW__API__WORKERS", "1"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "PYTHONUNBUFFERED": "1",
    })
    # unit-test mode (set by tests/conftest.py) would make the services behave unlike production
    env.pop("AIRFLOW__CORE__UNIT_TEST_MODE", None)
    env["AIRFLOW__CORE__PARALLELISM"] = str(default_parallelism(env) if parallelism is None else parallelism)
    if all_admins:  # no login at all: only for throw-away homes (tests)
        env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] = "True"
    if landing is not None:
        env["NEWS_ETL_LANDING"] = str(landing)
    if warehouse is not None:
        env["NEWS_ETL_WAREHOUSE"] = str(warehouse)
    env.update(extra or {})
    if uses_sqlite(env):
        for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC"):
            env.setdefault(key, "etl.airflow.services.SQLITE_CONNECT_ARGS")
    return env


def default_parallelism(env: dict[str, str]) -> int:
    """Task processes the LocalExecutor runs at once: AIRFLOW__CORE__PARALLELISM when the operator
    set it, else one per usable core. Airflow's own default (32) meant 33 executor processes and
    about 5 GB on a 2-core host, each mapped task also forking NLP workers, for no extra
    throughput: the work is CPU-bound. (NLP workers per task: etl.config.task_nlp_processes.)"""
    raw = env.get("AIRFLOW__CORE__PARALLELISM", "")
    if raw.strip():
        n = int(raw)
        if n < 1:
            raise ValueError(f"AIRFLOW__CORE__PARALLELISM must be at least 1, got {raw!r}")
        return n
    return config.usable_cpus()


def uses_sqlite(env: dict[str, str]) -> bool:
    """Whether Airflow started with `env` keeps its metadata in SQLite (its default, under
    AIRFLOW_HOME) rather than a server database the operator configured."""
    conn = env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
    return conn == "" or conn.startswith("sqlite")


def airflow_cli(args: Iterable[str], env: dict[str, str], timeout: float = 300,
                check: bool = True) -> subprocess.CompletedProcess:
    """Run `airflow <args>` with the deployment's environment; output captured as text."""
    proc = subprocess.run([str(VENV_BIN / "airflow"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AirflowServiceError(f"airflow {' '.join(args)} exited {proc.returncode}:\n"
                                  f"{_tail(proc.stdout + proc.stderr, 40)}")
    return proc


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def terminate_trees(pids: Iterable[int], timeout: float = 30) -> None:
    """SIGTERM each process and every process it started (collected first: task processes run in
    sessions of their own), then SIGKILL what is left after `timeout`."""
    import psutil  # an Airflow dependency

    tree: list[psutil.Process] = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(pid)
            tree += [parent, *parent.children(recursive=True)]
    for p in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.terminate()
    _, alive = psutil.wait_procs(tree, timeout=timeout)
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(alive, timeout=5)


class LocalAirflow:
    """One local Airflow deployment: its home, port, environment and service processes."""

    def __init__(self, home: str | os.PathLike, port: int | None = None, *,
                 components: Iterable[str] = PIPELINE_COMPONENTS, parallelism: int | None = None,
                 landing: str | os.PathLike | None = None, warehouse: str | os.PathLike | None = None,
                 dags_folder: str | os.PathLike | None = None, all_admins: bool = False,
                 extra_env: dict[str, str] | None = None):
        self.home = Path(home).resolve()
        self.port = port or free_port()
        self.components = tuple(components)
        self.all_admins = all_admins
        self.env = airflow_env(self.home, self.port, dags_folder=dags_folder, landing=landing,
                               warehouse=warehouse, parallelism=parallelism, all_admins=all_admins,
                               extra=extra_env)
        self.log_dir = self.home / "logs" / "services"
        self.processes: dict[str, subprocess.Popen] = {}
        self._token: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_path(self, component: str) -> Path:
        return self.log_dir / f"{component}.log"

    # --- lifecycle -----------------------------------------------------------------------------
    def migrate(self) -> None:
        """Create/upgrade the metadata DB; also writes airflow.cfg (with the shared jwt_secret)."""
        self.home.mkdir(parents=True, exist_ok=True)
        airflow_cli(["db", "migrate"], self.env, timeout=600)

    def start(self, timeout: float = 240) -> LocalAirflow:
        if not port_is_free(self.port):
            raise AirflowServiceError(f"port {self.port} is already in use; choose another (PORT=...)")
        self.migrate()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for component in self.components:
                log = self.log_path(component).open("ab")
                # own session: stop() signals the component and the workers it forked, nothing else
                self.processes[component] = subprocess.Popen(
                    [str(VENV_BIN / "airflow"), component], env=self.env, stdout=log,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
                log.close()
            self.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def check_alive(self) -> None:
        for component, proc in self.processes.items():
            if proc.poll() is not None:
                raise AirflowServiceError(
                    f"airflow {component} exited with {proc.returncode}; last lines of "
                    f"{self.log_path(component)}:\n{_tail(self.log_path(component).read_text(errors='replace'), 30)}")

    def wait_healthy(self, timeout: float = 240) -> dict:
        """Until the api-server answers and the scheduler (and dag-processor) report healthy."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                health = self._request("GET", "/api/v2/monitor/health", auth=False)
                wanted = [c.replace("-", "_") for c in self.components if c in ("scheduler", "dag-processor")]
                if all((health.get(c) or {}).get("status") == "healthy" for c in wanted):
                    return health
                last = health
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError) as exc:
                last = exc
            time.sleep(2)
        raise AirflowServiceError(f"Airflow at {self.url} not healthy after {timeout:.0f} s (last: {last})")

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM every service and everything it started, then SIGKILL what is left after `timeout`.

        Task processes run in sessions of their own (the supervisor calls setsid), so signalling
        the services' process groups is not enough: the whole process tree is collected first."""
        terminate_trees([proc.pid for proc in self.processes.values()], timeout)
        for proc in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
        self.processes.clear()

    def __enter__(self) -> LocalAirflow:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- REST API ------------------------------------------------------------------------------
    def token(self) -> str:
        """A JWT for the REST API: anonymous admin when all_admins, else the generated admin login."""
        if self._token is None:
            if self.all_admins:
                self._token = self._request("GET", "/auth/token", auth=False)["access_token"]
            else:
                logins = json.loads(password_file(self.home).read_text())
                user, password = next(iter(logins.items()))
                self._token = self._request("POST", "/auth/token", {"username": user, "password": password},
                                            auth=False)["access_token"]
        return self._token

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        return self._request(method, f"/api/v2{path}", body)

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token()}")
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else {}

    # --- DAGs and runs -------------------------------------------------------------------------
    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> dict:
        """Until the dag-processor has parsed and serialized `dag_id`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                return self.api("GET", f"/dags/{dag_id}")
            except urllib.error.HTTPError as exc:
                if exc.code != 404:
                    raise
            time.sleep(3)
        raise AirflowServiceError(f"DAG {dag_id} not parsed after {timeout:.0f} s; see {self.log_path('dag-processor')}")

    def unpause(self, dag_id: str) -> None:
        self.api("PATCH", f"/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, conf: dict | None = None, logical_date: str | None = None) -> str:
        run = self.api("POST", f"/dags/{dag_id}/dagRuns", {"logical_date": logical_date, "conf": conf or {}})
        return run["dag_run_id"]

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self.api("GET", f"/dags/{dag_id}/dagRuns/{_quote(run_id)}")

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self.dag_run(dag_id, run_id)["state"]

    def list_runs(self, dag_id: str) -> list[dict]:
        return self.api("GET", f"/dags/{dag_id}/dagRuns?limit=1000&order_by=run_after")["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.api("GET", f"/dags/{dag_id}/dagRuns/{_quote(run_id)}/taskInstances?limit=1000")["task_instances"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 1800, poll: float = 5) -> str:
        """Until the run is success or failed; returns that state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            state = self.run_state(dag_id, run_id)
            if state in FINISHED_STATES:
                return state
            time.sleep(poll)
        raise AirflowServiceError(f"run {run_id} of {dag_id} still {state} after {timeout:.0f} s")

    def wait_for_runs(self, dag_id: str, run_ids: Iterable[str] | None = None, timeout: float = 3600,
                      poll: float = 10) -> dict[str, str]:
        """Until the given runs (default: every run of the DAG) are finished; run id -> state."""
        wanted = set(run_ids) if run_ids is not None else None
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            runs = {r["dag_run_id"]: r["state"] for r in self.list_runs(dag_id)
                    if wanted is None or r["dag_run_id"] in wanted}
            if runs and all(s in FINISHED_STATES for s in runs.values()) and (wanted is None or set(runs) >= wanted):
                return runs
            if time.monotonic() >= deadline:
                raise AirflowServiceError(f"runs of {dag_id} not finished after {timeout:.0f} s: {runs}")
            time.sleep(poll)


def _quote(run_id: str) -> str:
    return urllib.request.quote(run_id, safe="")


# --- `make airflow` ----------------------------------------------------------------------------
def serve(args: argparse.Namespace) -> int:
    home = Path(args.home or os.environ.get("AIRFLOW_HOME") or REPO / ".airflow")
    port = args.port or int(os.environ.get("AIRFLOW_PORT") or 8080)
    af = LocalAirflow(home, port, components=ALL_COMPONENTS, parallelism=args.parallelism,
                      landing=os.environ.get("NEWS_ETL_LANDING"), warehouse=os.environ.get("NEWS_ETL_WAREHOUSE"),
                      dags_folder=os.environ.get("AIRFLOW__CORE__DAGS_FOLDER"))
    stop = {"requested": False}

    def on_signal(signum, frame):
        stop["requested"] = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    print(f"Starting Airflow ({', '.join(af.components)}) with AIRFLOW_HOME={home} ...", flush=True)
    try:
        af.start()
        print(f"\nAirflow UI:  {af.url}\n"
              f"  log in as `admin`; the password is generated by the Simple auth manager into\n"
              f"    {password_file(home)}\n"
              f"  DAGs: {af.env['AIRFLOW__CORE__DAGS_FOLDER']}   landing: {af.env.get('NEWS_ETL_LANDING', '(default)')}"
              f"   warehouse: {af.env.get('NEWS_ETL_WAREHOUSE', '(default)')}\n"
              f"  service logs: {af.log_dir}/\n"
              f"  parallelism: {af.env['AIRFLOW__CORE__PARALLELISM']} task(s) at once; NLP worker processes per task: "
              f"{af.env.get('NEWS_ETL_PROCESSES') or 1}\n"
              f"Press Ctrl-C to stop.", flush=True)
        while True:
            af.check_alive()
            time.sleep(2)
    except KeyboardInterrupt:
        print("\nStopping Airflow ...", flush=True)
        return 0
    except AirflowServiceError as exc:
        print(f"airflow_local: {exc}", file=sys.stderr)
        return 1
    finally:
        af.stop()
        print("Airflow stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.airflow.services", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run Airflow's services in the foreground until Ctrl-C")
    s.add_argument("--home", help="AIRFLOW_HOME (default: $AIRFLOW_HOME, else <repo>/.airflow)")
    s.add_argument("--port", type=int, help="API server / UI port (default: $AIRFLOW_PORT, else 8080)")
    s.add_argument("--parallelism", type=int, default=None,
                   help="[core] parallelism for the LocalExecutor (default: $AIRFLOW__CORE__PARALLELISM, else one per core)")
    args = ap.parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
