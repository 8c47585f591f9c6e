"""news_etl on a real multi-machine deployment, run on this host (etl/airflow/cluster.py):
PostgreSQL metadata DB, Redis broker, CeleryExecutor with two workers that share no local path
(own AIRFLOW_HOME, own NEWS_ETL_WORK_DIR), landing and warehouse on an S3 server.

Skips when the system packages (redis-server, PostgreSQL) or the Celery provider are missing.
The end-to-end test is slow: it boots nine services and runs a day twice, once with a worker killed mid-batch."""
import json
import shutil
import time

import pytest

from conftest import ROOT

DAY = "2025-12-03"


def _skip_unless_available():
    pytest.importorskip("airflow.providers.celery")
    pytest.importorskip("psycopg2")
    from etl.airflow.cluster import missing_binaries

    missing = missing_binaries()
    if missing:
        pytest.skip(f"system packages missing: {', '.join(missing)}")


def _landing(day_dir, copies=2):
    """Every seed page plus variants with one extra sentence (distinct articles, not duplicates)."""
    day_dir.mkdir(parents=True)
    n = 0
    for p in sorted(x for x in (ROOT / "seeds").glob("*/*") if x.is_file()):
        shutil.copy(p, day_dir / p.name)
        lines = p.read_text(encoding="utf-8").split("\n")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        for c in range(1, copies):
            varied = list(lines)
            varied[longest] += f" Officials said a further review, number {c}, would follow within weeks."
            (day_dir / f"v{c}_{p.name}").write_text("\n".join(varied), encoding="utf-8")
        n += copies
    return n


def _tables(wh, day):
    from etl.model import schema

    return {t: sorted(json.dumps(r, sort_keys=True, default=str) for r in wh.read_table(t, day).to_pylist())
            for t in schema.TABLE_NAMES}


def _wait_running_process_task(cluster, af, run_id, timeout=600):
    """(worker name, map index) of a `process` task that has started on a worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = [t for t in af.task_instances("news_etl", run_id) if t["task_id"] == "process"
                   and t["state"] == "running"]
        if running:
            for name in cluster.workers:
                if cluster.task_logs(name):
                    for log in cluster.task_logs(name):
                        if f"run_id={run_id}" in str(log) and log.stat().st_size > 0:
                            return name
        time.sleep(1)
    raise AssertionError("no process task started")


@pytest.mark.slow
def test_one_day_through_the_cluster_on_two_workers_then_with_one_killed(tmp_path, monkeypatch):
    _skip_unless_available()
    from etl.airflow.cluster import LANDING, WAREHOUSE, LocalCluster, upload_landing
    from etl.run import pipeline
    from etl.warehouse import open_warehouse

    local = tmp_path / "landing"
    n_files = _landing(local / DAY)
    # no scheduled runs of the scheduler's own: only the runs this test triggers
    quiet = {"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"}
    with LocalCluster(tmp_path / "cluster", workers=2, extra_env=quiet) as cluster:
        af = cluster.airflow
        upload_landing(cluster, local)
        for k, v in cluster.s3_env().items():  # this process reads the same store
            monkeypatch.setenv(k, v)
        monkeypatch.setenv("NEWS_ETL_WORK_DIR", str(tmp_path / "test-work"))
        af.wait_for_dag("news_etl")
        af.unpause("news_etl")
        started = time.monotonic()
        run_id = af.trigger("news_etl", conf={"partition_date": DAY, "files_per_batch": 1})
        state = af.wait_for_run("news_etl", run_id, timeout=1500)
        took = time.monotonic() - started
        tis = af.task_instances("news_etl", run_id)
        assert state == "success", [(t["task_id"], t.get("map_index"), t["state"]) for t in tis]
        per_worker = {name: [p for p in cluster.task_logs(name) if f"run_id={run_id}" in str(p)]
                      for name in ("worker1", "worker2")}
        # mapped process tasks ran on both workers (each has task logs of its own)
        assert all(per_worker.values()), per_worker
        assert sum(len(v) for v in per_worker.values()) >= n_files
        published = open_warehouse(WAREHOUSE)
        cluster_rows = _tables(published, DAY)
        manifest = published.read_manifest(DAY)
        assert manifest["run_id"] == run_id and manifest["input_count"] == n_files

        # the CLI over the same inputs (same S3 landing) into a warehouse of its own
        cli_wh = tmp_path / "cli-warehouse"
        pipeline.run([f"{LANDING}/{DAY}"], str(cli_wh), DAY, "cli")
        assert cluster_rows == _tables(open_warehouse(cli_wh), DAY)

        # again, killing a worker while it runs a batch: Airflow notices, retries elsewhere
        rerun = af.trigger("news_etl", conf={"partition_date": DAY, "files_per_batch": 1})
        victim = _wait_running_process_task(cluster, af, rerun)
        cluster.kill_worker(victim)
        state = af.wait_for_run("news_etl", rerun, timeout=1500)
        tis = af.task_instances("news_etl", rerun)
        assert state == "success", [(t["task_id"], t.get("map_index"), t["state"]) for t in tis]
        assert any(t["task_id"] == "process" and t["try_number"] > 1 for t in tis), \
            [(t["map_index"], t["try_number"]) for t in tis if t["task_id"] == "process"]
        assert published.read_manifest(DAY)["run_id"] == rerun
        assert _tables(published, DAY) == cluster_rows
    print(f"cluster run of {n_files} files on 2 workers: {took:.0f} s; killed {victim}")


def test_cluster_stop_ends_what_start_left_running(tmp_path):
    """`make cluster-stop` runs in a new process: it has only cluster.json to go by."""
    import subprocess
    import sys

    from etl.airflow import cluster

    procs = {n: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
             for n in ("worker1", "s3", "redis", "postgres", "scheduler")}
    pg_data = tmp_path / "pg"
    pg_data.mkdir()
    state = {"pids": {n: p.pid for n, p in procs.items() if n != "scheduler"},
             "airflow_pids": {"scheduler": procs["scheduler"].pid}, "pg_data": str(pg_data)}
    (tmp_path / "cluster.json").write_text(json.dumps(state))
    assert cluster.stop_from_state(tmp_path) == 0
    assert all(p.wait(30) is not None for p in procs.values())
    assert not (tmp_path / "cluster.json").exists() and not pg_data.exists()
    assert cluster.stop_from_state(tmp_path) == 0  # twice: nothing left, no error


def test_missing_binaries_names_what_to_install(monkeypatch):
    from etl.airflow import cluster

    monkeypatch.setattr(cluster.shutil, "which", lambda name: None)
    monkeypatch.setattr(cluster.glob, "glob", lambda pattern: [])
    assert cluster.missing_binaries() == ["redis-server", "initdb", "postgres", "pg_ctl"]
