"""Dates as printed on news pages -> timezone-aware UTC datetimes.

Handles the shapes datelines take in practice: "December 3, 2025", "Dec. 3rd, 2025", "3 December 2025",
"Sat 24 Feb 2024 12.42 CET", "Updated 5:02 PM EST, Tue March 4, 2025", "Jul 17, 2024, 11:21am",
ISO 8601 ("2024-01-07T01:20:00Z", "1996-12-06"). Relative dates ("3 hours ago") give None: without a
reference time they name no day. A date with no year gives None unless the caller supplies `default_year`.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

# UTC offsets in hours of the zone abbreviations English-language news sites print. Ambiguous ones
# ("IST") take the reading most common on such sites; a day-level answer rarely depends on it.
ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "bst": 1, "ist": 5.5, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "wet": 0,
    "west": 1, "msk": 3, "sast": 2, "cat": 2, "eat": 3, "wat": 1, "est": -5, "edt": -4, "et": -5, "cst": -6,
    "cdt": -5, "ct": -6, "mst": -7, "mdt": -6, "mt": -7, "pst": -8, "pdt": -7, "pt": -8, "akst": -9,
    "akdt": -8, "hst": -10, "aest": 10, "aedt": 11, "acst": 9.5, "acdt": 10.5, "awst": 8, "nzst": 12,
    "nzdt": 13, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8, "pkt": 5, "wib": 7,
}

_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_TIME = (r"(?P<hour>[0-2]?\d)(?:[:.](?P<minute>[0-5]\d))(?:[:.](?P<second>[0-5]\d))?(?:\s*(?P<ampm>[ap]\.?m\.?))?"
         r"|(?P<hour2>1[0-2]|0?\d)\s*(?P<ampm2>[ap]\.?m\.?)")
_ZONE = r"(?P<zone>[A-Za-z]{1,5}|[+-]\d\d:?\d\d)"

_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)"
                  r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?"
                  r"\s*(?P<zone>Z|[+-]\d\d:?\d\d)?)?", re.I)
_MDY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b,?\s*(?:{_YEAR}\b)?", re.I)
_DMY = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b,?\s*(?:{_YEAR}\b)?", re.I)
_TIME_RE = re.compile(rf"(?<![\d:.])(?:{_TIME})(?:\s+{_ZONE}\b)?", re.I)
_RELATIVE = re.compile(r"\b(\d+|an?|one)\s+(second|minute|min|hour|hr|day|week|month|year)s?\s+ago\b|\b(yesterday|today)\b", re.I)


def _zone_offset(zone: str | None) -> timedelta | None:
    if not zone:
        return None
    z = zone.strip()
    m = re.fullmatch(r"([+-])(\d\d):?(\d\d)", z)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    hours = ZONES.get(z.lower())
    return timedelta(hours=hours) if hours is not None else None


def _time_near(text: str, start: int, end: int) -> tuple[int, int, int, timedelta | None] | None:
    """A clock time printed within a few words of the date (before or after it)."""
    window_before = text[max(0, start - 30):start]
    window_after = text[end:end + 30]
    for window in (window_after, window_before):
        m = _TIME_RE.search(window)
        if not m:
            continue
        hour = m.group("hour") or m.group("hour2")
        ampm = (m.group("ampm") or m.group("ampm2") or "").lower().replace(".", "")
        h = int(hour)
        minute = int(m.group("minute") or 0)
        second = int(m.group("second") or 0)
        if ampm == "pm" and h < 12:
            h += 12
        elif ampm == "am" and h == 12:
            h = 0
        if h > 23:
            continue
        return h, minute, second, _zone_offset(m.group("zone"))
    return None


def _build(year: int, month: int, day: int, clock, offset: timedelta | None = None) -> datetime | None:
    try:
        h, mi, s, zone = clock if clock else (0, 0, 0, None)
        local = datetime(year, month, day, h, mi, s)
    except (ValueError, TypeError):
        return None
    off = offset if offset is not None else (zone if clock else None)
    if off is None:
        off = timedelta(0)
    return (local - off).replace(tzinfo=timezone.utc)


def find_dates(text: str, default_year: int | None = None) -> list[tuple[int, datetime]]:
    """Every absolute date in `text`, as (character position, UTC datetime), in reading order."""
    return [(pos, dt) for pos, dt, _ in find_dated(text, default_year)]


def find_dated(text: str, default_year: int | None = None) -> list[tuple[int, datetime, bool]]:
    """As find_dates, with whether each date came with a time of day (a bare date is stored as
    00:00 UTC, which is not the time it was published)."""
    if not text:
        return []
    found: list[tuple[int, datetime, bool]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _ISO.finditer(text):
        clock = None
        if m.group("hour"):
            clock = (int(m.group("hour")), int(m.group("minute")), int(m.group("second") or 0), None)
        dt = _build(int(m.group("year")), int(m.group("mon")), int(m.group("day")), clock,
                    _zone_offset(m.group("zone")) if m.group("zone") else None)
        if dt:
            found.append((m.start(), dt, clock is not None))
            taken.append(m.span())
    for pattern in (_MDY, _DMY):
        for m in pattern.finditer(text):
            if not free(*m.span()):
                continue
            year = int(m.group("year")) if m.group("year") else default_year
            if year is None:
                continue
            clock = _time_near(text, m.start(), m.end())
            dt = _build(year, MONTHS[m.group("mon").lower().rstrip(".")], int(m.group("day")), clock)
            if dt:
                found.append((m.start(), dt, clock is not None))
                taken.append(m.span())
    found.sort(key=lambda x: x[0])
    return found


def is_relative_date(text: str) -> bool:
    """True for "3 hours ago", "yesterday" and the like."""
    return bool(_RELATIVE.search(text or ""))


def parse_date(text: str | None, default_year: int | None = None) -> datetime | None:
    """The first absolute date in `text` as a UTC datetime, or None (relative or absent dates)."""
    if not text or not isinstance(text, str):
        return None
    try:
        dates = find_dates(text[:2000], default_year)
    except Exception:  # a parser must never take a page down with it
        return None
    return dates[0][1] if dates else None


def years_in(text: str) -> list[int]:
    """Four-digit years printed in `text` (used to date "December 3rd" from the page's own dates)."""
    return [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text or "")]
