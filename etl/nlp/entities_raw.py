"""The model's own entities, with no resolution: the baseline that `entities.py` is measured
against (NEWS_ETL_ENTITY_RESOLUTION=off). Mentions are spaCy's spans as tagged; an entity is one
exact (text, label) pair of the article."""
from __future__ import annotations

from etl.nlp.entities import KEEP_LABELS
from etl.nlp.segments import Segment
from etl.model.records import Entity, Mention


def raw_entities(segments: list[Segment]) -> tuple[list[Mention], list[Entity]]:
    mentions: list[Mention] = []
    entities: dict[str, Entity] = {}
    for seg in segments:
        for ent in seg.doc.ents:
            if ent.label_ not in KEEP_LABELS or not ent.text.strip():
                continue
            key = f"{ent.label_}:{ent.text}"
            mentions.append(Mention(seg.field, seg.field_index, ent.text, ent.label_,
                                    seg.char_offset + ent.start_char, seg.char_offset + ent.end_char, key))
            if key not in entities:
                entities[key] = Entity(key, ent.text, ent.label_, 0, seg.field, seg.char_offset + ent.start_char)
            entities[key].mention_count += 1
    return mentions, list(entities.values())
