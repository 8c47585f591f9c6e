"""Validation reports per partition are bounded: the newest runs' are kept, and always the
published run's (its manifest links it); the trailing partitions' stats come from manifests."""
from __future__ import annotations

import json
import os

from etl.run.history import trailing_stats
from etl.warehouse import open_warehouse

DAY = "2025-11-03"


def test_prune_keeps_the_newest_runs_and_the_protected_one(tmp_path):
    wh = open_warehouse(tmp_path)
    for i in range(6):
        run = wh.report_dir(DAY, f"run{i}")
        (run / "data_docs").mkdir(parents=True)
        (run / "validation.json").write_text("{}")
        os.utime(run / "validation.json", (1_000_000 + i, 1_000_000 + i))
    removed = wh.prune_reports(DAY, keep=3, protect={"run0"})
    assert sorted(removed) == ["run1", "run2"]
    assert sorted(p.name for p in wh.report_dir(DAY, "x").parent.iterdir()) == ["run0", "run3", "run4", "run5"]
    assert wh.prune_reports("2030-01-01", keep=1) == []  # a partition without reports


def test_history_is_read_from_the_manifests_of_earlier_days_only(tmp_path):
    wh = open_warehouse(tmp_path)
    (tmp_path / "_manifests").mkdir()
    days = {"2025-10-01": 5, "2025-10-28": 0, "2025-10-29": 7, "2025-10-30": None, "2025-10-31": 9, "2025-11-05": 11}
    for day, articles in days.items():
        manifest = {"run_id": day, "tables": {}} | ({"stats": {"articles": articles}} if articles is not None else {})
        (tmp_path / "_manifests" / f"ingest_date={day}.json").write_text(json.dumps(manifest))
    got = [h["date"] for h in trailing_stats(wh, DAY, partitions=7, max_age_days=30)]
    # not: an empty day, a manifest without stats, a later day, one older than 30 days
    assert got == ["2025-10-29", "2025-10-31"]
    assert [h["date"] for h in trailing_stats(wh, DAY, partitions=1, max_age_days=60)] == ["2025-10-31"]
    # a damaged manifest (cut short) is left out of the baseline instead of failing the run
    (tmp_path / "_manifests" / "ingest_date=2025-10-31.json").write_text('{"run_id": "2025-10-31", "sta')
    assert [h["date"] for h in trailing_stats(wh, DAY, partitions=7, max_age_days=30)] == ["2025-10-29"]
