"""The adversarial corpus (tests/run/adversarial_corpus.py), case by case and all together.

* Each case alone: one batch (read -> parse -> NLP -> row checks -> tables) in a child process
  forked from this one (the model is loaded once, here), under a wall-clock ceiling and a memory
  ceiling far above what the case needs, so the verdict does not depend on the machine's speed.
  The case must be accounted for (inputs == articles + rejects) with the expected outcome.
* All together, beside good articles, through `news-etl run` as a user runs it: exit 0, the good
  articles published, every case accounted for in `rejects`; also with one path named twice, a
  FIFO and /dev/null named directly, and the warehouse inside the input folder (a rerun reads
  the same inputs and publishes the same rows).
* The budget inside the pipeline: an input that spins or hoards memory becomes a `timeout` /
  `too_costly` reject, with one process and with worker processes, and the rest is published.

NEWS_ETL_ADVERSARIAL_REPORT=<file> appends each case's figures (size, seconds, peak RSS, outcome)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl import ingest
from etl.model.records import SourceDocument

sys.path.insert(0, str(Path(__file__).resolve().parent))
import adversarial_corpus as corpus  # noqa: E402 - the corpus generator beside this file

DAY = "2025-12-03"
FAST = [n for n, (_, _, heavy) in corpus.CASES.items() if not heavy]
HEAVY = [n for n, (_, _, heavy) in corpus.CASES.items() if heavy]
# Ceilings: a case takes seconds and tens of MB here; these only catch the unbounded.
WALL_SECONDS = {False: 300, True: 1200}
MEMORY_MB = {False: 1500, True: 2500}


def _rss_kb(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.fixture(scope="module")
def warm():
    from etl.run import stream

    stream._warm_up()  # the model and lookups, loaded once before the children are forked
    return True


def _run_case_in_child(root: Path, name: str, wall: float) -> dict:
    """One batch over the case's folder in a forked child; returns its figures and outcome."""
    from etl.run import pipeline

    case_dir = root / name
    staging = root / f"_staging_{name}"
    (staging / "batches").mkdir(parents=True)
    out_file = root / f"_result_{name}.json"
    size = sum(os.lstat(os.path.join(dp, f)).st_size for dp, _, fs in os.walk(case_dir) for f in fs)
    base_kb = _rss_kb()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            files, refused = ingest.discover([str(case_dir)])
            summary = pipeline.process_batch(str(staging), 0, [str(f) for f in files], DAY)
            out_file.write_text(json.dumps({"summary": summary, "refused": [(r.source_uri, r.reason) for r in refused]},
                                           default=str))
            code = 0
        except BaseException as exc:  # noqa: BLE001 - reported to the parent through the file
            out_file.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        finally:
            os._exit(code)
    peak_kb, killed = 0, False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        try:
            peak_kb = max(peak_kb, _rss_kb(pid))
        except (OSError, ValueError, IndexError):
            pass
        if time.monotonic() - t0 > wall:
            os.kill(pid, 9)
            killed = True
        time.sleep(0.05)
    seconds = time.monotonic() - t0
    peak_kb = max(peak_kb, usage.ru_maxrss)
    result = json.loads(out_file.read_text()) if out_file.exists() else {"error": "no result"}
    batch = staging / "batches" / "00000"
    articles = pq.read_table(batch / "articles.parquet").to_pylist() if batch.is_dir() else []
    rejects = pq.read_table(batch / "rejects.parquet").to_pylist() if batch.is_dir() else []
    return {"name": name, "size": size, "seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": peak_kb / 1024,
            "growth_mb": max(0, peak_kb - base_kb) / 1024, "killed": killed, "exit": os.waitstatus_to_exitcode(status),
            "result": result, "articles": articles, "rejects": rejects,
            "captions": pq.read_table(batch / "image_captions.parquet").to_pylist() if batch.is_dir() else []}


def _outcome(run: dict) -> str:
    reasons: dict[str, int] = {}
    for r in run["rejects"] + [{"reason": reason} for _, reason in run["result"].get("refused", [])]:
        reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    parts = [f"{len(run['articles'])} published"] + [f"{n} {k}" for k, n in sorted(reasons.items())]
    return ", ".join(parts)


