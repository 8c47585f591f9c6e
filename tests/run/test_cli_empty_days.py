"""`news-etl run` and empty days: no inputs is an error unless an empty day is asked for, and an
empty day is marked as such; a published day names the expectations that warned."""
from __future__ import annotations

import contextlib
import io

import pytest

from conftest import ROOT

from etl import cli


def _cli(*argv) -> tuple[int, str, str]:
    from etl import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_a_missing_input_folder_is_an_error_not_an_empty_day(tmp_path):
    code, out, err = _cli("run", "--input", str(tmp_path / "landing" / "2025-12-09"), "--warehouse",
                          str(tmp_path / "wh"), "--date", "2025-12-09", "--quiet")
    assert code == cli.Exit.INPUTS
    assert "does not exist" in err and "--allow-empty" in err
    assert not (tmp_path / "wh" / "_manifests").exists()


def test_an_empty_folder_is_an_error_too(tmp_path):
    (tmp_path / "landing").mkdir()
    code, _, err = _cli("run", "--input", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "wh"),
                        "--date", "2025-12-09", "--quiet")
    assert code == cli.Exit.INPUTS and "holds no input files" in err


def test_allow_empty_publishes_a_marked_empty_day(tmp_path):
    pytest.importorskip("great_expectations")
    code, out, err = _cli("run", "--input", str(tmp_path / "nothing"), "--warehouse", str(tmp_path / "wh"),
                          "--date", "2025-12-09", "--allow-empty", "--quiet")
    assert code == 0, err
    code, shown, _ = _cli("show", "--warehouse", str(tmp_path / "wh"), "--date", "2025-12-09", "--rows", "0")
    assert code == 0 and "Empty day" in shown


def test_run_names_the_expectations_that_warned(tmp_path, monkeypatch):
    pytest.importorskip("great_expectations")
    # one article is too few to judge a distribution: a bound it misses is a warning, not a block
    monkeypatch.setenv("NEWS_ETL_DRIFT_BODY_WORDS_MIN_ABSOLUTE", "100000")
    code, out, err = _cli("run", "--input", str(ROOT / "seeds" / "2025-12-03"), "--warehouse", str(tmp_path / "wh"),
                          "--date", "2025-12-03", "--quiet")
    assert code == 0, err
    assert "warned: day_articles: expect_column_median_to_be_between (word_count) observed" in out
    code, shown, _ = _cli("show", "--warehouse", str(tmp_path / "wh"), "--date", "2025-12-03", "--rows", "0")
    assert "warned:    day_articles.expect_column_median_to_be_between(word_count)" in shown
