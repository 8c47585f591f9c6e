"""Kill -9 at every named checkpoint of a run (etl.faults), and at a few random moments, and
check after each kill that the published partition is readable and equal to the old state or
(per table, between swaps) the new one; then that retrying / rerunning repairs it to exactly one
whole state.

The run is driven step by step as the DAG drives it (each step a separate process that may die
and be retried); old state = corpus A published, new state = corpus B published."""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from etl.run import pipeline
from etl.model import schema
from etl.warehouse import open_warehouse, Warehouse

DAY = "2025-12-04"
RUN = "crash-b"

ARTICLE = ("{title}\n\nThe {thing} opened on Tuesday after two years of work in {place}.\n\n"
           "Mayor {who} said the {thing} would change daily life in {place}.\n\n"
           "\"This is a good day for everyone here,\" {who} said.\n")


def _write(d: Path, n: int, seed: int) -> None:
    d.mkdir(parents=True)
    things = ["bridge", "library", "ferry", "tram", "stadium", "harbour"]
    places = ["Leeds", "Porto", "Lyon", "Bergen", "Graz", "Cork"]
    people = ["Ana Lopez", "Tom Berg", "Ines Costa", "Paul Weber", "Maria Rossi", "John Kerr"]
    for i in range(n):
        k = (i + seed) % len(things)
        (d / f"{seed}_{i}.txt").write_text(ARTICLE.format(title=f"New {things[k]} for {places[k]}",
                                                          thing=things[k], place=places[k], who=people[k]))
    (d / "bad.jsonl").write_text('{"text": "ok line but short"}\nnot json\n')
    (d / "blob.txt").write_bytes(b"\x00\x01\x02" * 50 + bytes([seed]))


def snapshot_table(wh: Warehouse, table: str) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in wh.read_table(table, DAY).to_pylist())


def snapshot(wh: Warehouse) -> dict:
    return {t: snapshot_table(wh, t) for t in schema.TABLE_NAMES}


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Warehouse with A published (the old state), and B's tables (the new state) from a clean run."""
    base = tmp_path_factory.mktemp("crash")
    land_a, land_b = base / "land_a", base / "land_b"
    _write(land_a, 2, seed=0)
    _write(land_b, 4, seed=3)
    old_wh = base / "old"
    pipeline.run([str(land_a)], str(old_wh), DAY, "run-a")
    ref = base / "ref"
    pipeline.run([str(land_b)], str(ref), DAY, "ref-b")
    old, new = snapshot(open_warehouse(old_wh)), snapshot(open_warehouse(ref))
    assert old != new and all(old[t] != new[t] for t in ("articles", "rejects"))
    return {"base": base, "land_b": land_b, "old_wh": old_wh, "old": old, "new": new,
            "old_manifest": open_warehouse(old_wh).read_manifest(DAY)}


def fresh_copy(states, name: str) -> Path:
    dst = states["base"] / name
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(states["old_wh"], dst, symlinks=True)
    return dst


_DRIVER = "import json, sys; from etl.run import pipeline; getattr(pipeline, sys.argv[1])(**json.loads(sys.argv[2]))"


