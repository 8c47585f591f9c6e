"""A publish that fails part way -- the disk filling up at each of its steps, injected as ENOSPC
by etl.faults (NEWS_ETL_FAIL_AT) -- is finished or undone before `news-etl run` exits, and the
exit code and message say which: readers never meet a half-published partition, nor a table
left ahead of the manifest, afterwards."""
import random
import shutil

import pytest

from etl import cli, faults
from etl.cli import Exit
from etl.model import schema
from etl.warehouse import open_warehouse

DAY = "2025-12-05"
# Every checkpoint of a publish, in order. Up to the last table's Delta commit the new manifest is
# not written: the committed tables must be rolled back. From the manifest on it has happened.
BEFORE_ANY_MOVE = ["publish:locked"]
UNDONE = ["publish:quarantine_copied", *(f"publish:committed:{t}" for t in schema.TABLE_NAMES)]
DONE = ["publish:manifest_written", "publish:vacuumed", "publish:published"]

PLACES = ["Riverton", "Lakeside", "Hillford", "Bayview", "Marston", "Eastwick", "Northam"]
PEOPLE = ["Anna Berg", "Tom Hale", "Ines Costa", "Paul Weber", "Maria Rossi", "John Kerr"]
THINGS = ["bridge", "library", "ferry line", "tram stop", "stadium", "harbour wall"]


def write_articles(folder, n: int, seed: int) -> None:
    """`n` generated news stories (and one input that is rejected), different for each seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        place, who, thing = rng.choice(PLACES), rng.choice(PEOPLE), rng.choice(THINGS)
        (folder / f"story-{seed}-{i}.txt").write_text(
            f"New {thing} for {place}\n\n"
            f"The {thing} in {place} opened on {rng.choice(['Monday', 'Tuesday', 'Friday'])} after "
            f"{rng.randint(2, 9)} years of work, officials said.\n\n"
            f"Mayor {who} said the {thing} would change daily life in {place} for "
            f"{rng.randint(1000, 90000)} residents.\n\n"
            f"\"This is a good day for everyone here,\" {who} said.\n", encoding="utf-8")
    place, who = rng.choice(PLACES), rng.choice(PEOPLE)
    (folder / f"photo-{seed}.html").write_text(
        f"<html><head><title>Flood defences for {place}</title></head><body><article>"
        f"<h1>Flood defences for {place}</h1>"
        f"<p>Work on the flood defences of {place} began on Monday, the council said in a statement.</p>"
        f"<p>\"We have waited {rng.randint(3, 30)} years for this,\" said {who}, who leads the council.</p>"
        f"<figure><img src=\"https://img.example/{seed}.jpg\"><figcaption>Workers on the river bank in "
        f"{place}. Photo: {rng.choice(PEOPLE)} / AFP</figcaption></figure></article></body></html>",
        encoding="utf-8")
    (folder / f"broken-{seed}.jsonl").write_text("not json\n", encoding="utf-8")


def _run(inputs, warehouse, run_id: str) -> int:
    return cli.main(["run", "--input", str(inputs), "--warehouse", str(warehouse), "--date", DAY,
                     "--run-id", run_id, "--quiet"])


def _state(warehouse) -> tuple[dict, dict]:
    """The partition as a reader gets it (raises if it is not one publish's whole output)."""
    manifest, tables = open_warehouse(warehouse).read_partition(DAY, wait_seconds=0)
    return manifest, {t: tables[t].to_pylist() for t in schema.TABLE_NAMES}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    base = tmp_path_factory.mktemp("publish-failures")
    write_articles(base / "land-a", 2, seed=1)
    write_articles(base / "land-b", 3, seed=2)
    assert _run(base / "land-a", base / "wh", "run-a") == Exit.OK
    assert _run(base / "land-b", base / "wh-b", "run-b") == Exit.OK  # what a good run of B publishes
    a, b = _state(base / "wh"), _state(base / "wh-b")
    assert all(a[1][t] != b[1][t] for t in schema.TABLE_NAMES)  # so every table's commit changes it
    return base, a, b


@pytest.mark.parametrize("step", BEFORE_ANY_MOVE + UNDONE + DONE)
def test_disk_full_at_each_publish_step_is_finished_or_undone_and_reported(published, step, tmp_path,
                                                                          monkeypatch, capsys):
    base, (manifest_a, tables_a), (_, tables_b) = published
    wh = tmp_path / "wh"
    shutil.copytree(base / "wh", wh)
    monkeypatch.setenv(faults.FAIL_VAR, step)
    faults.reset()
    capsys.readouterr()
    code = _run(base / "land-b", wh, "run-b")
    err = capsys.readouterr().err

    manifest, tables = _state(wh)  # one whole publish either way
    assert open_warehouse(wh).cut_short(DAY) == []  # no table left ahead of the manifest
    assert "Traceback" not in err or step in BEFORE_ANY_MOVE  # an unexpected failure keeps its trace
    if step in DONE:
        assert code == Exit.OK, err
        assert manifest["run_id"] == "run-b"
        assert tables == tables_b
        if step == "publish:published":  # the failure came after the publish: said so
            assert "published by run run-b, but the run then failed" in err and step in err
    else:
        # the run's fields are the old manifest's; its table versions may name the roll back's commits
        assert {k: v for k, v in manifest.items() if k != "tables"} == \
            {k: v for k, v in manifest_a.items() if k != "tables"} and tables == tables_a, step
        assert f"injected at {step}" in err
        if step in UNDONE:
            assert code == Exit.ROLLED_BACK, err
            assert "rolled back: the partition is as it was before this run" in err
        else:
            assert code == Exit.ERROR, err
            assert "not published by this run" in err
    assert len([line for line in err.splitlines() if line.startswith("news-etl:")]) <= 1

    # and the next run publishes normally
    monkeypatch.delenv(faults.FAIL_VAR)
    assert _run(base / "land-b", wh, "run-b2") == Exit.OK
    assert _state(wh)[1] == tables_b
