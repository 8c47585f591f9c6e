"""The table registry: every published table, its columns, Arrow types, key and meaning.

Writers cast to these schemas (a column missing or of the wrong type is an error, not a silent
coercion); the data dictionary (docs/tables.md) is generated from here."""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

PARTITION_COLUMN = "ingest_date"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    row_meaning: str  # what one row is, in one line
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    parent_key: str | None = "article_id"  # column that must exist in `articles`

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        """Schema of the Parquet files (the partition column lives in the path, not the file)."""
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


_TS = pa.timestamp("us", tz="UTC")
_S = pa.string()
# Parquet names a list's item field "element" and readers give it back under that name: declaring it so
# keeps the registry, the files and the data dictionary saying the same type.
_STRINGS = pa.list_(pa.field("element", _S))

ARTICLE_ID = Column("article_id", _S, "Deterministic article id: hash of the URL when known, else of the content.", False)

TABLES: dict[str, Table] = {}


def _register(t: Table) -> Table:
    TABLES[t.name] = t
    return t


ARTICLES = _register(Table(
    "articles",
    "One news article found in an input, after duplicates within the partition are removed.",
    (
        ARTICLE_ID,
        Column("source_uri", _S, "Input the article came from: file path, `path#L<line>` for JSON Lines, `path#<offset>` for WARC.", False),
        Column("url", _S, "Canonical URL of the article, when known."),
        Column("source", _S, "Publisher's name: the site name the page states, else the organisation of its byline "
               "(\"Jane Doe | Northfield Wire\"), else the registered domain of its URL."),
        Column("section", _S, "Section of the site the article is filed under, as the page names it "
               "(\"News › Local › Transport\" for a breadcrumb trail)."),
        Column("title", _S, "Headline."),
        Column("subtitle", _S, "Standfirst / dek under the headline."),
        Column("description", _S, "The summary the page gives for search and sharing (meta/OpenGraph/JSON-LD description)."),
        Column("authors", _STRINGS, "Author names, without 'By', roles or site names.", False),
        Column("keywords", _STRINGS, "Keywords / tags the page declares, in its order, without repeats.", False),
        Column("published_at", _TS, "Publication time in UTC (null when the page gives none; an \"Updated ...\" "
               "time is never taken for it). A date without a time is stored as 00:00 UTC: see published_at_precision."),
        Column("published_at_precision", _S, "`time` when the page gave a time of day, `day` when only a date "
               "(then the time and the zone of published_at are not known); null when published_at is."),
        Column("modified_at", _TS, "Time of the last update the page states (\"Updated 6:15 PM GMT\", dateModified), in UTC."),
        Column("language", _S, "ISO 639-1 language code of the body."),
        Column("body", _S, "Article text only: paragraphs separated by one blank line; no furniture, captions or credits.", False),
        Column("word_count", pa.int32(), "Words in `body`.", False),
        Column("content_sha256", _S, "SHA-256 of `body` (hex); equal bodies are duplicates.", False),
        Column("nlp_status", _S, "`ok`, or why entities/quotes were not (all) extracted: `skipped:language=de`, `partial:nlp_max_chars=<n>` (text past the NLP limit left out), `error:<exception>`.", False),
        Column("pipeline_version", _S, "news-etl version that produced the row.", False),
    ),
    ("article_id",),
    parent_key=None,
))

ENTITY_MENTIONS = _register(Table(
    "entity_mentions",
    "One mention of a named entity in one field of an article.",
    (
        ARTICLE_ID,
        Column("mention_id", _S, "Deterministic id of the mention (article, field, offsets).", False),
        Column("entity_id", _S, "The entity (row of `entities`) this mention refers to.", False),
        Column("entity_key", _S, "Global key of the entity, the same across articles and days: `entities.entity_key`.", False),
        Column("text", _S, "The mention as written: field_text[char_start:char_end].", False),
        Column("label", _S, "OntoNotes entity label of the mention's entity (PERSON, ORG, GPE, ...).", False),
        Column("field", _S, "Field of the article holding the mention: title, subtitle, body or caption.", False),
        Column("field_index", pa.int32(), "Caption position for field=caption; 0 otherwise.", False),
        Column("char_start", pa.int32(), "Start offset into the field's text.", False),
        Column("char_end", pa.int32(), "End offset (exclusive) into the field's text.", False),
    ),
    ("mention_id",),
))

