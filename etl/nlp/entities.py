"""Entity mentions and in-article resolution (baseline: raw spaCy entities, exact-text merge)."""
from __future__ import annotations

from etl.nlp.segments import Segment
from etl.records import Entity, Mention

KEEP_LABELS = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}


def extract_entities(segments: list[Segment]) -> tuple[list[Mention], list[Entity]]:
    """Mentions from annotated segments, grouped into per-article entities."""
    mentions: list[Mention] = []
    for seg in segments:
        for ent in seg.doc.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            mentions.append(Mention(seg.field, seg.field_index, ent.text, ent.label_,
                                    seg.char_offset + ent.start_char, seg.char_offset + ent.end_char))
    entities: dict[tuple[str, str], Entity] = {}
    for m in mentions:
        key = (m.text, m.label)
        m.entity_key = f"{m.label}:{m.text}"
        if key not in entities:
            entities[key] = Entity(m.entity_key, m.text, m.label, 0, m.field, m.char_start)
        entities[key].mention_count += 1
    return mentions, list(entities.values())
