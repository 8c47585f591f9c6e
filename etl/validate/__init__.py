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
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from etl import config
from etl.model import schema
from etl.validate import profile

log = logging.getLogger(__name__)


@dataclass
class PartitionContext:
    """What the suites need to know about the partition beyond the rows of one chunk."""

    ingest_date: str
    article_ids: set = field(default_factory=set)
    entity_keys: set = field(default_factory=set)  # (article_id, entity_id)
    texts: dict = field(default_factory=dict)  # (article_id, field, index) -> text
    stats: dict = field(default_factory=dict)  # the day's profile (etl.validate.profile.day_stats)
    baseline: dict | None = None  # the trailing partitions' medians (profile.baseline), None without history

    def field_text(self, article_id: str, field_name: str, index: int) -> str | None:
        return self.texts.get((article_id, field_name, index))

    def lookups(self) -> dict:
        """The other tables' keys and texts, by the names the custom expectations look them up by."""
        from expectations._custom import keys_name

        return {keys_name("articles", ["article_id"]): self.article_ids,
                keys_name("entities", ["article_id", "entity_id"]): self.entity_keys, "texts": self}


@dataclass
class ValidationReport:
    success: bool
    failures: list[dict]  # blocking failures
    warnings: list[dict]
    statistics: dict
    results_path: str
    data_docs_path: str | None
    stats: dict = field(default_factory=dict)  # the day's profile, kept in the manifest on publish

    def summary(self) -> str:
        if self.success:
            text = f"passed ({self.statistics.get('evaluated', 0)} expectations, {len(self.warnings)} warning(s))"
            if self.warnings:
                text += "; warned: " + "; ".join(_one_line(w) for w in self.warnings[:10])
            return text
        lines = [f"FAILED: {len(self.failures)} blocking expectation(s) failed"]
        lines += [f"  - {_one_line(f)}" for f in self.failures[:20]]
        if self.warnings:
            lines.append(f"  and {len(self.warnings)} warning(s): " + "; ".join(_one_line(w) for w in self.warnings[:10]))
        return "\n".join(lines)


def _one_line(item: dict) -> str:
    """table: expectation (column) observed ...: one failed expectation, in one line."""
    column = item.get("column")
    column = ", ".join(column) if isinstance(column, list) else column
    text = f"{item['table']}: {item['expectation']}" + (f" ({column})" if column else "")
    if item.get("observed") is not None:
        text += f" observed {item['observed']}"
    if item.get("expected"):
        text += f", expected {item['expected']}"
    if item.get("examples"):
        text += f", e.g. {item['examples']}"
    if item.get("error"):
        text += f" [error: {item['error']}]"
    return text


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
                    run_name: str, build_docs: bool = True, chunk_rows: int | None = None,
                    history: list[dict] | None = None) -> ValidationReport:
    """Run every table's suite over in-memory frames (in chunks of `chunk_rows` rows if given),
    and the day suites against `history` (the trailing partitions' stats: [{"date", "stats"}]).
    Writes `validation.json` (and Data Docs) under `report_dir`."""
    ctx = partition_context(frames, ingest_date)

    def chunks(table: str) -> Iterator[pd.DataFrame]:
        df = frames[table]
        step = chunk_rows or max(len(df), 1)
        for start in range(0, max(len(df), 1), step):
            yield df.iloc[start:start + step].reset_index(drop=True).copy()

    return _validate(chunks, {t: len(f) for t, f in frames.items()}, ctx, profile.frame_columns(frames),
                     history, report_dir, run_name, build_docs)


def validate_staged(staged: Path, ingest_date: str, report_dir: Path, run_name: str,
                    build_docs: bool = True, chunk_rows: int | None = None,
                    history: list[dict] | None = None) -> ValidationReport:
    """Run every table's suite over a staged partition folder (`<table>/*.parquet`), reading
    `chunk_rows` rows at a time (default NEWS_ETL_VALIDATE_CHUNK_ROWS), and the day suites
    against `history`."""
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

    return _validate(chunks, rows, ctx, profile.file_columns(files), history, report_dir, run_name, build_docs)


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
                        build_docs: bool = True, chunk_rows: int | None = None,
                        history: list[dict] | None = None) -> ValidationReport:
        args = (staged, ingest_date, report_dir, run_name, build_docs, chunk_rows, history)
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
        _quiet_gx()
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
    observed_value: object = None

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


