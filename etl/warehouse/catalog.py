"""What a warehouse has published, for readers: the days (from their manifests, which are written
last, so a day is listed only once it is whole) and checked table/day names.

A misspelt table or a day that was never published is an error that says what exists, never an
empty table: an empty result must mean "nothing happened that day", not "wrong name"."""
from __future__ import annotations

import difflib
from datetime import date, datetime

from etl.model import schema


class UnknownTable(ValueError):
    """A table name the registry does not have."""


class PartitionNotPublished(LookupError):
    """A day the warehouse has no published partition for."""


def check_table(table: str) -> str:
    if table in schema.TABLES:
        return table
    close = difflib.get_close_matches(str(table), schema.TABLE_NAMES, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UnknownTable(f"unknown table {table!r}{hint}; the tables are: {', '.join(schema.TABLE_NAMES)}")


def check_day(ingest_date: str | date) -> str:
    """A day as the partition folders name it (YYYY-MM-DD), from a string, date or datetime."""
    if isinstance(ingest_date, datetime):
        return ingest_date.date().isoformat()
    if isinstance(ingest_date, date):
        return ingest_date.isoformat()
    try:
        return date.fromisoformat(str(ingest_date).strip()).isoformat()
    except ValueError:
        raise ValueError(f"not a day (YYYY-MM-DD): {ingest_date!r}") from None


def partitions(wh) -> list[dict]:
    """One summary per published day, oldest first: ingest_date (a date), the run that published
    it, when, the pipeline version, the validation verdict and warnings, and each table's rows."""
    out = []
    for day in wh.published_dates():
        m = wh.read_manifest(day)
        if m is None:  # unpublished between the listing and the read
            continue
        validation = m.get("validation") or {}
        rows = m.get("row_counts") or {}
        out.append({
            schema.PARTITION_COLUMN: date.fromisoformat(day),
            "run_id": m.get("run_id"),
            "published_at": _when(m.get("published_at")),
            "pipeline_version": m.get("pipeline_version"),
            "inputs": m.get("input_count"),
            "validation": "passed" if validation.get("passed", True) else "failed",
            "warnings": validation.get("warnings", 0),
            **{t: rows.get(t) for t in schema.TABLE_NAMES},
        })
    return out


def not_published(wh, day: str) -> PartitionNotPublished:
    days = wh.published_dates()
    listed = ", ".join(days[-10:]) if days else "none"
    more = f" (last 10 of {len(days)})" if len(days) > 10 else ""
    return PartitionNotPublished(f"partition {schema.PARTITION_COLUMN}={day} is not published in {getattr(wh, 'url', wh.root)}; "
                                 f"published days{more}: {listed}")


def _when(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
