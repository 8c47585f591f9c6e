"""Direct quotations and their speakers (baseline: none found)."""
from __future__ import annotations

from etl.nlp.segments import Segment
from etl.records import Entity, Mention, Quote


def extract_quotes(body: str, body_segments: list[Segment], mentions: list[Mention],
                   entities: list[Entity]) -> list[Quote]:
    """Quotes in `body`; `body_segments` are its annotated paragraphs, `mentions`/`entities` the
    article's resolved entities (speakers are linked to them)."""
    return []
