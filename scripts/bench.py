"""`make bench`: how close the pipeline runs to the NLP model's own speed, and how much memory.

    python scripts/bench.py [--n 2000] [--input DIR] [--processes P] [--skip-dag] [--skip-bare] [--keep]

Builds a corpus of N distinct articles (scripts/bench_corpus.py) or uses --input DIR, then
measures, each as a separate process tree:
  (a) bare spaCy: the same paragraph texts the pipeline sends to the model, through nlp.pipe with
      the same model, batch size and process count
  (b) `news-etl run` end to end into a fresh warehouse
  (c) the same through the Airflow DAG (`airflow dags test`, throwaway AIRFLOW_HOME and warehouse)
  (d) (b) again over the unchanged partition (article cache warm)
and prints articles/s, words/s, wall time and peak memory of the whole process tree (polled
every 0.2 s): the sum of RSS, which counts pages that forked workers share with their parent once
per process, and the sum of PSS, which splits shared pages between them) of each, the GX share of (b), and the ratios (b)/(a), (c)/(b), (d)/(b).

The code under test is a snapshot of etl/, expectations/ and dags/ taken at start (first on
PYTHONPATH, and every process runs from the work folder so `python -m` cannot pick up the
checkout instead), so edits made in the checkout during a long run do not change what is
measured (or the cache's fingerprint)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DATE = "2025-12-01"


# --- measuring a process tree ----------------------------------------------------------------
def measure(cmd: list[str], env: dict, log_path: Path, cwd: Path) -> dict:
    import psutil

    peak = peak_pss = 0
    with log_path.open("w") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                total = total_pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info()  # PSS counts pages shared by forked workers once
                        total += info.rss
                        total_pss += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
                peak = max(peak, total)
                peak_pss = max(peak_pss, total_pss)
            except psutil.Error:
                pass
            time.sleep(0.2)
        wall = time.monotonic() - t0
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}); log {log_path}:\n{tail}")
    return {"seconds": wall, "peak_rss_mb": peak / 2**20, "peak_pss_mb": peak_pss / 2**20}


# --- helpers run as subprocesses ------------------------------------------------------------
def _segments(landing: str, out: str) -> None:
    """The paragraph texts the pipeline gives spaCy, one JSON string per line; prints counts."""
    from etl import ingest
    from etl.parse.article import build_article
    from etl.nlp.segments import article_segments
    from etl.model.records import ArticleResult, SourceDocument

    files, _ = ingest.discover([landing])
    articles = words = texts = 0
    with open(out, "w", encoding="utf-8") as fh:
        for f in files:
            for doc in ingest.read_input(f):
                if not isinstance(doc, SourceDocument):
                    continue
                art = build_article(doc)
                if not isinstance(art, ArticleResult):
                    continue
                articles += 1
                p = art.page
                for seg in article_segments(p.title, p.subtitle, p.body, [c.caption for c in p.captions]):
                    fh.write(json.dumps(seg.text) + "\n")
                    words += len(seg.text.split())
                    texts += 1
    print(json.dumps({"articles": articles, "words": words, "texts": texts}))


def _bare(texts_path: str, processes: int, batch_size: int) -> None:
    from etl.nlp import model

    nlp = model.load()
    with open(texts_path, encoding="utf-8") as fh:
        n = sum(1 for _ in nlp.pipe((json.loads(line) for line in fh), batch_size=batch_size, n_process=processes))
    print(json.dumps({"docs": n}))


# --- the benchmark ----------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to generate (ignored with --input)")
    ap.add_argument("--input", help="folder of raw pages to use instead of a generated corpus")
    ap.add_argument("--processes", type=int, default=0, help="worker processes (0 = all cores)")
    ap.add_argument("--workdir", help="where to build everything (default: a temporary folder)")
    ap.add_argument("--skip-dag", action="store_true", help="leave out (c)")
    ap.add_argument("--skip-bare", action="store_true", help="leave out (a), e.g. for a memory run at large N")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from etl import config

    processes = args.processes or config._usable_cpus()
    batch = config.nlp_batch_size()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="news-etl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    for part in ("etl", "expectations", "dags"):
        shutil.copytree(REPO / part, src / part, ignore=shutil.ignore_patterns("__pycache__"))
    landing = work / "landing"
    sys.path.insert(0, str(REPO / "scripts"))
    import bench_corpus

    day = bench_corpus.stage_day(landing, DATE, args.input, args.n)

    env = dict(os.environ, PYTHONPATH=str(src), NEWS_ETL_PROCESSES=str(processes),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("NEWS_ETL_CACHE_DIR", None)
    py = sys.executable
    me = str(Path(__file__).resolve())
    out = subprocess.run([py, me, "_segments", str(day), str(work / "texts.jsonl")], env=env, check=True,
                         capture_output=True, text=True, cwd=work)
    corpus = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"corpus: {corpus['articles']} articles, {corpus['words']} words, {corpus['texts']} paragraphs; "
          f"processes={processes}; load average {os.getloadavg()}", flush=True)

    results: dict[str, dict] = {}
    load: dict[str, tuple] = {}

    def run(label: str, cmd: list[str], env_over: dict | None = None) -> None:
        load[label] = os.getloadavg()
        print(f"  {label} ...", end=" ", flush=True)
        results[label] = measure(cmd, dict(env, **(env_over or {})), work / f"{label[:1]}.log", work)
        print(f"{results[label]['seconds']:.1f} s", flush=True)

    for wh in ("wh_cli", "wh_dag"):
        shutil.rmtree(work / wh, ignore_errors=True)
    cli = [py, "-m", "etl.cli", "run", "--input", str(day), "--warehouse", str(work / "wh_cli"), "--date", DATE,
           "--processes", str(processes), "--quiet"]
    if not args.skip_bare:
        run("a bare nlp.pipe", [py, me, "_bare", str(work / "texts.jsonl"), str(processes), str(batch)])
    run("b news-etl run", cli)
    gx = _gx_seconds(work / "wh_cli")
    if not args.skip_dag:
        airflow_home = work / "airflow"
        shutil.rmtree(airflow_home, ignore_errors=True)
        airflow_env = {"AIRFLOW_HOME": str(airflow_home), "AIRFLOW__CORE__DAGS_FOLDER": str(src / "dags"),
                       "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "NEWS_ETL_WAREHOUSE": str(work / "wh_dag"),
                       "NEWS_ETL_LANDING": str(landing)}
        subprocess.run([str(VENV_BIN / "airflow"), "db", "migrate"], env=dict(env, **airflow_env), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
        run("c airflow dags test", [str(VENV_BIN / "airflow"), "dags", "test", "news_etl", "-c",
                                    json.dumps({"partition_date": DATE, "landing": str(landing)})], airflow_env)
    run("d rerun (unchanged)", cli)

    report = _report(corpus, results, gx, processes, load)
    print(report)
    (work / "bench.json").write_text(json.dumps({"corpus": corpus, "processes": processes, "results": results,
                                                 "gx_seconds": gx, "load": load}, indent=2))
    print(f"details: {work}/bench.json, logs {work}/*.log")
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _gx_seconds(warehouse: Path) -> float | None:
    found = sorted((warehouse / "_reports").glob("*/*/validation.json"))
    if not found:
        return None
    secs = json.loads(found[-1].read_text())["statistics"].get("seconds", {})
    return sum(secs.values())


def _report(corpus: dict, results: dict, gx: float | None, processes: int, load: dict) -> str:
    lines = [f"\n{'run':<22} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'peak RSS MB':>12} {'peak PSS MB':>12}  load avg (1/5/15 min)"]
    for label, r in results.items():
        s = r["seconds"]
        lines.append(f"{label:<22} {s:>8.1f} {corpus['articles'] / s:>11.1f} {corpus['words'] / s:>9.0f} "
                     f"{r['peak_rss_mb']:>12.0f} {r['peak_pss_mb']:>12.0f}  {'/'.join(f'{x:.1f}' for x in load[label])}")

    def speed(label):
        return corpus["articles"] / results[label]["seconds"] if label in results else None

    a, b, c, d = (speed(k) for k in ("a bare nlp.pipe", "b news-etl run", "c airflow dags test", "d rerun (unchanged)"))
    lines.append(f"\nprocesses={processes}")
    if a:
        lines.append(f"(b)/(a) throughput  {b / a:.2f}   (target >= 0.85)")
    if c:
        lines.append(f"(c)/(b) time        {b / c:.2f}   (target <= 1.3)")
    lines.append(f"(d)/(b) time        {b / d:.3f}  (rerun {d / b:.1f}x faster; target >= 10x)")
    if gx is not None:
        lines.append(f"GX validation       {gx:.1f} s = {100 * gx / results['b news-etl run']['seconds']:.1f}% of (b) "
                     "(target <= 10%)")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_segments":
        _segments(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_bare":
        _bare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(main())