def _report(run: dict) -> None:
    path = os.environ.get("NEWS_ETL_ADVERSARIAL_REPORT")
    if path:
        with open(path, "a") as fh:
            fh.write(json.dumps({"case": run["name"], "size": run["size"], "seconds": round(run["seconds"], 2),
                                 "cpu_seconds": round(run["cpu_seconds"], 2),
                                 "peak_rss_mb": round(run["peak_rss_mb"]), "growth_mb": round(run["growth_mb"]),
                                 "outcome": _outcome(run)}) + "\n")


def _check_case(run: dict, heavy: bool) -> None:
    name = run["name"]
    expect = corpus.CASES[name][1]
    assert not run["killed"], f"{name}: over the {WALL_SECONDS[heavy]} s wall-clock ceiling"
    assert run["exit"] == 0 and "error" not in run["result"], f"{name}: {run['result']}"
    assert run["growth_mb"] < MEMORY_MB[heavy], f"{name}: memory grew by {run['growth_mb']:.0f} MB"
    summary = run["result"]["summary"]
    refused = run["result"]["refused"]
    # Nothing vanishes: every record read is an article or a reject; a case yields at least one row.
    assert summary["inputs"] == summary["articles"] + summary["rejects"]
    assert len(run["articles"]) + len(run["rejects"]) + len(refused) >= 1, f"{name} left no row"
    reasons = {r["reason"] for r in run["rejects"]} | {reason for _, reason in refused}
    if "published" in expect:
        assert len(run["articles"]) == expect["published"], (name, _outcome(run))
    if expect.get("reasons"):
        assert reasons & expect["reasons"], (name, _outcome(run))
    if "reject_count" in expect:
        assert len(run["rejects"]) == expect["reject_count"], (name, _outcome(run))
    if expect.get("quarantined"):
        for r in run["rejects"]:
            if r["reason"] in expect["reasons"]:
                assert r["quarantine_path"], f"{name}: {r['reason']} reject kept no raw bytes"
    for a in run["articles"]:
        assert "root:" not in a["body"]  # nothing from a file an entity pointed at
        assert "lol" * 50 not in a["body"]  # no entity was expanded
        assert a["nlp_status"] == "ok" or a["nlp_status"].startswith(("partial:", "skipped:")), a["nlp_status"]


def _run_and_check(tmp_path, name: str, heavy: bool) -> None:
    if not corpus.runnable(name):
        pytest.skip(f"{name} cannot be staged as this user")
    corpus.build(tmp_path, [name])
    run = _run_case_in_child(tmp_path, name, WALL_SECONDS[heavy])
    _report(run)
    _check_case(run, heavy)
    return run


@pytest.mark.parametrize("name", FAST)
def test_case_alone_is_bounded_and_accounted_for(warm, tmp_path, name):
    run = _run_and_check(tmp_path, name, heavy=False)
    if name == "caps_image_url":
        assert [c["image_url"] for c in run["captions"]] == ["http://example.com/photo.jpg"]
    if name == "language_not_a_string":
        assert run["articles"][0]["language"] == "en"  # the unusable hint is dropped, the body's language detected
    if name == "no_spaces_40k":
        assert run["articles"][0]["nlp_status"] == "ok"


@pytest.mark.slow
@pytest.mark.parametrize("name", HEAVY)
def test_heavy_case_alone_is_bounded_and_accounted_for(warm, tmp_path, name):
    _run_and_check(tmp_path, name, heavy=True)


# --- all together, as a user runs it ------------------------------------------------------------
def _cli(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1200)


