"""news-etl command line.

    news-etl run --input PATH [--input PATH ...] --warehouse DIR --date YYYY-MM-DD [--allow-empty]

Exit codes: 0 published (even with rejected inputs), 1 validation failed (nothing published),
2 usage error (also: no inputs at all, unless --allow-empty), 3 partition busy (another run is publishing it), 4 any other failure."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date, datetime, timezone

EXIT_OK, EXIT_VALIDATION, EXIT_USAGE, EXIT_LOCKED, EXIT_ERROR = 0, 1, 2, 3, 4


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="news-etl", description="Raw news pages -> validated Parquet tables.")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build, validate and publish one partition")
    run.add_argument("--input", action="append", required=True, metavar="PATH",
                     help="file or folder of inputs (.txt, .html, .jsonl, .warc, .gz); repeatable")
    run.add_argument("--warehouse", required=True, metavar="DIR", help="warehouse root folder")
    run.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD", help="ingest date (the partition)")
    run.add_argument("--run-id", default=None, help="name of this run (default: cli__<UTC time>__<pid>)")
    run.add_argument("--processes", type=int, default=None, help="spaCy worker processes (0 = all cores)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or stage log")
    run.add_argument("--allow-empty", action="store_true",
                     help="publish an empty partition when the inputs are missing or empty (otherwise: exit 2)")
    show = sub.add_parser("show", help="what a published partition holds (from its manifest)")
    show.add_argument("--warehouse", required=True, metavar="DIR")
    show.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    show.add_argument("--rows", type=int, default=3, help="example rows to print per table")
    return ap


def _short(value, width: int = 38) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def show(warehouse: str, ingest_date: str, example_rows: int) -> int:
    from etl.model import schema
    from etl.warehouse import open_warehouse

    wh = open_warehouse(warehouse)
    manifest = wh.read_manifest(ingest_date)
    if manifest is None:
        print(f"news-etl: partition {ingest_date} is not published in {warehouse}", file=sys.stderr)
        return EXIT_USAGE
    validation = manifest.get("validation", {})
    print(f"Partition {schema.PARTITION_COLUMN}={ingest_date} published by run {manifest['run_id']} "
          f"(news-etl {manifest['pipeline_version']}), {manifest['input_count']} input(s)")
    if manifest.get("empty_day"):
        print("Empty day: the run was asked to publish a partition with no inputs (allow_empty)")
    print(f"Validation: passed, {validation.get('warnings', 0)} warning(s)")
    for name in validation.get("warned", []):
        print(f"  warned:    {name}")
    print(f"  results:   {validation.get('results')}")
    if validation.get("data_docs"):
        docs = validation["data_docs"]
        print(f"  data docs: {docs if '://' in docs else 'file://' + docs}")
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        for table in schema.TABLE_NAMES:
            t = wh.read_table(table, ingest_date)
            print(f"\n{table}: {t.num_rows} rows  ({wh.partition_dir(table, ingest_date)})")
            if t.num_rows and example_rows:
                df = t.slice(0, example_rows).to_pandas()
                for col in df.columns:
                    df[col] = df[col].map(lambda v: _short(v))
                print(df.to_string(index=False))
    return EXIT_OK


def _progress_factory(enabled: bool):
    if not enabled:
        return None

    def make(unit: str, total: int):
        from tqdm import tqdm

        bar = tqdm(total=total, unit=unit, file=sys.stderr, desc="reading+NLP", leave=True)
        return lambda: bar.update(1)

    return make


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "show":
        return show(args.warehouse, args.date, args.rows)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("great_expectations", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.processes is not None:
        os.environ["NEWS_ETL_PROCESSES"] = str(args.processes)
    from etl.run import pipeline
    from etl.warehouse import PartitionLocked

    run_id = args.run_id or f"cli__{datetime.now(timezone.utc):%Y%m%dT%H%M%S}__{os.getpid()}"
    try:
        summary = pipeline.run(args.input, args.warehouse, args.date, run_id,
                               progress=_progress_factory(not args.quiet and sys.stderr.isatty()),
                               allow_empty=args.allow_empty)
    except pipeline.NoInputs as exc:
        print(f"news-etl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except pipeline.ValidationFailed as exc:
        print(f"news-etl: validation failed; partition {args.date} NOT published "
              f"(the previous one, if any, is unchanged)\n{exc}", file=sys.stderr)
        report = getattr(exc.report, "results_path", None)
        if report:
            print(f"validation report: {report}", file=sys.stderr)
        docs = getattr(exc.report, "data_docs_path", None)
        if docs:
            print(f"data docs: file://{docs}", file=sys.stderr)
        return EXIT_VALIDATION
    except PartitionLocked as exc:
        print(f"news-etl: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except pipeline.AccountingError as exc:
        print(f"news-etl: inputs not accounted for, nothing published: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # anything else is exit 4, never Python's 1 (which means "validation failed")
        logging.getLogger("news-etl").error("run failed", exc_info=True)
        print(f"news-etl: run failed, partition {args.date} not published by this run: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(summary.render(args.warehouse))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
