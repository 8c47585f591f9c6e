"""Backfills: partition dates -> Airflow's logical dates (checked against Airflow's own timetable
code), the Makefile target, and (slow) a real backfill of the three seed dates through a started
scheduler + api-server + dag-processor, then a `--reprocess-behavior completed` rerun that must
leave identical tables."""
import json
import subprocess
from datetime import date

import pytest

from conftest import ROOT
from etl.airflow import backfill
from etl.model import schema

SEED_DAYS = [date(2025, 12, 3), date(2025, 12, 4), date(2025, 12, 5)]


def _serialized_dag():
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["news_etl"]
    return DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))


def test_window_selects_exactly_the_partitions_asked_for():
    """What `airflow backfill create` does with the window (iter_dagrun_infos_between) gives runs
    whose data interval starts on each requested partition date, and no other."""
    from etl.airflow.tasks import partition_date

    dag = _serialized_dag()
    start, end = backfill.backfill_window(SEED_DAYS[0], SEED_DAYS[-1])
    infos = list(dag.iter_dagrun_infos_between(start, end))
    assert [i.data_interval.start.date() for i in infos] == SEED_DAYS
    for info, day in zip(infos, SEED_DAYS):
        assert info.logical_date == backfill.logical_date_for(day)
        assert backfill.partition_for(info.logical_date) == day
        # the DAG's tasks derive the same partition from that run's context
        ctx = {"params": {}, "data_interval_start": info.data_interval.start, "logical_date": info.logical_date}
        assert partition_date(ctx) == day.isoformat()
    # one day, and a reversed range
    one = list(dag.iter_dagrun_infos_between(*backfill.backfill_window(SEED_DAYS[1], SEED_DAYS[1])))
    assert [i.data_interval.start.date() for i in one] == [SEED_DAYS[1]]
    with pytest.raises(ValueError):
        backfill.backfill_window(SEED_DAYS[2], SEED_DAYS[0])


def test_make_backfill_calls_the_script_with_partition_dates():
    out = subprocess.run(["make", "-n", "backfill", "FROM=2025-12-03", "TO=2025-12-05"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    assert "-m etl.airflow.backfill --from 2025-12-03 --to 2025-12-05" in out
    usage = subprocess.run(["make", "backfill"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make backfill FROM=" in usage.stderr


def _tables(wh, day: str) -> dict:
    return {t: sorted(json.dumps(r, sort_keys=True, default=str) for r in wh.read_table(t, day).to_pylist())
            for t in schema.TABLE_NAMES}


@pytest.mark.slow
def test_backfill_three_seed_days_then_reprocess_completed(tmp_path):
    from etl.warehouse import open_warehouse

    home, wh_dir = tmp_path / "airflow-home", tmp_path / "wh"
    logs = []
    env = {"NEWS_ETL_WAREHOUSE": str(wh_dir), "NEWS_ETL_LANDING": str(ROOT / "seeds"), "NEWS_ETL_PROCESSES": "1"}
    with backfill.AirflowServices(home, extra_env=env, log=logs.append) as svc:
        assert f"127.0.0.1:{svc.port}" in logs[0]
        started = list(svc.processes.values())
        assert sorted(svc.processes) == ["api-server", "dag-processor", "scheduler"]
        assert svc.env["AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"] == "False"
        first = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=1200)
        wh = open_warehouse(wh_dir)
        before = {d.isoformat(): _tables(wh, d.isoformat()) for d in SEED_DAYS}
        manifests = {d.isoformat(): wh.read_manifest(d.isoformat()) for d in SEED_DAYS}
        again = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], reprocess="completed", timeout=1200)
    assert {d: r["state"] for d, r in first.items()} == {d.isoformat(): "success" for d in SEED_DAYS}
    assert {d: r["state"] for d, r in again.items()} == {d.isoformat(): "success" for d in SEED_DAYS}
    for day in SEED_DAYS:
        d = day.isoformat()
        m = manifests[d]
        # run ids carry the run's end (run_after): the day after the partition
        assert m["run_id"] == first[d]["run_id"] == f"backfill__{date.fromordinal(day.toordinal() + 1)}T02:00:00+00:00"
        seeds = [p for p in (ROOT / "seeds" / d).iterdir() if p.is_file()]
        assert m["input_count"] == len(seeds) and m["row_counts"]["articles"] == len(seeds)
        assert m["accounting"]["passed"]
        after = wh.read_manifest(d)
        assert after["run_id"] == m["run_id"] and after["published_at"] >= m["published_at"]
        assert _tables(wh, d) == before[d], f"reprocessing changed {d}"
        assert after["tables"] == m["tables"]  # byte-identical files
    assert sorted(p.name for p in (wh_dir / "articles").iterdir()) == [f"ingest_date={d}" for d in before]
    assert not list((wh_dir / "_staging").rglob("*.parquet")) if (wh_dir / "_staging").exists() else True
    # the processes it started are gone, and no admin password came near the repo
    assert all(p.poll() is not None for p in started) and svc.processes == {}
    tracked = subprocess.run(["git", "ls-files", "--others", "--cached", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True).stdout
    assert "password" not in tracked.lower()
    generated = list(home.glob("*passwords*"))
    for g in generated:
        secret = g.read_text()
        assert not any(secret.strip() and secret.strip() in line for line in logs)


class _FakeServices:
    """Stands in for AirflowServices: `backfill create` answers from a script, list-runs with the
    runs the last successful create made."""

    def __init__(self, create_answers):
        self.create_answers = list(create_answers)
        self.create_calls = 0
        self.runs = []
        self.logs = []

    def log(self, msg):
        self.logs.append(msg)

    def airflow(self, *args, check=True, timeout=300):
        if args[:2] == ("backfill", "create"):
            self.create_calls += 1
            code, stderr = self.create_answers.pop(0)
            if code == 0:
                from datetime import datetime, timezone
                ended = datetime.now(timezone.utc).isoformat()
                self.runs = [{"run_id": f"backfill__{d}", "state": "success", "end_date": ended,
                              "logical_date": backfill.logical_date_for(d).isoformat()} for d in SEED_DAYS]
            return subprocess.CompletedProcess(args, code, stdout="", stderr=stderr)
        if args[:2] == ("dags", "list-runs"):
            return subprocess.CompletedProcess(args, 0, stdout=json.dumps(self.runs) + "\n", stderr="")
        return subprocess.CompletedProcess(args, 0, stdout="", stderr="")


def test_create_is_retried_when_the_database_was_locked_or_a_backfill_still_active(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    locked = (1, "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked")
    active = (1, "airflow.exceptions.AlreadyRunningBackfill: Another backfill is running for Dag news_etl.")
    svc = _FakeServices([locked, active, locked, (0, "")])
    results = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert svc.create_calls == 4
    assert {d: r["state"] for d, r in results.items()} == {d.isoformat(): "success" for d in SEED_DAYS}
    assert sum("locked" in m for m in svc.logs) == 2 and sum("still active" in m for m in svc.logs) == 1


def test_create_failing_otherwise_is_reported_not_retried(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    svc = _FakeServices([(1, "DagNotFound: Could not find dag news_etl")])
    with pytest.raises(RuntimeError, match="DagNotFound"):
        backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert svc.create_calls == 1


def test_a_lock_that_never_clears_ends_at_the_deadline(monkeypatch):
    clock = iter(range(0, 10_000, 20))
    monkeypatch.setattr(backfill.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    svc = _FakeServices([(1, "database is locked")] * 100)
    with pytest.raises(RuntimeError, match="database is locked"):
        backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=100)
    assert 1 < svc.create_calls < 10
