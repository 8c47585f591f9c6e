"""Audit a staged partition with the Great Expectations suites in `expectations/`.

GX is imported here, inside the call, never at module level of a DAG: its import costs ~5 s.
An ephemeral GX context per run (suites built from code) avoids the config-file races that a
shared file context has under parallel tasks; the run's results are written as JSON and as a
Data Docs site into the run's report folder.

A staged partition is validated in chunks of rows (`validate_staged`), so memory does not grow
with the size of the day: each chunk runs through the same suite, and the verdicts are combined
per expectation (counts summed, `mostly` re-applied to the totals). What a chunk cannot see by
itself is supplied from the partition: parent keys as sets of ids, field texts for offset checks
fetched row group by row group, and uniqueness across chunks checked here on key hashes and
added to the expectation's unexpected count. One chunk gives exactly GX's own verdict."""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import signal
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from etl import config
from etl.model import schema

log = logging.getLogger(__name__)


@dataclass
class PartitionContext:
    """What row-level checks need to know about the rest of the partition."""

    ingest_date: str
    article_ids: set = field(default_factory=set)
    entity_keys: set = field(default_factory=set)  # (article_id, entity_id)
    texts: dict = field(default_factory=dict)  # (article_id, field, index) -> text

    def field_text(self, article_id: str, field_name: str, index: int) -> str | None:
        return self.texts.get((article_id, field_name, index))


@dataclass
class ValidationReport:
    success: bool
    failures: list[dict]  # blocking failures
    warnings: list[dict]
    statistics: dict
    results_path: str
    data_docs_path: str | None

    def summary(self) -> str:
        if self.success:
            return f"passed ({self.statistics.get('evaluated', 0)} expectations, {len(self.warnings)} warning(s))"
        lines = [f"FAILED: {len(self.failures)} blocking expectation(s) failed"]
        for f in self.failures[:20]:
            lines.append(f"  - {f['table']}: {f['expectation']} {f.get('column') or ''} "
                         f"(unexpected {f.get('unexpected_count')}; e.g. {f.get('examples')})")
        return "\n".join(lines)


def load_staged(staged: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in schema.TABLE_NAMES:
        files = sorted((staged / table).glob("*.parquet"))
        if files:
            frames[table] = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
        else:
            frames[table] = schema.TABLES[table].arrow_schema().empty_table().to_pandas()
    return frames


def partition_context(frames: dict[str, pd.DataFrame], ingest_date: str) -> PartitionContext:
    arts, caps, ents = frames["articles"], frames["image_captions"], frames["entities"]
    ctx = PartitionContext(ingest_date, set(arts["article_id"]), set(zip(ents["article_id"], ents["entity_id"])))
    for col in ("title", "subtitle", "body"):
        for aid, text in zip(arts["article_id"], arts[col]):
            if isinstance(text, str):
                ctx.texts[(aid, col, 0)] = text
    for aid, pos, text in zip(caps["article_id"], caps["position"], caps["caption"]):
        ctx.texts[(aid, "caption", int(pos))] = text
    return ctx


def validate_frames(frames: dict[str, pd.DataFrame], ingest_date: str, report_dir: Path,
                    run_name: str, build_docs: bool = True, chunk_rows: int | None = None) -> ValidationReport:
    """Run every table's suite over in-memory frames (in chunks of `chunk_rows` rows if given).
    Writes `validation.json` (and Data Docs) under `report_dir`."""
    ctx = partition_context(frames, ingest_date)

    def chunks(table: str) -> Iterator[pd.DataFrame]:
        df = frames[table]
        step = chunk_rows or max(len(df), 1)
        for start in range(0, max(len(df), 1), step):
            yield df.iloc[start:start + step].reset_index(drop=True).copy()

    return _validate(chunks, {t: len(f) for t, f in frames.items()}, ctx, ingest_date, report_dir,
                     run_name, build_docs)


def validate_staged(staged: Path, ingest_date: str, report_dir: Path, run_name: str,
                    build_docs: bool = True, chunk_rows: int | None = None) -> ValidationReport:
    """Run every table's suite over a staged partition folder (`<table>/*.parquet`), reading
    `chunk_rows` rows at a time (default NEWS_ETL_VALIDATE_CHUNK_ROWS)."""
    staged = Path(staged)
    chunk_rows = chunk_rows or config.validate_chunk_rows()
    files = {t: sorted((staged / t).glob("*.parquet")) for t in schema.TABLE_NAMES}
    rows = {t: sum(pq.ParquetFile(f).metadata.num_rows for f in fs) for t, fs in files.items()}
    ctx = _staged_context(files, ingest_date)

    def chunks(table: str) -> Iterator[pd.DataFrame]:
        empty = True
        for f in files[table]:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=chunk_rows):
                empty = False
                yield batch.to_pandas()
        if empty:
            yield schema.TABLES[table].arrow_schema().empty_table().to_pandas()

    return _validate(chunks, rows, ctx, ingest_date, report_dir, run_name, build_docs)


