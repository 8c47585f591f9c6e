"""Nothing from an input is ever interpreted. Generated inputs carry `<script>`, `onerror=`,
`javascript:` and terminal escape payloads in every field (title, authors, source, url, image url,
caption, credit, body) and in the run id:
  * headless Chromium opens every page the runs wrote (each run's Data Docs, for a run that fails
    validation on those values and for one that publishes them) and the published tables rendered as
    the notebook renders them, and nothing ran: no attribute set on the page, no title changed, no
    `javascript:` link or frame;
  * `news-etl run` and `news-etl show` print no control character: each is shown as an escape."""
import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from etl import cli
from etl.cli import Exit
from etl.model import schema
from etl.warehouse import open_warehouse

DAY = "2025-12-03"
MARK = "data-pwned"
ACT = f"setattribute('{MARK}'"  # what a payload's code holds (a run name made safe still says data-pwned)
TERMINAL = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED\u202e"


def _payloads(field: str) -> str:
    """Markup that would run in a browser if a page put it there unescaped (each one marks the
    page), a `javascript:` URL, and escape sequences that would retitle and clear a terminal."""
    act = f"document.documentElement.setAttribute('{MARK}','{field}');document.title='PWNED {field}'"
    return (f"{field} <script>{act}</script> <img src=x onerror=\"{act}\"> <svg onload=\"{act}\"></svg> "
            f"<iframe src=\"javascript:parent.{act}\"></iframe> javascript:{act} {TERMINAL}")


def _run_id(name: str) -> str:
    # short enough for a file name: GX names folders after it
    return (f"{name}<img src=x onerror=\"document.documentElement.setAttribute('{MARK}','run id')\">"
            f"javascript:x{TERMINAL}")


def _record(i: int, image_scheme: str) -> dict:
    esc = html.escape  # the page's own text holds the payloads (not markup of the page itself)
    body = (f"<p>Mayor Anna Berg opened the new bridge in Riverton on Tuesday, the city said. {esc(_payloads('body'))} "
            f"The bridge cost twelve million euros and took {i + 2} years to build.</p>"
            f"<p>\"It is a good day for Riverton,\" Berg said to the crowd by the river.</p>")
    figure = (f"<figure><img src=\"{esc(image_scheme + '://x.example/' + _payloads('image_url') + str(i))}.jpg\">"
              f"<figcaption>{esc(_payloads('caption'))} Photo: {esc(_payloads('credit'))} / AFP</figcaption></figure>")
    page = (f"<html><head><title>{esc(_payloads('page title'))}</title></head><body><article>"
            f"<h1>{esc(_payloads('headline'))}</h1>{body}{figure}</article></body></html>")
    return {"html": page, "title": _payloads("title") + str(i), "authors": [_payloads("author")],
            "source": _payloads("source"), "url": f"javascript:alert({i})//{_payloads('url')}"}


def _landing(folder: Path, image_scheme: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "hostile.jsonl").write_text("\n".join(json.dumps(_record(i, image_scheme)) for i in range(2)) + "\n",
                                          encoding="utf-8")
    return folder


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _assert_terminal_safe(text: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in text if (ord(c) < 32 and c not in "\n") or 0x7f <= ord(c) <= 0x9f
                  or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"})
    assert not bad, bad


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    wh = base / "wh"
    # A day judged broken (its bodies far shorter than the bound set here) fails validation, so the
    # failed run's report and messages are checked too. (A capital HTTPS no longer fails anything:
    # the scheme is normalised before the checks.)
    forced = {"NEWS_ETL_DRIFT_MIN_ROWS_TO_JUDGE": "1", "NEWS_ETL_DRIFT_BODY_WORDS_MIN_ABSOLUTE": "100000"}
    os.environ.update(forced)
    try:
        failed = _cli("run", "--input", str(_landing(base / "fails", "HTTPS")), "--warehouse", str(wh), "--date", DAY,
                      "--run-id", _run_id("fails/"), "--quiet")
    finally:
        for name in forced:
            os.environ.pop(name, None)
    published = _cli("run", "--input", str(_landing(base / "passes", "https")), "--warehouse", str(wh), "--date", DAY,
                     "--run-id", _run_id("passes/"), "--quiet")
    return wh, failed, published


def test_terminal_output_shows_control_characters_instead_of_obeying_them(runs):
    wh, failed, published = runs
    assert failed[0] == Exit.VALIDATION, failed[2]
    assert published[0] == Exit.OK, published[2]
    shown = _cli("show", "--warehouse", str(wh), "--date", DAY, "--rows", "5")
    assert shown[0] == Exit.OK, shown[2]
    for code, out, err in (failed, published, shown):
        _assert_terminal_safe(out + err)
    everything = "".join(failed[1:] + published[1:] + shown[1:])
    assert "\\x1b]0;PWNED\\x07" in everything  # the run id: shown, not obeyed
    assert "\\x1b" in shown[1]  # a title or a caption from the inputs, printed by `show`


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def _dump_dom(browser: str, page: Path, profile: Path) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--virtual-time-budget=3000", f"--user-data-dir={profile}"]
    proc = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class _Elements(HTMLParser):
    """Where a payload sits in a DOM as markup (an element, an attribute, script code), not as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if ACT in value or value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and ACT in data.lower():
            self.found.append(f"<script> {data[:60]!r}")


def _active_payloads(dom: str) -> list[str]:
    parser = _Elements()
    parser.feed(dom)
    return parser.found


def _notebook_tables(wh: Path, out: Path) -> Path:
    """The published tables as the notebook shows them (pandas' HTML rendering of the frames)."""
    warehouse = open_warehouse(wh)
    parts = [warehouse.read_table(t, DAY).to_pandas()._repr_html_() for t in schema.TABLE_NAMES]
    out.write_text("<!DOCTYPE html><html><head><title>tables</title></head><body>" + "".join(parts) + "</body></html>",
                   encoding="utf-8")
    return out


@pytest.mark.slow
def test_no_page_a_run_writes_runs_anything_from_the_inputs_in_chromium(runs, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (`apt-get install -y chromium`; .ci/run installs it in CI)")
    wh, failed, published = runs
    assert failed[0] == Exit.VALIDATION and published[0] == Exit.OK
    pages = sorted((wh / "_reports").rglob("*.html"))
    # both runs' Data Docs, whole: the index, and a suite and a validation page per table
    assert len([p for p in pages if p.name == "index.html"]) == 2
    assert len([p for p in pages if p.parent.parent.parent.parent.name == "validations"]) >= 2 * len(schema.TABLE_NAMES)
    pages.append(_notebook_tables(wh, tmp_path / "tables.html"))
    saw_payload_text = 0
    for page in pages:
        dom = _dump_dom(browser, page, tmp_path / "profile")
        root = re.search(r"<html[^>]*>", dom).group(0)
        assert MARK not in root, (page, root)
        title = re.search(r"<title>(.*?)</title>", dom, flags=re.S)
        # a payload would set the title to "PWNED <field>"; the run id itself (which holds the word) may show
        assert title is None or not re.fullmatch(r"\s*PWNED \w+\s*", html.unescape(title.group(1))), page
        assert _active_payloads(dom) == [], page
        saw_payload_text += "&lt;script&gt;document.documentElement" in dom
    # the payloads are on the page as text (the notebook's view of every table); GX's own rendering of
    # failing input values is checked on its real HTML in tests/validate/test_safe_docs.py
    assert saw_payload_text >= 1, saw_payload_text
