"""The article of a page that a script draws: its HTML sits in the page's data, not in the markup.

Pages built by script frameworks ship an empty shell plus the story's data in a <script> (a JSON state
object: `"contentHtml": "<p>…</p><div class=\\"caption\\">…</div>"`). A reader of the raw page sees no
story; the story is the longest HTML text held in that data. It is used only when the page itself shows
little text, so a page whose markup holds its story is never read from its data."""
from __future__ import annotations

import json
import re

import lxml.html

from etl.parse.html_dom import clean_space

# A JSON string literal long enough to hold a story (escapes kept, decoded afterwards).
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.){400,})"')
_PARAGRAPH_END = re.compile(r"</p\s*>", re.I)
_MIN_PARAGRAPHS = 2
_MIN_LETTERS = 400
_MAX_SCRIPT = 5_000_000  # characters of one script searched; bounds the time spent on huge bundles


def _letters(text: str) -> int:
    return len(re.findall(r"\w", text))


def embedded_story_html(tree: lxml.html.HtmlElement) -> tuple[str, int] | None:
    """The longest HTML fragment of at least two paragraphs held as a string in the page's scripts,
    with the letters of its text, or None."""
    best, best_letters = None, 0
    for script in tree.iter("script"):
        code = script.text or ""
        if len(code) < _MIN_LETTERS or ("<" not in code and "\\u003c" not in code.lower()):
            continue
        for m in _JSON_STRING.finditer(code[:_MAX_SCRIPT]):
            raw = m.group(1)
            if "<p" not in raw and "\\u003cp" not in raw.lower():
                continue
            try:
                html = json.loads(f'"{raw}"')
            except ValueError:
                continue
            if len(_PARAGRAPH_END.findall(html)) < _MIN_PARAGRAPHS:
                continue
            try:
                text = lxml.html.fromstring(f"<div>{html}</div>").text_content()
            except (lxml.etree.ParserError, ValueError):
                continue
            letters = _letters(clean_space(text))
            if letters >= _MIN_LETTERS and letters > best_letters:
                best, best_letters = html, letters
    # slots the script fills later ("$$ARTICLEAD$$", "{{ad}}") are not text
    return (_SLOT.sub(" ", best), best_letters) if best else None


_SLOT = re.compile(r"\$\$[A-Z0-9_]+\$\$|\{\{[^{}]{1,40}\}\}")


def shows_little(body: str, stated_letters: int, share: float) -> bool:
    """Does the page show less than `share` of the text its data holds (`stated_letters`)?"""
    return _letters(body) < share * stated_letters
