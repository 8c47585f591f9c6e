"""Backfills: partition dates -> Airflow's logical dates (checked against Airflow's own timetable
code), the Makefile target, and (slow) a real backfill of the three seed dates through a started
scheduler + api-server + dag-processor, then a `--reprocess-behavior completed` rerun that must
leave identical tables."""
import json
import os
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
        first_ids = {b["id"] for b in svc.state()["backfills"]}
        again = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], reprocess="completed", timeout=1200)
        runs = backfill.list_runs(svc)
        state = svc.state()
    # one run per day; every backfill complete (also one a "database is locked" left empty: seen
    # here on a loaded host); the second request's backfills own each day exactly once
    assert sorted(r["logical_date"][:10] for r in runs) == [d.isoformat() for d in SEED_DAYS]
    assert all(b["completed_at"] for b in state["backfills"]), (state, logs)
    owned = [t[:10] for b in state["backfills"] if b["id"] not in first_ids for t in b["runs"]]
    assert sorted(owned) == [d.isoformat() for d in SEED_DAYS], (state, logs)
    assert state["is_paused"] is True
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
        # a new Delta version per table, holding the same rows
        assert {t: e["rows"] for t, e in after["tables"].items()} == {t: e["rows"] for t, e in m["tables"].items()}
        assert all(after["tables"][t]["version"] > m["tables"][t]["version"] for t in m["tables"])
    assert sorted(p.name for p in (wh_dir / "articles").iterdir() if not p.name.startswith("_")) == \
        [f"ingest_date={d}" for d in before]
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
    """Stands in for AirflowServices: `backfill create` answers from a script (code, stderr, and
    optionally the days of the window a failed create still made runs for), list-runs with the runs
    the creates made, state() with the backfills, their runs and the DAG's paused flag."""

    def __init__(self, create_answers, paused=False, complete_after_polls=0):
        self.create_answers = list(create_answers)
        self.create_calls = []
        self.runs = {}
        self.backfills = []
        self.paused = paused
        self.pause_calls = []
        self.complete_after_polls = complete_after_polls
        self.logs = []

    def log(self, msg):
        self.logs.append(msg)

    def state(self):
        for b in self.backfills:  # the scheduler marks a backfill complete some loops later
            b["polls"] += 1
            if b["polls"] > self.complete_after_polls and b["completed_at"] is None:
                b["completed_at"] = "2026-01-01T00:00:00+00:00"
        return {"is_paused": self.paused,
                "backfills": [{k: v for k, v in b.items() if k != "polls"} for b in self.backfills]}

    def _make(self, days):
        from datetime import datetime, timezone
        ended = datetime.now(timezone.utc).isoformat()
        b = {"id": len(self.backfills) + 1, "created_at": ended, "completed_at": None, "polls": 0, "runs": {}}
        for d in days:
            logical = backfill.logical_date_for(d).isoformat()
            run = {"run_id": f"backfill__{d}", "state": "success", "end_date": ended, "logical_date": logical,
                   "made_by": b["id"]}
            self.runs.setdefault(d, []).append(run)
            b["runs"][logical] = run["run_id"]
        self.backfills.append(b)

    def airflow(self, *args, check=True, timeout=300):
        if args[:2] == ("backfill", "create"):
            lo = date.fromisoformat(args[args.index("--from-date") + 1][:10])
            hi = date.fromisoformat(args[args.index("--to-date") + 1][:10])
            self.create_calls.append((lo, hi))
            code, stderr, *left = self.create_answers.pop(0)
            if code == 0:
                self._make([d for d in SEED_DAYS if lo <= d <= hi])
            elif left:
                self._make(left[0])
            return subprocess.CompletedProcess(args, code, stdout="", stderr=stderr)
        if args[:2] == ("dags", "list-runs"):
            latest = [rs[-1] for rs in self.runs.values()]
            return subprocess.CompletedProcess(args, 0, stdout=json.dumps(latest) + "\n", stderr="")
        if args[:1] in (("dags",),) and args[1] in ("pause", "unpause"):
            self.pause_calls.append(args[1])
            self.paused = args[1] == "pause"
        return subprocess.CompletedProcess(args, 0, stdout="", stderr="")


