"""Small normalisers for the article metadata every reader shares: keyword lists, sections, the
publisher's name from a URL, and whether a stated time carries a time of day."""
from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

# Second-level labels under which registries sell names ("bbc.co.uk", "news.com.au"): the
# registered domain is then three labels long. Not the full public-suffix list, which is not
# installed; these cover the country domains news sites use.
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "news", "gob", "or", "ne", "go"})
_MAX_KEYWORDS = 50
_MAX_KEYWORD_CHARS = 80
_KEYWORD_SPLIT = re.compile(r"\s*[,;|]\s*")
# CMS bookkeeping some pages put among their keywords: ids ("8f507083-bac4-..."), and "Label: value"
# pairs ("Day: Friday", "Page Type: Article").
_NOT_A_KEYWORD = re.compile(r"^[0-9a-f]{8,}(?:-[0-9a-f]{4,})+$|^[0-9a-f]{16,}$|^[\w ]{1,30}:\s*\S", re.I)


def registered_domain(url: str | None) -> str | None:
    """"https://www.news.example.co.uk/a/b" -> "example.co.uk"; None for anything without a host
    name (IP addresses, localhost, file paths)."""
    if not url or not isinstance(url, str):
        return None
    try:
        host = urlsplit(url if "://" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return None
    labels = host.rstrip(".").split(".")
    take = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-take:])


def clean_keywords(values) -> list[str]:
    """Keywords as a list: a comma- (or semicolon-, bar-) separated string is split, a list is
    flattened one level; blanks, over-long entries and repeats (case-insensitive) are dropped."""
    if values is None:
        return []
    items = values if isinstance(values, (list, tuple)) else [values]
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, dict):  # JSON-LD DefinedTerm and kin
            item = item.get("name")
        if not isinstance(item, str):
            continue
        for piece in _KEYWORD_SPLIT.split(item):
            word = " ".join(piece.split()).strip(" #\"'")
            if not word or len(word) > _MAX_KEYWORD_CHARS or not re.search(r"[^\W_]", word) \
                    or _NOT_A_KEYWORD.search(word):
                continue
            key = word.casefold()
            if key not in seen:
                seen.add(key)
                out.append(word)
            if len(out) >= _MAX_KEYWORDS:
                return out
    return out


def clean_text(value) -> str | None:
    """One line of text: white space collapsed; None when empty or not text."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


_CLOCK = re.compile(r"\d{1,2}:\d{2}|\b\d{1,2}\s*[ap]\.?m\b", re.I)


def has_time_of_day(value) -> bool:
    """Whether a stated publication time gives the time of day: a datetime does (it may well be
    midnight), a date does not, a string does when it holds a clock time ("2025-12-03T09:30",
    "6:15 PM")."""
    if isinstance(value, datetime):
        return True
    if isinstance(value, date):
        return False
    return isinstance(value, str) and bool(_CLOCK.search(value))
