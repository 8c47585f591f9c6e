"""Damaged warehouse state explains itself in `news-etl show` (a documented exit code and one line)
and is repaired by the next `news-etl run` of the day, which publishes: a truncated or invalid
manifest, a publish killed between its Delta commits whose old files were then vacuumed away (so
it cannot be rolled back), a lock file full of garbage."""
import fcntl
import json
import os
import random
import shutil

import pytest

from etl import cli
from etl.cli import Exit
from etl.model import schema
from etl.warehouse import open_warehouse

DAY = "2025-12-06"
STORY = ("{thing} for {place}\n\nThe new {thing} of {place} opened on {day}, officials said.\n\n"
         "Mayor {who} said it had cost {cost} euros.\n\n\"We are proud of it,\" {who} said.\n")


def _landing(folder, n: int, seed: int):
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"{seed}-{i}.txt").write_text(STORY.format(
            thing=rng.choice(["Bridge", "Library", "Tram line", "Harbour"]),
            place=rng.choice(["Bayview", "Marston", "Hillford", "Eastwick"]),
            day=rng.choice(["Monday", "Tuesday", "Friday"]), who=rng.choice(["Anna Berg", "Tom Hale", "Ines Costa"]),
            cost=rng.randint(10_000, 9_000_000)), encoding="utf-8")
    return folder


def _run(landing, wh, run_id: str) -> int:
    return cli.main(["run", "--input", str(landing), "--warehouse", str(wh), "--date", DAY, "--run-id", run_id,
                     "--quiet"])


def _show(wh, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["show", "--warehouse", str(wh), "--date", DAY, "--rows", "1"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    base = tmp_path_factory.mktemp("damaged")
    a, b = _landing(base / "a", 2, seed=5), _landing(base / "b", 3, seed=6)
    assert _run(a, base / "wh", "run-a") == Exit.OK
    return base, b


class _Killed(BaseException):
    """Stands in for SIGKILL at a checkpoint: no `except Exception` (nor the publish's own undo) runs."""


def _truncated_manifest(wh, monkeypatch):
    p = open_warehouse(wh).manifest_path(DAY)
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    return Exit.DAMAGED, "is damaged"


def _invalid_manifest(wh, monkeypatch):
    open_warehouse(wh).manifest_path(DAY).write_text(json.dumps({"run_id": "x", "tables": ["articles"]}))
    return Exit.DAMAGED, "is damaged"


def _cut_short_and_vacuumed(wh, monkeypatch, landing):
    """A publish killed between its Delta commits, after which someone ran a VACUUM with no
    retention: the files of the manifest's versions are gone, the publish cannot be rolled back."""
    import etl.warehouse.local as local
    from deltalake import DeltaTable

    def killed_at(name):
        if name == "publish:committed:entity_mentions":
            raise _Killed(name)

    monkeypatch.setattr(local, "checkpoint", killed_at)
    with pytest.raises(_Killed):
        _run(landing, wh, "run-killed")
    monkeypatch.undo()
    assert open_warehouse(wh).cut_short(DAY) == ["articles", "entity_mentions"]
    for table in ("articles", "entity_mentions"):
        assert DeltaTable(str(wh / table)).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    return Exit.DAMAGED, "a publish was cut short"


def _garbage_lock(wh, monkeypatch):
    locks = wh / "_locks"
    locks.mkdir(exist_ok=True)
    garbage = b"\x1b]0;PWNED\x07\x1b[2J\n" + bytes(random.Random(7).randrange(256) for _ in range(500))
    for name in (f"ingest_date={DAY}.lock", f"ingest_date={DAY}.run.lock"):
        (locks / name).write_bytes(garbage)
    return Exit.OK, None


@pytest.mark.parametrize("damage", [_truncated_manifest, _invalid_manifest, _cut_short_and_vacuumed, _garbage_lock])
def test_show_explains_damage_in_one_line_and_the_next_run_repairs_it(published, damage, tmp_path, monkeypatch,
                                                                     capsys):
    base, landing_b = published
    wh = tmp_path / "wh"
    shutil.copytree(base / "wh", wh)
    if damage is _cut_short_and_vacuumed:
        expected, words = damage(wh, monkeypatch, landing_b)
    else:
        expected, words = damage(wh, monkeypatch)

    code, out, err = _show(wh, capsys)
    assert code == expected, err
    if expected != Exit.OK:
        assert out == "" and len(err.strip().splitlines()) == 1 and words in err, err
        assert "Traceback" not in err and "next `news-etl run`" in err
    else:
        assert "Partition ingest_date=" in out

    if damage is _garbage_lock:  # held by someone else: busy, said in one line, garbage made visible
        fd = os.open(wh / "_locks" / f"ingest_date={DAY}.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            code, out, err = _show(wh, capsys)
        finally:
            os.close(fd)
        assert code == Exit.LOCKED and out == "" and len(err.strip().splitlines()) == 1, err
        assert "\\x1b]0;PWNED\\x07\\x1b[2J\\n" in err  # shown, not obeyed
        assert not any(ord(c) < 32 and c != "\n" for c in err)

    assert _run(landing_b, wh, "run-b") == Exit.OK
    code, out, err = _show(wh, capsys)
    assert code == Exit.OK, err
    assert "published by run run-b" in out
    w = open_warehouse(wh)
    assert w.cut_short(DAY) == []
    manifest, tables = w.read_partition(DAY, wait_seconds=0)
    assert manifest["run_id"] == "run-b" and tables["articles"].num_rows == 3
    assert set(manifest["tables"]) == set(schema.TABLE_NAMES)
