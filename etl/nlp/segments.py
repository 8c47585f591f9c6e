"""Cut an article's fields into the units spaCy sees: one line (paragraph) of one field.

NER runs per paragraph so that no mention can cross a field or paragraph boundary, and so that
many short texts can be streamed through `nlp.pipe` in batches.

The cost of a text in spaCy must stay linear in its length, so two kinds of line are cut before
the model sees them (offsets stay exact: a piece is a Segment like any other):
  * a run without spaces longer than `max_run` characters (the tokenizer's prefix/suffix search
    is quadratic in a run's length: 40 KB of `)` took 157 s in one piece) is cut every `max_run`;
  * a line longer than `max_piece` characters is cut at a space before that length, so no text
    comes near the model's `max_length` and no single Doc grows without bound.
And an article hands at most `max_chars` characters to the model (`article_segments`): the
caller says so in the article's nlp_status instead of dropping the rest silently."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_LINE = re.compile(r"[^\n]+")
_WORDY = re.compile(r"[^\W_]")
MAX_PIECE = 10_000  # characters; ordinary paragraphs are far shorter and are never cut


@dataclass
class Segment:
    """One paragraph of one field. `char_offset` is where `text` starts in the field's text,
    so an offset `i` in `doc` maps to `char_offset + i` in the field."""

    field: str  # "title", "subtitle", "body" or "caption"
    field_index: int  # caption position; 0 for the other fields
    char_offset: int
    text: str
    doc: Any = None  # spacy.tokens.Doc once annotated


def _max_run() -> int:
    from etl import config

    return config.nlp_max_token_chars()


def _pieces(line: str, max_run: int, max_piece: int) -> Iterator[tuple[int, int]]:
    """(start, end) pieces of `line`: the whole line unless it is too long or holds too long a run."""
    long_run = re.compile(r"\S{%d,}" % (max_run + 1))
    if len(line) <= max_piece and not long_run.search(line):
        yield 0, len(line)
        return
    cuts = {0, len(line)}
    for m in long_run.finditer(line):
        cuts.update(range(m.start(), m.end(), max_run))
        cuts.add(m.end())
    bounds = sorted(cuts)
    for start, end in zip(bounds, bounds[1:]):
        while end - start > max_piece:  # a long stretch of ordinary words: cut at a space
            space = line.rfind(" ", start + 1, start + max_piece)
            cut = space if space > start else start + max_piece
            yield start, cut
            start = cut
        yield start, end


def iter_field(field: str, field_index: int, text: str | None, max_run: int | None = None,
               max_piece: int = MAX_PIECE) -> Iterator[Segment]:
    """Non-blank lines of `text` (cut into pieces where too long), with leading/trailing spaces
    trimmed off (offsets kept exact), lazily."""
    max_run = max_run or _max_run()
    for m in _LINE.finditer(text or ""):
        line = m.group(0)
        for start, end in _pieces(line, max_run, max_piece):
            piece = line[start:end]
            stripped = piece.strip()
            if not stripped or (end - start < len(line) and not _WORDY.search(stripped)):
                # A cut-off piece without a letter or digit (a run of `)` or emoji) can hold no
                # entity, and costs the model ~a token per character.
                continue
            lead = len(piece) - len(piece.lstrip())
            yield Segment(field, field_index, m.start() + start + lead, stripped)


def split_field(field: str, field_index: int, text: str | None) -> list[Segment]:
    """Non-blank lines of `text`, with leading/trailing spaces trimmed off (offsets kept exact)."""
    return list(iter_field(field, field_index, text))


def article_segments(title: str | None, subtitle: str | None, body: str | None,
                     captions: list[str], max_chars: int | None = None) -> list[Segment]:
    """The segments of an article, title first; with `max_chars`, only as many as fit in that
    many characters (see `bounded_segments`)."""
    return bounded_segments(title, subtitle, body, captions, max_chars)[0]


def bounded_segments(title: str | None, subtitle: str | None, body: str | None, captions: list[str],
                     max_chars: int | None = None) -> tuple[list[Segment], bool]:
    """(segments, complete): the article's segments in field order until `max_chars` characters
    are reached, and whether none had to be left out. The body is read lazily, so a 19 MB body
    costs no more segments than fit under the limit."""
    fields = [("title", 0, title), ("subtitle", 0, subtitle), ("body", 0, body),
              *(("caption", i, cap) for i, cap in enumerate(captions))]
    segs: list[Segment] = []
    used, complete = 0, True
    for field, index, text in fields:
        for seg in iter_field(field, index, text):
            if max_chars is not None and used + len(seg.text) > max_chars:
                complete = False
                break  # the rest of this field is left out; later (short) fields may still fit
            used += len(seg.text)
            segs.append(seg)
    return segs, complete
