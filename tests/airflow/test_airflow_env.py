"""The environment every process of a local Airflow deployment gets (etl.airflow.services.airflow_env):
`make airflow`, `make backfill` and the LocalExecutor test all start their services with it."""
import importlib
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from etl.airflow import services as airflow_local
from etl.airflow.backfill import AirflowServices

CONNECT_KEYS = ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC")


def _resolve(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_sqlite_deployments_wait_for_the_lock(tmp_path):
    """Components sharing the default SQLite DB wait well beyond sqlite3's 5 s for its lock."""
    env = airflow_local.airflow_env(tmp_path, 8080, base={"PATH": "/usr/bin"})
    for key in CONNECT_KEYS:
        assert _resolve(env[key])["timeout"] >= 30
    sqlite_file = airflow_local.airflow_env(tmp_path, 8080, base={
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/airflow.db"})
    assert all(k in sqlite_file for k in CONNECT_KEYS)


def test_a_server_database_or_the_operators_own_arguments_are_left_alone(tmp_path):
    pg = airflow_local.airflow_env(tmp_path, 8080, base={
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgresql+psycopg2://u@db/airflow"})
    assert not any(k in pg for k in CONNECT_KEYS)
    own = airflow_local.airflow_env(tmp_path, 8080, base={}, extra={CONNECT_KEYS[0]: "mysettings.ARGS"})
    assert own[CONNECT_KEYS[0]] == "mysettings.ARGS"


def test_the_backfill_services_use_the_same_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    svc = AirflowServices(tmp_path / "home", log=lambda m: None, extra_env={"NEWS_ETL_PROCESSES": "1"})
    assert svc.env[CONNECT_KEYS[0]] == "etl.airflow.services.SQLITE_CONNECT_ARGS"
    assert svc.env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"http://127.0.0.1:{svc.port}/execution/"
    assert svc.env["AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"] == "False"
    assert svc.env["NEWS_ETL_PROCESSES"] == "1"


def test_airflow_itself_reads_the_connect_arguments(tmp_path):
    """Airflow resolves the path in a plain process started with the deployment's environment
    (each component imports it for itself, from the installed package, not the test's sys.path)."""
    env = airflow_local.airflow_env(tmp_path, 8080)
    code = ("from airflow.settings import _get_connect_args; "
            "print(_get_connect_args('sync')['timeout'], _get_connect_args('async')['timeout'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == [str(airflow_local.SQLITE_CONNECT_ARGS["timeout"])] * 2


@pytest.mark.slow
def test_a_cli_call_outwaits_a_lock_that_breaks_it_without_the_arguments(tmp_path):
    """What failed in CI, reproduced: another process holds the SQLite DB's write lock.
    `airflow backfill create` without the connect arguments gives up ("database is locked");
    with the deployment's environment it waits for the lock and creates the backfill.

    No verdict depends on the machine's speed: the lock is released on events, not on a clock
    racing the CLI's start-up. Without the arguments the lock is held until the CLI has exited,
    so it can only fail. With them, it is held until the CLI has run longer than the bare call
    took to start and give up, plus 10 s: the CLI meets the lock and must wait well past sqlite's
    own 5 s, yet far less than the deployment's 60 s."""
    home = tmp_path / "home"
    env = airflow_local.airflow_env(home, airflow_local.free_port())
    airflow_local.airflow_cli(["db", "migrate"], env, timeout=600)
    airflow_local.airflow_cli(["dags", "reserialize"], env, timeout=600)
    create = ["backfill", "create", "--dag-id", "news_etl", "--from-date", "2025-12-03T02:00:00+00:00",
              "--to-date", "2025-12-03T02:00:00+00:00"]

    def run_while_locked(call_env, release_after: float | None):
        con = sqlite3.connect(home / "airflow.db", isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        proc = subprocess.Popen([str(airflow_local.VENV_BIN / "airflow"), *create], env=call_env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            if release_after is None:
                out, _ = proc.communicate(timeout=600)  # held until the CLI is gone
            else:
                with pytest.raises(subprocess.TimeoutExpired):  # it must still be waiting then
                    proc.wait(timeout=release_after)
        finally:
            con.execute("COMMIT")
            con.close()
        if release_after is not None:
            out, _ = proc.communicate(timeout=600)
        return proc.returncode, out, time.monotonic() - started

    bare = {k: v for k, v in env.items() if k not in CONNECT_KEYS}
    code, out, bare_took = run_while_locked(bare, None)
    assert code != 0 and "database is locked" in out
    hold = min(bare_took + 10, 40)  # below the deployment's 60 s wait whatever the start-up cost
    code, out, _ = run_while_locked(env, hold)
    assert code == 0, out[-2000:]


def test_parallelism_follows_the_cores_unless_the_operator_sets_it(monkeypatch):
    from etl import config
    from etl.airflow.services import airflow_env

    monkeypatch.setattr(config, "usable_cpus", lambda: 3)
    base = {k: v for k, v in os.environ.items() if k != "AIRFLOW__CORE__PARALLELISM"}
    assert airflow_env("/tmp/h", 8080, base=base)["AIRFLOW__CORE__PARALLELISM"] == "3"
    assert airflow_env("/tmp/h", 8080, base=dict(base, AIRFLOW__CORE__PARALLELISM="5"))["AIRFLOW__CORE__PARALLELISM"] == "5"
    assert airflow_env("/tmp/h", 8080, base=base, parallelism=2)["AIRFLOW__CORE__PARALLELISM"] == "2"
    with pytest.raises(ValueError, match="at least 1"):
        airflow_env("/tmp/h", 8080, base=dict(base, AIRFLOW__CORE__PARALLELISM="0"))


def test_a_mapped_task_uses_one_nlp_worker_unless_configured(monkeypatch):
    from etl import config

    monkeypatch.delenv("NEWS_ETL_PROCESSES", raising=False)
    monkeypatch.setattr(config, "_usable_cpus", lambda: 6)
    assert config.task_nlp_processes() == 1
    assert config.nlp_processes() == 6  # the CLI keeps using every core
    monkeypatch.setenv("NEWS_ETL_PROCESSES", "3")
    assert config.task_nlp_processes() == 3
    monkeypatch.setenv("NEWS_ETL_PROCESSES", "0")
    assert config.task_nlp_processes() == 6


def test_the_process_task_passes_its_worker_count_to_the_batch(monkeypatch, tmp_path):
    from etl.airflow import tasks

    seen = {}
    monkeypatch.delenv("NEWS_ETL_PROCESSES", raising=False)
    monkeypatch.setattr(tasks.pipeline, "process_batch",
                        lambda staging, n, files, day, processes=None: seen.update(processes=processes) or {})
    tasks.process({"staging": str(tmp_path), "batch_no": 0, "files": [], "ingest_date": "2025-12-03"})
    assert seen == {"processes": 1}
