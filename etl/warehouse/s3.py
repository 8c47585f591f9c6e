"""Object storage (s3://bucket/prefix) for the landing zone and the warehouse, through fsspec/s3fs
(staging, reports, manifests) and delta-rs (the tables).

Where the work happens: everything heavy stays on local disk. Inputs are streamed from the object
store; staging, batch outputs, the article cache, validation and the lock files of one host live
in a local work folder (NEWS_ETL_WORK_DIR, default <tmp>/news-etl-work, one subfolder per
warehouse URL). Only the tables' commits, the manifests and the validation reports are uploaded.
DAG tasks on different machines share their staging through the warehouse's own `_staging/`
prefix (StagingMirror): each task uploads what it produced and downloads what it needs.

Publishing is the same protocol as on disk (etl.warehouse.local): one Delta commit per table,
then the manifest. A Delta commit on S3 is the creation of `_delta_log/<version>.json` with a
conditional PUT (If-None-Match: *, delta-rs 1.x's S3 commit; "aws_conditional_put": "etag"),
so of two writers racing for one version exactly one wins; the loser re-reads the log and
fails with a conflict when the winner touched the same day. Plain readers (Athena, Spark,
DuckDB, polars over the folders) see one version of each table after a publish: the files it
replaced are deleted as it finishes. Files no commit lists (a writer killed after uploading)
are deleted by a later publish once NEWS_ETL_S3_ORPHAN_GRACE_SECONDS old: a writer on another
host may be between its upload and its commit.

Locks: the local flock (same host) is taken for runs and publishes. Across hosts a publish of a
day holds a lease object (`_locks/ingest_date=<day>.lock`, created with a conditional PUT, broken
once older than NEWS_ETL_S3_LOCK_TTL_SECONDS or when its holder died on this host): Delta makes
each table's commit atomic, the lease keeps two hosts' six commits from interleaving. Delta's
conditional commit remains the last guard should a lease be broken too early.

Endpoint and credentials: the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL) as botocore and delta-rs read them;
NEWS_ETL_S3_ENDPOINT overrides the endpoint for this pipeline only (MinIO, Ceph, a test server)."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from etl import config
from etl.fs import filesystem, is_remote, key, s3_endpoint, work_dir
from etl.model import schema
from etl.warehouse.local import (ManifestDamaged, PartitionLocked, Warehouse, _parse_manifest, _safe,
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
    `root` is the local work folder (staging, cache, local locks); `url` the published root."""

    def __init__(self, root: str, work: str | os.PathLike | None = None):
        self.url = str(root).rstrip("/")
        self.fs = filesystem(self.url)
        super().__init__(work or work_dir(self.url))

    def _k(self, *parts: str) -> str:
        return "/".join([key(self.url), *parts])

    # --- where the bytes go ------------------------------------------------------------------
    def table_uri(self, table: str) -> str:
        return f"{self.url}/{table}".rstrip("/")

    def storage_options(self) -> dict:
        """delta-rs' options for this store: the endpoint the rest of the pipeline uses, and its
        conditional-PUT commit (never AWS_S3_ALLOW_UNSAFE_RENAME: two committers must not both win)."""
        options = {"aws_conditional_put": "etag"}
        endpoint = s3_endpoint() or os.environ.get("AWS_ENDPOINT_URL")
        if endpoint:
            options["AWS_ENDPOINT_URL"] = endpoint
            if endpoint.startswith("http://"):
                options["AWS_ALLOW_HTTP"] = "true"
        region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
        if region:
            options["AWS_REGION"] = region
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            if os.environ.get(name):
                options[name] = os.environ[name]
        return options

    def orphan_grace_seconds(self) -> float:
        return config.orphan_grace_seconds()

    def _day_folder(self, table: str, ingest_date: str, sub: str = "") -> dict[str, float]:
        prefix = key(f"{self.partition_dir(table, ingest_date)}/{sub}".rstrip("/"))
        try:
            found = self.fs.ls(prefix, detail=True)
        except FileNotFoundError:
            return {}
        out = {}
        for info in found:
            name = info["name"].rstrip("/").rsplit("/", 1)[-1]
            if info.get("type") == "file" and not name.startswith((".", "_")):
                stamp = info.get("LastModified")
                out[name] = stamp.timestamp() if stamp is not None else 0.0
        return out

    def _delete(self, table: str, ingest_date: str, names: list[str], sub: str = "") -> None:
        base = key(f"{self.partition_dir(table, ingest_date)}/{sub}".rstrip("/"))
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm([f"{base}/{n}" for n in names])

    def _read_file(self, table: str, ingest_date: str, name: str):
        import pyarrow as pa
        import pyarrow.parquet as pq

        return pq.read_table(pa.BufferReader(self.fs.cat_file(key(f"{self.partition_dir(table, ingest_date)}/{name}"))))

    def _put_quarantine(self, ingest_date: str, files: list[Path]) -> None:
        base = key(f"{self.partition_dir('rejects', ingest_date)}/_quarantine")
        present = set(self._day_folder("rejects", ingest_date, "_quarantine"))
        todo = [f for f in files if f.name not in present]  # named by the content's hash
        if todo:
            self.fs.put([str(f) for f in todo], [f"{base}/{f.name}" for f in todo])

    def _write_manifest(self, ingest_date: str, manifest: dict) -> None:
        # one PUT: atomic on S3, so a reader gets the old or the new manifest
        self.fs.pipe_file(key(self.manifest_path(ingest_date)),
                          json.dumps(manifest, indent=2, sort_keys=True, default=str).encode())

    # --- the publish lease shared by all hosts -------------------------------------------------
    # Delta makes each table's commit atomic, not the day's six commits together: two hosts
    # publishing one day at once could interleave their commits table by table. A lease object
    # created with a conditional PUT (If-None-Match) lets one publish of a day run at a time.
    @contextlib.contextmanager
    def lock(self, ingest_date: str, wait_seconds: float = 0.0, kind: str = "publish",
             shared: bool = False, holder: str = "") -> Iterator[None]:
        with super().lock(ingest_date, wait_seconds=wait_seconds, kind=kind, shared=shared, holder=holder):
            if kind != "publish" or shared:
                yield
                return
            lease = self._k("_locks", f"{partition_name(ingest_date)}.lock")
            etag = self._acquire(lease, ingest_date, wait_seconds, holder)
            try:
                yield
            finally:
                self._release(lease, etag)

    def _acquire(self, lease: str, ingest_date: str, wait_seconds: float, holder: str) -> str:
        bucket, _, obj = lease.partition("/")
        body = json.dumps({"holder": holder, "host": socket.gethostname(), "pid": os.getpid(),
                           "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode()
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return self.fs.call_s3("put_object", Bucket=bucket, Key=obj, Body=body, IfNoneMatch="*")["ETag"]
            except FileExistsError:
                pass
            try:
                info = self.fs.info(lease)
            except FileNotFoundError:
                continue  # released between our PUT and the look
            age = (datetime.now(timezone.utc) - info["LastModified"]).total_seconds()
            try:
                owner = json.loads(self.fs.cat_file(lease))
            except (FileNotFoundError, ValueError):
                owner = {}
            if age > lock_ttl_seconds() or _dead_here(owner):
                log.warning("breaking the lock %s left %.0f s ago by %s", lease, age, owner or "an unknown holder")
                with contextlib.suppress(FileNotFoundError, OSError):
                    # only that stale lease: a new holder's object has another ETag
                    self.fs.call_s3("delete_object", Bucket=bucket, Key=obj, IfMatch=info["ETag"])
                continue
            if time.monotonic() >= deadline:
                who = (f"{owner.get('holder')} on {owner.get('host')}, pid {owner.get('pid')}, "
                       f"since {owner.get('since')}")
                raise PartitionLocked(f"partition {ingest_date} of {self.url} is being published by another run "
                                      f"({who}); waited {wait_seconds:g} s; try again when it has finished")
            time.sleep(0.5)

    def _release(self, lease: str, etag: str) -> None:
        bucket, _, obj = lease.partition("/")
        try:
            self.fs.call_s3("delete_object", Bucket=bucket, Key=obj, IfMatch=etag)
        except (FileNotFoundError, OSError) as exc:
            log.warning("lock %s was no longer ours on release (%s): held past NEWS_ETL_S3_LOCK_TTL_SECONDS?",
                        lease, exc)

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

    def read_partition(self, ingest_date: str, wait_seconds: float = 60):
        """As on disk, without the shared lock: it would only reach publishes of this host, and
        each table is read at the manifest's version anyway."""
        return self._read_partition(ingest_date)

    # --- manifests ----------------------------------------------------------------------------
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

    # --- staging and reports ------------------------------------------------------------------
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
    """The lease's holder ran on this host and its process is gone (killed mid-publish): no need
    to wait for the TTL. Holders on other hosts cannot be checked; their leases expire."""
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

