"""Body of the example downstream DAG (dags/news_etl_articles_digest.py): it runs when news_etl
publishes the `articles` asset and reports, for each day that changed, the articles per
publisher, read from the warehouse through the day's manifest.

It shows how a consumer learns WHICH day changed: from the triggering asset event's extra
(`ingest_date`, `run_id`, `location`, ...; see etl.airflow.partitions), not from its own
logical date, which for an asset-triggered run is merely when it was queued."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from etl.airflow.partitions import ingest_dates


def digest(triggering_asset_events: Mapping, warehouse: str) -> list[dict]:
    """One summary per triggering publish: the day, the producing run, the article count and
    the top publishers. A day re-published since the event was sent is read as it is now; the
    manifest's run id says which publish the numbers are from."""
    from etl.warehouse import open_warehouse

    wh = open_warehouse(warehouse)
    summaries = []
    for event in ingest_dates(triggering_asset_events):
        day = event["ingest_date"]
        manifest, tables = wh.read_partition(day)
        articles = tables["articles"].to_pylist()
        by_source = Counter(a.get("source") or "(unknown)" for a in articles)
        summaries.append({
            "ingest_date": day,
            "event_run_id": event["run_id"],
            "published_run_id": manifest.get("run_id"),
            "articles": len(articles),
            "event_rows": event["rows"],
            "top_sources": [[s, n] for s, n in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))[:5]],
        })
    if not summaries:
        raise ValueError("no triggering event names an ingest_date: was this run started by hand?")
    return summaries
