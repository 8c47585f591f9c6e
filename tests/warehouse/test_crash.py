"""Kill -9 at every named checkpoint of a run (etl.faults), and at a few random moments, and
check after each kill that every Delta table's latest version holds the old or the new day, that
the manifest's view (the six versions it names) is one whole state, and that retrying /
rerunning repairs it to exactly one whole state, which plain Parquet readers then see too.

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
import pandas as pd
import pyarrow as pa

from etl.run import pipeline
from etl.model import schema
from etl.warehouse import delta, open_warehouse, Warehouse

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


def latest_table(wh: Warehouse, table: str) -> list[str]:
    """The day as a Delta reader of the table's latest version sees it (not through the manifest)."""
    uri, options = wh.table_uri(table), wh.storage_options()
    rows = delta.read_day(uri, options, table, DAY, delta.version(uri, options)).to_pylist()
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def plain_table(wh_dir: Path, table: str) -> list[str]:
    """The day as a plain Parquet reader of the table folder sees it (pandas, hive layout)."""
    folder = wh_dir / table / f"ingest_date={DAY}"
    if not list(folder.glob("*.parquet")):
        return []
    spec = schema.TABLES[table].arrow_schema()
    rows = pa.Table.from_pandas(pd.read_parquet(folder), preserve_index=False).select(spec.names).cast(spec).to_pylist()
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


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
    """Each table's latest Delta version holds the old or the new day; the manifest's view (each
    table at the version it names) is wholly the manifest's run. Unless a publish is in flight
    (allow_mixed: tables may be ahead of the manifest), the latest versions agree with the
    manifest too, and plain Parquet readers see the same rows. Returns the manifest's state."""
    wh = open_warehouse(wh_dir)
    manifest = wh.read_manifest(DAY)
    m_state = "old" if manifest["run_id"] == "run-a" else "new"
    seen = {}
    for t in schema.TABLE_NAMES:
        rows = latest_table(wh, t)
        assert rows in (states["old"][t], states["new"][t]), f"{t} is neither the old nor the new partition"
        if states["old"][t] != states["new"][t]:  # (e.g. both without captions: tells nothing)
            seen[t] = "old" if rows == states["old"][t] else "new"
        assert snapshot_table(wh, t) == states[m_state][t], f"{t} read through the manifest is not the {m_state} day"
    manifest_read, tables = wh.read_partition(DAY)
    assert {t: tables[t].num_rows for t in tables} == manifest_read["row_counts"]
    if not allow_mixed or not wh.cut_short(DAY):
        assert set(seen.values()) == {m_state}, f"tables {seen} vs manifest {m_state}"
    if not allow_mixed:
        for t in schema.TABLE_NAMES:
            assert plain_table(wh_dir, t) == states[m_state][t], f"a plain reader of {t} sees other rows"
    return m_state


PLAN_POINTS = ["plan:staging_reset", "plan:written"]
PROCESS_POINTS = ["process:file_read", "process:nlp_done", "process:quarantine_written",
                  "process:tables_half_written", "process:before_rename", "process:batch_done"]
FINALIZE_POINTS = ["finalize:table_written:articles", "finalize:table_written:rejects",
                   "finalize:quarantine_linked", "finalize:done"]
AUDIT_POINTS = ["audit:validated", "audit:written"]
PUBLISH_POINTS = ["publish:locked", "publish:quarantine_copied", "publish:committed:articles",
                  "publish:committed:entity_mentions", "publish:committed:quotes", "publish:committed:rejects",
                  "publish:manifest_written", "publish:vacuumed", "publish:published"]


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
        assert open_warehouse(wh_dir).cut_short(DAY) == []
        assert not Path(p["staging"]).exists()
    print(f"\nlocal kill trials: {kills} SIGKILLs (plan, process, finalize, audit, publish checkpoints); after each, "
          f"every table at the old or the new day and the manifest's view whole; each retry ended in the new day")
    assert kills >= 24


def _audited(states, wh_dir: Path) -> dict:
    p = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, RUN)
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    pipeline.finalize(p["staging"], DAY)
    pipeline.audit(p["staging"], DAY, str(wh_dir), RUN)
    return dict(staging=p["staging"], ingest_date=DAY, warehouse=str(wh_dir), run_id=RUN)


def test_next_run_rolls_back_a_publish_cut_between_commits(states):
    """Kill between table commits: the consistent reader still gets the old day (the manifest's
    versions); the NEXT run (a different run id) first rolls the tables ahead of the manifest
    back, so every table's latest version is the old day again, then publishes its own."""
    wh_dir = fresh_copy(states, "nextrun")
    run_step("publish", "publish:committed:entities", **_audited(states, wh_dir))
    wh = open_warehouse(wh_dir)
    assert wh.cut_short(DAY) == ["articles", "entity_mentions", "entities"]
    assert assert_old_or_new(states, wh_dir, allow_mixed=True) == "old"
    p2 = pipeline.plan([str(states["land_b"])], str(wh_dir), DAY, "another-run")
    assert p2["repaired"].startswith("rolled back articles, entity_mentions, entities"), p2["repaired"]
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    assert wh.read_manifest(DAY)["run_id"] == "run-a"


def test_recover_rolls_back_to_the_manifest_and_removes_the_cut_short_files(states):
    wh_dir = fresh_copy(states, "rollback")
    run_step("publish", "publish:committed:rejects", **_audited(states, wh_dir))
    wh = open_warehouse(wh_dir)
    with wh.lock(DAY):
        done = wh.recover(DAY)
    assert done.startswith("rolled back")
    assert assert_old_or_new(states, wh_dir, allow_mixed=False) == "old"
    old = {k: v for k, v in states["old_manifest"].items() if k != "tables"}
    assert {k: v for k, v in wh.read_manifest(DAY).items() if k != "tables"} == old
    for t in schema.TABLE_NAMES:  # every file left in a day folder is one the latest version lists
        listed = {p.split("/")[-1] for p in delta.day_files(wh.table_uri(t), None, DAY, delta.version(wh.table_uri(t), None))}
        assert {f.name for f in (wh_dir / t / f"ingest_date={DAY}").glob("*.parquet")} == listed, t


def test_retried_publish_leaves_plain_readers_exactly_the_new_day(states):
    """The DAG retries the killed publish task: it rolls back, commits every table again from the
    same staging, and removes what the killed attempt and the roll back replaced."""
    wh_dir = fresh_copy(states, "retry")
    args = _audited(states, wh_dir)
    run_step("publish", "publish:committed:quotes", **args)
    assert_old_or_new(states, wh_dir, allow_mixed=True)
    assert not list((wh_dir / "articles").glob(".*")), "no hidden copies inside a table folder"
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
