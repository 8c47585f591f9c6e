"""The pipeline's steps, shared by the CLI and the DAG:

    plan      list the partition's inputs and cut them into batches           (one call)
    process   ingest -> parse -> NLP -> tables for one batch, into staging      (one call per batch)
    finalize  combine the batches, drop duplicates, account for every input,  (one call)
              and key the day's entities over all its articles (etl.run.relink)
    audit     run the GX suites over the staged partition                      (one call)
    publish   commit the staged partition to the Delta tables, manifest last  (one call)

Every step takes and returns small JSON-able values (paths, counts), so the DAG can pass them
through XCom; the data itself stays in the warehouse's staging area.

Guarantees (each proved by tests/test_robustness*, test_crash, test_concurrency, test_backfill):
  * Nothing lost: every record read (a page file, a JSON Lines line, a WARC response) ends up as
    an article or a reject; a file that yields nothing gets a `no_records` reject. Each batch, then
    finalize, then audit (recounting the staged Parquet files) check inputs == articles + rejects
    and that every planned file was read; a failed check stops the run (AccountingError) and
    audit's figures are in the manifest under "accounting".
  * Unreadable landing zone: an input path that is empty, missing or cannot be listed stops the
    run in plan, before anything is staged or published (etl.ingest.LandingUnreachable).
  * Quarantine: a reject keeps its raw bytes under rejects/ingest_date=<d>/_quarantine/<hash>.bin
    (not for inputs over the size limit, links, or empty files); the rest of the batch goes on.
  * Duplicates: within one partition an article seen twice (same normalised URL or explicit id,
    or the same body text) is stored once, first copy in input order; each other copy is a
    `duplicate` reject, across batches too. Partitions are independent loads: an article that
    reappears on a later date is a new row of the later partition, with the same article_id.
  * Empty days are asked for: a partition with nothing to read fails plan (NoInputs) unless the
    run allows an empty day; a day with inputs but no article is never published; volume and
    drift are checked against the trailing published partitions (docs/validation.md).
  * Limits: NEWS_ETL_MAX_INPUT_BYTES (too_large), NEWS_ETL_MAX_HTML_DEPTH (too_deep),
    NEWS_ETL_MAX_RECORDS_PER_FILE (too_many_records), and a per-input budget of CPU time and
    memory, NEWS_ETL_INPUT_SECONDS / NEWS_ETL_INPUT_MEMORY_MB (timeout / too_costly; etl.run.budget).
  * Row-level quarantine: an article failing a per-article check (etl.validate.rows) is an
    `invalid:<check>` reject with its child rows dropped, before the batch's tables are built;
    audit refuses the partition when more than NEWS_ETL_MAX_QUARANTINED_SHARE of the articles
    (and more than NEWS_ETL_QUARANTINE_ALLOWANCE) were quarantined.
  * Crashes and reruns: staging is per run; batch folders appear whole or not at all; publish is
    one Delta commit per table, then the manifest (etl.warehouse); tables a crash left ahead of
    the manifest are rolled back by the next run; a rerun replaces the partition with identical rows.
  * Concurrency: a CLI run holds the partition's run lock for its whole duration (a second run
    fails with exit 3, or waits NEWS_ETL_LOCK_WAIT_SECONDS); DAG runs of one partition (scheduled
    and backfill) build in separate staging folders and publish one at a time under the publish
    lock, so the partition is always one run's whole output (the last to publish)."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.version import __version__
from etl import config, tables
from etl.model import schema
from etl.model.ids import stable_id
from etl.model.records import ArticleResult, Reject, SourceDocument
from etl.faults import checkpoint
from etl.fs import fsync_file
from etl.ingest.remote import LandingUnreachable
from etl.run import relink
from etl.warehouse import PART_NAME, ManifestDamaged, open_warehouse

log = logging.getLogger(__name__)

ARTICLE_TABLES = ("articles", "entity_mentions", "entities", "quotes", "image_captions")


class ValidationFailed(RuntimeError):
    """The partition did not pass validation; `report` is the ValidationReport when there is one."""

    def __init__(self, report=None, message: str | None = None):
        super().__init__(message or report.summary())
        self.report = report


class AccountingError(RuntimeError):
    """Inputs do not add up to articles + rejects: something was lost or counted twice."""


class NoInputs(LandingUnreachable):
    """The partition has nothing to read (no landing folder, or an empty one) and the run did not
    ask for an empty day. Not transient: a retry meets the same folder."""

    def __init__(self, message: str):
        super().__init__(message, missing=True)


# --- plan -------------------------------------------------------------------------------------
def plan(inputs: list[str], warehouse: str, ingest_date: str, run_id: str,
         files_per_batch: int | None = None, allow_empty: bool = False) -> dict:
    """Discover inputs, reset this run's staging area, and cut the files into batches. First
    repairs the partition if an earlier publish was cut short by a crash. A partition with
    nothing to read fails (NoInputs) unless `allow_empty`: an empty day must be asked for, or a
    missing landing folder would publish as a healthy day with no news."""
    from etl import ingest

    # A landing zone that cannot be listed stops the run before anything else is touched
    # (ingest.LandingUnreachable), instead of publishing an empty day over a good one. A landing
    # folder that does not exist, or holds nothing, is an empty day only when the run asked for one.
    try:
        files, rejects = ingest.discover(inputs, exclude=[warehouse])
    except ingest.LandingUnreachable as exc:
        if not exc.missing:
            raise
        if not allow_empty:
            raise NoInputs(f"{_no_inputs_message(inputs, ingest_date, True)} ({exc})") from exc
        files, rejects = [], []
        log.warning("partition %s: no inputs in %s; publishing an empty day as asked (allow_empty)",
                    ingest_date, inputs)
    if not files and all(r.reason == "missing" for r in rejects):
        if not allow_empty:
            raise NoInputs(_no_inputs_message(inputs, ingest_date, bool(rejects)))
        log.warning("partition %s: no inputs in %s; publishing an empty day as asked (allow_empty)",
                    ingest_date, inputs)
        rejects = []  # the missing folder of a day asked to be empty is not a faulty input
    wh = open_warehouse(warehouse)
    with wh.lock(ingest_date, wait_seconds=config.publish_lock_wait_seconds(), holder=f"run {run_id} (plan)"):
        repaired = wh.recover(ingest_date)
        if repaired:
            log.warning("partition %s: %s", ingest_date, repaired)
        wh.sweep_staging(ingest_date, keep=wh.staging_dir(ingest_date, run_id).name)
    staging = wh.staging_dir(ingest_date, run_id)
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "batches").mkdir(parents=True)
    checkpoint("plan:staging_reset")
    size = max(1, files_per_batch or config.files_per_batch())
    batches = [{"batch_no": i // size, "files": [str(f) for f in files[i:i + size]]}
               for i in range(0, len(files), size)]
    if rejects:  # inputs refused before reading (unsafe links, missing paths) still need rows
        _write_batch(staging, "discovery", [], rejects, ingest_date,
                     {"inputs": len(rejects), "skipped": 0, "files": {}})
    _write_json(staging / "plan.json", {"files": [str(f) for f in files], "batches": len(batches),
                                        "refused_at_discovery": len(rejects)})
    checkpoint("plan:written")
    log.info("planned %d file(s) in %d batch(es) for %s; %d refused at discovery",
             len(files), len(batches), ingest_date, len(rejects))
    return {"ingest_date": ingest_date, "run_id": run_id, "warehouse": str(warehouse),
            "staging": str(staging), "batches": batches, "file_count": len(files),
            "repaired": repaired}


def _no_inputs_message(inputs: list[str], ingest_date: str, missing: bool) -> str:
    where = ", ".join(str(i) for i in inputs) or "(no input given)"
    what = "does not exist" if missing else "holds no input files"
    return (f"no inputs for partition {ingest_date}: {where} {what}. Nothing was published. If the landing "
            "zone is late, run again once it has arrived; if the day really had no news, run with "
            "allow_empty (DAG param) or --allow-empty (news-etl run) to publish an empty partition.")


# --- process ----------------------------------------------------------------------------------
def process_batch(staging: str, batch_no: int, files: list[str], ingest_date: str,
                  on_file: Callable[[], None] | None = None, processes: int | None = None) -> dict:
    """Read, parse and annotate one batch of files; write its tables into staging. No input can
    stop the batch: whatever fails on one record becomes that record's reject row. Records are
    processed in bounded chunks on worker processes (etl.run.stream) and written out chunk by chunk,
    so memory does not grow with the number of records in the batch's files."""
    from etl.run import stream
    from etl.run.cache import open_cache
    from etl.validate import rows

    t0 = time.monotonic()
    cache = open_cache(staging)
    per_file: dict[str, dict[str, int]] = {}
    seen: dict[str, str] = {}  # article_id / content hash -> source_uri of the first copy
    nlp_counts: dict[str, int] = {}
    hits = skipped = 0
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    writer = _BatchWriter(Path(staging), f"{batch_no:05d}", ingest_date)
    for chunk in stream.processed_chunks(files, on_file=on_file, cache_root=cache.root if cache else None,
                                         per_file=per_file, processes=processes):
        hits += chunk.cache_hits
        skipped += chunk.skipped
        for r in chunk.rejects:
            if r.raw_bytes is None and r.source_uri in per_file:  # ingest refused the whole file
                r.raw_bytes, note = _file_bytes_for_quarantine(r.source_uri, r.reason)
                if note:
                    r.detail = f"{r.detail} ({note})"
        rejects.extend(chunk.rejects)
        for art in chunk.results:
            problem = rows.article_problem(art)
            if problem:  # a defect of one article costs that article, not the day
                check, detail = problem
                rejects.append(Reject(art.source.source_uri, f"{rows.INVALID_PREFIX}{check}", detail,
                                      art.source.raw_bytes))
                continue
            dup_of = seen.get(art.article_id) or seen.get(art.content_sha256)
            if dup_of:
                rejects.append(Reject(art.source.source_uri, "duplicate",
                                      f"same article as {dup_of} (id {art.article_id})"))
                continue
            seen[art.article_id] = seen[art.content_sha256] = art.source.source_uri
            results.append(art)
            status = art.nlp_skipped_reason or "ok"
            nlp_counts[status] = nlp_counts.get(status, 0) + 1
        checkpoint("process:file_read")
        if len(results) + len(rejects) >= config.articles_per_chunk():
            writer.write_storable(results, rejects)
            results, rejects = [], []
    checkpoint("process:nlp_done")
    t_nlp = time.monotonic()
    writer.write_storable(results, rejects)
    inputs = sum(c["records"] for c in per_file.values())
    writer.close({"inputs": inputs, "skipped": skipped, "files": per_file})
    summary = {"batch_no": batch_no, "inputs": inputs, "articles": writer.articles,
               "rejects": writer.rejects, "skipped_records": skipped, "nlp": nlp_counts, "cache_hits": hits,
               "seconds": {"read+nlp": round(t_nlp - t0, 3), "write": round(time.monotonic() - t_nlp, 3)}}
    log.info("batch %s: %s", batch_no, summary)
    return summary


