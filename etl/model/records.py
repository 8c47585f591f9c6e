"""Typed records passed between the stages. Stages exchange these, never DataFrames;
`etl.tables` turns them into typed tables once, at the end of a batch."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# Metadata keys an input container (JSON Lines record, WARC header, ...) may supply. Values given
# by the container override what the parser extracts from the page itself.
META_KEYS = ("id", "url", "title", "subtitle", "authors", "published_at", "source", "language",
             "section", "description", "keywords", "modified_at")


@dataclass
class SourceDocument:
    """One article-sized input after ingest: decoded text of a page plus container metadata."""

    source_uri: str
    kind: Literal["text", "html"]
    content: str
    meta: dict[str, Any] = field(default_factory=dict)
    # Timestamp of the capture (e.g. WARC-Date); used only when the page itself has no date.
    fetched_at: datetime | None = None
    raw_bytes: bytes | None = None  # the undecoded input, kept for quarantine if parsing fails


@dataclass
class Reject:
    """An input (or part of one) that could not be turned into an article."""

    source_uri: str
    reason: str  # short machine-readable code, e.g. "unsupported_kind", "decode_error"
    detail: str
    raw_bytes: bytes | None = None


@dataclass
class Caption:
    """An image caption as printed on the page, with its credit split into parts."""

    caption: str
    credit: str | None = None  # as written, e.g. "Andrew Caballero-Reynols / AFP"
    photographer: str | None = None
    agency: str | None = None
    image_url: str | None = None


@dataclass
class ParsedPage:
    """What a page reader (text or HTML) found in one page."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None  # timezone-aware, UTC
    body: str = ""  # paragraphs separated by one blank line
    captions: list[Caption] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    language: str | None = None
    section: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    modified_at: datetime | None = None  # timezone-aware, UTC
    # "day" when the page gave a date without a time of day (published_at is then 00:00 UTC), "time" otherwise
    published_precision: str | None = None


@dataclass
class Mention:
    """An entity mention. Offsets index the text of one field (title, subtitle, body or the
    caption at `field_index`): field_text[char_start:char_end] == text."""

    field: str
    field_index: int
    text: str
    label: str
    char_start: int
    char_end: int
    entity_key: str = ""  # set by resolution: which Entity of the article this mention belongs to


@dataclass
class Entity:
    """One distinct entity within one article, after resolution."""

    entity_key: str  # unique within the article; stable for the same input
    name: str
    label: str
    mention_count: int
    first_field: str
    first_char_start: int
    title: str | None = None  # honorific or role seen before the name ("President")
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None


@dataclass
class Quote:
    """A direct quotation in the body: body[char_start:char_end] == quote."""

    quote: str
    char_start: int
    char_end: int
    speaker: str | None = None  # canonical entity name
    speaker_mention: str | None = None  # words as written near the cue
    speaker_entity_key: str | None = None
    cue: str | None = None


@dataclass
class ArticleResult:
    """Everything extracted from one input article, ready for `etl.tables`."""

    source: SourceDocument
    page: ParsedPage
    article_id: str = ""
    content_sha256: str = ""
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    nlp_skipped_reason: str | None = None  # e.g. "language:de" when no model serves the language


@dataclass
class SkippedRecord:
    """A record of a container (e.g. a WARC request or an image response) that holds no page to
    read. Not an error: ingest yields these so a run can count them."""

    source_uri: str
    reason: str  # e.g. "warc_request", "not_html", "http_status"
    skipped: bool = True
