"""Article metadata printed in a text dump's header lines: the publisher named in a byline
("Jane Doe | Northfield Wire"), the section in a breadcrumb trail ("News › Local › Transport"), and
publication vs update times ("Published 3 Dec 2025 · Updated 6:15 PM GMT, Thu December 4, 2025").

An "Updated ..." time is when the page last changed, not when the article first appeared, so it
goes to `modified_at` and never to `published_at`."""
from __future__ import annotations

import re
from datetime import datetime

from etl.parse.dates import find_dated

# Words that switch a line between stating publication and stating an update.
_UPDATE = re.compile(r"(?i)\b(?:last\s+)?(?:updated|modified|edited|revised|upd\.)(?=\W|$)")
_PUBLISH = re.compile(r"(?i)\b(?:first\s+)?(?:published|posted|pub\.)(?=\W|$)")

Dated = tuple[datetime, bool]  # (UTC time, whether a time of day was given)


def line_dates(text: str, default_year: int | None = None) -> tuple[list[Dated], list[Dated]]:
    """The dates of one line, split into (publication, update) by the words before them: a date
    after "Updated" (until a "Published") is an update. Each part is read on its own, so a clock
    time is never borrowed across the two."""
    marks = sorted([(m.start(), m.end(), "update") for m in _UPDATE.finditer(text)]
                   + [(m.start(), m.end(), "publish") for m in _PUBLISH.finditer(text)])
    published: list[Dated] = []
    updated: list[Dated] = []
    pos, mode = 0, "publish"
    for start, end, kind in [*marks, (len(text), len(text), "publish")]:
        part = text[pos:start]
        if part.strip():
            found = [(dt, timed) for _, dt, timed in find_dated(part, default_year)]
            (updated if mode == "update" else published).extend(found)
        pos, mode = end, kind
    return published, updated


# A breadcrumb trail: two to six short steps joined by an arrow or a chevron ("News › Local",
# "Home > Sport > Football"). ">" and "/" are common in prose, so they need three steps.
_TRAIL_STRONG = re.compile(r"\s*[›»]\s*")
_TRAIL_WEAK = re.compile(r"\s+[>/]\s+")
_STEP = re.compile(r"^[^\W\d_][\w&'’ .-]{0,30}$")


def breadcrumb_section(text: str, headline: str | None = None) -> str | None:
    """"News › Local › Transport" from a breadcrumb line; None for any other line. A leading
    "Home" step and a last step repeating the headline are not part of the section."""
    for splitter, least in ((_TRAIL_STRONG, 2), (_TRAIL_WEAK, 3)):
        steps = [s.strip() for s in splitter.split(text.strip())]
        if not least <= len(steps) <= 6 or not all(_STEP.match(s) and len(s.split()) <= 4 for s in steps[:-1]):
            continue
        if headline and _words(steps[-1]) and _words(steps[-1]) == _words(headline)[-len(_words(steps[-1])):]:
            steps = steps[:-1]
        elif not (_STEP.match(steps[-1]) and len(steps[-1].split()) <= 4):
            continue
        if steps and steps[0].casefold() in ("home", "homepage", "start"):
            steps = steps[1:]
        return " › ".join(steps) if steps else None
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# "Jane Doe | Northfield Wire", "Jane Doe — Reuters": a name, a bar or dash, an organisation.
_BYLINE_ORG = re.compile(r"^(?:by\s+)?[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*(?:\||\s[–—-])\s*"
                         r"([A-Z][\w&.'’ -]{1,40}?)\s*$", re.I)
_NOT_AN_ORG = re.compile(
    r"(?i)\b(?:staff|senior|chief|political|correspondent|reporter|editor|writer|contributor|columnist|"
    r"journalist|producer|analyst|updated|published|posted|min|minutes?|read|ago)\b|\d")


def byline_organisation(text: str) -> str | None:
    """The organisation a "Name | Organisation" byline names (not a role: "Jane Doe - Senior Reporter")."""
    if not text or len(text) > 120:
        return None
    m = _BYLINE_ORG.match(text.strip())
    if not m or _NOT_AN_ORG.search(m.group(1)):
        return None
    org = m.group(1).strip(" .-")
    return org if org and org[0].isupper() else None
