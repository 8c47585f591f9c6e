"""One table of exit codes: `etl.cli.Exit` with its meanings, printed by `news-etl --help` and listed
in the README, all three the same. Ctrl-C ends a run with one line and Exit.INTERRUPTED, no
traceback -- also in the middle of a publish, which it rolls back first."""
import os
import re
import signal
import subprocess
import sys
import time

from conftest import ROOT
from etl import cli
from etl.cli import EXIT_MEANINGS, Exit
from etl.warehouse import open_warehouse

DAY = "2025-12-07"
STORY = ("Ferry returns to {place}\n\nThe ferry to {place} sailed again on Monday after a year, the "
         "operator said.\n\nMayor {who} said the island had waited long enough.\n")


def _help_table(argv: list[str]) -> dict[int, str]:
    out = subprocess.run([sys.executable, "-m", "etl.cli", *argv, "--help"], capture_output=True, text=True,
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200"), timeout=120)
    assert out.returncode == 0, out.stderr
    rows = re.findall(r"^\s+(\d+)  (.+)$", out.stdout.split("exit codes:", 1)[1], flags=re.M)
    return {int(code): meaning.strip() for code, meaning in rows}


def test_one_table_of_exit_codes_in_code_help_and_readme():
    in_code = {int(code): meaning for code, meaning in EXIT_MEANINGS.items()}
    assert set(in_code) == {int(c) for c in Exit} and len(set(in_code.values())) == len(in_code)
    for argv in ([], ["run"], ["show"]):
        assert _help_table(argv) == in_code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, flags=re.M)
    assert {int(code): meaning for code, meaning in rows} == in_code


def _wait_for(condition, what: str, proc, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the run ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.2)


def _start_run(landing, wh, run_id: str, pause_at: str):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NEWS_ETL_PROCESSES="1", NEWS_ETL_PAUSE_AT=f"{pause_at}=600")
    return subprocess.Popen([sys.executable, "-m", "etl.cli", "run", "--input", str(landing), "--warehouse", str(wh),
                             "--date", DAY, "--run-id", run_id, "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupt(proc) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def test_ctrl_c_gives_one_line_and_the_documented_code(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    for i, (place, who) in enumerate([("Northam", "Anna Berg"), ("Eastwick", "Tom Hale")]):
        (landing / f"{i}.txt").write_text(STORY.format(place=place, who=who), encoding="utf-8")
    (landing / "late.txt").write_text(STORY.format(place="Hillford", who="Ines Costa"), encoding="utf-8")
    wh = tmp_path / "wh"
    first = landing.parent / "first"
    first.mkdir()
    for name in ("0.txt", "1.txt"):
        (first / name).write_bytes((landing / name).read_bytes())
    assert cli.main(["run", "--input", str(first), "--warehouse", str(wh), "--date", DAY, "--run-id", "a",
                     "--quiet"]) == Exit.OK
    w = open_warehouse(wh)
    before = w.read_partition(DAY, wait_seconds=0)

    # 1. while the run is under way (holding its run lock)
    proc = _start_run(landing, wh, "b", "run:locked")
    run_lock = wh / "_locks" / f"ingest_date={DAY}.run.lock"
    _wait_for(lambda: f"pid {proc.pid}" in run_lock.read_text(errors="replace"), "run lock", proc)
    code, out, err = _interrupt(proc)
    assert code == Exit.INTERRUPTED
    assert err.strip().splitlines() == [f"news-etl: interrupted; partition {DAY} not published by this run "
                                        f"(it is as it was before)"], err
    assert out == ""

    # 2. in the middle of the publish: three of six tables committed when Ctrl-C comes
    proc = _start_run(landing, wh, "c", "publish:committed:entities")

    def halfway() -> bool:
        return "entities" in w.cut_short(DAY)  # its Delta commit is in, the manifest not yet

    _wait_for(halfway, "half-done publish", proc)
    code, out, err = _interrupt(proc)
    assert code == Exit.INTERRUPTED
    assert err.strip().splitlines() == [f"news-etl: interrupted; partition {DAY} not published by this run "
                                        f"(it is as it was before)"], err
    assert "Traceback" not in err
    after = w.read_partition(DAY, wait_seconds=0)
    # the same run's manifest; the rolled-back tables' versions name the roll back's commits
    assert {k: v for k, v in after[0].items() if k != "tables"} == {k: v for k, v in before[0].items() if k != "tables"}
    assert all(after[1][t].equals(before[1][t]) for t in before[1])
    assert w.cut_short(DAY) == []
