"""Kill -9 trials of the publish on S3 (moto on loopback): at every named checkpoint and at random
moments, each publish a separate process. Two audited stagings (days A and B of one partition)
are published in turn, so every trial replaces one whole day with another. After each kill:
every Delta table's latest version holds the previous or the new day, the manifest's view is
wholly one run's, and a retried publish ends in exactly the new day, with only the files its
versions list left in the folders (what plain readers see).

    pytest -q tests/warehouse/test_crash_s3.py      # prints the number of kills"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from etl import fs
from etl.model import schema
from etl.run import pipeline
from etl.warehouse import delta, open_warehouse
from test_crash import PUBLISH_POINTS, _write

DAY = "2025-12-04"
_DRIVER = "import json, sys; from etl.run import pipeline; pipeline.publish(**json.loads(sys.argv[1]))"


def _rows(table) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())


@pytest.fixture(scope="module")
def store(s3_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("crash-s3")
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "NEWS_ETL_S3_ENDPOINT": s3_server, "NEWS_ETL_WORK_DIR": str(base / "work"),
           "NEWS_ETL_S3_ORPHAN_GRACE_SECONDS": "0",  # one host: no writer of the day but these
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", "NEWS_ETL_PROCESSES": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        os.environ.pop(var, None)
    try:
        bucket = f"crash-{uuid.uuid4().hex[:12]}"
        fs.filesystem(f"s3://{bucket}").mkdir(bucket)
        url = f"s3://{bucket}/wh"
        land_a, land_b = base / "land_a", base / "land_b"
        _write(land_a, 2, seed=0)
        _write(land_b, 4, seed=3)
        pipeline.run([str(land_a)], url, DAY, "run-a")
        staged, states = {}, {}
        for tag, land in (("a", land_a), ("b", land_b)):
            run_id = f"again-{tag}"
            p = pipeline.plan([str(land)], url, DAY, run_id)
            for b in p["batches"]:
                pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
            pipeline.finalize(p["staging"], DAY)
            pipeline.audit(p["staging"], DAY, url, run_id)
            keep = base / f"staged-{tag}"
            shutil.copytree(p["staging"], keep)
            staged[tag] = (p["staging"], keep, run_id)
            states[tag] = {t: _rows(pq.read_table(Path(p["staging"]) / "final" / t / "part-00000.parquet"))
                           for t in schema.TABLE_NAMES}
        assert all(states["a"][t] != states["b"][t] for t in ("articles", "rejects"))
        yield {"url": url, "bucket": bucket, "staged": staged, "states": states, "env": dict(os.environ)}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _check(store, before: str, after: str) -> str:
    """Every table's latest version is `before`'s or `after`'s day; the manifest's view is one of
    them, wholly. Returns which the manifest names."""
    wh = open_warehouse(store["url"])
    states = store["states"]
    manifest, tables = wh.read_partition(DAY)
    m_state = after if manifest["run_id"] == store["staged"][after][2] else before
    for t in schema.TABLE_NAMES:
        uri, options = wh.table_uri(t), wh.storage_options()
        latest = _rows(delta.read_day(uri, options, t, DAY, delta.version(uri, options)))
        assert latest in (states[before][t], states[after][t]), f"{t}: neither day"
        assert _rows(tables[t]) == states[m_state][t], f"{t} through the manifest is not {m_state}"
    return m_state


def _tidy(store) -> None:
    wh = open_warehouse(store["url"])
    manifest = wh.read_manifest(DAY)
    assert wh.cut_short(DAY) == []
    s3 = fs.filesystem(store["url"])
    for t in schema.TABLE_NAMES:
        prefix = f"{store['bucket']}/wh/{t}/ingest_date={DAY}/"
        found = {k[len(prefix):] for k in s3.find(prefix) if "/_quarantine/" not in k}
        assert found == {f.split("/", 1)[1] for f in manifest["tables"][t]["files"]}, t


def _publish_process(store, tag: str, crash_at: str | None = None):
    staging, keep, run_id = store["staged"][tag]
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(keep, staging)  # the audited staging, as the DAG's retry finds it
    env = dict(store["env"], PYTHONPATH=str(ROOT))
    env.pop("NEWS_ETL_CRASH_AT", None)
    if crash_at:
        env["NEWS_ETL_CRASH_AT"] = crash_at
    args = {"staging": staging, "ingest_date": DAY, "warehouse": store["url"], "run_id": run_id}
    return subprocess.Popen([sys.executable, "-c", _DRIVER, json.dumps(args)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), args


def test_twenty_and_more_sigkills_of_an_s3_publish(store):
    rng = random.Random(11)
    current, kills, trials = "a", 0, []
    plan = [("point", p) for p in PUBLISH_POINTS] + [("random", None)] * 14
    for kind, point in plan:
        target = "b" if current == "a" else "a"
        proc, args = _publish_process(store, target, point)
        if kind == "point":
            assert proc.wait(timeout=600) == -signal.SIGKILL, proc.stderr.read()[-2000:]
        else:
            try:
                proc.wait(timeout=rng.uniform(2.0, 9.0))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        proc.stderr.close()
        killed = proc.returncode == -signal.SIGKILL
        kills += killed
        seen = _check(store, current, target)
        trials.append((point or "random", killed, seen))
        # the retry (what Airflow does next) finishes the publish of the new day
        shutil.rmtree(args["staging"], ignore_errors=True)
        shutil.copytree(store["staged"][target][1], args["staging"])
        manifest = pipeline.publish(**args)
        assert manifest["run_id"] == store["staged"][target][2]
        assert _check(store, current, target) == target
        _tidy(store)
        current = target
    print(f"\nS3 kill trials: {kills} SIGKILLs in {len(trials)} publishes; after each, every table at the "
          f"previous or the new day and the manifest's view whole; each retry published the new day")
    assert kills >= 20, trials