ENTITIES = _register(Table(
    "entities",
    "One distinct entity within one article, its mentions resolved together.",
    (
        ARTICLE_ID,
        Column("entity_id", _S, "Deterministic id: article id + canonical name + label.", False),
        Column("entity_key", _S, "Global key of the real-world entity, the same across articles and days "
               "(`person:donald trump`, `place:6252001` (GeoNames id), `org:NATO`); see the entity directory below.", False),
        Column("name", _S, "Canonical name: the fullest proper form in the article (\"Donald Trump\").", False),
        Column("label", _S, "OntoNotes label chosen by evidence across the mentions.", False),
        Column("mention_count", pa.int32(), "Mentions of the entity in the article.", False),
        Column("first_field", _S, "Field of the first mention.", False),
        Column("first_char_start", pa.int32(), "Offset of the first mention in that field.", False),
        Column("title", _S, "Honorific or role written before the name (\"President\"), if any."),
        Column("country_code", _S, "ISO 3166-1 alpha-2 country of a place (GPE/LOC), from the offline gazetteer."),
        Column("latitude", pa.float64(), "Latitude of a resolved place."),
        Column("longitude", pa.float64(), "Longitude of a resolved place."),
        Column("geonames_id", pa.int64(), "GeoNames id of a resolved place."),
    ),
    ("entity_id",),
))

QUOTES = _register(Table(
    "quotes",
    "One direct quotation in an article's body, with its speaker.",
    (
        ARTICLE_ID,
        Column("quote_id", _S, "Deterministic id: article id + offsets.", False),
        Column("quote", _S, "The words inside the quotation marks: body[char_start:char_end].", False),
        Column("char_start", pa.int32(), "Start offset into `articles.body`.", False),
        Column("char_end", pa.int32(), "End offset (exclusive) into `articles.body`.", False),
        Column("speaker", _S, "Canonical name of the speaker's entity, or null when unresolved or unnamed "
               "(\"a top Trump adviser\" is not Trump)."),
        Column("speaker_mention", _S, "The speaker as written nearest the cue (\"he\", \"Kremlin spokesman Dmitry Peskov\")."),
        Column("speaker_entity_id", _S, "The speaker's row in `entities`, or null."),
        Column("speaker_key", _S, "The speaker's global key (the same person across articles and days): the `entity_key` of "
               "`speaker_entity_id`; for a speaker no entity holds, of the person its mention names when the partition "
               "knows that person by full name (\"Trump\" -> `person:donald trump`); else null."),
        Column("cue", _S, "Reporting verb or phrase (\"said\", \"according to\")."),
    ),
    ("quote_id",),
))

IMAGE_CAPTIONS = _register(Table(
    "image_captions",
    "One image caption of an article, with its credit.",
    (
        ARTICLE_ID,
        Column("caption_id", _S, "Deterministic id: article id + position.", False),
        Column("position", pa.int32(), "Order of the image in the page (0-based).", False),
        Column("image_url", _S, "Absolute image URL (null for text input)."),
        Column("caption", _S, "Caption text, without the credit.", False),
        Column("credit", _S, "Credit as written (\"Andrew Caballero-Reynols / AFP\")."),
        Column("photographer", _S, "Person credited for the image."),
        Column("agency", _S, "Agency or organisation credited (\"AFP\", \"Getty Images\")."),
    ),
    ("caption_id",),
))

REJECTS = _register(Table(
    "rejects",
    "One input (file or record) that could not be turned into an article, and why.",
    (
        Column("reject_id", _S, "Deterministic id: hash of source_uri + reason.", False),
        Column("source_uri", _S, "The input (file path, `path#L<line>`, `path#<offset>`).", False),
        Column("reason", _S, "Short code: unsupported_kind, decode_error, too_large, empty, no_article, bad_json, timeout, too_costly, not_a_file, symlink_loop, ...; `invalid:<check>` for an article that failed a row check.", False),
        Column("detail", _S, "Human-readable explanation.", False),
        Column("quarantine_path", _S, "Where the raw bytes were kept, relative to the warehouse, if kept."),
    ),
    ("reject_id",),
    parent_key=None,
))

TABLE_NAMES = tuple(TABLES)

# A view, not a stored table: computed on read from the published partitions by
# `etl.entity_directory(warehouse)`, so it can never disagree with them (see docs/tables.md).
ENTITY_DIRECTORY = Table(
    "entity_directory",
    "One real-world entity (one `entity_key`) over every published partition read.",
    (
        Column("entity_key", _S, "Global key of the entity (`entities.entity_key`).", False),
        Column("name", _S, "Preferred name: the canonical name most articles gave it (ties: the longer, then alphabetical).", False),
        Column("label", _S, "The label most articles gave it.", False),
        Column("aliases", pa.list_(_S), "Every distinct name and mention text seen for it, sorted.", False),
        Column("first_day", _S, "First `ingest_date` it was mentioned on (YYYY-MM-DD).", False),
        Column("last_day", _S, "Last `ingest_date` it was mentioned on.", False),
        Column("days", pa.int32(), "Partitions it was mentioned in.", False),
        Column("article_count", pa.int32(), "Articles that mention it.", False),
        Column("mention_count", pa.int64(), "Mentions of it, over all those articles.", False),
        Column("quote_count", pa.int64(), "Quotes whose `speaker_key` is this key.", False),
    ),
    ("entity_key",),
    parent_key=None,
)