def run_step(step: str, crash_at: str | None = None, extra_env: dict | None = None, **kwargs) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NEWS_ETL_PROCESSES="1")
    env.pop("NEWS_ETL_CRASH_AT", None)
    if crash_at:
        env["NEWS_ETL_CRASH_AT"] = crash_at
    env.update(extra_env or {})
    proc = subprocess.run([sys.executable, "-c", _DRIVER, step, json.dumps(kwargs)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if crash_at:
        assert proc.returncode == -signal.SIGKILL, f"{step} did not reach {crash_at}: rc={proc.returncode}\n{proc.stderr[-2000:]}"
    return proc.returncode


def assert_old_or_new(states, wh_dir: Path, allow_mixed: bool) -> str:
    """Each table readable and equal to its old or new contents; the manifest old or new. Unless
    a publish is in flight (allow_mixed), all tables and the manifest agree. Returns the state."""
    wh = open_warehouse(wh_dir)
    seen = {}
    for t in schema.TABLE_NAMES:
        rows = snapshot_table(wh, t)
        assert rows in (states["old"][t], states["new"][t]), f"{t} is neither the old nor the new partition"
        if states["old"][t] != states["new"][t]:  # (e.g. both without captions: tells nothing)
            seen[t] = "old" if rows == states["old"][t] else "new"
    manifest = wh.read_manifest(DAY)
    m_state = "old" if manifest["run_id"] == "run-a" else "new"
    if not allow_mixed or not wh.journal_path(DAY).exists():
        assert set(seen.values()) == {m_state}, f"tables {seen} vs manifest {m_state}"
        manifest_read, tables = wh.read_partition(DAY)
        assert {t: tables[t].num_rows for t in tables} == manifest_read["row_counts"]
    return m_state


PLAN_POINTS = ["plan:staging_reset", "plan:written"]
PROCESS_POINTS = ["process:file_read", "process:nlp_done", "process:quarantine_written",
                  "process:tables_half_written", "process:before_rename", "process:batch_done"]
FINALIZE_POINTS = ["finalize:table_written:articles", "finalize:table_written:rejects",
                   "finalize:quarantine_linked", "finalize:done"]
AUDIT_POINTS = ["audit:validated", "audit:written"]
PUBLISH_POINTS = ["publish:locked", "publish:journal_written", "publish:swapped:articles",
                  "publish:swapped:entity_mentions", "publish:swapped:quotes", "publish:swapped:rejects",
                  "publish:manifest_written", "publish:staged_removed", "publish:journal_removed",
                  "publish:published"]


def test_kill_at_every_step_checkpoint_then_retry(states):
    """The DAG's view: each step killed at each of its checkpoints, the published partition
    checked after each kill, then the step retried; the chain ends in exactly the new state."""
    wh_dir = fresh_copy(states, "chain")
    common = {"ingest_date": DAY}
    plan_args = dict(inputs=[str(states["land_b"])], warehouse=str(wh_dir), run_id=RUN, files_per_batch=3, **common)
    kills = 0
    for point in PLAN_POINTS:
        run_step("plan", point, **plan_args)
        kills += 1
        assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    p = pipeline.plan(**plan_args)
    assert len(p["batches"]) == 2
    for b in p["batches"]:
        args = dict(staging=p["staging"], batch_no=b["batch_no"], files=b["files"], **common)
        for point in (PROCESS_POINTS if b["batch_no"] == 0 else PROCESS_POINTS[:1]):
            run_step("process_batch", point, **args)
            kills += 1
            assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
        pipeline.process_batch(**args)
    fin_args = dict(staging=p["staging"], expected_batches=2, **common)
    for point in FINALIZE_POINTS:
        run_step("finalize", point, **fin_args)
        kills += 1
        assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    pipeline.finalize(**fin_args)
    step_args = dict(staging=p["staging"], warehouse=str(wh_dir), run_id=RUN, **common)
    for point in AUDIT_POINTS:
        run_step("audit", point, **step_args)
        kills += 1
        assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    pipeline.audit(**step_args)

    # Publish: every kill is tried on its own copy of the audited warehouse, then repaired.
    ready = states["base"] / "ready"
    shutil.rmtree(ready, ignore_errors=True)
    shutil.copytree(wh_dir, ready, symlinks=True)
    for point in PUBLISH_POINTS:
        shutil.rmtree(wh_dir)
        shutil.copytree(ready, wh_dir, symlinks=True)
        run_step("publish", point, **step_args)
        kills += 1
        assert_old_or_new(states, wh_dir, allow_mixed=True)
        # the retried publish task (what Airflow does next) finishes it
        manifest = pipeline.publish(**step_args)
        assert manifest["run_id"] == RUN
        assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "new", point
        assert not open_warehouse(wh_dir).journal_path(DAY).exists()
        assert not Path(p["staging"]).exists()
    assert kills >= 24


def test_next_run_repairs_a_publish_cut_between_swaps(states):
    """Kill between table swaps; the NEXT run (a different run id) rolls the journal forward
    first, so readers get the killed run's whole partition, then its own."""
    wh_dir = fresh_copy(states, "nextrun")
    step_args = dict(staging=str(open_warehouse(wh_dir).staging_dir(DAY, RUN)), warehouse=str(wh_dir),
                     run_id=RUN, ingest_date=DAY)
    p = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, RUN)
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    pipeline.finalize(p["staging"], DAY)
    pipeline.audit(**{k: v for k, v in step_args.items()})
    run_step("publish", "publish:swapped:entities", **step_args)
    wh = open_warehouse(wh_dir)
    assert wh.journal_path(DAY).exists()
    with pytest.raises(Exception, match="cut short"):
        wh.read_partition(DAY)  # the consistent reader refuses a half-published partition
    p2 = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, "another-run")
    assert p2["repaired"].startswith("rolled forward")
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "new"
    assert wh.read_manifest(DAY)["run_id"] == RUN


