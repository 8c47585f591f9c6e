"""A multi-machine deployment of news_etl, run on one host: `make cluster` / `make cluster-stop`.

    python -m etl.airflow.cluster start --root .cluster [--workers 2] [--port 8080]
    python -m etl.airflow.cluster stop --root .cluster

What it starts, each as a separate process, configured only through its environment and the
network (as on separate hosts):
  * PostgreSQL: the metadata database (and Celery's result backend), on 127.0.0.1;
  * Redis: the Celery broker;
  * moto's S3 server: the landing zone (s3://news-etl/landing) and the warehouse
    (s3://news-etl/warehouse), so no task shares a local path with another;
  * Airflow api-server, scheduler and dag-processor with the CeleryExecutor;
  * N Celery workers (`airflow celery worker`), each with its own AIRFLOW_HOME (its task logs),
    its own NEWS_ETL_WORK_DIR (staging, article cache) and its own log-server port.

Secrets that every component must share (JWT secret, API secret key, Fernet key) are generated
once and passed in the environment, not through a shared airflow.cfg. The state (ports, pids,
the environment) is written to <root>/cluster.json so that `stop` finds what `start` started.

System packages: `redis-server` and PostgreSQL (`initdb`, `postgres` and `pg_ctl`, found on PATH or
under /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root; as root it runs as
the `postgres` user, with its data folder outside <root> (which that user may not be able to enter)."""
from __future__ import annotations

import argparse
import base64
import contextlib
import glob
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from etl.airflow.services import (PIPELINE_COMPONENTS, REPO, VENV_BIN, AirflowServiceError, LocalAirflow,
                                  free_port, terminate_trees)

DAG_ID = "news_etl"
BUCKET = "news-etl"
LANDING = f"s3://{BUCKET}/landing"
WAREHOUSE = f"s3://{BUCKET}/warehouse"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                  "AWS_DEFAULT_REGION": "us-east-1", "NO_PROXY": "127.0.0.1,localhost",
                  "no_proxy": "127.0.0.1,localhost"}


def pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing_binaries() -> list[str]:
    """System programs the cluster needs and this host lacks."""
    missing = [] if shutil.which("redis-server") else ["redis-server"]
    missing += [b for b in ("initdb", "postgres", "pg_ctl") if not pg_binary(b)]
    return missing


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _wait_port(port: int, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AirflowServiceError(f"{what} exited with {proc.returncode}")
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AirflowServiceError(f"{what} not listening on 127.0.0.1:{port} after {timeout:.0f} s")


class LocalCluster:
    """PostgreSQL + Redis + S3 + Airflow (CeleryExecutor) + N Celery workers on this host."""

    def __init__(self, root: str | os.PathLike, workers: int = 2, port: int | None = None,
                 worker_concurrency: int = 1, extra_env: dict[str, str] | None = None):
        self.root = Path(root).resolve()
        self.n_workers = workers
        self.concurrency = worker_concurrency
        self.port = port or free_port()
        self.extra_env = dict(extra_env or {})
        self.pg_port, self.redis_port, self.s3_port = free_port(), free_port(), free_port()
        self.pg_data = Path(tempfile.mkdtemp(prefix="news-etl-pg-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}
        self.airflow: LocalAirflow | None = None

    # --- infrastructure ------------------------------------------------------------------------
    def _log(self, name: str):
        (self.root / "logs").mkdir(parents=True, exist_ok=True)
        return (self.root / "logs" / f"{name}.log").open("ab")

    def _spawn(self, name: str, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        with self._log(name) as log:
            proc = subprocess.Popen(cmd, env=env or dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs[name] = proc
        return proc

    def _start_postgres(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.pg_data, "postgres", "postgres")
        self.pg_data.chmod(0o700)
        data = self.pg_data / "data"
        subprocess.run(_as_postgres([pg_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, text=True)
        proc = self._spawn("postgres", _as_postgres([
            pg_binary("postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(self.pg_port),
            "-k", str(self.pg_data), "-c", "fsync=off", "-c", "max_connections=200"]))
        _wait_port(self.pg_port, 60, "postgres", proc)
        import psycopg2

        for _ in range(30):  # listening comes a moment before accepting logins
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="postgres", dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(1)
        else:
            raise AirflowServiceError("postgres does not accept connections")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE airflow")
        conn.close()

    def _start_redis(self) -> None:
        proc = self._spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", str(self.root)])
        _wait_port(self.redis_port, 30, "redis-server", proc)

    def _start_s3(self) -> None:
        proc = self._spawn("s3", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)])
        _wait_port(self.s3_port, 60, "moto S3 server", proc)
        from etl import fs

        with self.s3_client():
            fs.filesystem(f"s3://{BUCKET}").mkdir(BUCKET)

    def s3_env(self) -> dict[str, str]:
        return {**S3_CREDENTIALS, "NEWS_ETL_S3_ENDPOINT": f"http://127.0.0.1:{self.s3_port}"}

    @contextlib.contextmanager
    def s3_client(self):
        """This process reads and writes the cluster's S3 store (etl.fs takes its endpoint and keys
        from the environment) for the duration of the block."""
        saved = dict(os.environ)
        os.environ.update(self.s3_env())
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    # --- Airflow -------------------------------------------------------------------------------
    def shared_env(self) -> dict[str, str]:
        """What every Airflow component and worker gets, as it would from a secret store."""
        db = f"postgresql+psycopg2://postgres@127.0.0.1:{self.pg_port}/airflow"
        return {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db,
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://postgres@127.0.0.1:{self.pg_port}/airflow",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
            "AIRFLOW__API_AUTH__JWT_SECRET": self.secrets["jwt"],
            "AIRFLOW__API__SECRET_KEY": self.secrets["api"],
            "AIRFLOW__CORE__FERNET_KEY": self.secrets["fernet"],
            # a killed worker's task is noticed (and retried elsewhere) in a minute, not five
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
            "NEWS_ETL_LANDING": LANDING,
            "NEWS_ETL_WAREHOUSE": WAREHOUSE,
            **self.s3_env(),
            **self.extra_env,
        }

    def start(self) -> LocalCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        self.secrets = {"jwt": secrets.token_urlsafe(32), "api": secrets.token_urlsafe(32),
                        "fernet": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}
        try:
            self._start_postgres()
            self._start_redis()
            self._start_s3()
            shared = self.shared_env()
            self.airflow = LocalAirflow(self.root / "control" / "airflow-home", self.port,
                                        components=PIPELINE_COMPONENTS, all_admins=True,
                                        extra_env=dict(shared, NEWS_ETL_WORK_DIR=str(self.root / "control" / "work")))
            self.airflow.start()
            for i in range(1, self.n_workers + 1):
                self.start_worker(f"worker{i}")
            self._save()
        except BaseException:
            self.stop()
            raise
        return self

    def worker_dir(self, name: str) -> Path:
        return self.root / name

    def start_worker(self, name: str) -> subprocess.Popen:
        """One Celery worker as if on its own machine: its own home, work folder and log port."""
        home = self.worker_dir(name) / "airflow-home"
        home.mkdir(parents=True, exist_ok=True)
        env = dict(self.airflow.env, AIRFLOW_HOME=str(home),
                   NEWS_ETL_WORK_DIR=str(self.worker_dir(name) / "work"),
                   AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()))
        proc = self._spawn(name, [str(VENV_BIN / "airflow"), "celery", "worker", "--celery-hostname",
                                  f"{name}@%h", "--concurrency", str(self.concurrency)], env)
        self.workers[name] = proc
        return proc

    def kill_worker(self, name: str) -> None:
        """SIGKILL a worker and everything it started, as a machine that loses power."""
        import psutil

        proc = self.workers.pop(name)
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(proc.pid)
            for p in [*parent.children(recursive=True), parent]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    p.kill()
        proc.wait(30)
        self.procs.pop(name, None)

    def task_logs(self, name: str, task_id: str = "process") -> list[Path]:
        return sorted((self.worker_dir(name) / "airflow-home" / "logs").glob(f"**/task_id={task_id}/**/*.log"))

    def run_task_logs(self, run_id: str, task_id: str = "process") -> dict[str, list[Path]]:
        """Worker name -> its logs of `task_id` in one run: which worker ran which task. The task
        instances' `hostname` cannot tell: every worker of this cluster is on the same host. A
        worker killed since still counts: its logs stay in its folder."""
        names = [f"worker{i}" for i in range(1, self.n_workers + 1)]
        return {name: [p for p in self.task_logs(name, task_id) if f"run_id={run_id}" in str(p)] for name in names}

    def run_day(self, day: str, conf: dict | None = None, timeout: float = 1800, poll: float = 2) -> dict:
        """Trigger one run of `news_etl` for `day` and wait for it to finish: {run_id, state,
        triggered_at (UTC), seconds (trigger to finish as seen here, to within `poll`), dag_run,
        task_instances} (the last two as the REST API gives them)."""
        from datetime import datetime, timezone

        af = self.airflow
        af.wait_for_dag(DAG_ID)
        af.unpause(DAG_ID)
        triggered_at = datetime.now(timezone.utc)
        started = time.monotonic()
        run_id = af.trigger(DAG_ID, conf={"partition_date": day, **(conf or {})})
        state = af.wait_for_run(DAG_ID, run_id, timeout=timeout, poll=poll)
        seconds = time.monotonic() - started
        return {"run_id": run_id, "state": state, "triggered_at": triggered_at, "seconds": seconds,
                "dag_run": af.dag_run(DAG_ID, run_id), "task_instances": af.task_instances(DAG_ID, run_id)}

    # --- state and stop ------------------------------------------------------------------------
    def _save(self) -> None:
        state = {"pids": {n: p.pid for n, p in self.procs.items()},
                 "airflow_pids": {n: p.pid for n, p in self.airflow.processes.items()},
                 "pg_data": str(self.pg_data), "url": self.airflow.url,
                 "ports": {"api": self.port, "postgres": self.pg_port, "redis": self.redis_port, "s3": self.s3_port}}
        (self.root / "cluster.json").write_text(json.dumps(state, indent=1))

    def stop(self) -> None:
        for name in list(self.workers):
            _terminate_tree(self.workers.pop(name).pid)
        if self.airflow is not None:
            self.airflow.stop()
        for name in ("s3", "redis", "postgres"):
            proc = self.procs.pop(name, None)
            if proc is not None:
                _terminate_tree(proc.pid)
        shutil.rmtree(self.pg_data, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (self.root / "cluster.json").unlink()

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _terminate_tree(pid: int, timeout: float = 30) -> None:
    terminate_trees([pid], timeout)


def stop_from_state(root: Path) -> int:
    """`make cluster-stop`: end what a `start` in another process left running."""
    path = root / "cluster.json"
    if not path.exists():
        print(f"no cluster state in {path}: nothing to stop")
        return 0
    state = json.loads(path.read_text())
    order = [n for n in state["pids"] if n.startswith("worker")] + ["airflow"] + ["s3", "redis", "postgres"]
    for name in order:
        pids = state["airflow_pids"].values() if name == "airflow" else [state["pids"].get(name)]
        for pid in pids:
            if pid:
                _terminate_tree(pid)
    shutil.rmtree(state["pg_data"], ignore_errors=True)
    path.unlink()
    print("cluster stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.airflow.cluster", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("start", "stop"))
    ap.add_argument("--root", default=str(REPO / ".cluster"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_PORT") or 0) or None)
    ap.add_argument("--seed-landing", default=str(REPO / "seeds"),
                    help="local folder of <YYYY-MM-DD>/ inputs uploaded to the S3 landing zone on start")
    args = ap.parse_args(argv)
    root = Path(args.root)
    if args.command == "stop":
        return stop_from_state(root)
    if (root / "cluster.json").exists():
        print(f"a cluster is already running ({root / 'cluster.json'}); `make cluster-stop` first", file=sys.stderr)
        return 1
    if missing_binaries():
        print(f"missing system packages for: {', '.join(missing_binaries())} "
              "(apt-get install redis-server postgresql)", file=sys.stderr)
        return 1
    cluster = LocalCluster(root, workers=args.workers, port=args.port)
    cluster.start()
    upload_landing(cluster, Path(args.seed_landing))
    print(f"cluster up: Airflow UI {cluster.airflow.url} (no login), CeleryExecutor, {args.workers} worker(s)\n"
          f"  landing {LANDING}, warehouse {WAREHOUSE} on the S3 server 127.0.0.1:{cluster.s3_port}\n"
          f"  metadata DB postgresql://127.0.0.1:{cluster.pg_port}/airflow, broker redis://127.0.0.1:{cluster.redis_port}/0\n"
          f"  logs: {root / 'logs'}/ ; `make cluster-stop` stops it all", flush=True)
    return 0


def upload_landing(cluster: LocalCluster, local: Path) -> None:
    """Copy a local landing folder (<day>/<files>) to the cluster's S3 landing zone."""
    from etl import fs

    with cluster.s3_client():
        store = fs.filesystem(LANDING)
        for f in sorted(p for p in local.rglob("*") if p.is_file()):
            store.put_file(str(f), f"{BUCKET}/landing/{f.relative_to(local).as_posix()}")


if __name__ == "__main__":
    sys.exit(main())