def _file_bytes_for_quarantine(path: str, reason: str) -> tuple[bytes | None, str | None]:
    """The raw bytes of a whole file that ingest refused (unsupported kind, broken gzip, ...), so
    the quarantine holds them; not for files over the size limit, nor for links (never followed)."""
    if reason in ("unsafe_link", "link_not_followed", "not_a_file", "missing", "empty", "no_records"):
        return None, None
    if "://" in path:
        return None, None  # object-store inputs: the source stays where it is
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return None, None
        if st.st_size > config.max_input_bytes():
            return None, "raw bytes not kept: larger than the input size limit"
        with open(path, "rb") as fh:
            return fh.read(config.max_input_bytes() + 1), None
    except OSError as exc:
        return None, f"raw bytes not kept: {exc.strerror}"


def _article_or_reject(doc, build_article) -> ArticleResult | Reject:
    if isinstance(doc, Reject):
        return doc
    try:
        return build_article(doc)
    except Exception as exc:  # build_article catches reader errors; this is the backstop
        log.warning("building %s failed: %s", doc.source_uri, exc, exc_info=True)
        return Reject(doc.source_uri, "internal_error", f"{type(exc).__name__}: {exc}", doc.raw_bytes)


def _text_safe(value: str | None) -> str | None:
    """Text that Arrow can store: lone surrogates (undecodable bytes of a file name, `\\ud800`
    escapes in JSON) become visible escapes instead of failing the whole batch's write."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _storable_results(results: list[ArticleResult]) -> tuple[list[ArticleResult], list[Reject], dict]:
    """Articles whose rows fit the table schemas, rejects for those that do not (e.g. text
    holding lone surrogates), and the stored articles' tables; checked one by one only when the
    batch as a whole does not fit."""
    for r in results:
        r.source.source_uri = _text_safe(r.source.source_uri)
    try:
        return results, [], _article_tables(results)
    except ValueError:
        pass
    ok, bad = [], []
    for r in results:
        try:
            _article_tables([r])
            ok.append(r)
        except ValueError as exc:
            bad.append(Reject(r.source.source_uri, "invalid_text", str(exc)[:500], r.source.raw_bytes))
    return ok, bad, _article_tables(ok)


def _article_tables(results: list[ArticleResult]) -> dict[str, pa.Table]:
    rows = tables.article_rows(results)
    return {t: tables.to_arrow(t, tables.frame(t, rows[t])) for t in ARTICLE_TABLES}


def _write_batch(staging: Path, name: str, results: list[ArticleResult], rejects: list[Reject],
                 ingest_date: str, accounting: dict) -> None:
    writer = _BatchWriter(staging, name, ingest_date)
    writer.write(results, [], rejects)
    writer.close(accounting)


class _BatchWriter:
    """One batch's tables, written chunk by chunk (one row group per chunk) into a temporary
    folder that is renamed into place last, so a batch folder either is complete (with its
    _DONE record) or does not exist."""

    def __init__(self, staging: Path, name: str, ingest_date: str):
        self.name, self.ingest_date = name, ingest_date
        self.out = staging / "batches" / name
        self.tmp = staging / "batches" / f".{name}.tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.articles = self.rejects = 0

    def write_storable(self, results: list[ArticleResult], rejects: list[Reject]) -> None:
        """Write `results`, turning any whose rows do not fit the schemas into rejects."""
        ok, unstorable, built = _storable_results(results)
        self.write(ok, unstorable, rejects, built)

    def write(self, results: list[ArticleResult], unstorable: list[Reject], rejects: list[Reject],
              built: dict | None = None) -> None:
        rejects = list(rejects) + list(unstorable)
        built = dict(built) if built is not None else _article_tables(results)
        for r in rejects:
            r.source_uri, r.detail = _text_safe(r.source_uri), _text_safe(r.detail)
        quarantine = {}
        for i, r in enumerate(rejects):
            if r.raw_bytes:
                rid = stable_id("reject", r.source_uri, r.reason)
                (self.tmp / "quarantine").mkdir(exist_ok=True)
                (self.tmp / "quarantine" / f"{rid}.bin").write_bytes(r.raw_bytes)
                quarantine[i] = f"rejects/{schema.PARTITION_COLUMN}={self.ingest_date}/_quarantine/{rid}.bin"
        checkpoint("process:quarantine_written")
        built["rejects"] = tables.to_arrow("rejects", tables.frame("rejects", tables.reject_rows(rejects, quarantine)))
        for table in schema.TABLE_NAMES:
            if built[table].num_rows or table not in self.writers:
                if table not in self.writers:
                    self.writers[table] = pq.ParquetWriter(self.tmp / f".{table}.parquet.tmp",
                                                           schema.TABLES[table].arrow_schema(), compression="zstd")
                self.writers[table].write_table(built[table])
        self.articles += len(results)
        self.rejects += len(rejects)

    def close(self, accounting: dict) -> None:
        for i, table in enumerate(schema.TABLE_NAMES):
            self.writers.pop(table).close()
            part = self.tmp / f".{table}.parquet.tmp"
            fsync_file(part)
            os.replace(part, self.tmp / f"{table}.parquet")
            if i == 2:
                checkpoint("process:tables_half_written")
        accounting = dict(accounting, articles=self.articles, rejects=self.rejects)
        if accounting["inputs"] != accounting["articles"] + accounting["rejects"]:
            raise AccountingError(f"batch {self.name}: {accounting['inputs']} records read but "
                                  f"{self.articles} articles + {self.rejects} rejects")
        (self.tmp / "_DONE").write_text(json.dumps(accounting))
        checkpoint("process:before_rename")
        shutil.rmtree(self.out, ignore_errors=True)
        os.rename(self.tmp, self.out)
        checkpoint("process:batch_done")


# --- finalize ---------------------------------------------------------------------------------
def finalize(staging: str, ingest_date: str, expected_batches: int | None = None) -> dict:
    """Combine batch outputs into one staged partition per table, dropping articles already
    seen in an earlier batch (their copies become `duplicate` rejects), rewriting entity and
    speaker keys with the whole day as evidence (etl.run.relink), and check that every planned
    file and every record read is accounted for."""
    staging_p = Path(staging)
    planned = json.loads((staging_p / "plan.json").read_text())
    if expected_batches is None:
        expected_batches = planned["batches"]
    done = {d.name: d for d in sorted((staging_p / "batches").iterdir())
            if d.is_dir() and not d.name.startswith(".") and (d / "_DONE").exists()}
    missing = [f"{n:05d}" for n in range(expected_batches) if f"{n:05d}" not in done]
    if missing:
        raise AccountingError(f"batches {missing} of {expected_batches} have not finished; "
                              "refusing to publish a partial day")
    final = staging_p / "final"
    shutil.rmtree(final, ignore_errors=True)
    records = {name: json.loads((d / "_DONE").read_text()) for name, d in done.items()}

    # Every planned file was read by some batch (and only one).
    covered: dict[str, str] = {}
    for name, rec in records.items():
        for f in rec.get("files", {}):
            if f in covered:
                raise AccountingError(f"file {f!r} was read by batch {covered[f]} and batch {name}")
            covered[f] = name
    unread = [f for f in planned["files"] if f not in covered]
    if unread:
        raise AccountingError(f"{len(unread)} planned file(s) were never read, e.g. {unread[:3]}")

    # Cross-batch duplicates, decided on the id columns only (the bodies stay on disk).
    drop: dict[str, set] = {}
    extra_rejects: list[Reject] = []
    seen: dict[str, str] = {}
    inputs = sum(rec["inputs"] for rec in records.values())
    for name, d in done.items():
        ids = pq.read_table(d / "articles.parquet", columns=["article_id", "content_sha256", "source_uri"])
        for aid, sha, uri in zip(*(ids.column(c).to_pylist() for c in ("article_id", "content_sha256", "source_uri"))):
            first = seen.get(aid) or seen.get(sha)
            if first:
                drop.setdefault(name, set()).add(aid)
                extra_rejects.append(Reject(uri, "duplicate", f"same article as {first} (id {aid})"))
            else:
                seen[aid] = seen[sha] = uri

    # Entity keys from the whole day's evidence (surnames alone, acronyms), once every batch is in.
    changes = relink.partition_changes(done, drop)

    counts = {}
    for table in schema.TABLE_NAMES:
        target = final / table / PART_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(".part.tmp")
        spec_schema = schema.TABLES[table].arrow_schema()
        rows = 0
        with pq.ParquetWriter(tmp, spec_schema, compression="zstd") as writer:
            for name, d in done.items():
                batch_file = pq.ParquetFile(d / f"{table}.parquet")
                for group in range(batch_file.num_row_groups):  # a chunk at a time, never a whole batch
                    t = batch_file.read_row_group(group).cast(spec_schema)
                    if table in ARTICLE_TABLES and name in drop:
                        mask = pc.invert(pc.is_in(t.column("article_id"), value_set=pa.array(sorted(drop[name]))))
                        t = t.filter(mask)
                    t = relink.apply(table, t, changes)
                    if t.num_rows:
                        writer.write_table(t)
                        rows += t.num_rows
            if table == "rejects" and extra_rejects:
                t = tables.to_arrow("rejects", tables.frame("rejects", tables.reject_rows(extra_rejects)))
                writer.write_table(t)
                rows += t.num_rows
        tmp.rename(target)
        counts[table] = rows
        checkpoint(f"finalize:table_written:{table}")
    quarantine = final / "rejects" / "_quarantine"
    for d in done.values():
        q = d / "quarantine"
        if q.is_dir():
            quarantine.mkdir(parents=True, exist_ok=True)
            for f in q.iterdir():
                _link_or_copy(f, quarantine / f.name)  # batch copies stay: a retried finalize needs them
    checkpoint("finalize:quarantine_linked")

    # Nothing lost: every record read is an article or a reject (duplicates are rejects too).
    accounted = counts["articles"] + counts["rejects"]
    if accounted != inputs:
        raise AccountingError(f"{inputs} inputs but {counts['articles']} articles + {counts['rejects']} rejects")
    result = {"inputs": inputs, "files": len(planned["files"]) + planned.get("refused_at_discovery", 0),
              "skipped_records": sum(rec.get("skipped", 0) for rec in records.values()),
              "rows": counts, "duplicates_across_batches": len(extra_rejects), "final": str(final)}
    _write_json(staging_p / "finalized.json", result)
    checkpoint("finalize:done")
    return result


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, default=str))
    os.replace(tmp, path)


# --- audit ------------------------------------------------------------------------------------
def accounting_check(staging: str) -> dict:
    """Recount the staged partition from its Parquet files (not from the counts finalize kept)
    and check that inputs == articles + rejects; duplicates are counted among the rejects."""
    staging_p = Path(staging)
    finalized = json.loads((staging_p / "finalized.json").read_text())
    final = staging_p / "final"
    articles = pq.ParquetFile(final / "articles" / PART_NAME).metadata.num_rows
    reasons = pq.read_table(final / "rejects" / PART_NAME, columns=["reason"]).column("reason").to_pylist()
    quarantined = {p.name for p in (final / "rejects" / "_quarantine").glob("*.bin")}
    paths = pq.read_table(final / "rejects" / PART_NAME, columns=["quarantine_path"]).column("quarantine_path")
    referenced = {p.rsplit("/", 1)[-1] for p in paths.to_pylist() if p}
    result = {
        "check": "inputs == articles + rejects",
        "inputs": finalized["inputs"], "articles": articles, "rejects": len(reasons),
        "duplicates": reasons.count("duplicate"), "files": finalized.get("files"),
        "skipped_records": finalized.get("skipped_records", 0),
        "quarantine_files": len(quarantined),
        "quarantine_files_missing": sorted(referenced - quarantined)[:10],
    }
    result["passed"] = (result["inputs"] == articles + len(reasons) and not result["quarantine_files_missing"])
    return result


def quarantine_check(staging: str):
    """The partition-level gate on the articles the row checks quarantined (etl.validate.rows)."""
    from etl.validate import rows

    final = Path(staging) / "final"
    articles = pq.ParquetFile(final / "articles" / PART_NAME).metadata.num_rows
    reasons = pq.read_table(final / "rejects" / PART_NAME, columns=["reason"]).column("reason").to_pylist()
    return rows.quarantine_gate(reasons, articles)


def audit(staging: str, ingest_date: str, warehouse: str, run_id: str, validator=None) -> dict:
    """Check the accounting, then run the expectation suites (in `validator`, an
    etl.validate.BackgroundValidator, when the caller started one)."""
    from etl import validate
    from etl.run.history import trailing_stats

    wh = open_warehouse(warehouse)
    accounting = accounting_check(staging)
    if not accounting["passed"]:
        raise AccountingError(f"staged partition does not add up: {accounting}")
    history = trailing_stats(wh, ingest_date)
    gate = quarantine_check(staging)
    if not gate.passed:
        # Many articles turned away by the row checks is a broken reader, not a day of bad pages.
        _write_json(Path(staging) / "audit.json", {"success": False, "summary": gate.summary(),
                                                    "quarantine": gate.as_dict(), "accounting": accounting})
        raise ValidationFailed(message=f"{gate.summary()}; nothing published "
                                       "(NEWS_ETL_MAX_QUARANTINED_SHARE / NEWS_ETL_QUARANTINE_ALLOWANCE)")
    # chunk by chunk: a whole day of tables is never loaded into memory at once
    validate_staged = validator.validate_staged if validator is not None else validate.validate_staged
    report = validate_staged(Path(staging) / "final", ingest_date, wh.report_dir(ingest_date, run_id), run_id,
                             history=history)
    checkpoint("audit:validated")
    wh.upload_reports(ingest_date, run_id)  # object-store warehouses keep reports beside the tables
    _prune_reports(wh, ingest_date, run_id)
    out = {"success": report.success, "summary": report.summary(), "quarantine": gate.as_dict(),
           "results_path": wh.public_path(report.results_path),
           "data_docs": wh.public_path(report.data_docs_path), "failures": report.failures,
           "warnings": len(report.warnings), "warned": report.warnings, "stats": report.stats,
           "baseline": [h["date"] for h in history], "accounting": accounting}
    _write_json(Path(staging) / "audit.json", out)
    checkpoint("audit:written")
    if not report.success:
        raise ValidationFailed(report)
    return out


def _prune_reports(wh, ingest_date: str, run_id: str) -> None:
    """Keep the newest reports of the partition, this run's and the published run's among them."""
    try:
        current = wh.read_manifest(ingest_date) or {}
    except ManifestDamaged:  # this run is about to replace it; its own report is protected below
        current = {}
    protect = {run_id} | ({current["run_id"]} if current.get("run_id") else set())
    try:
        removed = wh.prune_reports(ingest_date, config.reports_kept_per_partition(), protect)
    except OSError as exc:  # old reports are clutter, not a reason to fail a run
        log.warning("could not prune old reports of %s: %s", ingest_date, exc)
        return
    if removed:
        log.info("partition %s: removed %d old report(s)", ingest_date, len(removed))


# --- publish ----------------------------------------------------------------------------------
def publish(staging: str, ingest_date: str, warehouse: str, run_id: str,
            lock_wait_seconds: float | None = None) -> dict:
    """Commit the audited staging partition to the warehouse; refuses an unaudited one. A retry
    of a publish that already went through returns its manifest; one that was cut short is rolled
    back and published again from the same staging."""
    staging_p = Path(staging)
    wh = open_warehouse(warehouse)
    audit_file = staging_p / "audit.json"
    wait = config.publish_lock_wait_seconds() if lock_wait_seconds is None else lock_wait_seconds
    with wh.lock(ingest_date, wait_seconds=wait, holder=f"run {run_id} (publish)"):
        checkpoint("publish:locked")
        try:
            current = wh.read_manifest(ingest_date)
        except ManifestDamaged:
            current = None  # this publish writes a whole new one
        if not (staging_p / "final").is_dir() and current and current.get("run_id") == run_id:
            log.info("partition %s was already published by run %s", ingest_date, run_id)
            shutil.rmtree(staging_p, ignore_errors=True)
            return current
        if not audit_file.exists() or not json.loads(audit_file.read_text())["success"]:
            raise ValidationFailed(message="the staged partition has not passed validation; nothing published")
        finalized = json.loads((staging_p / "finalized.json").read_text())
        audit_result = json.loads(audit_file.read_text())
        manifest = wh.publish(staging_p / "final", ingest_date, {
            "ingest_date": ingest_date, "run_id": run_id, "pipeline_version": __version__,
            "input_count": finalized["inputs"], "row_counts": finalized["rows"],
            "file_count": finalized.get("files"), "skipped_records": finalized.get("skipped_records", 0),
            "duplicates": audit_result.get("accounting", {}).get("duplicates"),
            "accounting": audit_result.get("accounting"),
            "empty_day": finalized["inputs"] == 0,  # asked for (allow_empty): not a broken day
            "stats": audit_result.get("stats"),  # what later days' drift checks compare with
            "validation": {"results": audit_result["results_path"], "data_docs": audit_result["data_docs"],
                           "warnings": audit_result["warnings"], "passed": True,
                           "warned": [_warned_name(w) for w in audit_result.get("warned", [])],
                           "baseline_partitions": audit_result.get("baseline", [])},
        })
        checkpoint("publish:published")
    shutil.rmtree(staging_p, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging_p.parent.rmdir()  # the partition's staging folder, when no other run uses it
    return manifest


def _warned_name(item: dict) -> str:
    column = item.get("column")
    column = ", ".join(column) if isinstance(column, list) else column
    return f"{item['table']}.{item['expectation']}" + (f"({column})" if column else "")


# --- the whole run ----------------------------------------------------------------------------
@dataclass
class RunSummary:
    ingest_date: str
    run_id: str
    manifest: dict
    audit: dict
    batches: list[dict]

    def render(self, warehouse: str) -> str:
        rows = self.manifest["row_counts"]
        nlp: dict[str, int] = {}
        for b in self.batches:
            for k, v in b.get("nlp", {}).items():
                nlp[k] = nlp.get(k, 0) + v
        lines = [f"Published partition {schema.PARTITION_COLUMN}={self.ingest_date} (run {self.run_id})",
                 f"  inputs: {self.manifest['input_count']}"]
        width = max(len(t) for t in rows)
        for t, n in rows.items():
            lines.append(f"  {t:<{width}}  {n:>7} rows   {str(warehouse).rstrip('/')}/{t}")
        skipped = {k: v for k, v in nlp.items() if k != "ok"}
        if skipped:
            lines.append(f"  NLP skipped: {skipped}")
        lines.append(f"  validation: passed ({self.audit.get('warnings', 0)} warning(s))")
        for w in self.audit.get("warned", []):
            column = w.get("column")
            column = ", ".join(column) if isinstance(column, list) else column
            lines.append(f"    warned: {w['table']}: {w['expectation']}" + (f" ({column})" if column else "")
                         + (f" observed {w['observed']}" if w.get("observed") is not None else "")
                         + (f", expected {w['expected']}" if w.get("expected") else ""))
        lines.append(f"  validation results: {self.audit['results_path']}")
        if self.audit.get("data_docs"):
            docs = self.audit["data_docs"]
            lines.append(f"  data docs: {docs if '://' in docs else 'file://' + docs}")
        return "\n".join(lines)


def _process_batches(planned: dict, ingest_date: str, tick: Callable[[], None] | None,
                     start_workers: bool) -> list[dict]:
    """Every batch of the plan, in order. With worker processes, two batches are in flight at
    once: a batch's last tasks and its write would leave workers idle, and the next batch's tasks
    fill them (2,000 articles, 2 processes: 123.8 s before the overlap and the other speed-ups of
    that session, 73.1 s after; the overlap's own share was not measured apart).
    The workers are shared; each batch still writes only its own staging folder."""
    work = [(planned["staging"], b["batch_no"], b["files"], ingest_date) for b in planned["batches"]]
    if config.nlp_processes() <= 1 or len(work) <= 1:
        return [process_batch(*args, on_file=tick) for args in work]
    from concurrent.futures import ThreadPoolExecutor

    from etl.run import stream

    # Workers are forked here, before the threads exist (forking beside a running thread can copy
    # a lock it holds into the child). A rerun served from the cache should load no model, so the
    # caller looks the first documents up (`start_workers`); a batch thread that then finds a miss
    # with no pool processes it itself (etl.run.stream never forks from a thread).
    if start_workers:
        stream.start_pool()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="batch") as pool:
        futures = [pool.submit(process_batch, *args, on_file=tick) for args in work]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _first_documents_uncached(planned: dict, sample: int = 32) -> bool:
    """Whether any of the partition's first `sample` documents lacks a cached result."""
    from etl import ingest
    from etl.run.cache import open_cache

    cache = open_cache(planned["staging"])
    if cache is None:
        return True
    seen = 0
    for batch in planned["batches"]:
        for f in batch["files"]:
            for item in ingest.read_input(f):
                if isinstance(item, SourceDocument):
                    if cache.get(item) is None:
                        return True
                    seen += 1
                    if seen >= sample:
                        return False
    return False


def run(inputs: list[str], warehouse: str, ingest_date: str, run_id: str,
        progress: Callable[[str, int], Callable[[], None]] | None = None, allow_empty: bool = False) -> RunSummary:
    """The CLI's whole run: the same steps the DAG runs as separate tasks. Holds the partition's
    run lock throughout, so two CLI runs of one partition never overlap: the second waits up to
    NEWS_ETL_LOCK_WAIT_SECONDS (default 0) and then fails with PartitionLocked."""
    wh = open_warehouse(warehouse)
    with wh.lock(ingest_date, wait_seconds=config.lock_wait_seconds(), kind="run", holder=f"run {run_id}"):
        checkpoint("run:locked")
        p = plan(inputs, warehouse, ingest_date, run_id, allow_empty=allow_empty)
        tick = progress("files", p["file_count"]) if progress else None
        uncached, validator = False, None
        if config.nlp_processes() > 1 and p["batches"]:
            uncached = _first_documents_uncached(p)
            if not uncached:
                # A rerun served from the cache starts no workers; a spare core imports GX meanwhile
                # (cached rerun of 2,000 articles with 2 processes: GX import ~3 s of its ~8 s).
                from etl.validate import BackgroundValidator

                validator = BackgroundValidator.start()
        try:
            batches = _process_batches(p, ingest_date, tick, uncached)
            # The workers are of no further use in this run: end them before finalize and validation,
            # the run's other memory peak (at 20,000 articles two idle workers still held ~0.8 GB RSS there).
            from etl.run import stream

            stream.shutdown()
            finalize(p["staging"], ingest_date, expected_batches=len(p["batches"]))
            try:
                audit_result = audit(p["staging"], ingest_date, warehouse, run_id, validator)
            except ValidationFailed:
                # The report stays under _reports; the rejected build is of no further use.
                shutil.rmtree(p["staging"], ignore_errors=True)
                raise
        finally:
            if validator is not None:
                validator.close()
        manifest = publish(p["staging"], ingest_date, warehouse, run_id)
    return RunSummary(ingest_date, run_id, manifest, audit_result, batches)
