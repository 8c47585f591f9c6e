"""The trailing published partitions a day is compared with: their stats records, read from
their manifests (a few hundred bytes each, local or on the object store, no table read)."""
from __future__ import annotations

from datetime import date, timedelta

import logging

from etl import config
from etl.warehouse import ManifestDamaged

log = logging.getLogger(__name__)


def trailing_stats(wh, ingest_date: str, partitions: int | None = None, max_age_days: int | None = None) -> list[dict]:
    """[{"date", "stats"}] of up to `partitions` published partitions before `ingest_date`, oldest
    first. Left out: empty days (they say nothing about a normal day), partitions published before
    stats were recorded, and partitions older than `max_age_days`."""
    n = partitions or config.drift_history_partitions()
    oldest = (date.fromisoformat(ingest_date) - timedelta(days=max_age_days or config.drift_history_max_age_days())).isoformat()
    found = []
    for day in reversed([d for d in wh.published_dates() if oldest <= d < ingest_date]):
        try:
            manifest = wh.read_manifest(day) or {}
        except ManifestDamaged as exc:  # that day's own run repairs it; it is no baseline meanwhile
            log.warning("partition %s left out of the drift baseline: %s", day, exc)
            continue
        stats = manifest.get("stats")
        if not stats or not stats.get("articles"):
            continue
        found.append({"date": day, "stats": stats})
        if len(found) >= n:
            break
    return found[::-1]
