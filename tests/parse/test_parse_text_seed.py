"""The committed seed page must be read exactly: headline, dek, one caption with its credit, clean body."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from etl.parse.text import read_text_page

SEED = Path(__file__).resolve().parents[2] / "seeds" / "2025-12-03" / "000_300d874ee8deddb0.txt"
DEK = "The White House has voiced optimism, while Moscow says more work is needed but it is open to diplomacy."
CAPTION = ("U.S. President Donald Trump speaks to the press in the Oval Office of the White House in "
           "Washington, D.C. on December 3, 2025.")


@pytest.fixture(scope="module")
def page():
    return read_text_page(SEED.read_text(encoding="utf-8"))


def test_title_and_subtitle(page):
    assert page.title == "Trump: Putin Wants To End the War"
    assert page.subtitle == DEK


def test_body_spans_first_to_last_paragraph(page):
    assert page.body.startswith("President Donald Trump said on Wednesday, December 3rd,")
    assert page.body.endswith("Kremlin spokesman Dmitry Peskov said.")
    assert "\n\n\n" not in page.body


@pytest.mark.parametrize("furniture", [
    "You may also like", "Leave a Reply", "Our community starts with you", "Subscribe", "READ NEXT",
    "Andrew Caballero-Reynols", "Oval Office of the White House in Washington", DEK,
])
def test_body_has_no_furniture_caption_credit_or_dek(page, furniture):
    assert furniture not in page.body


def test_published_from_the_pages_own_dates(page):
    assert page.published_at is not None
    assert page.published_at.tzinfo is not None
    assert page.published_at.astimezone(timezone.utc).date() == datetime(2025, 12, 3).date()


def test_one_caption_with_split_credit(page):
    assert len(page.captions) == 1
    cap = page.captions[0]
    assert cap.caption == CAPTION
    assert cap.credit == "Andrew Caballero-Reynols / AFP"
    assert cap.photographer == "Andrew Caballero-Reynols"
    assert cap.agency == "AFP"
    assert cap.image_url is None
