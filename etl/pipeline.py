"""The pipeline's steps, shared by the CLI and the DAG:

    plan      list the partition's inputs and cut them into batches           (one call)
    process   ingest -> parse -> NLP -> tables for one batch, into staging      (one call per batch)
    finalize  combine the batches, drop duplicates, account for every input   (one call)
    audit     run the GX suites over the staged partition                      (one call)
    publish   swap the staged partition into the warehouse, manifest last     (one call)

Every step takes and returns small JSON-able values (paths, counts), so the DAG can pass them
through XCom; the data itself stays in the warehouse's staging area."""
from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl import __version__, config, schema, tables
from etl.ids import stable_id
from etl.records import ArticleResult, Reject
from etl.warehouse import Warehouse, write_parquet

log = logging.getLogger(__name__)

ARTICLE_TABLES = ("articles", "entity_mentions", "entities", "quotes", "image_captions")


class ValidationFailed(RuntimeError):
    def __init__(self, report):
        super().__init__(report.summary())
        self.report = report


class AccountingError(RuntimeError):
    """Inputs do not add up to articles + rejects: something was lost or counted twice."""


# --- plan -------------------------------------------------------------------------------------
def plan(inputs: list[str], warehouse: str, ingest_date: str, run_id: str,
         files_per_batch: int | None = None) -> dict:
    """Discover inputs, reset this run's staging area, and cut the files into batches."""
    from etl import ingest

    wh = Warehouse(warehouse)
    files, rejects = ingest.discover(inputs)
    staging = wh.staging_dir(ingest_date, run_id)
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "batches").mkdir(parents=True)
    size = max(1, files_per_batch or config.files_per_batch())
    batches = [{"batch_no": i // size, "files": [str(f) for f in files[i:i + size]]}
               for i in range(0, len(files), size)]
    if rejects:  # inputs refused before reading (unsafe links, missing paths) still need rows
        _write_batch(staging, "discovery", [], rejects, ingest_date)
    log.info("planned %d file(s) in %d batch(es) for %s; %d refused at discovery",
             len(files), len(batches), ingest_date, len(rejects))
    return {"ingest_date": ingest_date, "run_id": run_id, "warehouse": str(warehouse),
            "staging": str(staging), "batches": batches, "file_count": len(files)}


# --- process ----------------------------------------------------------------------------------
def process_batch(staging: str, batch_no: int, files: list[str], ingest_date: str,
                  on_file: Callable[[], None] | None = None) -> dict:
    """Read, parse and annotate one batch of files; write its tables into staging."""
    from etl import ingest
    from etl.articles import build_article
    from etl.nlp.annotate import annotate

    t0 = time.monotonic()
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    skipped = 0
    seen: dict[str, str] = {}  # article_id / content hash -> source_uri of the first copy
    for f in files:
        for item in ingest.read_input(Path(f)):
            if isinstance(item, Reject):
                rejects.append(item)
                continue
            if getattr(item, "skipped", False):
                skipped += 1
                continue
            art = build_article(item)
            if isinstance(art, Reject):
                rejects.append(art)
                continue
            dup_of = seen.get(art.article_id) or seen.get(art.content_sha256)
            if dup_of:
                rejects.append(Reject(art.source.source_uri, "duplicate",
                                      f"same article as {dup_of} (id {art.article_id})"))
                continue
            seen[art.article_id] = seen[art.content_sha256] = art.source.source_uri
            results.append(art)
        if on_file:
            on_file()
    t_parse = time.monotonic()
    nlp_counts = annotate(results)
    t_nlp = time.monotonic()
    _write_batch(Path(staging), f"{batch_no:05d}", results, rejects, ingest_date)
    summary = {"batch_no": batch_no, "inputs": len(results) + len(rejects), "articles": len(results),
               "rejects": len(rejects), "skipped_records": skipped, "nlp": nlp_counts,
               "seconds": {"parse": round(t_parse - t0, 3), "nlp": round(t_nlp - t_parse, 3),
                           "write": round(time.monotonic() - t_nlp, 3)}}
    log.info("batch %s: %s", batch_no, summary)
    return summary


def _write_batch(staging: Path, name: str, results: list[ArticleResult], rejects: list[Reject],
                 ingest_date: str) -> None:
    out = staging / "batches" / name
    out.mkdir(parents=True, exist_ok=True)
    rows = tables.article_rows(results)
    quarantine = {}
    for i, r in enumerate(rejects):
        if r.raw_bytes:
            rid = stable_id("reject", r.source_uri, r.reason)
            (out / "quarantine").mkdir(exist_ok=True)
            (out / "quarantine" / f"{rid}.bin").write_bytes(r.raw_bytes)
            quarantine[i] = f"rejects/{schema.PARTITION_COLUMN}={ingest_date}/_quarantine/{rid}.bin"
    rows["rejects"] = tables.reject_rows(rejects, quarantine)
    for table in schema.TABLE_NAMES:
        write_parquet(tables.to_arrow(table, tables.frame(table, rows[table])), out / f"{table}.parquet")
    (out / "_DONE").write_text(json.dumps({"inputs": len(results) + len(rejects)}))


# --- finalize ---------------------------------------------------------------------------------
def finalize(staging: str, ingest_date: str, expected_batches: int | None = None) -> dict:
    """Combine batch outputs into one staged partition per table, dropping articles already
    seen in an earlier batch (their copies become `duplicate` rejects), and check that every
    input is accounted for."""
    staging_p = Path(staging)
    batch_dirs = sorted(d for d in (staging_p / "batches").iterdir() if d.is_dir())
    done = [d for d in batch_dirs if (d / "_DONE").exists()]
    numbered = [d for d in done if d.name != "discovery"]
    if expected_batches is not None and len(numbered) != expected_batches:
        raise AccountingError(f"{len(numbered)} of {expected_batches} batches finished; refusing to publish a partial day")
    final = staging_p / "final"
    shutil.rmtree(final, ignore_errors=True)

    # Cross-batch duplicates, decided on the id columns only (the bodies stay on disk).
    drop: dict[str, set] = {}
    extra_rejects: list[Reject] = []
    seen: dict[str, str] = {}
    inputs = 0
    for d in done:
        inputs += json.loads((d / "_DONE").read_text())["inputs"]
        ids = pq.read_table(d / "articles.parquet", columns=["article_id", "content_sha256", "source_uri"])
        for aid, sha, uri in zip(*(ids.column(c).to_pylist() for c in ("article_id", "content_sha256", "source_uri"))):
            first = seen.get(aid) or seen.get(sha)
            if first:
                drop.setdefault(d.name, set()).add(aid)
                extra_rejects.append(Reject(uri, "duplicate", f"same article as {first} (id {aid})"))
            else:
                seen[aid] = seen[sha] = uri

    counts = {}
    for table in schema.TABLE_NAMES:
        target = final / table / "part-00000.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(".part.tmp")
        spec_schema = schema.TABLES[table].arrow_schema()
        rows = 0
        with pq.ParquetWriter(tmp, spec_schema, compression="zstd") as writer:
            for d in done:
                t = pq.read_table(d / f"{table}.parquet", schema=spec_schema)
                if table in ARTICLE_TABLES and d.name in drop:
                    mask = pc.invert(pc.is_in(t.column("article_id"), value_set=pa.array(sorted(drop[d.name]))))
                    t = t.filter(mask)
                if t.num_rows:
                    writer.write_table(t)
                    rows += t.num_rows
            if table == "rejects" and extra_rejects:
                t = tables.to_arrow("rejects", tables.frame("rejects", tables.reject_rows(extra_rejects)))
                writer.write_table(t)
                rows += t.num_rows
        tmp.rename(target)
        counts[table] = rows
    quarantine = final / "rejects" / "_quarantine"
    for d in done:
        q = d / "quarantine"
        if q.is_dir():
            quarantine.mkdir(parents=True, exist_ok=True)
            for f in q.iterdir():
                f.replace(quarantine / f.name)

    # Nothing lost: every input is an article or a reject (duplicates are rejects too).
    accounted = counts["articles"] + counts["rejects"]
    if accounted != inputs:
        raise AccountingError(f"{inputs} inputs but {counts['articles']} articles + {counts['rejects']} rejects")
    result = {"inputs": inputs, "rows": counts, "duplicates_across_batches": len(extra_rejects), "final": str(final)}
    (staging_p / "finalized.json").write_text(json.dumps(result))
    return result


# --- audit ------------------------------------------------------------------------------------
def audit(staging: str, ingest_date: str, warehouse: str, run_id: str) -> dict:
    from etl import validate

    wh = Warehouse(warehouse)
    frames = validate.load_staged(Path(staging) / "final")
    report = validate.validate_frames(frames, ingest_date, wh.report_dir(ingest_date, run_id), run_id)
    out = {"success": report.success, "summary": report.summary(), "results_path": report.results_path,
           "data_docs": report.data_docs_path, "failures": report.failures, "warnings": len(report.warnings)}
    (Path(staging) / "audit.json").write_text(json.dumps(out, default=str))
    if not report.success:
        raise ValidationFailed(report)
    return out


# --- publish ----------------------------------------------------------------------------------
def publish(staging: str, ingest_date: str, warehouse: str, run_id: str, lock_wait_seconds: float = 600) -> dict:
    """Swap the audited staging partition into the warehouse; refuses an unaudited one."""
    staging_p = Path(staging)
    audit_file = staging_p / "audit.json"
    if not audit_file.exists() or not json.loads(audit_file.read_text())["success"]:
        raise ValidationFailed(_FailedAudit("the staged partition has not passed validation; nothing published"))
    finalized = json.loads((staging_p / "finalized.json").read_text())
    audit_result = json.loads(audit_file.read_text())
    wh = Warehouse(warehouse)
    with wh.lock(ingest_date, wait_seconds=lock_wait_seconds):
        manifest = wh.publish(staging_p / "final", ingest_date, {
            "ingest_date": ingest_date, "run_id": run_id, "pipeline_version": __version__,
            "input_count": finalized["inputs"], "row_counts": finalized["rows"],
            "validation": {"results": audit_result["results_path"], "data_docs": audit_result["data_docs"],
                           "warnings": audit_result["warnings"]},
        })
    shutil.rmtree(staging_p, ignore_errors=True)
    return manifest


class _FailedAudit:
    def __init__(self, text):
        self.text = text
        self.failures = []

    def summary(self):
        return self.text


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
            lines.append(f"  {t:<{width}}  {n:>7} rows   {Path(warehouse) / t}")
        skipped = {k: v for k, v in nlp.items() if k != "ok"}
        if skipped:
            lines.append(f"  NLP skipped: {skipped}")
        lines.append(f"  validation: {self.audit['summary']}")
        lines.append(f"  validation results: {self.audit['results_path']}")
        if self.audit.get("data_docs"):
            lines.append(f"  data docs: file://{self.audit['data_docs']}")
        return "\n".join(lines)


def run(inputs: list[str], warehouse: str, ingest_date: str, run_id: str,
        progress: Callable[[str, int], Callable[[], None]] | None = None) -> RunSummary:
    """The CLI's whole run: the same steps the DAG runs as separate tasks."""
    p = plan(inputs, warehouse, ingest_date, run_id)
    tick = progress("files", p["file_count"]) if progress else None
    batches = [process_batch(p["staging"], b["batch_no"], b["files"], ingest_date, on_file=tick)
               for b in p["batches"]]
    finalize(p["staging"], ingest_date, expected_batches=len(p["batches"]))
    try:
        audit_result = audit(p["staging"], ingest_date, warehouse, run_id)
    except ValidationFailed:
        # The report stays under _reports; the rejected build is of no further use.
        shutil.rmtree(p["staging"], ignore_errors=True)
        raise
    manifest = publish(p["staging"], ingest_date, warehouse, run_id)
    return RunSummary(ingest_date, run_id, manifest, audit_result, batches)