# --- validating beside the run ------------------------------------------------------------------
class BackgroundValidator:
    """`validate_staged` in a helper process started at the beginning of a run, which imports GX
    (~3 s, a fixed cost of every run) while the run still reads its batches. Used when a core would
    otherwise idle: a rerun served from the result cache starts no workers. The helper closes its
    copies of the run's partition locks at once and exits within a second of the run's death, so a
    killed run leaves nothing locked behind it. If the helper fails or is gone, validation runs here."""

    def __init__(self) -> None:
        # Forked where possible: the child starts with pandas, pyarrow and etl already imported
        # (a spawned one spends ~1.5 s more on its imports, longer than reading a cached day).
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_serve_one_validation, args=(child_end, self._conn, os.getpid()),
                                    name="news-etl-validator", daemon=True)
        self._process.start()
        child_end.close()
        log.info("validation helper process %d started (GX imports there while the run reads)", self._process.pid)

    @classmethod
    def start(cls) -> "BackgroundValidator | None":
        try:
            return cls()
        except Exception as exc:  # no helper only costs the import time
            log.warning("could not start a validation process (%s); validating in the run", exc)
            return None

    def validate_staged(self, staged: Path, ingest_date: str, report_dir: Path, run_name: str,
                        build_docs: bool = True, chunk_rows: int | None = None) -> ValidationReport:
        args = (staged, ingest_date, report_dir, run_name, build_docs, chunk_rows)
        status, payload = "gone", None
        try:
            self._conn.send(args)
            status, payload = self._conn.recv()
        except (EOFError, OSError) as exc:
            log.warning("the validation process ended early (%s); validating in the run", exc)
        finally:
            self.close()
        if status == "ok":
            return payload
        if status == "error":
            log.warning("validation in the helper process failed (%s); validating in the run", payload)
        return validate_staged(*args)

    def close(self) -> None:
        self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _serve_one_validation(conn, parents_end, parent_pid: int) -> None:
    """The helper: import GX, then validate the one partition the run sends, and exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle
    from etl.fs import release_inherited_locks

    release_inherited_locks()
    parents_end.close()  # so that the run's end closing (or dying) reads here as end of file
    try:
        import great_expectations  # noqa: F401  (the reason this process exists)

        import expectations  # noqa: F401
    except Exception:  # the run validates itself and reports the error
        return
    while not conn.poll(1.0):
        if os.getppid() != parent_pid:  # the run was killed
            return
    try:
        args = conn.recv()
    except (EOFError, OSError):
        return
    try:
        reply = ("ok", validate_staged(*args))
    except Exception as exc:
        reply = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(reply)
    except (OSError, ValueError):
        pass


# --- partition context for chunks ----------------------------------------------------------
class _HashedPairs:
    """A set of (article_id, entity_id) pairs kept as 64-bit hashes: a tenth of the memory of
    the tuples. A false "exists" needs a hash collision among the day's own keys."""

    def __init__(self, pairs):
        self._hashes = {hash(p) for p in pairs}

    def __contains__(self, pair) -> bool:
        return hash(tuple(pair)) in self._hashes


