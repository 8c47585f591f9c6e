"""The warehouse: Delta Lake tables, manifests, staging, quarantine and locks (local disk here;
etl.warehouse.s3.ObjectWarehouse changes only where bytes go, not the protocol).

Layout under the warehouse root:
    <table>/_delta_log/                          the table's Delta log (one JSON per commit)
    <table>/ingest_date=<d>/part-*.parquet       the day's data files (what plain readers read)
    rejects/ingest_date=<d>/_quarantine/<id>.bin raw bytes of rejected inputs
    _manifests/ingest_date=<d>.json              written last on publish: run id, counts, and each
                                                 table's Delta version holding the day
    _reports/ingest_date=<d>/<run_id>/           validation results (JSON) and GX Data Docs (HTML)
    _staging/ingest_date=<d>/<run_id>/           per-run work area, removed after publish
    _locks/ingest_date=<d>.lock                  held while a partition is published or repaired
    _locks/ingest_date=<d>.run.lock              held by a CLI run for its whole duration
Readers skip `_`- and `.`-prefixed paths, so plain Parquet readers never see logs, staging,
reports or quarantine; Delta readers read only the files a version lists.

Publishing a day (under the partition lock):
  1. settle a publish a crash cut short (`recover`, below);
  2. copy the quarantine blobs; then per table one Delta commit that replaces the day's partition
     (`overwrite` with predicate ingest_date = '<d>'), six commits in all;
  3. write the manifest naming the six versions: that is the consistent view of the day;
  4. delete the day's files the commits replaced (after NEWS_ETL_DELTA_RETENTION_HOURS, default
     at once), and files no commit lists (left by a killed writer), so plain readers see exactly
     the current partition.
A table is always at one Delta version, whole (a commit is one atomic file creation). Between
the first commit and the manifest some tables may be newer than the manifest: readers that go
through the manifest (read_table, read_partition, etl.read_table) read each table at the
manifest's version, so they see the old day until step 3 and the new one after it.

A failure inside the process (a full disk, an I/O error, Ctrl-C) is settled before the error
leaves `publish`: if the manifest was written, the publish is done; otherwise every table
committed so far is put back to the day's rows before this publish (one more commit each, read
by time travel) and PublishRolledBack is raised; PublishRecoveryError if that fails too.
A SIGKILL leaves tables ahead of the manifest; the next run's `recover` (plan and publish call
it) finds them (the day's files differ from those the manifest lists) and rolls them back the
same way, so every table is at the manifest's state again before anything else happens."""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from etl import config
from etl.faults import checkpoint
from etl.fs import HELD_LOCK_FDS, fsync_file
from etl.model import schema
from etl.warehouse import delta

log = logging.getLogger(__name__)


PART_NAME = "part-00000.parquet"  # a staged table's one file (staging only; Delta names its own)


class PartitionLocked(RuntimeError):
    """Another run holds the partition."""


class PartitionInconsistent(RuntimeError):
    """The published tables do not match the partition's manifest (a publish is in flight or was
    cut short and not yet repaired)."""


class ManifestDamaged(PartitionInconsistent):
    """The partition's manifest cannot be read (truncated, not JSON, not a manifest). The next
    run of the partition publishes over it."""


