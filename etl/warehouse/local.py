"""The warehouse on disk: staging, write-audit-publish, manifests, quarantine and locks.

Layout under the warehouse root:
    <table>/ingest_date=<d>/part-00000.parquet   published partitions (what analysts read)
    rejects/ingest_date=<d>/_quarantine/<id>.bin raw bytes of rejected inputs (inside the rejects
                                                 partition, so they are swapped with it)
    _manifests/ingest_date=<d>.json              written last on publish: run id, counts, checksums
    _reports/ingest_date=<d>/<run_id>/           validation results (JSON) and GX Data Docs (HTML)
    _staging/ingest_date=<d>/<run_id>/           per-run work area, removed after publish
    _staging/ingest_date=<d>/_publish.json       publish journal: exists only while a publish is
                                                 in flight (or was cut short by a crash)
    _locks/ingest_date=<d>.lock                  held while a partition is published or repaired
    _locks/ingest_date=<d>.run.lock              held by a CLI run for its whole duration
Readers (pyarrow, pandas, DuckDB, polars) skip `_`- and `.`-prefixed paths, and staging lives
outside the table folders, so they never see staging, reports, quarantine or temporary files.

Publishing, and what a reader sees:
  * Per table, a partition is replaced by an atomic directory exchange (renameat2
    RENAME_EXCHANGE): a reader of one table sees the whole old or the whole new partition.
  * The six tables are exchanged one after another (a few milliseconds apart), so a reader who
    opens several tables during that window can get new articles with old entities. The manifest
    is written after the last exchange and is the consistent view: `read_partition()` reads every
    table under a shared lock and checks each file against the manifest's checksums.
  * Before the first exchange the publish journal records the staged copy, the new manifest and
    the previous one. A run killed between exchanges leaves the journal behind; the next run (its
    plan and its publish, under the partition lock) finishes the publish from the staged copy
    (roll forward) or, if that copy is damaged, exchanges the old partitions back (roll back).
    The old partitions stay in the run's staging folder until the journal is gone.
  * A publish that fails inside the process (a full disk, an I/O error, Ctrl-C) is settled before
    the error leaves `publish`: finished if the new manifest is already written, otherwise rolled
    back (PublishRolledBack); PublishRecoveryError only if neither is possible.
  * A manifest that cannot be read raises ManifestDamaged (a PartitionInconsistent); the next
    publish records the partitions on disk as the state to roll back to and writes a new one."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.faults import checkpoint
from etl.fs import HELD_LOCK_FDS, fsync_file
from etl.model import schema

log = logging.getLogger(__name__)


PART_NAME = "part-00000.parquet"
JOURNAL_NAME = "_publish.json"


class PartitionLocked(RuntimeError):
    """Another run holds the partition."""


class PartitionInconsistent(RuntimeError):
    """The published files do not match the partition's manifest (a publish is in flight or was
    cut short and not yet repaired)."""


class ManifestDamaged(PartitionInconsistent):
    """The partition's manifest cannot be read (truncated, not JSON, not a manifest). The next
    run of the partition publishes over it."""


class PublishRecoveryError(RuntimeError):
    """A publish journal could be neither finished nor undone."""


class PublishRolledBack(RuntimeError):
    """A publish failed part way and was undone: the partition is as it was before the run."""


def partition_name(ingest_date: str) -> str:
    return f"{schema.PARTITION_COLUMN}={ingest_date}"


class Warehouse:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # Hooks for warehouses whose published side is elsewhere (etl.warehouse.s3.ObjectWarehouse).
    def public_path(self, local: str | None) -> str | None:
        """Where a file written under the warehouse root is kept for readers."""
        return local

    def upload_reports(self, ingest_date: str, run_id: str) -> None:
        """Store this run's validation reports where readers find them (already there on disk)."""

    # --- paths -----------------------------------------------------------------------------
    def partition_dir(self, table: str, ingest_date: str) -> Path:
        return self.root / table / partition_name(ingest_date)

    def staging_root(self, ingest_date: str) -> Path:
        return self.root / "_staging" / partition_name(ingest_date)

    def staging_dir(self, ingest_date: str, run_id: str) -> Path:
        return self.staging_root(ingest_date) / _safe(run_id)

    def journal_path(self, ingest_date: str) -> Path:
        return self.staging_root(ingest_date) / JOURNAL_NAME

    def report_dir(self, ingest_date: str, run_id: str) -> Path:
        return self.root / "_reports" / partition_name(ingest_date) / _safe(run_id)

    def manifest_path(self, ingest_date: str) -> Path:
        return self.root / "_manifests" / f"{partition_name(ingest_date)}.json"

    # --- reading -----------------------------------------------------------------------------
    def read_manifest(self, ingest_date: str) -> dict | None:
        """The partition's manifest, None if it has none; ManifestDamaged if it cannot be read."""
        p = self.manifest_path(ingest_date)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestDamaged(f"the manifest of partition {ingest_date} cannot be read ({exc})") from exc
        return _parse_manifest(text, ingest_date)

    def published_dates(self) -> list[str]:
        """Days with a manifest (written last on publish), oldest first."""
        prefix = f"{schema.PARTITION_COLUMN}="
        folder = self.root / "_manifests"
        if not folder.is_dir():
            return []
        return sorted(p.name[len(prefix):-len(".json")] for p in folder.iterdir()
                      if p.name.startswith(prefix) and p.name.endswith(".json"))

    def read_table(self, table: str, ingest_date: str | None = None) -> pa.Table:
        """A published table (one partition or all), as analysts would read it; all partitions
        come with an `ingest_date` column of type date32."""
        import pyarrow.dataset as ds

        base = self.root / table
        spec = schema.TABLES[table].arrow_schema()
        if ingest_date is not None:
            base = self.partition_dir(table, ingest_date)
            if not base.exists():
                return spec.empty_table()
            return ds.dataset(base, format="parquet", schema=spec).to_table()
        every = spec.append(pa.field(schema.PARTITION_COLUMN, pa.date32()))
        if not base.exists():
            return every.empty_table()
        days = ds.partitioning(pa.schema([every.field(schema.PARTITION_COLUMN)]), flavor="hive")
        return ds.dataset(base, format="parquet", partitioning=days, schema=every).to_table()

    def read_partition(self, ingest_date: str, wait_seconds: float = 60) -> tuple[dict, dict[str, pa.Table]]:
        """The manifest and every table of one partition, all from the same publish: read under a
        shared lock (a publish holds it exclusively) and checked against the manifest's checksums.
        Raises PartitionInconsistent if a cut-short publish has not been repaired yet."""
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(self.lock(ingest_date, wait_seconds=wait_seconds, shared=True))
            except PermissionError:
                pass  # a read-only copy of the warehouse: the checksums below still catch a mix
            manifest = self.read_manifest(ingest_date)
            if manifest is None:
                raise FileNotFoundError(f"partition {ingest_date} is not published in {self.root}")
            tables = {}
            for table in schema.TABLE_NAMES:
                d = self.partition_dir(table, ingest_date)
                if _dir_checksums(d) != manifest["tables"].get(table):
                    raise PartitionInconsistent(
                        f"{table} of partition {ingest_date} does not match its manifest (run "
                        f"{manifest.get('run_id')}); a publish was cut short: the next run repairs it")
                tables[table] = pq.read_table(d / PART_NAME, schema=schema.TABLES[table].arrow_schema())
            return manifest, tables

    # --- locking -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, ingest_date: str, wait_seconds: float = 0.0, kind: str = "publish",
             shared: bool = False, holder: str = "") -> Iterator[None]:
        """A lock on one partition: kind "publish" (held while files move) or "run" (held by a
        whole CLI run). Waits up to `wait_seconds`, then raises PartitionLocked naming the holder.
        The kernel drops the lock when its process dies, so a crash never leaves it stuck."""
        lock_dir = self.root / "_locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        suffix = ".lock" if kind == "publish" else f".{kind}.lock"
        path = lock_dir / f"{partition_name(ingest_date)}{suffix}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + wait_seconds
            mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        who = _read_fd(fd)
                        what = "built" if kind == "run" else "published"
                        raise PartitionLocked(
                            f"partition {ingest_date} of {self.root} is being {what} by another run"
                            f"{' (' + who + ')' if who else ''}; waited {wait_seconds:g} s; "
                            f"try again when it has finished") from None
                    time.sleep(0.1)
            if not shared:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"pid {os.getpid()}{', ' + holder if holder else ''}".encode(), 0)
            HELD_LOCK_FDS.add(fd)
            yield
        finally:
            HELD_LOCK_FDS.discard(fd)
            os.close(fd)  # closing releases the flock

    # --- publishing --------------------------------------------------------------------------
    def publish(self, staged: Path, ingest_date: str, manifest: dict) -> dict:
        """Swap the staged tables (`staged/<table>/`) into place, then write the manifest.
        Call with the partition lock held. The journal makes the swaps restartable."""
        rel_staged = os.path.relpath(staged, self.root)
        pending = self._read_journal(ingest_date)
        if pending is not None and pending.get("staged") == rel_staged:
            # This very publish was cut short (a retried task): finishing it is all there is to do.
            self.recover(ingest_date)
            return pending["manifest"]
        self.recover(ingest_date)
        tables = {}
        for table in schema.TABLE_NAMES:
            src = staged / table
            if not src.is_dir():
                raise FileNotFoundError(f"staged partition has no {table} table: {src}")
            tables[table] = _dir_checksums(src)
        manifest = dict(manifest, tables=tables,
                        published_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        journal = {"staged": rel_staged, "manifest": manifest, **self._previous_state(ingest_date)}
        _atomic_write_json(self.journal_path(ingest_date), journal)
        try:
            checkpoint("publish:journal_written")
            self._roll_forward(ingest_date, journal)
        except (Exception, KeyboardInterrupt) as exc:  # a full disk, an I/O error, Ctrl-C: settle first
            self._settle(ingest_date, journal, exc)
        return manifest

    def _previous_state(self, ingest_date: str) -> dict:
        """What a roll back restores. Without a readable manifest the partitions on disk are
        recorded as they are (checksums), so that they, not nothing, are put back."""
        try:
            previous = self.read_manifest(ingest_date)
        except ManifestDamaged:
            previous, damaged = None, True
        else:
            damaged = False
        if previous is not None:
            return {"previous_manifest": previous}
        tables = {t: _dir_checksums(self.partition_dir(t, ingest_date)) if self.partition_dir(t, ingest_date).is_dir()
                  else None for t in schema.TABLE_NAMES}
        return {"previous_manifest": None, "previous_tables": tables, "previous_damaged": damaged}

    def _settle(self, ingest_date: str, journal: dict, exc: BaseException) -> None:
        """After a failure inside a publish: if the new manifest is in place the publish is done
        (only the clean-up is left: return, or re-raise an interrupt); otherwise undo it and raise
        PublishRolledBack, or PublishRecoveryError when it can be neither (the journal stays for
        the next run)."""
        try:
            done = self.read_manifest(ingest_date) == journal["manifest"]
        except ManifestDamaged:
            done = False
        if done:
            log.warning("partition %s: published; cleaning up afterwards failed (%s)", ingest_date, exc)
            shutil.rmtree(self.root / journal["staged"], ignore_errors=True)
            with contextlib.suppress(OSError):
                self.journal_path(ingest_date).unlink(missing_ok=True)
            if not isinstance(exc, Exception):
                raise exc
            return
        try:
            self._roll_back(ingest_date, journal)
        except Exception as undo:
            raise PublishRecoveryError(
                f"publishing partition {ingest_date} failed ({_describe(exc)}) and could not be undone "
                f"({_describe(undo)}); the next run of the partition repairs it") from exc
        if not isinstance(exc, Exception):
            raise exc
        raise PublishRolledBack(f"publishing partition {ingest_date} failed ({_describe(exc)}); "
                                f"rolled back: the partition is as it was before this run") from exc

    def _read_journal(self, ingest_date: str) -> dict | None:
        try:
            return json.loads(self.journal_path(ingest_date).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def recover(self, ingest_date: str) -> str | None:
        """Finish (or undo) a publish that a crash cut short. Call with the partition lock held.
        Returns what was done, or None when there was nothing to repair."""
        path = self.journal_path(ingest_date)
        if not path.exists():
            return None
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
            run_id = journal["manifest"].get("run_id")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # The journal is written atomically, so an unreadable one was never acted on.
            path.unlink(missing_ok=True)
            return "discarded an unreadable publish journal"
        try:
            self._roll_forward(ingest_date, journal)
            log.warning("partition %s: finished the publish of run %s cut short by a crash", ingest_date, run_id)
            return f"rolled forward the publish of run {run_id}"
        except PublishRecoveryError as exc:
            log.warning("partition %s: cannot finish run %s's publish (%s); rolling back", ingest_date, run_id, exc)
        try:
            self._roll_back(ingest_date, journal)
            return f"rolled back the publish of run {run_id}"
        except PublishRecoveryError as exc:
            # Neither copy is whole any more (its staging folder was removed, say). Readers get
            # PartitionInconsistent until a run publishes the partition again, as the caller is
            # about to; the journal is kept beside, under a name nothing acts on.
            os.replace(path, path.with_name(f".abandoned{JOURNAL_NAME}"))
            log.warning("partition %s: %s; journal set aside", ingest_date, exc)
            return f"could neither finish nor undo the publish of run {run_id}; this run publishes the whole partition"

    def _roll_forward(self, ingest_date: str, journal: dict) -> None:
        staged = self.root / journal["staged"]
        manifest = journal["manifest"]
        # Check every table first, so a damaged staged copy is found before anything moves.
        todo = []
        for table in schema.TABLE_NAMES:
            want = manifest["tables"][table]
            target = self.partition_dir(table, ingest_date)
            if target.is_dir() and _dir_checksums(target) == want:
                continue  # exchanged before the crash
            src = staged / table
            if not (src.is_dir() and _dir_checksums(src) == want):
                raise PublishRecoveryError(f"the staged copy of {table} is missing or changed ({src})")
            todo.append(table)
        for table in todo:
            _swap_in(staged / table, self.partition_dir(table, ingest_date), staged / f".aside-{table}")
            checkpoint(f"publish:swapped:{table}")
        _atomic_write_json(self.manifest_path(ingest_date), manifest)
        checkpoint("publish:manifest_written")
        # The old partitions (now in `staged`) are kept until the manifest is written, for a roll
        # back; once they are gone a retry of this publish finds nothing to swap in again.
        shutil.rmtree(staged, ignore_errors=True)
        checkpoint("publish:staged_removed")
        self.journal_path(ingest_date).unlink()
        _fsync_dir(self.journal_path(ingest_date).parent)
        checkpoint("publish:journal_removed")

    def _roll_back(self, ingest_date: str, journal: dict) -> None:
        """Put back the partitions named by the previous manifest (their old directories are in
        the staged folder, where the exchanges left them)."""
        staged = self.root / journal["staged"]
        previous = journal.get("previous_manifest")
        before = previous["tables"] if previous else journal.get("previous_tables") or {}
        new = journal["manifest"]["tables"]
        for table in schema.TABLE_NAMES:
            target = self.partition_dir(table, ingest_date)
            current = _dir_checksums(target) if target.is_dir() else None
            old = before.get(table)
            if current == old:
                continue
            candidates = [p for p in (staged / table, staged / f".aside-{table}")
                          if p.is_dir() and old is not None and _dir_checksums(p) == old]
            if candidates:
                _swap_in(candidates[0], target, staged / f".aside2-{table}")
            elif old is None and current == new.get(table):
                # The partition did not exist before this publish: take the new one away again.
                os.rename(target, staged / f".unpublished-{table}")
            else:
                raise PublishRecoveryError(
                    f"partition {ingest_date}: {table} can be neither finished nor restored; "
                    f"rerun the partition (journal {self.journal_path(ingest_date)})")
        if previous is None:
            if not journal.get("previous_damaged"):  # a damaged one is left as it was found
                self.manifest_path(ingest_date).unlink(missing_ok=True)
        else:
            try:
                unchanged = self.read_manifest(ingest_date) == previous
            except ManifestDamaged:
                unchanged = False
            if not unchanged:  # (rewriting it needs disk space, which may be what ran out)
                _atomic_write_json(self.manifest_path(ingest_date), previous)
        self.journal_path(ingest_date).unlink()

    def sweep_staging(self, ingest_date: str, keep: str | None = None, older_than_hours: float = 24) -> list[str]:
        """Remove staging folders of this partition that crashed runs left behind. Only old ones:
        a concurrent run of the same partition may still be using its own folder."""
        root = self.staging_root(ingest_date)
        if not root.is_dir() or self.journal_path(ingest_date).exists():
            return []
        removed = []
        cutoff = time.time() - older_than_hours * 3600
        for d in root.iterdir():
            if d.is_dir() and d.name != keep and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
        return removed

    def clear_staging(self, ingest_date: str, run_id: str) -> None:
        shutil.rmtree(self.staging_dir(ingest_date, run_id), ignore_errors=True)

    # --- reports -----------------------------------------------------------------------------
    def prune_reports(self, ingest_date: str, keep: int, protect: set[str] = frozenset()) -> list[str]:
        """Remove the partition's validation reports but the newest `keep` runs' (by when their
        results were written) and those of runs in `protect` (the published run's, which its
        manifest links). Returns the removed runs' folder names."""
        root = self.report_dir(ingest_date, "x").parent
        if not root.is_dir():
            return []
        runs = sorted((d for d in root.iterdir() if d.is_dir()),
                      key=lambda d: (d / "validation.json").stat().st_mtime if (d / "validation.json").exists()
                      else d.stat().st_mtime, reverse=True)
        protected = {_safe(r) for r in protect}
        removed = [d.name for d in runs[max(keep, 0):] if d.name not in protected]
        for name in removed:
            shutil.rmtree(root / name, ignore_errors=True)
        return removed


def _parse_manifest(text: str, ingest_date: str) -> dict:
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ManifestDamaged(f"the manifest of partition {ingest_date} is damaged (not JSON: {exc})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict) \
            or not all(isinstance(v, dict) for v in manifest["tables"].values()):
        raise ManifestDamaged(f"the manifest of partition {ingest_date} is damaged (no table listing)")
    return manifest


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write to a temporary name, fsync, then rename: a crash never leaves a truncated file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    fsync_file(tmp)
    os.replace(tmp, path)


def _swap_in(new_dir: Path, target: Path, aside: Path) -> None:
    """Put `new_dir` at `target`; the previous `target` (if any) ends up at `new_dir` (atomic
    exchange) or at `aside` (filesystems without renameat2: two renames, repaired by the journal
    if a crash falls between them)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if not _rename_exchange(new_dir, target):
            shutil.rmtree(aside, ignore_errors=True)
            os.rename(target, aside)
            os.rename(new_dir, target)
    else:
        os.rename(new_dir, target)
    _fsync_dir(target.parent)


_libc = None


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE). False if unsupported."""
    global _libc
    if os.environ.get("NEWS_ETL_NO_RENAME_EXCHANGE"):  # lets tests exercise the fallback
        return False
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
    """sha256 (and rows, for Parquet) of every file under `d`, by relative path."""
    out = {}
    if not d.is_dir():
        return out
    for p in sorted(d.rglob("*")):
        if p.is_file() and not p.is_symlink():
            h = hashlib.sha256()
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            entry = {"sha256": h.hexdigest(), "bytes": p.stat().st_size}
            if p.suffix == ".parquet":
                entry["rows"] = pq.ParquetFile(p).metadata.num_rows
            out[p.relative_to(d).as_posix()] = entry
    return out


def _atomic_write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
    fsync_file(tmp)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fsync_file(path)


def _read_fd(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 300, 0).decode(errors="replace").strip()
    return ""


def _safe(name: str) -> str:
    """Run ids come from Airflow or the CLI; keep them to a filesystem-safe alphabet."""
    safe = "".join(c if c.isalnum() or c in "-_.+" else "_" for c in name)[:200]
    # No "..", hidden or `_`-prefixed names: a run folder must stay a plain child of the staging
    # folder and never collide with the journal.
    return safe.lstrip("._") or "run"
