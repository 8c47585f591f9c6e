"""Date strings as printed on pages -> UTC datetimes."""
from datetime import datetime, timezone

import pytest

from etl.parse.dates import find_dates, is_relative_date, parse_date


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("December 3, 2025", utc(2025, 12, 3)),
    ("Updated 5:02 PM EST, Tue March 4, 2025", utc(2025, 3, 4, 22, 2)),
    ("Sat 24 Feb 2024 12.42 CET", utc(2024, 2, 24, 11, 42)),
    ("Published Jul 17, 2024, 11:21am", utc(2024, 7, 17, 11, 21)),
    ("Dec. 3rd, 2025 at 11 p.m. ET", utc(2025, 12, 4, 4, 0)),
    ("2024-01-07T01:20:00Z", utc(2024, 1, 7, 1, 20)),
    ("2024-01-07T01:20:00+02:00", utc(2024, 1, 6, 23, 20)),
    ("AL-AIN , United Arab Emirates 1996-12-06", utc(1996, 12, 6)),
    ("on 28 April 2025, at the court", utc(2025, 4, 28)),
    ("3 hours ago", None),
    ("yesterday", None),
    ("on Wednesday, December 3rd,", None),
    ("February 30, 2024", None),
    ("", None),
    (None, None),
])
def test_parse_date(text, expected):
    got = parse_date(text)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_year_taken_from_caller_when_missing():
    assert parse_date("on Wednesday, December 3rd,", default_year=2025) == utc(2025, 12, 3)


def test_find_dates_in_reading_order():
    found = find_dates("Filed 2 March 2025; updated March 4, 2025 at 9:00 GMT")
    assert [d for _, d in found] == [utc(2025, 3, 2), utc(2025, 3, 4, 9, 0)]


def test_relative_dates():
    assert is_relative_date("Updated 3 hours ago")
    assert not is_relative_date("December 3, 2025")
