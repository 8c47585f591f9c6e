"""news-etl command line.

    news-etl run --input PATH [--input PATH ...] --warehouse DIR --date YYYY-MM-DD [--allow-empty]
    news-etl show --warehouse DIR --date YYYY-MM-DD

Exit codes: the `Exit` table below, the one source of `--help` and of the README's table.
Whatever an input holds reaches the terminal only through `printable` (control characters made
visible), and every failure is reported after looking at what the partition now is."""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from datetime import date, datetime, timezone
from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    VALIDATION = 1
    USAGE = 2
    LOCKED = 3
    ACCOUNTING = 4
    INPUTS = 5
    ROLLED_BACK = 6
    DAMAGED = 7
    ERROR = 8
    INTERRUPTED = 130


EXIT_MEANINGS = {
    Exit.OK: "published (even if some inputs were rejected); `show`: the partition was printed",
    Exit.VALIDATION: "validation failed: nothing published, the previous partition is unchanged",
    Exit.USAGE: "usage error; `show`: the partition is not published",
    Exit.LOCKED: "the partition is being published by another run: nothing done",
    Exit.ACCOUNTING: "inputs could not be accounted for: nothing published",
    Exit.INPUTS: "no inputs to read (path missing or empty without --allow-empty, listing refused): nothing published",
    Exit.ROLLED_BACK: "publishing failed and was rolled back: the partition is as it was before the run",
    Exit.DAMAGED: "the partition's stored state is damaged (manifest, cut-short publish); the next run repairs it",
    Exit.ERROR: "any other failure: nothing published by this run",
    Exit.INTERRUPTED: "interrupted (Ctrl-C); the message says whether the partition was published",
}
# Older names, kept for callers of the first version.
EXIT_OK, EXIT_VALIDATION, EXIT_USAGE, EXIT_LOCKED, EXIT_ERROR = Exit.OK, Exit.VALIDATION, Exit.USAGE, Exit.LOCKED, Exit.ERROR


def exit_code_table() -> str:
    """The exit codes as printed by --help (and as the README's table lists them)."""
    return "exit codes:\n" + "\n".join(f"  {int(code):>3}  {EXIT_MEANINGS[code]}" for code in Exit)


# C0 and C1 controls (escape sequences start with ESC or CSI) and the invisible bidi controls
# that reorder what a terminal shows; newline and tab are kept where a message spans lines.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\n\t]")