def _table(warehouse: Path, table: str) -> list[dict]:
    files = sorted((warehouse / table / f"ingest_date={DAY}").glob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def test_whole_corpus_beside_good_articles_publishes_the_day(tmp_path, repo_root):
    landing = tmp_path / "landing"
    names = [n for n in FAST if corpus.runnable(n)]
    corpus.build(landing, names)
    good = landing / "good"
    good.mkdir()
    for i in range(5):
        (good / f"good{i}.txt").write_text(corpus.article(i))
    warehouse = landing / "warehouse"  # inside the input folder: must not be read as input
    fifo = tmp_path / "direct.fifo"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=str(repo_root), NEWS_ETL_PROCESSES="1", NEWS_ETL_CACHE="on")
    args = ["run", "--input", str(landing), "--input", str(good / "good0.txt"), "--input", str(good / "good0.txt"),
            "--input", "/dev/null", "--input", str(fifo),
            "--warehouse", str(warehouse), "--date", DAY, "--quiet"]
    first = _cli(args, tmp_path, env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    articles, rejects = _table(warehouse, "articles"), _table(warehouse, "rejects")
    manifest = json.loads(next((warehouse / "_manifests").glob(f"*{DAY}*")).read_text()) \
        if (warehouse / "_manifests").is_dir() else None

    uris = [a["source_uri"] for a in articles]
    assert sum("/good/" in u for u in uris) == 5  # the good ones, each once though one was named thrice
    reject_ids = [r["reject_id"] for r in rejects]
    assert len(reject_ids) == len(set(reject_ids))
    assert {r["reason"] for r in rejects if r["source_uri"] in ("/dev/null", str(fifo))} == {"not_a_file"}
    assert not any("/warehouse/" in u for u in uris + [r["source_uri"] for r in rejects])
    for name in names:
        mine = [a for a in articles if f"/{name}/" in a["source_uri"]]
        refused = [r for r in rejects if f"/{name}/" in r["source_uri"]]
        assert mine or refused, f"{name} left no row"
        expect = corpus.CASES[name][1]
        if "published" in expect:
            assert len(mine) == expect["published"], (name, [r["reason"] for r in refused])
        if expect.get("reasons"):
            assert {r["reason"] for r in refused} & expect["reasons"], (name, [r["reason"] for r in refused])
    if manifest is not None:
        assert manifest["input_count"] == len(articles) + len(rejects)

    # A rerun (cache warm) with the warehouse, now full of Parquet files, still inside the input.
    again = _cli(args, tmp_path, env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert sorted(a["article_id"] for a in _table(warehouse, "articles")) == sorted(a["article_id"] for a in articles)
    assert sorted(r["reject_id"] for r in _table(warehouse, "rejects")) == sorted(reject_ids)


# --- the budget inside the pipeline -------------------------------------------------------------
def _costly_build(real):
    def build(doc: SourceDocument):
        if "spin" in doc.source_uri:
            t0 = time.monotonic()
            while time.monotonic() - t0 < 300:  # minutes, unless the budget stops it
                pass
        if "hoard" in doc.source_uri:
            hoard = [bytearray(1 << 20) for _ in range(10)]
            for _ in range(3000):  # up to ~3 GB, unless the ceiling stops it
                hoard.append(bytearray(1 << 20))
                sum(range(3000))
        return real(doc)
    return build


@pytest.mark.parametrize("processes", [1, 2])
def test_an_input_over_budget_becomes_a_reject_and_the_rest_goes_on(tmp_path, monkeypatch, processes):
    from etl.parse import article
    from etl.run import stream

    landing = tmp_path / "in"
    landing.mkdir()
    for i, name in enumerate(["a", "spin", "b", "hoard", "c"]):
        (landing / f"{name}.txt").write_text(corpus.article(70 + i))
    monkeypatch.setenv("NEWS_ETL_INPUT_SECONDS", "1")
    monkeypatch.setenv("NEWS_ETL_INPUT_MEMORY_MB", "200")
    monkeypatch.setattr(article, "build_article", _costly_build(article.build_article))
    stream.shutdown()  # workers forked below see the patched reader
    try:
        files, _ = ingest.discover([str(landing)])
        chunks = list(stream.processed_chunks([str(f) for f in files], processes=processes, per_task=2))
    finally:
        stream.shutdown()
    results = [r.source.source_uri for c in chunks for r in c.results]
    rejects = {Path(r.source_uri).stem: r for c in chunks for r in c.rejects}
    assert sorted(Path(u).stem for u in results) == ["a", "b", "c"]
    assert rejects["spin"].reason == "timeout"
    assert rejects["hoard"].reason == "too_costly"
    assert rejects["spin"].raw_bytes  # quarantined like any other reject
