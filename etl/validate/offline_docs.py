"""Data Docs a person can read offline, and a bounded number of them.

GX's site pulls Bootstrap, jQuery, Font Awesome and Vega from CDNs, builds its index lists with
JavaScript, shows each verdict as an icon font glyph, and copies ~4.5 MB of static files (fonts,
images) into every run's report. Offline that renders as a blank index and unstyled pages with
no visible verdicts. After GX has built a run's site, `make_offline`:
  * writes the index itself, as plain HTML: the run's verdict, then per suite its verdict in
    words and every expectation with its severity, expected bounds, observed value and verdict,
    linking GX's validation-result and suite pages;
  * rewrites GX's pages to need nothing from the network: external scripts, stylesheets and
    images removed (so are inline scripts, which only drive those libraries), a small stylesheet
    inlined, each status icon replaced by its verdict in words;
  * deletes the static folder.
The page content GX rendered (descriptions, observed values, unexpected examples) is unchanged."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#222;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem;margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f2f2f2}a{color:#0b5cad}
.verdict{font-weight:600;white-space:nowrap}
.passed{color:#17692e}.failed{color:#b00020}.warned{color:#8a5a00}.error{color:#8a5a00}
.alert{border:1px solid #ddd;padding:.4rem .6rem;margin:.3rem 0;background:#fafafa}
.badge{background:#eee;border-radius:3px;padding:0 .3rem}
code,pre,.show-scrollbars{font-family:ui-monospace,monospace;font-size:.85rem;overflow-wrap:anywhere}
nav{margin-bottom:1rem}.sr-only{display:none}
"""

# GX's status glyphs (Font Awesome classes) -> the verdict in words
_ICONS = [
    (re.compile(r'<i class="fas fa-check-circle text-success[^"]*"[^>]*></i>'),
     '<span class="verdict passed">passed</span>'),
    (re.compile(r'<i class="fas fa-times text-danger[^"]*"[^>]*></i>'),
     '<span class="verdict failed">failed</span>'),
    (re.compile(r'<i class="fas fa-exclamation-triangle text-warning[^"]*"[^>]*></i>'),
     '<span class="verdict error">error (the check could not run)</span>'),
]
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*/?>", re.S | re.I)
_STYLE_SHEET = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_HEAD_END = re.compile(r"</head>", re.I)


def offline_page(text: str) -> str:
    """One GX page rewritten to render fully without the network."""
    text = _SCRIPT.sub("", text)
    text = _LINK.sub("", text)
    text = _REMOTE_IMG.sub("", text)
    text = _STYLE_SHEET.sub("", text)  # GX's inline styles assume Bootstrap; ours replace them
    for pattern, words in _ICONS:
        text = pattern.sub(words, text)
    return _HEAD_END.sub(f"<style>{_CSS}</style></head>", text, count=1)


def _verdict(word: str) -> str:
    return f'<span class="verdict {word}">{word}</span>'


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _humane(expectation_type: str) -> str:
    return expectation_type.replace("_", " ")


def index_page(title: str, verdict: str, suites: list[dict], docs_dir: Path) -> str:
    """The site's index: every suite and every expectation with its verdict in words."""
    rows, sections = [], []
    for s in suites:
        result = next(iter(sorted((docs_dir / "validations" / s["name"]).rglob("*.html"))), None)
        result_link = (f'<a href="{_esc(result.relative_to(docs_dir).as_posix())}">validation result</a>'
                       if result else "")
        suite_link = f'<a href="expectations/{_esc(s["name"])}.html">suite</a>'
        failed = sum(1 for r in s["rows"] if r["verdict"] == "failed")
        warned = sum(1 for r in s["rows"] if r["verdict"] == "warned")
        word = "failed" if failed else ("warned" if warned else "passed")
        rows.append(f"<tr><td>{_esc(s['name'])}</td><td>{_verdict(word)}</td><td>{_esc(s.get('rows_validated'))}</td>"
                    f"<td>{len(s['rows'])}</td><td>{failed}</td><td>{warned}</td><td>{result_link} · {suite_link}</td></tr>")
        lines = [f"<tr><td>{_verdict(r['verdict'])}</td><td>{_esc(r['severity'])}</td>"
                 f"<td>{_esc(_humane(r['expectation']))}</td><td>{_esc(r.get('column'))}</td>"
                 f"<td>{_esc(r.get('expected'))}</td><td>{_esc(r.get('observed'))}</td><td>{_esc(r.get('notes'))}</td></tr>"
                 for r in s["rows"]]
        sections.append(
            f'<h3 id="suite-{_esc(s["name"])}">{_esc(s["name"])}: {_verdict(word)} ({suite_link}, {result_link})</h3>'
            "<table><tr><th>Verdict</th><th>Severity</th><th>Expectation</th><th>Column</th><th>Expected</th>"
            "<th>Observed</th><th>Notes</th></tr>" + "".join(lines) + "</table>")
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{_esc(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{_esc(title)}</h1>"
            f"<p>Verdict: {verdict}</p>"
            "<h2>Validation Results</h2><table><tr><th>Suite</th><th>Verdict</th><th>Rows</th><th>Expectations</th>"
            "<th>Failed (blocking)</th><th>Warned</th><th>Pages</th></tr>" + "".join(rows) + "</table>"
            "<h2>Expectation Suites</h2><p>Every expectation of every suite, with GX's severity: a failed "
            "<em>critical</em> expectation blocks publishing, a failed <em>warning</em> one is reported only.</p>"
            + "".join(sections) + "</body></html>")


def make_offline(docs_dir: Path, title: str, verdict: str, suites: list[dict]) -> None:
    """Rewrite the GX site in `docs_dir` to be self-contained (see the module's docstring).
    `suites`: [{"name", "rows_validated", "rows": [{"expectation", "column", "severity", "expected",
    "observed", "notes", "verdict": passed|failed|warned}]}]."""
    docs_dir = Path(docs_dir)
    for page in docs_dir.rglob("*.html"):
        if page.parent == docs_dir and page.name == "index.html":
            continue
        page.write_text(offline_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    (docs_dir / "index.html").write_text(index_page(title, verdict, suites, docs_dir), encoding="utf-8")
    shutil.rmtree(docs_dir / "static", ignore_errors=True)
