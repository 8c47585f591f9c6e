"""The environment every process of a local Airflow deployment gets (etl.airflow_local.airflow_env):
`make airflow`, `make backfill` and the LocalExecutor test all start their services with it."""
import importlib
import subprocess
import sys

from etl import airflow_local
from etl.backfill import AirflowServices

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
    assert svc.env[CONNECT_KEYS[0]] == "etl.airflow_local.SQLITE_CONNECT_ARGS"
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