def test_damaged_staging_rolls_back_to_the_old_partition(states):
    wh_dir = fresh_copy(states, "rollback")
    p = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, RUN)
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    pipeline.finalize(p["staging"], DAY)
    pipeline.audit(p["staging"], DAY, str(wh_dir), RUN)
    run_step("publish", "publish:swapped:entity_mentions", staging=p["staging"], ingest_date=DAY,
             warehouse=str(wh_dir), run_id=RUN, extra_env={"NEWS_ETL_NO_RENAME_EXCHANGE": "1"})
    # a table not yet swapped loses its staged copy: the publish cannot be finished
    shutil.rmtree(Path(p["staging"]) / "final" / "quotes")
    wh = open_warehouse(wh_dir)
    with wh.lock(DAY):
        done = wh.recover(DAY)
    assert done.startswith("rolled back")
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    assert wh.read_manifest(DAY) == states["old_manifest"]


def test_fallback_without_rename_exchange_is_repaired_too(states):
    wh_dir = fresh_copy(states, "fallback")
    p = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, RUN)
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    pipeline.finalize(p["staging"], DAY)
    pipeline.audit(p["staging"], DAY, str(wh_dir), RUN)
    args = dict(staging=p["staging"], ingest_date=DAY, warehouse=str(wh_dir), run_id=RUN)
    run_step("publish", "publish:swapped:quotes", extra_env={"NEWS_ETL_NO_RENAME_EXCHANGE": "1"}, **args)
    assert_old_or_new(states, wh_dir, allow_mixed=True)
    assert not list((wh_dir / "articles").glob(".*")), "no aside copies inside a table folder"
    pipeline.publish(**args)
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "new"


def test_cli_killed_at_random_moments_then_rerun(states):
    """Whole CLI runs killed at a named point and after random delays; after each kill the
    partition is whole (old or new, per table), and a plain rerun publishes the new state."""
    rng = random.Random(7)
    wh_dir = fresh_copy(states, "cli")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NEWS_ETL_PROCESSES="1")
    cmd = [sys.executable, "-m", "etl.cli", "run", "--quiet", "--input", str(states["land_b"]),
           "--warehouse", str(wh_dir), "--date", DAY]
    r = subprocess.run(cmd + ["--run-id", "cli-crash"], env=dict(env, NEWS_ETL_CRASH_AT="run:locked"),
                       cwd=ROOT, capture_output=True, timeout=120)
    assert r.returncode == -signal.SIGKILL
    assert_old_or_new(states, wh_dir, allow_mixed=True)
    delays = [rng.uniform(1.0, 12.0) for _ in range(3)]
    for i, delay in enumerate(delays):
        proc = subprocess.Popen(cmd + ["--run-id", f"timed-{i}"], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert_old_or_new(states, wh_dir, allow_mixed=True)
    r = subprocess.run(cmd + ["--run-id", "final"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "new"
    assert open_warehouse(wh_dir).read_manifest(DAY)["run_id"] == "final"