def test_create_is_retried_when_the_database_was_locked_or_a_backfill_still_active(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    locked = (1, "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked")
    active = (1, "airflow.exceptions.AlreadyRunningBackfill: Another backfill is running for Dag news_etl.")
    svc = _FakeServices([locked, active, locked, (0, "")])
    results = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert len(svc.create_calls) == 4
    assert {d: r["state"] for d, r in results.items()} == {d.isoformat(): "success" for d in SEED_DAYS}
    assert sum("locked" in m for m in svc.logs) == 2 and sum("still active" in m for m in svc.logs) == 1


def test_create_failing_otherwise_is_reported_not_retried(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    svc = _FakeServices([(1, "DagNotFound: Could not find dag news_etl")])
    with pytest.raises(RuntimeError, match="DagNotFound"):
        backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert len(svc.create_calls) == 1


def test_a_lock_that_never_clears_ends_at_the_deadline(monkeypatch):
    clock = iter(range(0, 10_000, 20))
    monkeypatch.setattr(backfill.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    svc = _FakeServices([(1, "database is locked")] * 100)
    with pytest.raises(RuntimeError, match="database is locked"):
        backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=100)
    assert 1 < len(svc.create_calls) < 10


def test_a_half_made_backfill_is_kept_and_only_the_days_it_misses_are_created(monkeypatch):
    """The reported failure: a create that hit "database is locked" after making the first day's
    run. That run is this request's; creating the whole window again would run it twice."""
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    locked = (1, "sqlite3.OperationalError: database is locked", [SEED_DAYS[0]])
    active = (1, "airflow.exceptions.AlreadyRunningBackfill: Another backfill is running for Dag news_etl.")
    svc = _FakeServices([locked, active, (0, "")], complete_after_polls=2)
    results = backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], reprocess="completed", timeout=60)
    # the window shrank to the days the half-made backfill does not own
    assert svc.create_calls == [(SEED_DAYS[0], SEED_DAYS[-1]), (SEED_DAYS[1], SEED_DAYS[-1]),
                                (SEED_DAYS[1], SEED_DAYS[-1])]
    assert {d: len(rs) for d, rs in svc.runs.items()} == {d: 1 for d in SEED_DAYS}  # one run per day
    assert results[SEED_DAYS[0].isoformat()]["run_id"] == f"backfill__{SEED_DAYS[0]}"
    assert any("keeping them" in m for m in svc.logs)
    # both backfills of the request ended marked complete before returning
    assert all(b["completed_at"] for b in svc.state()["backfills"])
    assert any("marked complete" in m for m in svc.logs)


def test_a_gap_left_in_the_middle_is_created_as_its_own_window(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    locked = (1, "database is locked", [SEED_DAYS[1]])
    svc = _FakeServices([locked, (0, ""), (0, "")])
    backfill.run_backfill(svc, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert svc.create_calls[1:] == [(SEED_DAYS[0], SEED_DAYS[0]), (SEED_DAYS[2], SEED_DAYS[2])]
    assert {d: len(rs) for d, rs in svc.runs.items()} == {d: 1 for d in SEED_DAYS}


def test_a_paused_dag_is_paused_again_afterwards_and_an_unpaused_one_left_alone(monkeypatch):
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    paused = _FakeServices([(0, "")], paused=True)
    backfill.run_backfill(paused, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert paused.pause_calls == ["unpause", "pause"] and paused.paused
    running = _FakeServices([(0, "")], paused=False)
    backfill.run_backfill(running, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert running.pause_calls == ["unpause"] and not running.paused
    failing = _FakeServices([(1, "DagNotFound")], paused=True)  # also when the backfill fails
    with pytest.raises(RuntimeError):
        backfill.run_backfill(failing, SEED_DAYS[0], SEED_DAYS[-1], timeout=60)
    assert failing.paused


def test_it_does_not_return_before_the_backfill_is_marked_complete(monkeypatch):
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(backfill.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(backfill.time, "sleep", lambda s: None)
    never = _FakeServices([(0, "")], complete_after_polls=10**9)
    with pytest.raises(TimeoutError, match="not marked complete"):
        backfill.run_backfill(never, SEED_DAYS[0], SEED_DAYS[-1], timeout=200)


def test_airflow_home_and_settings_come_from_the_environment():
    env = dict(os.environ, AIRFLOW_HOME="/tmp/elsewhere-home", AIRFLOW__CORE__DAGS_FOLDER="/tmp/other-dags")
    out = subprocess.run(["make", "-n", "-p", "backfill", "FROM=2025-12-03", "TO=2025-12-03"], cwd=ROOT,
                         capture_output=True, text=True, env=env).stdout
    assert "AIRFLOW_HOME = /tmp/elsewhere-home" in out or "AIRFLOW_HOME := /tmp/elsewhere-home" in out
    assert "/tmp/other-dags" in out
    unset = {k: v for k, v in os.environ.items() if k not in ("AIRFLOW_HOME", "AIRFLOW__CORE__DAGS_FOLDER")}
    default = subprocess.run(["make", "-n", "-p", "backfill", "FROM=2025-12-03", "TO=2025-12-03"], cwd=ROOT,
                             capture_output=True, text=True, env=unset).stdout
    assert f"{ROOT}/.airflow" in default
