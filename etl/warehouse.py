"""The warehouse on disk: staging, write-audit-publish, manifests, quarantine and locks.

Layout under the warehouse root:
    <table>/ingest_date=<d>/part-00000.parquet   published partitions (what analysts read)
    rejects/ingest_date=<d>/_quarantine/<id>.bin raw bytes of rejected inputs
    _manifests/ingest_date=<d>.json              written last on publish: run id, counts, checksums
    _reports/ingest_date=<d>/<run_id>/           validation results (JSON) and GX Data Docs (HTML)
    _staging/ingest_date=<d>/<run_id>/           per-run work area, removed after publish
    _locks/                                      one lock file per partition
Readers (pyarrow, pandas, DuckDB, polars) skip `_`- and `.`-prefixed paths, so they never see
staging, reports or quarantine files.

A partition is replaced per table by an atomic directory exchange (renameat2 RENAME_EXCHANGE),
so a reader sees the old or the new directory, never a missing or half-written one."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl import schema

PART_NAME = "part-00000.parquet"


class PartitionLocked(RuntimeError):
    """Another run holds the partition."""


def partition_name(ingest_date: str) -> str:
    return f"{schema.PARTITION_COLUMN}={ingest_date}"


class Warehouse:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # --- paths -----------------------------------------------------------------------------
    def partition_dir(self, table: str, ingest_date: str) -> Path:
        return self.root / table / partition_name(ingest_date)

    def staging_dir(self, ingest_date: str, run_id: str) -> Path:
        return self.root / "_staging" / partition_name(ingest_date) / _safe(run_id)

    def report_dir(self, ingest_date: str, run_id: str) -> Path:
        return self.root / "_reports" / partition_name(ingest_date) / _safe(run_id)

    def manifest_path(self, ingest_date: str) -> Path:
        return self.root / "_manifests" / f"{partition_name(ingest_date)}.json"

    # --- reading -----------------------------------------------------------------------------
    def read_manifest(self, ingest_date: str) -> dict | None:
        p = self.manifest_path(ingest_date)
        if not p.exists():
            return None
        return json.loads(p.read_text(encoding="utf-8"))

    def read_table(self, table: str, ingest_date: str | None = None) -> pa.Table:
        """A published table (one partition or all), as analysts would read it."""
        import pyarrow.dataset as ds

        base = self.root / table
        if ingest_date is not None:
            base = self.partition_dir(table, ingest_date)
            if not base.exists():
                return schema.TABLES[table].arrow_schema().empty_table()
            return ds.dataset(base, format="parquet", schema=schema.TABLES[table].arrow_schema()).to_table()
        if not base.exists():
            return schema.TABLES[table].arrow_schema().empty_table()
        return ds.dataset(base, format="parquet", partitioning="hive").to_table()

    # --- locking -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, ingest_date: str, wait_seconds: float = 0.0) -> Iterator[None]:
        """Exclusive lock on one partition. Waits up to `wait_seconds`, then raises PartitionLocked."""
        lock_dir = self.root / "_locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        path = lock_dir / f"{partition_name(ingest_date)}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = _read_fd(fd)
                        raise PartitionLocked(
                            f"partition {ingest_date} of {self.root} is being written by another run"
                            f"{' (' + holder + ')' if holder else ''}; try again when it has finished") from None
                    time.sleep(0.2)
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}".encode())
            yield
        finally:
            os.close(fd)  # closing releases the flock

    # --- publishing --------------------------------------------------------------------------
    def publish(self, staged: Path, ingest_date: str, manifest: dict) -> dict:
        """Swap the staged tables (`staged/<table>/`) into place, then write the manifest.
        Call with the partition lock held."""
        tables = {}
        for table in schema.TABLE_NAMES:
            src = staged / table
            if not src.is_dir():
                raise FileNotFoundError(f"staged partition has no {table} table: {src}")
            tables[table] = _dir_checksums(src)
        for table in schema.TABLE_NAMES:
            _swap_in(staged / table, self.partition_dir(table, ingest_date))
        manifest = dict(manifest, tables=tables)
        _atomic_write_json(self.manifest_path(ingest_date), manifest)
        return manifest

    def clear_staging(self, ingest_date: str, run_id: str) -> None:
        shutil.rmtree(self.staging_dir(ingest_date, run_id), ignore_errors=True)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write to a temporary name, fsync, then rename: a crash never leaves a truncated file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    _fsync(tmp)
    os.replace(tmp, path)


def _swap_in(new_dir: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if _rename_exchange(new_dir, target):
            shutil.rmtree(new_dir)  # now holds the old partition
            return
        # No atomic exchange on this filesystem: move the old one aside, then the new one in.
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(new_dir, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new_dir, target)
    _fsync_dir(target.parent)


_libc = None


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE). False if unsupported."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _dir_checksums(d: Path) -> dict:
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_file() and p.suffix == ".parquet":
            h = hashlib.sha256()
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[str(p.relative_to(d))] = {"sha256": h.hexdigest(), "rows": pq.ParquetFile(p).metadata.num_rows}
    return out


def _atomic_write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


def _read_fd(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 200, 0).decode(errors="replace").strip()
    return ""


def _safe(name: str) -> str:
    """Run ids come from Airflow or the CLI; keep them to a filesystem-safe alphabet."""
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in name)[:200] or "run"
