"""Time the publish step alone: an audited staging of one day (built once), published again and
again into copies of a warehouse, by whichever news-etl is first on PYTHONPATH (so two code
trees can be compared on the same staging).

    python scripts/bench_publish.py build WORK [--n 2000]      # corpus, plan..audit -> WORK/staged
    python scripts/bench_publish.py time WORK [--repeat 5]     # publish WORK/staged, print seconds

`time` measures, per repeat, (1) the day's first publish into an empty warehouse and (2) a rerun:
publishing the same staging over the day already published (what a rerun of the day does). Only
the `pipeline.publish` call is timed (imports and copying excluded); the median is printed."""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

DAY = "2025-12-01"
RUN = "bench-publish"


def build(work: Path, n: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_corpus import build as make_corpus
    from etl.run import pipeline

    corpus = work / "corpus"
    if not corpus.exists():
        make_corpus(corpus, n)
    wh = work / "build-wh"
    shutil.rmtree(wh, ignore_errors=True)
    p = pipeline.plan([str(corpus)], str(wh), DAY, RUN)
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    pipeline.finalize(p["staging"], DAY, expected_batches=len(p["batches"]))
    pipeline.audit(p["staging"], DAY, str(wh), RUN)
    shutil.rmtree(work / "staged", ignore_errors=True)
    shutil.copytree(p["staging"], work / "staged")
    rows = json.loads((work / "staged" / "finalized.json").read_text())["rows"]
    print(f"staged {rows} in {work / 'staged'}")


def _publish_once(work: Path, wh: Path) -> float:
    from etl.run import pipeline
    from etl.warehouse import open_warehouse

    staging = open_warehouse(wh).staging_dir(DAY, RUN)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(work / "staged", staging)
    t0 = time.perf_counter()
    pipeline.publish(str(staging), DAY, str(wh), RUN)
    return time.perf_counter() - t0


def time_publish(work: Path, repeat: int) -> None:
    import etl

    first, rerun = [], []
    for i in range(repeat):
        wh = work / f"time-wh-{i}"
        shutil.rmtree(wh, ignore_errors=True)
        first.append(_publish_once(work, wh))
        rerun.append(_publish_once(work, wh))
        shutil.rmtree(wh, ignore_errors=True)
    rows = json.loads((work / "staged" / "finalized.json").read_text())["rows"]
    print(json.dumps({"code": str(Path(etl.__file__).parent.parent), "articles": rows["articles"],
                      "first_publish_s": {"median": round(statistics.median(first), 3), "all": [round(x, 3) for x in first]},
                      "rerun_publish_s": {"median": round(statistics.median(rerun), 3), "all": [round(x, 3) for x in rerun]}},
                     indent=1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["build", "time"])
    ap.add_argument("work", type=Path)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.what == "build":
        build(args.work, args.n)
    else:
        time_publish(args.work, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
