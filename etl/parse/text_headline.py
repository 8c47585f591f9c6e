"""Plain-text dumps: which line above the story is its headline. A headline sits shortly above
the story's first paragraph and shares words with its lead; a headline the page prints twice (a
heading and its share line) is taken over menus and account links that are repeated in the header."""
from __future__ import annotations

import re
from itertools import islice

from etl.parse.text_lines import ECHO_LEAD_IN, STOP_WORDS, Line, echo_key, echoes

_TITLE_WINDOW = 80
_DROPPED_KINDS = ("furniture", "credit", "caption", "meta_date", "byline", "label", "stamp")

def _neutral(line: Line) -> bool:
    return line.kind != "furniture" and not line.bullet


def _window_start(lines: list[Line], body_start: int) -> int:
    """Where the page's header (headline, dek, byline, lead image) can begin: after the last long menu."""
    lo = max(0, body_start - _TITLE_WINDOW)
    run = 0
    for i in range(body_start - 1, lo - 1, -1):
        run = run + 1 if lines[i].bullet or lines[i].kind == "furniture" and lines[i].words <= 3 else 0
        if run >= 8:
            return i + run
    return lo


def _headline(lines: list[Line], body_start: int) -> tuple[int | None, int | None]:
    window_start = _window_start(lines, body_start)
    candidates = [i for i in range(window_start, body_start) if _headline_like(lines[i])]
    if not candidates and body_start == 0 and len(lines) > 1 and _could_be_title(lines[0], lines):
        candidates = [0]
    if not candidates:
        return None, None
    title = _pick_title(lines, candidates, body_start)
    subtitle = None
    for i in candidates:
        if i > title and lines[i].text != lines[title].text and lines[i].words >= 6:
            subtitle = i
            break
    return title, subtitle


_LEAD_LINES = 4  # paragraphs of the story a headline is compared with
_MIN_TITLE_OVERLAP = 0.5


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOP_WORDS and not w.isdigit()}


def _pick_title(lines: list[Line], candidates: list[int], body_start: int) -> int:
    """The headline among the headline-like lines above the story. A headline tells the story in
    brief, so most of its words come back in the story's first paragraphs, which menus, account
    links and bylines do not: the first candidate sharing at least half its words with the lead
    wins (a standfirst or a picture's caption retelling the lead come after the headline). Without
    one, a line repeated in the header (page title, share text, heading) is taken, else the first
    candidate."""
    lead: set[str] = set()
    for line in islice((ln for ln in lines[body_start:] if ln.kind == "prose"), _LEAD_LINES):
        lead |= _content_words(line.text)
    shares: dict[int, float] = {}
    for i in candidates:
        words = _content_words(lines[i].text)
        if len(words) >= 2:
            shares[i] = len(words & lead) / len(words)
    telling = [i for i in candidates if shares.get(i, 0.0) >= _MIN_TITLE_OVERLAP]
    echoed = _echoed_headline(lines, body_start, lead)
    if echoed is not None and (not telling or ECHO_LEAD_IN.match(lines[telling[0]].text)
                               or echoed < telling[0] and echoes(lines, telling[0]) < 2):
        # the page prints its headline more than once (page title, heading, "Share this story: …"),
        # which the lines picked from the header alone do not show
        return echoed
    if telling:
        # a breadcrumb ending in the headline ("Home › News › <headline>") gives way to the headline
        return next((j for j in telling[1:] if lines[telling[0]].text.endswith(lines[j].text)), telling[0])
    texts = [lines[i].text for i in candidates]
    repeated = [i for i in candidates if texts.count(lines[i].text) > 1 and lines[i].words >= 4]
    return repeated[0] if repeated else candidates[0]


def _echoed_headline(lines: list[Line], body_start: int, lead: set[str]) -> int | None:
    """A headline-length line above the story's first paragraphs that the page prints at least twice
    and whose words come back in the lead: the page's title told again in its heading, its share
    text or its breadcrumb."""
    if not lead:
        return None
    counts: dict[str, int] = {}
    for ln in lines:
        key = echo_key(ln.text)
        if key:
            counts[key] = counts.get(key, 0) + 1
    # (a standfirst printed above the headline can open the story's region: look a few lines past it)
    for i in range(0, min(body_start + _ECHO_PAST_START, len(lines))):
        line = lines[i]
        if line.bullet or not 4 <= line.words <= 35 or line.kind in ("furniture", "caption", "credit", "byline") \
                or ECHO_LEAD_IN.match(line.text):
            continue
        if counts.get(echo_key(line.text), 0) < 2:
            continue
        words = _content_words(line.text)
        if len(words) >= 3 and len(words & lead) / len(words) >= _MIN_ECHO_OVERLAP:
            return i
    return None


_ECHO_PAST_START = 6
# A printed-twice line needs fewer of its words in the lead than a line seen once: menus repeat too,
# but share none of the story's words.
_MIN_ECHO_OVERLAP = 0.5


def _headline_like(line: Line) -> bool:
    if line.bullet or line.kind in _DROPPED_KINDS:
        return False
    if line.words < 3 or line.words > 45 or line.text.endswith(":"):
        return False
    return True


def _could_be_title(first: Line, lines: list[Line]) -> bool:
    """The first line of a clean article file: short, and followed by a separate paragraph."""
    return (first.words <= 25 and not first.bullet and first.kind != "furniture"
            and (lines[1].block != first.block or first.words <= 20))