def _quiet_gx() -> None:
    """GX's import and runs log hundreds of INFO lines (decorator registration, temporary
    folders) and draw progress bars: none of it belongs in a task log or the CLI's output. Some
    GX modules set their own logger to INFO when imported, so this runs again after the import."""
    for name in ("great_expectations", "great_expectations._docs_decorators"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if name.startswith("great_expectations.") and isinstance(logger, logging.Logger) \
                and logging.NOTSET < logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def _observed(res: dict, out: "_Outcome") -> str | None:
    """What GX saw, in a few words: the value of an aggregate, or how many rows were unexpected."""
    if "observed_value" in res:
        value = res["observed_value"]
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    if out.countable and (out.element_count or out.unexpected_count):
        n = out.unexpected_count + out.cross_chunk_duplicates
        return f"{n} of {out.element_count} rows unexpected ({100 * n / max(out.element_count, 1):.1f} %)"
    return None


_BOUND_KWARGS = ("min_value", "max_value", "value_set", "regex", "mostly", "threshold", "column_set")


def _expected(cfg) -> str:
    parts = []
    for k in _BOUND_KWARGS:
        v = cfg.kwargs.get(k)
        if v is None:
            continue
        if isinstance(v, float):
            v = f"{v:.4g}"
        elif isinstance(v, (list, tuple)) and len(v) > 6:
            v = f"[{len(v)} values]"
        parts.append(f"{k}={v}")
    return ", ".join(parts)


def _column_of(cfg) -> str | None:
    cols = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
    if cols is None and "column_A" in cfg.kwargs:
        cols = [cfg.kwargs["column_A"], cfg.kwargs["column_B"]]
    return ", ".join(cols) if isinstance(cols, (list, tuple)) else cols


def _error_of(r) -> str | None:
    """The exception a result carries, in either of GX's shapes (its own, or one per metric)."""
    info = r.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))[:300]
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))[:300]
    return None


def _validate(*args) -> ValidationReport:
    _quiet_gx()
    with warnings.catch_warnings():
        # pandas warnings that GX's metrics trigger (e.g. about regex groups) say nothing about the data
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        return _run_suites(*args)


