"""Cut an article's fields into the units spaCy sees: one line (paragraph) of one field.

NER runs per paragraph so that no mention can cross a field or paragraph boundary, and so that
many short texts can be streamed through `nlp.pipe` in batches."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_LINE = re.compile(r"[^\n]+")


@dataclass
class Segment:
    """One paragraph of one field. `char_offset` is where `text` starts in the field's text,
    so an offset `i` in `doc` maps to `char_offset + i` in the field."""

    field: str  # "title", "subtitle", "body" or "caption"
    field_index: int  # caption position; 0 for the other fields
    char_offset: int
    text: str
    doc: Any = None  # spacy.tokens.Doc once annotated


def split_field(field: str, field_index: int, text: str | None) -> list[Segment]:
    """Non-blank lines of `text`, with leading/trailing spaces trimmed off (offsets kept exact)."""
    out: list[Segment] = []
    for m in _LINE.finditer(text or ""):
        line = m.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        out.append(Segment(field, field_index, m.start() + lead, stripped))
    return out


def article_segments(title: str | None, subtitle: str | None, body: str | None,
                     captions: list[str]) -> list[Segment]:
    segs = split_field("title", 0, title) + split_field("subtitle", 0, subtitle) + split_field("body", 0, body)
    for i, cap in enumerate(captions):
        segs += split_field("caption", i, cap)
    return segs
