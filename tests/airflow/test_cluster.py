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
            for name, logs in cluster.run_task_logs(run_id).items():
                if name in cluster.workers and any(log.stat().st_size > 0 for log in logs):
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
        first = cluster.run_day(DAY, conf={"files_per_batch": 1}, timeout=1500)
        run_id, took, tis = first["run_id"], first["seconds"], first["task_instances"]
        assert first["state"] == "success", [(t["task_id"], t.get("map_index"), t["state"]) for t in tis]
        per_worker = cluster.run_task_logs(run_id)
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


def test_run_task_logs_names_the_worker_of_each_task_of_one_run(tmp_path):
    """Which worker ran a task is read from the worker's own log folder (all workers of the
    one-host cluster share a hostname); logs of other runs and other tasks do not count."""
    import shutil

    from etl.airflow.cluster import LocalCluster

    cluster = LocalCluster(tmp_path, workers=2)
    shutil.rmtree(cluster.pg_data)
    run_a, run_b = "manual__2026-01-01T00:00:00+00:00", "manual__2026-01-02T00:00:00+00:00"

    def log(worker, run_id, task_id, map_index):
        path = (cluster.worker_dir(worker) / "airflow-home" / "logs" / "dag_id=news_etl" / f"run_id={run_id}"
                / f"task_id={task_id}" / f"map_index={map_index}" / "attempt=1.log")
        path.parent.mkdir(parents=True)
        path.write_text("x")
        return path

    a0, a2 = log("worker1", run_a, "process", 0), log("worker1", run_a, "process", 2)
    a1 = log("worker2", run_a, "process", 1)
    log("worker2", run_b, "process", 0)
    log("worker1", run_a, "plan", -1)
    assert cluster.run_task_logs(run_a) == {"worker1": [a0, a2], "worker2": [a1]}
    assert cluster.run_task_logs("manual__2026-01-03T00:00:00+00:00") == {"worker1": [], "worker2": []}