def printable(text, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`), so that
    nothing from an input can move the cursor, retitle the window or reorder a line."""
    text = _CONTROLS.sub(_visible, str(text))
    return _BREAKS.sub(_visible, text) if one_line else text


def _visible(match: re.Match) -> str:
    char = match.group(0)
    if char in "\n\t\r":
        return repr(char)[1:-1]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _out(text: str = "") -> None:
    print(printable(text))


def _err(text: str, one_line: bool = False) -> None:
    print(printable(text, one_line), file=sys.stderr)


class _PrintableFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    codes = dict(epilog=exit_code_table(), formatter_class=argparse.RawDescriptionHelpFormatter)
    ap = argparse.ArgumentParser(prog="news-etl", description="Raw news pages -> validated Parquet tables.", **codes)
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build, validate and publish one partition", **codes)
    run.add_argument("--input", action="append", required=True, metavar="PATH",
                     help="file or folder of inputs (.txt, .html, .jsonl, .warc, .gz); repeatable")
    run.add_argument("--warehouse", required=True, metavar="DIR", help="warehouse root folder")
    run.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD", help="ingest date (the partition)")
    run.add_argument("--run-id", default=None, help="name of this run (default: cli__<UTC time>__<pid>)")
    run.add_argument("--processes", type=int, default=None, help="spaCy worker processes (0 = all cores)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or stage log")
    run.add_argument("--allow-empty", action="store_true",
                     help="publish an empty partition when the landing folder is missing or empty "
                          f"(otherwise: exit {int(Exit.INPUTS)})")
    show = sub.add_parser("show", help="what a published partition holds (from its manifest)", **codes)
    show.add_argument("--warehouse", required=True, metavar="DIR")
    show.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    show.add_argument("--rows", type=int, default=3, help="example rows to print per table")
    lst = sub.add_parser("list", help="the published days: row counts and validation verdicts")
    lst.add_argument("--warehouse", required=True, metavar="DIR")
    mig = sub.add_parser("migrate", help="convert a warehouse written before the Delta tables (plain Parquet "
                                         "partitions and manifests) into Delta tables, day by day")
    mig.add_argument("--warehouse", required=True, metavar="DIR")
    return ap


def migrate(warehouse: str) -> int:
    from etl.warehouse import open_warehouse
    from etl.warehouse.convert import migrate as convert

    days = convert(open_warehouse(warehouse))
    _out(f"converted {len(days)} day(s) to Delta tables" + (f": {', '.join(days)}" if days else
                                                            " (nothing left in the earlier layout)"))
    return Exit.OK


def _short(value, width: int = 38) -> str:
    """A cell as printed: nulls blank (not None/nan/NaT), lists as their items."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def list_partitions(warehouse: str) -> int:
    from etl.model import schema
    from etl.warehouse import list_partitions as partitions

    days = partitions(warehouse)
    if not days:
        print(f"news-etl: no published partitions in {warehouse}", file=sys.stderr)
        return EXIT_OK
    head = [schema.PARTITION_COLUMN, *schema.TABLE_NAMES, "validation", "warnings", "run_id"]
    rows = [[str(d[schema.PARTITION_COLUMN]), *(str(d[t]) if d[t] is not None else "" for t in schema.TABLE_NAMES),
             d["validation"], str(d["warnings"]), d["run_id"] or ""] for d in days]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    numeric = set(range(1, len(schema.TABLE_NAMES) + 1)) | {len(head) - 2}
    for r in [head, *rows]:
        _out("  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return EXIT_OK


def show(warehouse: str, ingest_date: str, example_rows: int) -> int:
    from etl.model import schema
    from etl.warehouse import open_warehouse

    wh = open_warehouse(warehouse)
    problem = _partition_problem(wh, warehouse, ingest_date)
    if problem:
        _err(problem[1], one_line=True)
        return problem[0]
    manifest = wh.read_manifest(ingest_date)
    validation = manifest.get("validation", {})
    print = _out  # every line below may carry text from the inputs
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
                # as Python objects (to_pylist), so a null is None, never nan or NaT
                df = pd.DataFrame(t.slice(0, example_rows).to_pylist(), columns=t.column_names, dtype=object)
                for col in df.columns:
                    df[col] = df[col].map(lambda v: _short(v))
                print(df.to_string(index=False))
    return EXIT_OK


def _partition_problem(wh, warehouse: str, ingest_date: str) -> tuple[Exit, str] | None:
    """Why `show` cannot print the partition as one publish's whole output, if it cannot."""
    from etl import config
    from etl.warehouse import ManifestDamaged, PartitionInconsistent, PartitionLocked

    try:
        ahead = wh.cut_short(ingest_date)
    except PartitionInconsistent:
        ahead = []  # said below, by read_partition
    if ahead:
        return Exit.DAMAGED, (f"news-etl: partition {ingest_date}: a publish was cut short ({', '.join(ahead)} "
                              f"ahead of the manifest); the next `news-etl run` of that day rolls it back")
    try:
        wh.read_partition(ingest_date, wait_seconds=config.lock_wait_seconds())
    except FileNotFoundError:
        return Exit.USAGE, f"news-etl: partition {ingest_date} is not published in {warehouse}"
    except PartitionLocked as exc:
        return Exit.LOCKED, f"news-etl: {exc}"
    except ManifestDamaged as exc:
        return Exit.DAMAGED, (f"news-etl: {exc} ({wh.manifest_path(ingest_date)}); "
                              f"the next `news-etl run` of that day publishes a new one")
    except PartitionInconsistent as exc:
        return Exit.DAMAGED, f"news-etl: {exc}"
    except (KeyError, TypeError, ValueError) as exc:  # a manifest that parses but does not fit
        return Exit.DAMAGED, (f"news-etl: the manifest of partition {ingest_date} is damaged "
                              f"({type(exc).__name__}: {exc}); the next `news-etl run` of that day publishes a new one")
    return None


def _manifest(warehouse: str, ingest_date: str):
    """The partition's manifest as it is now (None if there is none; False if it cannot be read)."""
    from etl.warehouse import open_warehouse

    try:
        return open_warehouse(warehouse).read_manifest(ingest_date)
    except Exception:
        return False


def _published_by(args) -> bool | None:
    """Whether this run published the partition: its manifest is new since the run started and
    names this run (None: it cannot be told)."""
    if not hasattr(args, "manifest_before"):
        return False  # stopped before the run began
    manifest = _manifest(args.warehouse, args.date)
    if manifest is False:
        return None
    return bool(manifest) and manifest != args.manifest_before and manifest.get("run_id") == args.run_id


def _progress_factory(enabled: bool):
    if not enabled:
        return None

    def make(unit: str, total: int):
        from tqdm import tqdm

        bar = tqdm(total=total, unit=unit, file=sys.stderr, desc="reading+NLP", leave=True)
        return lambda: bar.update(1)

    return make


def _closed_pipe_safe(command):
    """Run a printing command so that a reader who stops early (`news-etl show ... | head`) ends
    it quietly: the rest of the output goes to /dev/null instead of a BrokenPipeError traceback."""
    try:
        code = command()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        try:  # Python's own flush at exit must not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout is not a file (a test's capture)
            pass
        return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.run_id = getattr(args, "run_id", None) or \
        f"cli__{datetime.now(timezone.utc):%Y%m%dT%H%M%S}__{os.getpid()}"
    try:
        if args.command == "show":
            return _closed_pipe_safe(lambda: show(args.warehouse, args.date, args.rows))
        if args.command == "list":
            return _closed_pipe_safe(lambda: list_partitions(args.warehouse))
        if args.command == "migrate":
            return migrate(args.warehouse)
        return _run(args)
    except BrokenPipeError:  # the reader stopped reading (`| head`): what it read is all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return Exit.OK
    except KeyboardInterrupt:
        if args.command == "run":
            published = _published_by(args)
            state = {True: f"partition {args.date} was published by this run before it stopped",
                     False: f"partition {args.date} not published by this run (it is as it was before)",
                     None: f"partition {args.date}: `news-etl show` tells its state"}[published]
            _err(f"news-etl: interrupted; {state}", one_line=True)
        else:
            _err("news-etl: interrupted", one_line=True)
        return Exit.INTERRUPTED


def _run(args) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING if args.quiet else logging.INFO)  # also for loggers that set their own level
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, handlers=[handler])
    for noisy in ("great_expectations", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.processes is not None:
        os.environ["NEWS_ETL_PROCESSES"] = str(args.processes)
    from etl.ingest import LandingUnreachable
    from etl.run import pipeline
    from etl.warehouse import PartitionLocked, PublishRecoveryError, PublishRolledBack

    run_id = args.run_id
    args.manifest_before = _manifest(args.warehouse, args.date)  # to tell afterwards what this run did
    try:
        summary = pipeline.run(args.input, args.warehouse, args.date, run_id,
                               progress=_progress_factory(not args.quiet and sys.stderr.isatty()),
                               allow_empty=args.allow_empty)
    except pipeline.ValidationFailed as exc:
        _err(f"news-etl: validation failed; partition {args.date} NOT published "
             f"(the previous one, if any, is unchanged)\n{exc}")
        report = getattr(exc.report, "results_path", None)
        if report:
            _err(f"validation report: {report}")
        docs = getattr(exc.report, "data_docs_path", None)
        if docs:
            _err(f"data docs: file://{docs}")
        return Exit.VALIDATION
    except PartitionLocked as exc:
        _err(f"news-etl: {exc}", one_line=True)
        return Exit.LOCKED
    except LandingUnreachable as exc:
        _err(f"news-etl: cannot read the inputs, nothing published (partition {args.date} is unchanged): {exc}",
             one_line=True)
        return Exit.INPUTS
    except pipeline.AccountingError as exc:
        _err(f"news-etl: inputs not accounted for, nothing published: {exc}", one_line=True)
        return Exit.ACCOUNTING
    except PublishRolledBack as exc:
        _err(f"news-etl: {exc}", one_line=True)
        return Exit.ROLLED_BACK
    except PublishRecoveryError as exc:
        _err(f"news-etl: {exc}", one_line=True)
        return Exit.DAMAGED
    except Exception as exc:  # never Python's 1 (which means "validation failed")
        what = f"{type(exc).__name__}: {exc}"
        if _published_by(args):
            _err(f"news-etl: partition {args.date} published by run {run_id}, but the run then failed: {what}",
                 one_line=True)
            return Exit.OK
        logging.getLogger("news-etl").error("run failed", exc_info=True)
        _err(f"news-etl: run failed, partition {args.date} not published by this run: {what}", one_line=True)
        return Exit.ERROR
    _out(summary.render(args.warehouse))
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