def _run_suites(chunks: Callable[[str], Iterator[pd.DataFrame]], row_counts: dict[str, int], ctx,
                read_columns, history: list[dict] | None, report_dir: Path, run_name: str,
                build_docs: bool) -> ValidationReport:
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier

    import expectations as suites
    from etl.validate.safe_docs import build_safe_data_docs, gx_run_name
    from expectations import _custom, day

    _quiet_gx()

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
            "show_how_to_buttons": False,
        })
    source = context.data_sources.add_pandas("partition")

    day_inputs, day_articles = profile.day_frames(read_columns)
    ctx.stats = profile.day_stats(day_inputs, day_articles)
    ctx.baseline = profile.baseline(history or [])
    day_frames = {"day_inputs": day_inputs, "day_articles": day_articles}
    def table_chunks(module):
        # a suite may still derive columns from other tables (`prepare`); GX checks are preferred
        prepare = getattr(module, "prepare", None)
        return (lambda t: (prepare(df, ctx) for df in chunks(t))) if prepare else chunks

    plan = [(t, (lambda m=m: m.expectations(gxe, _custom, ctx)), table_chunks(m)) for t, m in suites.SUITES.items()]
    plan += [(name, (lambda name=name: day.expectations(gxe, ctx, name)), lambda name: iter([day_frames[name]]))
             for name in suites.DAY_SUITES]

    failures, warnings, per_table, evaluated = [], [], {}, 0
    results_json, docs_suites = {}, []
    with _custom.partition_lookups(ctx.lookups()):
        for table, build, table_chunks in plan:
            suite = context.suites.add(gx.ExpectationSuite(name=table))
            for exp in build():
                suite.add_expectation(exp)
            batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("partition")
            vd = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
            outcomes: dict[str, _Outcome] = {}
            seen_keys: dict[str, dict] = {}
            chunk_results = []
            for df in table_chunks(table):
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
                    if "observed_value" in res:
                        out.observed_value = res["observed_value"]
                    if not r.success and len(out.examples) < 3:
                        out.examples += [str(x)[:80] for x in (res.get("partial_unexpected_list") or [])[:3 - len(out.examples)]]
                    out.error = out.error or _error_of(r)
                    if cfg.type in _UNIQUE_TYPES and len(df):
                        out.cross_chunk_duplicates += _count_cross_chunk(_unique_keys(df, cfg),
                                                                         seen_keys.setdefault(key, {}))
                del df
            evaluated += len(outcomes)
            results_json[table] = chunk_results[0] if len(chunk_results) == 1 else {"chunks": chunk_results}
            ok = [o for o in outcomes.values() if o.success()]
            per_table[table] = {"rows": row_counts.get(table, len(day_frames.get(table, ()))),
                                "chunks": len(chunk_results),
                                "evaluated_expectations": len(outcomes), "successful_expectations": len(ok),
                                "unsuccessful_expectations": len(outcomes) - len(ok)}
            rows = []
            for out in outcomes.values():
                cfg = out.config
                severity = str(getattr(cfg.severity, "value", cfg.severity))
                notes = cfg.notes if isinstance(cfg.notes, str) or cfg.notes is None else " ".join(cfg.notes)
                observed = _observed({"observed_value": out.observed_value} if not out.countable else {}, out)
                verdict = "passed" if out.success() else ("warned" if severity == "warning" else "failed")
                rows.append({"expectation": cfg.type, "severity": severity, "verdict": verdict, "notes": notes,
                             "column": _column_of(cfg), "expected": _expected(cfg), "observed": observed})
                if out.success():
                    continue
                item = {
                    "table": table,
                    "expectation": cfg.type,
                    "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                    "severity": severity,
                    "observed": observed,
                    "expected": _expected(cfg),
                    "unexpected_count": out.unexpected_count + out.cross_chunk_duplicates,
                    "examples": out.examples,
                }
                if notes:
                    item["notes"] = notes
                if out.cross_chunk_duplicates:
                    item["duplicates_across_chunks"] = out.cross_chunk_duplicates
                if out.error:
                    item["error"] = out.error
                (warnings if severity == "warning" else failures).append(item)
            docs_suites.append({"name": table, "rows_validated": per_table[table]["rows"], "rows": rows})
    validated = time.monotonic()

    docs_index = None
    if build_docs:
        try:  # each run() above stored its result in the context; render them as a site
            from etl.validate import offline_docs

            build_safe_data_docs(context, "run", docs_dir)  # input values escaped (etl.validate.safe_docs)
            index = docs_dir / "index.html"
            if index.exists():
                verdict = (f"FAILED: {len(failures)} blocking expectation(s) failed, nothing published"
                           if failures else "passed") + f"; {len(warnings)} warning(s)"
                offline_docs.make_offline(docs_dir, f"Data Docs | partition {ctx.ingest_date} | run {gx_run_name(run_name)}",
                                          verdict, docs_suites)
                docs_index = str(index)
        except Exception as exc:  # Data Docs are a report, not a gate
            log.warning("could not build Data Docs: %s", exc, exc_info=True)

    seconds = {"validate": round(validated - started, 3), "data_docs": round(time.monotonic() - validated, 3)}
    report = ValidationReport(not failures, failures, warnings,
                              {"evaluated": evaluated, "tables": per_table, "seconds": seconds},
                              str(report_dir / "validation.json"), docs_index, ctx.stats)
    payload = {"success": report.success, "ingest_date": ctx.ingest_date, "run": run_name,
               "failures": failures, "warnings": warnings, "statistics": report.statistics,
               "day": {"stats": ctx.stats, "baseline": ctx.baseline}, "results": results_json}
    (report_dir / "validation.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return report
