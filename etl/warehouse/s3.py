"""Object storage (s3://bucket/prefix) for the landing zone and the warehouse, through fsspec/s3fs.

Where the work happens: everything heavy stays on local disk. Inputs are streamed from the object
store; staging, batch outputs, the article cache, validation and the lock files of one host live
in a local work folder (NEWS_ETL_WORK_DIR, default <tmp>/news-etl-work, one subfolder per
warehouse URL). Only the published partition, its manifest and the validation reports are
uploaded. DAG tasks on different machines share their staging through the warehouse's own
`_staging/` prefix (StagingMirror): each task uploads what it produced and downloads what it needs.

Publishing without rename (ObjectWarehouse.publish), under the partition lock:
  1. upload every table's new files under names no earlier publish used
     (`<table>/ingest_date=<d>/part-<version>.parquet`, quarantine blobs by reject id);
  2. write the manifest, listing exactly the files of each table (one PUT: atomic on S3);
  3. delete the partition's files the new manifest does not list (the previous version).
A reader that follows the manifest (Warehouse.read_table / read_partition, etl.read_table) sees
the old version until step 2 and the new one after it, never a mix. A crash before step 2 leaves
unlisted uploads behind, one after it leaves the previous version's files: both are removed by
the next run's recovery (plan and publish call `recover`). Readers that glob the folders instead
see the extra files during a publish and until that recovery.

Locks: the local flock (same host) is always taken. Across machines the publish lock is an
object `_locks/ingest_date=<d>.lock` created with a conditional PUT (If-None-Match: *), removed
with a conditional DELETE (If-Match: its ETag); a lock older than NEWS_ETL_S3_LOCK_TTL_SECONDS
(default 3600), or one whose holder process on this same host is gone, is taken to be left by
a dead process and broken. The run lock of a CLI run stays local: two hosts may build the same
partition at once, but their publishes take turns.

Endpoint and credentials: the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ENDPOINT_URL) as botocore reads them;
NEWS_ETL_S3_ENDPOINT overrides the endpoint for this pipeline only (MinIO, Ceph, a test server)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.faults import checkpoint
from etl.fs import filesystem, is_remote, key, work_dir
from etl.model import schema
from etl.warehouse.local import (PART_NAME, ManifestDamaged, PartitionInconsistent, PartitionLocked,
                                 PublishRolledBack, Warehouse, _describe, _dir_checksums, _parse_manifest, _safe,
                                 partition_name)

log = logging.getLogger(__name__)

def lock_ttl_seconds() -> float:
    raw = os.environ.get("NEWS_ETL_S3_LOCK_TTL_SECONDS", "")
    try:
        return float(raw) if raw else 3600.0
    except ValueError as exc:
        raise ValueError(f"NEWS_ETL_S3_LOCK_TTL_SECONDS must be a number, got {raw!r}") from exc


class ObjectWarehouse(Warehouse):
    """A warehouse whose published side (tables, manifests, reports) is on an object store.
    `root` is the local work folder (staging, cache, local locks); `url` the published root.
    Built by `Warehouse(url)` for any s3:// root."""

    def __init__(self, root: str, work: str | os.PathLike | None = None):
        self.url = str(root).rstrip("/")
        self.fs = filesystem(self.url)
        super().__init__(work or work_dir(self.url))

    def _k(self, *parts: str) -> str:
        return "/".join([key(self.url), *parts])

    # --- paths (URLs for what is published) ---------------------------------------------------
    def partition_dir(self, table: str, ingest_date: str) -> str:
        return f"{self.url}/{table}/{partition_name(ingest_date)}"

    def manifest_path(self, ingest_date: str) -> str:
        return f"{self.url}/_manifests/{partition_name(ingest_date)}.json"

    def public_path(self, local: str | None) -> str | None:
        """Where an uploaded local file of the work folder lives on the store."""
        if not local:
            return local
        try:
            rel = Path(local).resolve().relative_to(self.root.resolve())
        except ValueError:
            return local
        return f"{self.url}/{rel.as_posix()}"

    def upload_reports(self, ingest_date: str, run_id: str) -> None:
        local = self.report_dir(ingest_date, run_id)
        if local.is_dir():
            _put_tree(self.fs, local, self._k(local.relative_to(self.root).as_posix()))

    # --- reading: always through the manifest -------------------------------------------------
    def read_manifest(self, ingest_date: str) -> dict | None:
        try:
            data = self.fs.cat_file(key(self.manifest_path(ingest_date)))
        except FileNotFoundError:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestDamaged(f"the manifest of partition {ingest_date} is damaged ({exc})") from exc
        return _parse_manifest(text, ingest_date)

    def published_dates(self) -> list[str]:
        try:
            names = self.fs.ls(self._k("_manifests"), detail=False)
        except FileNotFoundError:
            return []
        prefix = f"{schema.PARTITION_COLUMN}="
        return sorted(n.rsplit("/", 1)[-1][len(prefix):-len(".json")] for n in names
                      if n.rsplit("/", 1)[-1].startswith(prefix) and n.endswith(".json"))

    def _read_listed(self, table: str, ingest_date: str, manifest: dict, verify: bool) -> pa.Table:
        spec = schema.TABLES[table].arrow_schema()
        parts = []
        for name, entry in sorted(manifest["tables"][table].items()):
            if not name.endswith(".parquet") or name.startswith("_"):
                continue
            data = self.fs.cat_file(key(f"{self.partition_dir(table, ingest_date)}/{name}"))
            if verify and hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise PartitionInconsistent(f"{table}/{name} of partition {ingest_date} does not match its manifest")
            parts.append(pq.read_table(pa.BufferReader(data), schema=spec))
        return pa.concat_tables(parts) if parts else spec.empty_table()

    def _consistent(self, ingest_date: str, read, attempts: int = 5):
        """read(manifest) under one manifest; if a publish deletes a file mid-read, start again
        from the new manifest."""
        for attempt in range(attempts):
            manifest = self.read_manifest(ingest_date)
            if manifest is None:
                return None, None
            try:
                return manifest, read(manifest)
            except (FileNotFoundError, PartitionInconsistent):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def read_table(self, table: str, ingest_date: str | None = None) -> pa.Table:
        spec = schema.TABLES[table].arrow_schema()
        if ingest_date is not None:
            _, t = self._consistent(ingest_date, lambda m: self._read_listed(table, ingest_date, m, False))
            return spec.empty_table() if t is None else t
        parts = []
        for d in self.published_dates():
            _, t = self._consistent(d, lambda m, d=d: self._read_listed(table, d, m, False))
            if t is not None and t.num_rows:
                day = pa.array([date.fromisoformat(d)] * t.num_rows, pa.date32())
                parts.append(t.append_column(schema.PARTITION_COLUMN, day))
        if not parts:
            return spec.append(pa.field(schema.PARTITION_COLUMN, pa.date32())).empty_table()
        return pa.concat_tables(parts)

    def read_partition(self, ingest_date: str, wait_seconds: float = 60) -> tuple[dict, dict[str, pa.Table]]:
        """The manifest and every table of one partition, all from the same publish (files
        checked against the manifest's checksums). No lock needed: files are never overwritten."""
        def read(m):
            return {t: self._read_listed(t, ingest_date, m, True) for t in schema.TABLE_NAMES}

        manifest, tables = self._consistent(ingest_date, read)
        if manifest is None:
            raise FileNotFoundError(f"partition {ingest_date} is not published in {self.url}")
        return manifest, tables

    # --- locking ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, ingest_date: str, wait_seconds: float = 0.0, kind: str = "publish",
             shared: bool = False, holder: str = "") -> Iterator[None]:
        with super().lock(ingest_date, wait_seconds=wait_seconds, kind=kind, shared=shared, holder=holder):
            if kind != "publish" or shared:
                yield
                return
            key = self._k("_locks", f"{partition_name(ingest_date)}.lock")
            etag = self._acquire(key, ingest_date, wait_seconds, holder)
            try:
                yield
            finally:
                self._release(key, etag)

    def _acquire(self, key: str, ingest_date: str, wait_seconds: float, holder: str) -> str:
        bucket, _, obj = key.partition("/")
        body = json.dumps({"holder": holder, "host": socket.gethostname(), "pid": os.getpid(),
                           "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode()
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return self.fs.call_s3("put_object", Bucket=bucket, Key=obj, Body=body, IfNoneMatch="*")["ETag"]
            except FileExistsError:
                pass
            try:
                info = self.fs.info(key)
            except FileNotFoundError:
                continue  # released between our PUT and the look
            age = (datetime.now(timezone.utc) - info["LastModified"]).total_seconds()
            try:
                owner = json.loads(self.fs.cat_file(key))
            except (FileNotFoundError, ValueError):
                owner = {}
            if age > lock_ttl_seconds() or _dead_here(owner):
                log.warning("breaking the lock %s left %.0f s ago by %s", key, age, owner or "an unknown holder")
                with contextlib.suppress(FileNotFoundError, OSError):
                    # only that stale lock: a new holder's object has another ETag
                    self.fs.call_s3("delete_object", Bucket=bucket, Key=obj, IfMatch=info["ETag"])
                continue
            if time.monotonic() >= deadline:
                holder = (f"{owner.get('holder')} on {owner.get('host')}, pid {owner.get('pid')}, "
                          f"since {owner.get('since')}")
                raise PartitionLocked(f"partition {ingest_date} of {self.url} is being published by another run "
                                      f"({holder}); waited {wait_seconds:g} s; try again when it has finished")
            time.sleep(0.5)

    def _release(self, key: str, etag: str) -> None:
        bucket, _, obj = key.partition("/")
        try:
            self.fs.call_s3("delete_object", Bucket=bucket, Key=obj, IfMatch=etag)
        except (FileNotFoundError, OSError) as exc:
            log.warning("lock %s was no longer ours on release (%s): held past NEWS_ETL_S3_LOCK_TTL_SECONDS?",
                        key, exc)

    # --- publishing -------------------------------------------------------------------------
    def publish(self, staged: Path, ingest_date: str, manifest: dict) -> dict:
        """Upload the staged tables under fresh names, write the manifest, then delete what the
        manifest no longer lists. Call with the partition lock held."""
        try:
            previous = self.read_manifest(ingest_date)
        except ManifestDamaged:
            previous = None  # nothing it lists can be trusted: the new manifest replaces it
        if previous is not None:
            self.recover(ingest_date)
        version = hashlib.sha256(f"{manifest.get('run_id')}\0{time.time_ns()}\0{os.getpid()}".encode()).hexdigest()[:16]
        tables: dict[str, dict] = {}
        local, remote = [], []
        for table in schema.TABLE_NAMES:
            src = Path(staged) / table
            if not src.is_dir():
                raise FileNotFoundError(f"staged partition has no {table} table: {src}")
            listed = {}
            for rel, entry in _dir_checksums(src).items():
                name = f"part-{version}.parquet" if rel == PART_NAME else rel
                listed[name] = entry
                local.append(str(src / rel))
                remote.append(key(f"{self.partition_dir(table, ingest_date)}/{name}"))
            tables[table] = listed
        manifest = dict(manifest, tables=tables, storage={"url": self.url, "version": version},
                        published_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        try:
            if local:
                self.fs.put(local, remote)
            checkpoint("publish:uploaded")
            self.fs.pipe_file(key(self.manifest_path(ingest_date)),
                              json.dumps(manifest, indent=2, sort_keys=True, default=str).encode())
        except (Exception, KeyboardInterrupt) as exc:
            # The old manifest still names the old files: the partition is unchanged. Remove what
            # was uploaded under fresh names (or leave it to the next run's recovery).
            if previous is not None:
                with contextlib.suppress(Exception):
                    self._remove_unlisted(ingest_date, previous)
            if not isinstance(exc, Exception):
                raise
            raise PublishRolledBack(f"publishing partition {ingest_date} failed ({_describe(exc)}); rolled back: "
                                    f"the partition is as it was before this run") from exc
        try:
            checkpoint("publish:manifest_written")
            self._remove_unlisted(ingest_date, manifest)
            checkpoint("publish:old_removed")
        except Exception as exc:  # published; the next run's recovery removes the old files
            log.warning("partition %s: published; removing the previous version failed (%s)", ingest_date, exc)
        return manifest

    def _unlisted(self, ingest_date: str, manifest: dict | None) -> list[str]:
        out = []
        for table in schema.TABLE_NAMES:
            prefix = key(self.partition_dir(table, ingest_date))
            listed = set((manifest or {}).get("tables", {}).get(table, {}))
            try:
                found = self.fs.find(prefix, withdirs=False)
            except FileNotFoundError:
                continue
            out += [k for k in found if k[len(prefix):].lstrip("/") not in listed]
        return out

    def _remove_unlisted(self, ingest_date: str, manifest: dict | None) -> int:
        doomed = self._unlisted(ingest_date, manifest)
        if doomed:
            self.fs.rm(doomed)
        return len(doomed)

    def recover(self, ingest_date: str) -> str | None:
        """Remove the files a cut-short publish left in the partition (uploads the manifest never
        listed, or the previous version's files). Call with the partition lock held."""
        try:
            manifest = self.read_manifest(ingest_date)
        except ManifestDamaged as exc:
            return f"{exc}: this run publishes over it"
        removed = self._remove_unlisted(ingest_date, manifest)
        if removed:
            return f"removed {removed} file(s) a cut-short publish left in {self.url}"
        return None

    def sweep_staging(self, ingest_date: str, keep: str | None = None, older_than_hours: float = 24) -> list[str]:
        removed = super().sweep_staging(ingest_date, keep=keep, older_than_hours=older_than_hours)
        prefix = self._k("_staging", partition_name(ingest_date))
        try:
            runs = self.fs.ls(prefix, detail=False)
        except FileNotFoundError:
            return removed
        cutoff = time.time() - older_than_hours * 3600
        for run in runs:
            name = run.rstrip("/").rsplit("/", 1)[-1]
            if name == keep:
                continue
            stamps = [info.get("LastModified") for info in self.fs.find(run, detail=True).values()]
            stamps = [s.timestamp() for s in stamps if s is not None]
            if stamps and max(stamps) < cutoff:
                self.fs.rm(run, recursive=True)
                removed.append(name)
        return removed


    def prune_reports(self, ingest_date: str, keep: int, protect: set[str] = frozenset()) -> list[str]:
        """As on disk, for the uploaded copies on the store (the local ones are pruned alike)."""
        super().prune_reports(ingest_date, keep, protect)
        prefix = self._k("_reports", partition_name(ingest_date))
        try:
            runs = [r.rstrip("/") for r in self.fs.ls(prefix, detail=False)]
        except FileNotFoundError:
            return []

        def written(run: str) -> float:
            try:
                stamp = self.fs.info(f"{run}/validation.json").get("LastModified")
            except FileNotFoundError:
                return 0.0
            return stamp.timestamp() if stamp is not None else 0.0

        runs.sort(key=written, reverse=True)
        protected = {_safe(r) for r in protect}
        removed = [r for r in runs[max(keep, 0):] if r.rsplit("/", 1)[-1] not in protected]
        for run in removed:
            self.fs.rm(run, recursive=True)
        return [r.rsplit("/", 1)[-1] for r in removed]


def _dead_here(owner: dict) -> bool:
    """The lock's holder ran on this host and its process is gone (killed mid-publish): no need
    to wait for the TTL. Holders on other hosts cannot be checked; they expire."""
    if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
        return False
    try:
        os.kill(owner["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _put_tree(fs, local: Path, key_prefix: str) -> None:
    files = [p for p in sorted(local.rglob("*")) if p.is_file()]
    if files:
        fs.put([str(p) for p in files], [f"{key_prefix}/{p.relative_to(local).as_posix()}" for p in files])


# --- staging shared by DAG tasks on different machines --------------------------------------
class StagingMirror:
    """A run's staging folder, mirrored under `<warehouse>/_staging/...` on the store. A task
    pushes what it wrote; the next task pulls what it reads. Every task of one run derives the
    same local and remote paths from (warehouse, date, run id)."""

    def __init__(self, wh: ObjectWarehouse, ingest_date: str, run_id: str):
        self.wh = wh
        self.local = wh.staging_dir(ingest_date, run_id)
        self.prefix = wh._k(self.local.relative_to(wh.root).as_posix())

    def push(self, *rels: str, done_marker: str | None = None, replace: bool = False) -> None:
        """Upload local files/folders (relative to staging; none = everything). A folder's
        `done_marker` file goes up last, so a reader that sees it sees the whole folder."""
        if replace:
            self.drop()
        for rel in rels or ("",):
            src = self.local / rel if rel else self.local
            dst = f"{self.prefix}/{rel}".rstrip("/")
            if src.is_file():
                self.wh.fs.put_file(str(src), dst)
                continue
            files = [p for p in sorted(src.rglob("*")) if p.is_file() and not p.name.startswith(".")]
            last = [p for p in files if done_marker and p.name == done_marker]
            first = [p for p in files if p not in last]
            for group in (first, last):
                if group:
                    self.wh.fs.put([str(p) for p in group],
                                   [f"{dst}/{p.relative_to(src).as_posix()}" for p in group])

    def pull(self, *rels: str, complete_if: str | None = None) -> None:
        """Download files/folders into the local staging folder, replacing local copies. With
        `complete_if`, a subfolder (of a pulled folder) is taken only if that marker file is in it."""
        for rel in rels:
            src = f"{self.prefix}/{rel}"
            dst = self.local / rel
            try:
                if self.wh.fs.isfile(src):
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    self.wh.fs.get_file(src, str(dst))
                    continue
                found = self.wh.fs.find(src, withdirs=False)
            except FileNotFoundError:
                found = []
            rel_keys = [k[len(src):].lstrip("/") for k in found]
            if complete_if:
                done = {r.split("/", 1)[0] for r in rel_keys if r.split("/", 1)[-1] == complete_if}
                rel_keys = [r for r in rel_keys if r.split("/", 1)[0] in done]
            if dst.is_file():
                dst.unlink()  # gone from the store (e.g. dropped after a publish): gone here too
            shutil.rmtree(dst, ignore_errors=True)
            if not rel_keys:
                continue
            for r in rel_keys:
                (dst / r).parent.mkdir(parents=True, exist_ok=True)
            self.wh.fs.get([f"{src}/{r}" for r in rel_keys], [str(dst / r) for r in rel_keys])

    def drop(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.wh.fs.rm(self.prefix, recursive=True)


def staging_mirror(warehouse: str, ingest_date: str, run_id: str) -> StagingMirror | None:
    """The mirror for an object-store warehouse; None for a local (shared-disk) one."""
    if not is_remote(warehouse):
        return None
    return StagingMirror(ObjectWarehouse(warehouse), ingest_date, run_id)