class PublishRecoveryError(RuntimeError):
    """A cut-short or failed publish could not be undone."""


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

    def table_uri(self, table: str) -> str:
        return str(self.root / table)

    def storage_options(self) -> dict | None:
        return None

    def orphan_grace_seconds(self) -> float:
        return 0.0  # the partition lock keeps every other writer of the day out

    def _day_folder(self, table: str, ingest_date: str, sub: str = "") -> dict[str, float]:
        """Files directly in the day's folder of a table (or its `sub` folder): name -> mtime."""
        d = self.partition_dir(table, ingest_date) / sub if sub else self.partition_dir(table, ingest_date)
        try:
            return {p.name: p.stat().st_mtime for p in d.iterdir()
                    if p.is_file() and not p.name.startswith((".", "_"))}
        except FileNotFoundError:
            return {}

    def _delete(self, table: str, ingest_date: str, names: list[str], sub: str = "") -> None:
        d = self.partition_dir(table, ingest_date) / sub if sub else self.partition_dir(table, ingest_date)
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                (d / name).unlink()

    def _put_quarantine(self, ingest_date: str, files: list[Path]) -> None:
        target = self.partition_dir("rejects", ingest_date) / "_quarantine"
        target.mkdir(parents=True, exist_ok=True)
        for f in files:
            dst = target / f.name  # named by the content's hash: an existing one is the same bytes
            if not dst.exists():
                tmp = target / f".{f.name}.tmp"
                shutil.copyfile(f, tmp)
                os.replace(tmp, dst)

    def _write_manifest(self, ingest_date: str, manifest: dict) -> None:
        _atomic_write_json(self.manifest_path(ingest_date), manifest)

    # --- paths -----------------------------------------------------------------------------
    def partition_dir(self, table: str, ingest_date: str) -> Path:
        return self.root / table / partition_name(ingest_date)

    def staging_root(self, ingest_date: str) -> Path:
        return self.root / "_staging" / partition_name(ingest_date)

    def staging_dir(self, ingest_date: str, run_id: str) -> Path:
        return self.staging_root(ingest_date) / _safe(run_id)

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

    def _listed(self, manifest: dict, table: str, ingest_date: str) -> dict:
        entry = manifest["tables"].get(table)
        if not isinstance(entry, dict) or "version" not in entry:
            raise PartitionInconsistent(
                f"the manifest of partition {ingest_date} names no Delta version for {table}: written by an "
                f"earlier news-etl? convert the warehouse with `news-etl migrate --warehouse DIR`")
        return entry

    def _read_listed(self, table: str, ingest_date: str, manifest: dict) -> pa.Table:
        entry = self._listed(manifest, table, ingest_date)
        try:
            return delta.read_day(self.table_uri(table), self.storage_options(), table, ingest_date,
                                  entry["version"])
        except Exception as exc:
            if isinstance(exc, PartitionInconsistent):
                raise
            raise PartitionInconsistent(
                f"{table} of partition {ingest_date} cannot be read at version {entry['version']} "
                f"(run {manifest.get('run_id')}): {type(exc).__name__}: {exc}; the next run repairs it") from exc

    def read_table(self, table: str, ingest_date: str | None = None) -> pa.Table:
        """A published table (one partition or all), each day as its manifest names it; all
        partitions come with an `ingest_date` column of type date32."""
        if ingest_date is not None:
            manifest = self.read_manifest(ingest_date)
            if manifest is None:
                return schema.TABLES[table].arrow_schema().empty_table()
            return self._read_listed(table, ingest_date, manifest)
        uri, options = self.table_uri(table), self.storage_options()
        every = delta.full_schema(table)
        latest = delta.version(uri, options)
        if latest is None:
            return every.empty_table()
        # Days whose current files are the manifest's come from the latest version in one scan;
        # a day with a publish in flight (or cut short) from its manifest's version.
        current, behind = [], []
        for day in self.published_dates():
            try:
                manifest = self.read_manifest(day)
            except ManifestDamaged:
                continue
            if manifest is None:
                continue
            entry = self._listed(manifest, table, day)
            same = set(entry.get("files", ())) == delta.day_files(uri, options, day, latest)
            (current if same else behind).append((day, manifest))
        parts = []
        if current:
            days = pa.array([date.fromisoformat(d) for d, _ in current], pa.date32())
            dataset = delta._dt(uri, options, latest).to_pyarrow_dataset()
            parts.append(dataset.to_table(columns=every.names,
                                          filter=ds.field(schema.PARTITION_COLUMN).isin(days)).cast(every))
        for day, manifest in behind:
            t = self._read_listed(table, day, manifest)
            parts.append(t.append_column(schema.PARTITION_COLUMN,
                                         pa.array([date.fromisoformat(day)] * t.num_rows, pa.date32())))
        return pa.concat_tables(parts) if parts else every.empty_table()

    def read_partition(self, ingest_date: str, wait_seconds: float = 60) -> tuple[dict, dict[str, pa.Table]]:
        """The manifest and every table of one partition, all from the same publish (each table
        at the version the manifest names; row counts checked against it). Raises
        PartitionInconsistent if a version cannot be read (its files were removed). Waits for a
        publish of the partition on this host to finish (a shared lock), as `news-etl show` should."""
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(self.lock(ingest_date, wait_seconds=wait_seconds, shared=True))
            except PermissionError:
                pass  # a read-only copy of the warehouse: reading by versions needs no lock
            return self._read_partition(ingest_date)

    def _read_partition(self, ingest_date: str) -> tuple[dict, dict[str, pa.Table]]:
        manifest = self.read_manifest(ingest_date)
        if manifest is None:
            raise FileNotFoundError(f"partition {ingest_date} is not published in {getattr(self, 'url', self.root)}")
        tables = {}
        for table in schema.TABLE_NAMES:
            t = self._read_listed(table, ingest_date, manifest)
            want = (manifest.get("row_counts") or {}).get(table)
            if want is not None and t.num_rows != want:
                raise PartitionInconsistent(f"{table} of partition {ingest_date} has {t.num_rows} rows, its manifest "
                                            f"(run {manifest.get('run_id')}) says {want}; the next run repairs it")
            tables[table] = t
        return manifest, tables

    def cut_short(self, ingest_date: str) -> list[str]:
        """The tables whose day differs from what the manifest lists: a publish is in flight or
        was cut short. ManifestDamaged if the manifest cannot be read."""
        manifest = self.read_manifest(ingest_date)
        options = self.storage_options()
        out = []
        for table in schema.TABLE_NAMES:
            uri = self.table_uri(table)
            listed = set(self._listed(manifest, table, ingest_date).get("files", ())) if manifest else set()
            if delta.day_files(uri, options, ingest_date, delta.version(uri, options)) != listed:
                out.append(table)
        return out

    def history(self, table: str, limit: int | None = None) -> list[dict]:
        """The table's Delta commits, newest first (operation, timestamp, news_etl.run_id, ...)."""
        return delta.history(self.table_uri(table), self.storage_options(), limit)

    # --- locking -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, ingest_date: str, wait_seconds: float = 0.0, kind: str = "publish",
             shared: bool = False, holder: str = "") -> Iterator[None]:
        """A lock on one partition: kind "publish" (held while tables are committed) or "run"
        (held by a whole CLI run). Waits up to `wait_seconds`, then raises PartitionLocked naming
        the holder. The kernel drops the lock when its process dies, so a crash never leaves it stuck."""
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
                            f"partition {ingest_date} of {getattr(self, 'url', self.root)} is being {what} by "
                            f"another run{' (' + who + ')' if who else ''}; waited {wait_seconds:g} s; "
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
        """Commit the staged tables (`staged/<table>/part-00000.parquet`), one Delta commit per
        table replacing the day, then write the manifest. Call with the partition lock held."""
        staged = Path(staged)
        for table in schema.TABLE_NAMES:
            if not (staged / table).is_dir():
                raise FileNotFoundError(f"staged partition has no {table} table: {staged / table}")
        repaired = self.recover(ingest_date)
        if repaired:
            log.warning("partition %s: %s", ingest_date, repaired)
        options = self.storage_options()
        before = {t: delta.version(self.table_uri(t), options) for t in schema.TABLE_NAMES}
        meta = {"news_etl.run_id": str(manifest.get("run_id")), "news_etl.ingest_date": ingest_date}
        tables = {}
        try:
            blobs = sorted((staged / "rejects" / "_quarantine").glob("*.bin"))
            if blobs:
                self._put_quarantine(ingest_date, blobs)
            checkpoint("publish:quarantine_copied")
            for table in schema.TABLE_NAMES:
                part = staged / table / PART_NAME
                uri = self.table_uri(table)
                rows = pq.ParquetFile(part).metadata.num_rows if part.exists() else 0
                v = delta.commit_day(uri, options, table,
                                     delta.staged_reader(table, part if part.exists() else None, ingest_date),
                                     ingest_date, meta)
                tables[table] = {"version": v, "rows": rows,
                                 "files": sorted(delta.day_files(uri, options, ingest_date, v))}
                checkpoint(f"publish:committed:{table}")
            manifest = dict(manifest, tables=tables, storage={"format": "delta", "url": self.table_uri("")},
                            published_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
            self._write_manifest(ingest_date, manifest)
            checkpoint("publish:manifest_written")
        except (Exception, KeyboardInterrupt) as exc:  # a full disk, an I/O error, Ctrl-C: settle first
            self._settle(ingest_date, manifest, before, tables, exc)
        try:
            self.clean_day(ingest_date)
            checkpoint("publish:vacuumed")
        except Exception as exc:  # published; the next run's clean-up removes what is left
            log.warning("partition %s: published; removing replaced files failed (%s)", ingest_date, exc)
        return manifest

    def _settle(self, ingest_date: str, manifest: dict, before: dict, committed: dict,
                exc: BaseException) -> None:
        """After a failure inside a publish: if the new manifest is in place the publish is done
        (return, or re-raise an interrupt); otherwise put back the tables this publish committed
        (those still holding its files: a writer on another host may have committed since) and
        raise PublishRolledBack, or PublishRecoveryError when that fails too."""
        try:
            current = self.read_manifest(ingest_date)
            done = current is not None and "tables" in manifest and current == manifest
        except ManifestDamaged:
            done = False
        if done:
            log.warning("partition %s: published; a step after the manifest failed (%s)", ingest_date, exc)
            if not isinstance(exc, Exception):
                raise exc
            return
        options = self.storage_options()
        ours = {t: before[t] for t, entry in committed.items()
                if set(entry["files"]) == delta.day_files(self.table_uri(t), options, ingest_date,
                                                         delta.version(self.table_uri(t), options))}
        try:
            self._roll_back(ingest_date, ours, why=f"publish of run {manifest.get('run_id')} failed",
                            in_place_only=True)
        except Exception as undo:
            raise PublishRecoveryError(
                f"publishing partition {ingest_date} failed ({_describe(exc)}) and could not be undone "
                f"({_describe(undo)}); the next run of the partition repairs it") from exc
        if not isinstance(exc, Exception):
            raise exc
        raise PublishRolledBack(f"publishing partition {ingest_date} failed ({_describe(exc)}); "
                                f"rolled back: the partition is as it was before this run") from exc

    def _roll_back(self, ingest_date: str, versions: dict, why: str, in_place_only: bool = False) -> list[str]:
        """Put each table's day back to its rows at `versions[table]` (None: no rows), by a new
        commit of those rows read by time travel, then point the manifest at the new commits.
        With `in_place_only`, only the tables `versions` names. Returns the tables that needed it."""
        options = self.storage_options()
        try:
            manifest = self.read_manifest(ingest_date)
        except ManifestDamaged:
            manifest = None  # left as it was found: the next publish replaces it
        done = {}
        for table in versions if in_place_only else schema.TABLE_NAMES:
            uri = self.table_uri(table)
            want = versions.get(table)
            if delta.day_files(uri, options, ingest_date, delta.version(uri, options)) == \
                    delta.day_files(uri, options, ingest_date, want):
                continue
            rows = delta.read_day(uri, options, table, ingest_date, want)
            v = delta.commit_day(uri, options, table, rows.append_column(
                schema.PARTITION_COLUMN, pa.array([date.fromisoformat(ingest_date)] * rows.num_rows, pa.date32())),
                ingest_date, {"news_etl.rollback": why, "news_etl.ingest_date": ingest_date})
            done[table] = {"version": v, "rows": rows.num_rows,
                           "files": sorted(delta.day_files(uri, options, ingest_date, v))}
        if done and manifest is not None:
            # The manifest's own versions list files the roll back just replaced by copies.
            self._write_manifest(ingest_date, dict(manifest, tables={**manifest["tables"], **done}))
        return sorted(done)

    def recover(self, ingest_date: str) -> str | None:
        """Undo a publish that a crash cut short (tables ahead of the manifest), then remove the
        day's replaced and orphaned files. Call with the partition lock held. Returns what was
        done, or None when there was nothing to repair."""
        try:
            manifest = self.read_manifest(ingest_date)
        except ManifestDamaged as exc:
            return f"{exc}: this run publishes over it"
        if manifest is not None and not all(isinstance(manifest["tables"].get(t), dict)
                                            and "version" in manifest["tables"][t] for t in schema.TABLE_NAMES):
            # The earlier layout (news-etl migrate converts it): no Delta version to roll back to.
            return f"partition {ingest_date} is in the layout before Delta tables: this publish replaces it"
        ahead = self.cut_short(ingest_date)
        message = None
        if ahead:
            versions = {t: manifest["tables"][t]["version"] for t in schema.TABLE_NAMES} if manifest else {}
            run = manifest.get("run_id") if manifest else None
            try:
                self._roll_back(ingest_date, versions, why="a publish cut short")
                message = (f"rolled back {', '.join(ahead)} to the published run {run}'s partition "
                           f"(a publish was cut short)" if manifest else
                           f"rolled back {', '.join(ahead)} (the day's first publish was cut short)")
                log.warning("partition %s: %s", ingest_date, message)
            except Exception as exc:
                # The old files are gone (removed by hand, say): the run about to publish replaces
                # the whole day; until then readers get PartitionInconsistent.
                message = (f"could not roll back {', '.join(ahead)} ({_describe(exc)}); "
                           f"this run publishes the whole partition")
                log.warning("partition %s: %s", ingest_date, message)
                return message
        removed = self.clean_day(ingest_date)
        if removed and not message:
            message = f"removed {removed} file(s) a cut-short publish left"
        return message

    def clean_day(self, ingest_date: str) -> int:
        """Delete the day's files the current versions do not list: those commits replaced more
        than NEWS_ETL_DELTA_RETENTION_HOURS ago, and those no commit ever listed (a killed
        writer's; on an object store only once orphan_grace_seconds old). Likewise quarantine
        blobs no current reject refers to. Only this day's folders: other days may be
        mid-publish and need their replaced files for a roll back. Returns the count."""
        options = self.storage_options()
        retention = config.delta_retention_hours()
        grace = self.orphan_grace_seconds()
        now = time.time()
        removed, released = 0, set()
        for table in schema.TABLE_NAMES:
            uri = self.table_uri(table)
            present = self._day_folder(table, ingest_date)
            latest = delta.version(uri, options)
            if latest is None or not present:
                continue
            prefix = f"{partition_name(ingest_date)}/"
            kept = {p[len(prefix):] for p in delta.day_files(uri, options, ingest_date, latest)}
            replaced = {p[len(prefix):] for p in delta.tombstones(uri, options, ingest_date, 0)}
            expired = replaced if retention <= 0 else \
                {p[len(prefix):] for p in delta.tombstones(uri, options, ingest_date, retention)}
            doomed = [n for n, mtime in present.items() if n not in kept and
                      (n in expired or (n not in replaced and now - mtime >= grace))]
            if table == "rejects":  # blobs the replaced rejects referred to
                for name in (n for n in doomed if n in expired):
                    with contextlib.suppress(Exception):
                        paths = self._read_file(table, ingest_date, name).column("quarantine_path").to_pylist()
                        released |= {p.rsplit("/", 1)[-1] for p in paths if p}
            if doomed:
                self._delete(table, ingest_date, doomed)
                removed += len(doomed)
        blobs = self._day_folder("rejects", ingest_date, "_quarantine")
        if blobs and retention <= 0:
            uri = self.table_uri("rejects")
            latest = delta.version(uri, options)
            paths = delta.read_day(uri, options, "rejects", ingest_date, latest).column("quarantine_path").to_pylist()
            wanted = {p.rsplit("/", 1)[-1] for p in paths if p}
            doomed = [n for n, mtime in blobs.items() if n not in wanted and (n in released or now - mtime >= grace)]
            if doomed:
                self._delete("rejects", ingest_date, doomed, "_quarantine")
                removed += len(doomed)
        return removed

    def _read_file(self, table: str, ingest_date: str, name: str) -> pa.Table:
        return pq.read_table(self.partition_dir(table, ingest_date) / name)

    def sweep_staging(self, ingest_date: str, keep: str | None = None, older_than_hours: float = 24) -> list[str]:
        """Remove staging folders of this partition that crashed runs left behind. Only old ones:
        a concurrent run of the same partition may still be using its own folder."""
        root = self.staging_root(ingest_date)
        if not root.is_dir():
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


def _atomic_write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
    fsync_file(tmp)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        fsync_file(path.parent)


def _read_fd(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 300, 0).decode(errors="replace").strip()
    return ""


def _safe(name: str) -> str:
    """Run ids come from Airflow or the CLI; keep them to a filesystem-safe alphabet."""
    safe = "".join(c if c.isalnum() or c in "-_.+" else "_" for c in name)[:200]
    # No "..", hidden or `_`-prefixed names: a run folder must stay a plain child of the staging folder.
    return safe.lstrip("._") or "run"