class _RowGroupTexts:
    """`texts.get((article_id, field, index))` for a staged partition, reading only the row
    groups that hold the asked articles (rows of a chunk come from few articles, in order) and
    keeping the last few in memory."""

    def __init__(self, files: dict[str, list[Path]], keep: int = 3):
        self.files = files
        self.keep = keep
        self.loaded: OrderedDict = OrderedDict()
        self.article_groups = self._index("articles")
        self.caption_groups = self._index("image_captions")

    def _index(self, table: str) -> dict[str, list[tuple[int, int]]]:
        where: dict[str, list[tuple[int, int]]] = {}
        for fi, f in enumerate(self.files[table]):
            pf = pq.ParquetFile(f)
            for g in range(pf.num_row_groups):
                for aid in set(pf.read_row_group(g, columns=["article_id"]).column(0).to_pylist()):
                    where.setdefault(aid, []).append((fi, g))
        return where

    def _group(self, table: str, fi: int, g: int) -> dict:
        key = (table, fi, g)
        if key in self.loaded:
            self.loaded.move_to_end(key)
            return self.loaded[key]
        if table == "articles":
            t = pq.ParquetFile(self.files[table][fi]).read_row_group(g, columns=["article_id", "title", "subtitle", "body"])
            texts = {}
            for aid, title, sub, body in zip(*(t.column(c).to_pylist() for c in t.column_names)):
                for name, text in (("title", title), ("subtitle", sub), ("body", body)):
                    if isinstance(text, str):
                        texts[(aid, name, 0)] = text
        else:
            t = pq.ParquetFile(self.files[table][fi]).read_row_group(g, columns=["article_id", "position", "caption"])
            texts = {(aid, "caption", int(pos)): text
                     for aid, pos, text in zip(*(t.column(c).to_pylist() for c in t.column_names))}
        self.loaded[key] = texts
        while len(self.loaded) > self.keep:
            self.loaded.popitem(last=False)
        return texts

    def get(self, key, default=None):
        aid, field_name, _ = key
        table, groups = (("image_captions", self.caption_groups) if field_name == "caption"
                         else ("articles", self.article_groups))
        for fi, g in groups.get(aid, ()):
            found = self._group(table, fi, g).get(key)
            if found is not None:
                return found
        return default


def _staged_context(files: dict[str, list[Path]], ingest_date: str) -> PartitionContext:
    def column_values(table: str, columns: list[str]):
        for f in files[table]:
            pf = pq.ParquetFile(f)
            for g in range(pf.num_row_groups):
                t = pf.read_row_group(g, columns=columns)
                yield from zip(*(t.column(c).to_pylist() for c in columns))

    ctx = PartitionContext(ingest_date)
    ctx.article_ids = {aid for (aid,) in column_values("articles", ["article_id"])}
    ctx.entity_keys = _HashedPairs(column_values("entities", ["article_id", "entity_id"]))
    ctx.texts = _RowGroupTexts(files)
    return ctx


# --- the engine ---------------------------------------------------------------------------
_UNIQUE_TYPES = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


@dataclass
class _Outcome:
    """One expectation's verdict summed over the chunks of its table."""

    config: object
    chunks: int = 0
    chunk_failures: int = 0
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    cross_chunk_duplicates: int = 0
    countable: bool = True
    examples: list = field(default_factory=list)
    error: str | None = None

    def success(self) -> bool:
        if self.error:
            return False
        if self.chunks <= 1 and not self.cross_chunk_duplicates:
            return self.chunk_failures == 0  # GX's own verdict, unchanged
        if not self.countable:
            return self.chunk_failures == 0
        unexpected = self.unexpected_count + self.cross_chunk_duplicates
        considered = self.element_count if self.config.type == "expect_column_values_to_not_be_null" \
            else self.element_count - self.missing_count
        mostly = self.config.kwargs.get("mostly")
        if mostly is None or considered == 0:
            return unexpected == 0
        return (considered - unexpected) / considered >= mostly


def _unique_keys(df: pd.DataFrame, cfg) -> list:
    cols = cfg.kwargs.get("column_list") or [cfg.kwargs.get("column")]
    sub = df[cols].dropna() if cfg.type == "expect_column_values_to_be_unique" else df[cols]
    return pd.util.hash_pandas_object(sub, index=False).tolist()  # 64-bit row hashes, vectorised


def _count_cross_chunk(keys: list[int], seen: dict[int, int]) -> int:
    """Rows that break uniqueness only across chunks, counted as GX counts a whole table (every
    row of a repeated key). GX has already counted keys repeated within this chunk; `seen` holds
    how often each key occurred in the earlier chunks and is updated."""
    in_chunk: dict[int, int] = {}
    for k in keys:
        in_chunk[k] = in_chunk.get(k, 0) + 1
    extra = 0
    for k, n in in_chunk.items():
        before = seen.get(k, 0)
        if before:
            extra += (n if n == 1 else 0) + (1 if before == 1 else 0)
        seen[k] = before + n
    return extra


