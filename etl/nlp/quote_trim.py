"""Punctuation around a quotation that belongs to the reporter's sentence, not to the speaker.

English news style puts the sentence's comma (and, after a fragment, its full stop) inside the
closing quotation mark: “…the patches are now older than some of our apprentices,” said Helen
Varga. The comma is the reporter's; the stored quote should be the speaker's words. Trimming only
moves the quote's offsets inward, so body[char_start:char_end] stays equal to the quote."""
from __future__ import annotations

from etl.model.records import Quote

# Marks that join a quotation to the surrounding sentence and are never the speaker's last word.
_JOINERS = ",;:—–-"
_SPACE = " \t\r\n\u00a0"


def trim_span(body: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without leading/trailing joiners and white space, and without a final full stop
    when the quotation is a fragment (it starts in lower case, so it is part of the reporter's
    sentence and the full stop ends that sentence). Question and exclamation marks and ellipses
    are kept: they are the speaker's. None when nothing but punctuation is left."""
    while start < end:
        before = (start, end)
        while start < end and (body[start] in _SPACE or body[start] in _JOINERS):
            start += 1
        while end > start and (body[end - 1] in _SPACE or body[end - 1] in _JOINERS):
            end -= 1
        if end - start > 1 and body[end - 1] == "." and body[end - 2] != "." and _fragment(body[start:end]):
            end -= 1
        if (start, end) == before:
            break
    if start >= end or not any(ch.isalnum() for ch in body[start:end]):
        return None
    return start, end


def _fragment(text: str) -> bool:
    first = next((ch for ch in text if ch.isalpha()), "")
    return first.islower()


def trim_quotes(body: str, quotes: list[Quote]) -> list[Quote]:
    """`quotes` with their spans trimmed in place; quotes left with no words are dropped."""
    kept = []
    for q in quotes:
        span = trim_span(body, q.char_start, q.char_end)
        if span is None:
            continue
        q.char_start, q.char_end = span
        q.quote = body[q.char_start:q.char_end]
        kept.append(q)
    return kept
