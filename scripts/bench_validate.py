"""Time the validation of one published partition (GX imported first, not timed), as the
pipeline's audit runs it: every suite, Data Docs included; prints one JSON line per repetition
with the wall and CPU seconds (CPU time is the steadier figure on a shared machine) and the
report's size.

    news-etl run --input CORPUS --warehouse WH --date D      # once (scripts/bench_corpus.py builds CORPUS)
    python scripts/bench_validate.py --warehouse WH --date D --repeat 3

The day suites get a baseline of seven partitions with the day's own stats (a normal history), so
every drift check runs. Works on trees without them too (to time an older version)."""
from __future__ import annotations

import argparse
import inspect
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

TABLES = ("articles", "entity_mentions", "entities", "quotes", "image_captions", "rejects")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--date", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    for name in ("great_expectations", "great_expectations._docs_decorators"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import great_expectations  # noqa: F401  (its ~5 s import is not what is measured)

    import expectations  # noqa: F401
    from etl import validate

    work = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    staged = work / "staged"
    for t in TABLES:
        (staged / t).mkdir(parents=True)
        for f in (Path(args.warehouse) / t / f"ingest_date={args.date}").glob("*.parquet"):
            shutil.copy(f, staged / t / f.name)
    kwargs = {}
    if "history" in inspect.signature(validate.validate_staged).parameters:
        from etl.validate import profile

        files = {t: sorted((staged / t).glob("*.parquet")) for t in TABLES}
        stats = profile.day_stats(*profile.day_frames(profile.file_columns(files)))
        kwargs["history"] = [{"date": f"baseline-{i}", "stats": stats} for i in range(7)]
    try:
        for r in range(args.repeat):
            report_dir = work / f"report-{r}"
            t0, c0 = time.perf_counter(), time.process_time()
            report = validate.validate_staged(staged, args.date, report_dir, f"bench-{r}", **kwargs)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            files = [p for p in report_dir.rglob("*") if p.is_file()]
            print(json.dumps({"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "split": report.statistics["seconds"],
                              "expectations": report.statistics["evaluated"], "success": report.success,
                              "report_bytes": sum(p.stat().st_size for p in files), "report_files": len(files)}),
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
