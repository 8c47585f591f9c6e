"""Each run's Great Expectations Data Docs: written under the warehouse's _reports, linked from
`news-etl run` and `news-etl show`, and rendering the validation results in a real browser
(headless Chromium, offline: every host name resolves to nothing)."""
import contextlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from etl.model import schema

pytestmark = pytest.mark.slow

DAY = "2025-12-03"
RUN_ID = "docs-test"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # refuse every lookup: the test never touches the network, and pages that needed it would show it
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def _cli(*argv) -> tuple[int, str]:
    from etl import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def _data_docs_link(output: str) -> Path:
    found = re.findall(r"data docs: file://(\S+)", output)
    assert len(found) == 1, output
    return Path(found[0])


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    wh = tmp_path_factory.mktemp("docs-warehouse")
    code, out = _cli("run", "--input", str(ROOT / "seeds" / DAY), "--warehouse", str(wh), "--date", DAY,
                     "--run-id", RUN_ID, "--quiet")
    assert code == 0, out
    return wh, out


def test_run_and_show_link_the_runs_data_docs(seed_run):
    wh, run_output = seed_run
    index = _data_docs_link(run_output)
    assert index == wh / "_reports" / f"ingest_date={DAY}" / RUN_ID / "data_docs" / "index.html"
    assert index.is_file()
    code, show_output = _cli("show", "--warehouse", str(wh), "--date", DAY, "--rows", "0")
    assert code == 0
    assert _data_docs_link(show_output) == index


def _dump_dom(browser: str, page: Path, profile: Path) -> str:
    proc = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_data_docs_render_the_validation_results_in_chromium(seed_run, tmp_path):
    """Offline: every host name resolves to nothing, and the pages need none. The index lists
    every suite and every expectation with its verdict in words."""
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed and could not be installed here "
                    "(`apt-get install -y chromium`; .ci/run installs it in CI)")
    wh, run_output = seed_run
    index = _data_docs_link(run_output)
    results = json.loads((index.parent.parent / "validation.json").read_text())

    dom = _dump_dom(browser, index, tmp_path / "profile")
    assert "Validation Results" in dom and "Expectation Suites" in dom
    for suite in (*schema.TABLE_NAMES, "day_inputs", "day_articles"):  # a suite per table, and the day's
        assert f"expectations/{suite}.html" in dom
        assert f"partition-{suite}.html" in dom
        assert f'id="suite-{suite}"' in dom
    assert RUN_ID in dom
    verdicts = re.findall(r'<tr><td><span class="verdict (passed|failed|warned)">\1</span></td>', dom)
    assert len(verdicts) == results["statistics"]["evaluated"]  # each expectation, its verdict in words
    assert "expect column values to be unique" in dom

    # One validation result page: the suite's expectations and their outcome, in words.
    page = next((index.parent / "validations" / "articles").rglob("partition-articles.html"))
    dom = _dump_dom(browser, page, tmp_path / "profile")
    assert "Overview" in dom and "Succeeded" in dom
    assert "article_id" in dom  # a column the suite checks
    assert '<span class="verdict passed">passed</span>' in dom and 'fa-check-circle' not in dom


def test_data_docs_are_self_contained_and_small(seed_run):
    wh, run_output = seed_run
    docs = _data_docs_link(run_output).parent
    assert not (docs / "static").exists()
    loaded = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.I)
    for page in docs.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not loaded.search(text), page  # nothing the browser would fetch
        assert "<style>" in text
    assert sum(p.stat().st_size for p in docs.rglob("*") if p.is_file()) < 2_000_000