def _validate(chunks: Callable[[str], Iterator[pd.DataFrame]], row_counts: dict[str, int], ctx,
              ingest_date: str, report_dir: Path, run_name: str, build_docs: bool) -> ValidationReport:
    import logging as _logging

    _logging.getLogger("great_expectations._docs_decorators").setLevel(_logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier

    import expectations as suites
    from etl.validate.safe_docs import build_safe_data_docs, gx_run_name

    started = time.monotonic()
    report_dir = Path(report_dir).absolute()  # GX's site builder refuses a relative folder
    report_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    docs_dir = report_dir / "data_docs"
    if build_docs:
        context.add_data_docs_site(site_name="run", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = context.data_sources.add_pandas("partition")

    failures, warnings, per_table, evaluated = [], [], {}, 0
    results_json = {}
    for table, module in suites.SUITES.items():
        suite = context.suites.add(gx.ExpectationSuite(name=table))
        for exp in module.expectations(gxe, ctx):
            suite.add_expectation(exp)
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("partition")
        vd = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
        outcomes: dict[str, _Outcome] = {}
        seen_keys: dict[str, dict] = {}
        chunk_results = []
        for df in chunks(table):
            df = module.prepare(df, ctx)
            result = vd.run(batch_parameters={"dataframe": df}, result_format="SUMMARY",
                            run_id=RunIdentifier(run_name=gx_run_name(run_name)))
            chunk_results.append(result.to_json_dict())
            for r in result.results:
                cfg = r.expectation_config
                key = json.dumps([cfg.type, cfg.kwargs], sort_keys=True, default=str)
                out = outcomes.setdefault(key, _Outcome(cfg))
                out.chunks += 1
                out.chunk_failures += 0 if r.success else 1
                res = r.result or {}
                if "unexpected_count" in res and "element_count" in res:
                    out.element_count += res.get("element_count") or 0
                    out.missing_count += res.get("missing_count") or 0
                    out.unexpected_count += res.get("unexpected_count") or 0
                else:
                    out.countable = False
                if not r.success and len(out.examples) < 3:
                    out.examples += [str(x)[:80] for x in (res.get("partial_unexpected_list") or [])[:3 - len(out.examples)]]
                if r.exception_info and r.exception_info.get("raised_exception"):
                    out.error = str(r.exception_info.get("exception_message"))[:300]
                if cfg.type in _UNIQUE_TYPES and len(df):
                    out.cross_chunk_duplicates += _count_cross_chunk(_unique_keys(df, cfg),
                                                                     seen_keys.setdefault(key, {}))
            del df
        evaluated += len(outcomes)
        results_json[table] = chunk_results[0] if len(chunk_results) == 1 else {"chunks": chunk_results}
        ok = [o for o in outcomes.values() if o.success()]
        per_table[table] = {"rows": row_counts.get(table, 0), "chunks": len(chunk_results),
                            "evaluated_expectations": len(outcomes), "successful_expectations": len(ok),
                            "unsuccessful_expectations": len(outcomes) - len(ok)}
        for out in outcomes.values():
            if out.success():
                continue
            cfg = out.config
            item = {
                "table": table,
                "expectation": cfg.type,
                "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                "unexpected_count": out.unexpected_count + out.cross_chunk_duplicates,
                "examples": out.examples,
            }
            if out.cross_chunk_duplicates:
                item["duplicates_across_chunks"] = out.cross_chunk_duplicates
            if out.error:
                item["error"] = out.error
            ((warnings if (cfg.meta or {}).get("severity") == "warning" else failures)).append(item)
    validated = time.monotonic()

    docs_index = None
    if build_docs:
        try:  # each run() above stored its result in the context; render them as a site
            build_safe_data_docs(context, "run", docs_dir)  # input values escaped (etl.validate.safe_docs)
            index = docs_dir / "index.html"
            docs_index = str(index) if index.exists() else None
        except Exception as exc:  # Data Docs are a report, not a gate
            log.warning("could not build Data Docs: %s", exc, exc_info=True)

    seconds = {"validate": round(validated - started, 3), "data_docs": round(time.monotonic() - validated, 3)}
    report = ValidationReport(not failures, failures, warnings,
                              {"evaluated": evaluated, "tables": per_table, "seconds": seconds},
                              str(report_dir / "validation.json"), docs_index)
    payload = {"success": report.success, "ingest_date": ingest_date, "run": run_name,
               "failures": failures, "warnings": warnings, "statistics": report.statistics,
               "results": results_json}
    (report_dir / "validation.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return report
