"""news_etl under a real multi-process executor: api-server + scheduler + dag-processor with the
LocalExecutor (parallelism 4) in a throw-away AIRFLOW_HOME; mapped batch tasks must run side by side.

Slow (a few minutes on 2 cores): it boots Airflow's services and runs every task as its own process."""
import shutil
from datetime import datetime

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

DAY = "2025-12-03"


def _landing_with_distinct_copies(landing_day):
    """Every seed page, plus a variant of one with an extra paragraph (so it is not a duplicate):
    several files, one batch each."""
    landing_day.mkdir(parents=True)
    seeds = sorted(p for p in (ROOT / "seeds").glob("*/*") if p.is_file())
    for p in seeds:
        shutil.copy(p, landing_day / p.name)
    first = seeds[0]
    # The extra sentence goes into the longest line (a body paragraph): text added below the page's
    # footer would rightly be dropped as furniture, leaving a duplicate.
    lines = first.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += " A later update said officials would meet again next week in Geneva to continue the talks."
    variant = "\n".join(lines)
    (landing_day / f"variant_{first.name}").write_text(variant, encoding="utf-8")
    return len(seeds) + 1


def _intervals(task_instances, task_id):
    out = []
    for ti in task_instances:
        if ti["task_id"] == task_id and ti.get("start_date") and ti.get("end_date"):
            out.append((datetime.fromisoformat(ti["start_date"]), datetime.fromisoformat(ti["end_date"])))
    return out


def _max_overlap(intervals):
    """Largest number of intervals running at the same instant."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    running = best = 0
    for _, step in events:
        running += step
        best = max(best, running)
    return best


def test_max_overlap_counts_concurrent_intervals():
    t = lambda s: datetime(2025, 1, 1, 0, 0, s)  # noqa: E731
    assert _max_overlap([(t(0), t(5)), (t(1), t(3)), (t(4), t(9))]) == 2
    assert _max_overlap([(t(0), t(1)), (t(1), t(2))]) == 1  # touching is not overlapping
    assert _max_overlap([]) == 0


def test_local_executor_runs_mapped_batches_in_parallel(tmp_path):
    from etl.airflow.services import LocalAirflow
    from etl.warehouse import open_warehouse

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    n_files = _landing_with_distinct_copies(landing / DAY)
    af = LocalAirflow(tmp_path / "airflow-home", landing=landing, warehouse=warehouse, parallelism=4,
                      all_admins=True, extra_env={"NEWS_ETL_PROCESSES": "1"})
    with af:
        af.wait_for_dag("news_etl")
        af.unpause("news_etl")
        run_id = af.trigger("news_etl", conf={"partition_date": DAY, "files_per_batch": 1})
        state = af.wait_for_run("news_etl", run_id, timeout=1200)
        tis = af.task_instances("news_etl", run_id)
    assert state == "success", [(t["task_id"], t.get("map_index"), t["state"]) for t in tis]

    process = [t for t in tis if t["task_id"] == "process"]
    assert sorted(t["map_index"] for t in process) == list(range(n_files))
    assert all(t["state"] == "success" for t in process)
    assert _max_overlap(_intervals(tis, "process")) >= 2, _intervals(tis, "process")

    manifest = open_warehouse(warehouse).read_manifest(DAY)
    assert manifest["run_id"] == run_id
    assert manifest["input_count"] == n_files
    assert manifest["row_counts"]["articles"] == n_files  # the variant is not dropped as a duplicate
