"""Plain-text dumps: which line above the story is its headline. A headline sits shortly above
the story's first paragraph and shares words with its lead; a headline the page prints twice (a
heading and its share line) is taken over menus and account links that are repeated in the header."""
from __future__ import annotations

import re
from itertools import islice

from etl.parse.dates import find_dates
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
    above_block = headline_above_byline_block(lines, body_start)
    if above_block is not None:
        return above_block
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


# --- the headline above the byline block ---------------------------------------------------------------

# How far below the first paragraph read as the story's the byline block may sit (a standfirst in
# prose comes first on some pages).
_BLOCK_PAST_START = 3
# Lines between the heading and the byline block that are neither: a section label, an author's name,
# "Author of the article:", "By", a picture's caption and credit.
_BLOCK_LABEL_WORDS = 4
_BLOCK_SKIP = 6
_HEADING_LINES = 3  # headline, standfirst, and one more line of either
_DATED_LINE_WORDS = 10
_KICKER_WORDS = 5
_BYLINE_WORD = re.compile(r"^(?:by|von|par|por|di|av|door|af|tekst|text)$", re.I)


def _in_byline_block(line: Line) -> bool:
    """A line of the byline block: a byline, a date, or the bare word "By" over the author's name."""
    return line.kind in ("byline", "meta_date", "stamp") or bool(_BYLINE_WORD.match(line.text.strip()))


def _heading_line(line: Line) -> bool:
    """A line that can be the headline or the standfirst: a sentence or phrase of its own, not a list
    item, a credit or page furniture. A heading printed twice in a row reads as a caption shown twice
    and counts too."""
    if line.bullet or line.words <= _BLOCK_LABEL_WORDS or line.words > _MAX_HEADLINE_WORDS:
        return False
    if line.kind == "caption":
        return line.shown_twice
    # (a line stating when, however worded, belongs to the byline block: "Publiziert 17. Dezember 2024")
    return line.kind not in _DROPPED_KINDS and not line.text.endswith(":") \
        and not (line.words <= _DATED_LINE_WORDS and find_dates(line.text))


_MAX_HEADLINE_WORDS = 45


def headline_above_byline_block(lines: list[Line], body_start: int) -> tuple[int, int | None] | None:
    """(headline, standfirst) read from the header's shape: an article's heading (headline, perhaps
    a standfirst) stands directly above its byline and date, with at most a few short labels, the
    author's name or the lead picture's caption between them. The headline is the first line of
    that heading. None when the header has no byline block, or no heading above it."""
    lo = max(0, body_start - _TITLE_WINDOW)
    hi = min(len(lines), body_start + _BLOCK_PAST_START)
    block = next((i for i in range(hi - 1, lo - 1, -1) if _in_byline_block(lines[i])), None)
    if block is None:
        return None
    i = block - 1
    while i >= lo and block - i <= _BLOCK_SKIP and not lines[i].bullet and (
            _in_byline_block(lines[i]) or lines[i].words <= _BLOCK_LABEL_WORDS
            or lines[i].kind in ("caption", "credit") and not lines[i].shown_twice):
        i -= 1
    heading: list[int] = []
    while i >= lo and len(heading) < _HEADING_LINES and _heading_line(lines[i]):
        heading.append(i)
        i -= 1
    if not heading:
        return None
    title = heading[-1]
    # a kicker over the headline ("Sur vos écrans cette semaine", "US & Canada"): a few words over a
    # longer line that is not a standfirst (a standfirst is written in sentences)
    if len(heading) > 1 and lines[title].words <= _KICKER_WORDS < lines[heading[-2]].words \
            and not lines[heading[-2]].text.rstrip("\"'”’»)").endswith("."):
        title = heading[-2]
    # a breadcrumb ending in the headline ("Home › News › <headline>") gives way to the headline
    title = next((j for j in reversed(heading[:-1]) if lines[title].text.endswith(lines[j].text)), title)
    if _lead_share(lines, body_start, title) < _MIN_BLOCK_OVERLAP:
        return None  # a name, a menu or a teaser over the byline: nothing of the story in it
    subtitle = next((j for j in reversed(heading) if j > title and lines[j].text != lines[title].text), None)
    return title, subtitle


# A heading shaped by the byline block needs only a few of its words in the lead: its place says much.
_MIN_BLOCK_OVERLAP = 0.15


def _lead_share(lines: list[Line], body_start: int, i: int) -> float:
    lead: set[str] = set()
    for line in islice((ln for ln in lines[body_start:] if ln.kind == "prose"), _LEAD_LINES):
        lead |= _content_words(line.text)
    words = _content_words(lines[i].text)
    return len(words & lead) / len(words) if words else 0.0
