"""`news-etl list` and `news-etl show`: the published days; blanks for nulls; a closed pipe ends quietly."""
import io
import subprocess
import sys

import pytest

from conftest import ROOT
from etl import cli
from etl.model import schema

DAY = "2025-12-03"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    wh = tmp_path_factory.mktemp("cli-wh")
    assert cli.main(["run", "--input", str(ROOT / "seeds" / DAY), "--warehouse", str(wh), "--date", DAY,
                     "--quiet"]) == cli.EXIT_OK
    return wh


def test_list_prints_days_counts_and_verdicts(published, capsys):
    from etl.warehouse import open_warehouse

    assert cli.main(["list", "--warehouse", str(published)]) == cli.EXIT_OK
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:len(schema.TABLE_NAMES) + 2] == ["ingest_date", *schema.TABLE_NAMES, "validation"]
    counts = open_warehouse(published).read_manifest(DAY)["row_counts"]
    assert row.split()[:len(schema.TABLE_NAMES) + 2] == [DAY, *(str(counts[t]) for t in schema.TABLE_NAMES), "passed"]


def test_list_of_an_empty_warehouse_says_so(tmp_path, capsys):
    assert cli.main(["list", "--warehouse", str(tmp_path)]) == cli.EXIT_OK
    assert "no published partitions" in capsys.readouterr().err


def test_show_prints_blanks_for_nulls(published, capsys):
    assert cli.main(["show", "--warehouse", str(published), "--date", DAY, "--rows", "50"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    for null in ("nan", "NaN", "None", "NaT", "<NA>"):
        assert f" {null} " not in f" {out} ".replace("\n", " "), null


def test_short_cells():
    assert cli._short(None) == "" and cli._short(float("nan")) == ""
    assert cli._short(["Ann Lee", "Bo Wu"]) == "Ann Lee, Bo Wu"
    assert cli._short("x" * 50, 10) == "x" * 9 + "…"


class _ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_show_into_a_closed_pipe_ends_quietly(published, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert cli.main(["show", "--warehouse", str(published), "--date", DAY]) == cli.EXIT_OK
    assert cli.main(["list", "--warehouse", str(published)]) == cli.EXIT_OK


def test_show_piped_into_head_has_no_traceback(published):
    """A real pipe closed after one line, with more output than the pipe holds."""
    proc = subprocess.Popen([sys.executable, "-m", "etl.cli", "show", "--warehouse", str(published), "--date", DAY,
                             "--rows", "100000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
