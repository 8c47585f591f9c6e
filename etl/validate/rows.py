"""Row-level quarantine: the checks that concern one article, run on its records before the
partition is assembled, and the partition-level gate on how many articles they turned away.

The expectation suites (expectations/) check the staged partition as a whole. Most of their
expectations are about one row of one article, though, and a defect in one article (a body of
emoji only, a caption URL in an odd form) would then fail the whole day. `article_problem` runs
those same per-article checks in plain Python on an ArticleResult; the pipeline turns an article
that fails one into a `rejects` row `invalid:<check>` (its child rows go with it, its raw bytes
to the quarantine), so the suites then only see articles that pass them and still gate what
only the partition can show (keys across articles, cross-table integrity, volume, drift).

A parser that breaks on every page would now show up as "many rejects" rather than as a failed
validation; `quarantine_gate` makes that a blocking failure past a share of the articles.

Pure: no I/O, no clock."""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl import config
from etl.model.records import ArticleResult
from etl.tables import word_count

INVALID_PREFIX = "invalid:"

# Kept in step with expectations/__init__.py (the suites read the same values from there).
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                           "LAW", "LANGUAGE"})
FIELDS = frozenset({"title", "subtitle", "body", "caption"})
_SHA256 = re.compile(r"[0-9a-f]{64}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_HTTP = re.compile(r"https?://", re.I)
_HTTP_LOWER = re.compile(r"https?://")


def _blank(text) -> bool:
    return not isinstance(text, str) or not text.strip()


def article_problem(r: ArticleResult) -> tuple[str, str] | None:
    """(check, detail) for the first per-article check `r` fails, or None when it passes them all.
    The check names are short codes that go into the reject's reason as `invalid:<check>`."""
    page = r.page
    if _blank(page.body):
        return "body_not_blank", "the article body is blank"
    if word_count(page.body) < 1:
        return "word_count", "the body holds no word (e.g. only emoji or punctuation)"
    if not isinstance(r.content_sha256, str) or not _SHA256.fullmatch(r.content_sha256):
        return "content_sha256", "content hash is not 64 lower-case hex digits"
    if page.language is not None and not (isinstance(page.language, str) and _LANGUAGE.fullmatch(page.language)):
        return "language", f"language {str(page.language)[:20]!r} is not an ISO 639-1 code"
    return _captions_problem(r) or _entities_problem(r) or _mentions_problem(r) or _quotes_problem(r)


def _captions_problem(r: ArticleResult):
    for pos, c in enumerate(r.page.captions):
        if _blank(c.caption):
            return "caption_not_blank", f"caption {pos} is blank"
        if c.image_url is not None and not _HTTP_LOWER.match(c.image_url):
            return "image_url", f"caption {pos}: image URL {c.image_url[:80]!r} is not an absolute http(s) URL"
    return None


def _entities_problem(r: ArticleResult):
    seen_keys, seen_names = set(), set()
    for e in r.entities:
        if e.entity_key in seen_keys or (e.name, e.label) in seen_names:
            return "entity_unique", f"entity {e.name!r} ({e.label}) appears twice"
        seen_keys.add(e.entity_key)
        seen_names.add((e.name, e.label))
        if _blank(e.name):
            return "entity_name_not_blank", "an entity has a blank name"
        if e.label not in ENTITY_LABELS:
            return "entity_label", f"entity label {e.label!r} is not a known label"
        if e.first_field not in FIELDS:
            return "entity_first_field", f"entity field {e.first_field!r} is not a known field"
        if not isinstance(e.mention_count, int) or e.mention_count < 1:
            return "entity_mention_count", f"entity {e.name!r} has {e.mention_count} mentions"
        if e.latitude is not None and not -90 <= e.latitude <= 90:
            return "entity_latitude", f"latitude {e.latitude} out of range"
        if e.longitude is not None and not -180 <= e.longitude <= 180:
            return "entity_longitude", f"longitude {e.longitude} out of range"
        if e.country_code is not None and not _COUNTRY.fullmatch(e.country_code):
            return "entity_country_code", f"country code {e.country_code!r} is not ISO 3166-1 alpha-2"
    return None


def _field_text(r: ArticleResult, field: str, index: int) -> str | None:
    page = r.page
    if field == "caption":
        return page.captions[index].caption if 0 <= index < len(page.captions) else None
    return {"title": page.title, "subtitle": page.subtitle, "body": page.body}.get(field) if index == 0 else None


def _mentions_problem(r: ArticleResult):
    keys = {e.entity_key for e in r.entities}
    spans = set()
    for m in r.mentions:
        span = (m.field, m.field_index, m.char_start, m.char_end)
        if span in spans:
            return "mention_unique", f"two mentions at {span}"
        spans.add(span)
        if m.label not in ENTITY_LABELS:
            return "mention_label", f"mention label {m.label!r} is not a known label"
        if m.field not in FIELDS:
            return "mention_field", f"mention field {m.field!r} is not a known field"
        src = _field_text(r, m.field, m.field_index)
        if src is None or not 0 <= m.char_start < m.char_end <= len(src) or src[m.char_start:m.char_end] != m.text:
            return "mention_span", f"mention {m.text[:40]!r} does not match {m.field}[{m.char_start}:{m.char_end}]"
        if "\n" in m.text:
            return "mention_single_line", f"mention {m.text[:40]!r} spans lines"
        if m.entity_key not in keys:
            return "mention_entity_exists", f"mention {m.text[:40]!r} points to no entity of the article"
    return None


def _quotes_problem(r: ArticleResult):
    keys = {e.entity_key for e in r.entities}
    body = r.page.body
    spans = set()
    for q in r.quotes:
        if (q.char_start, q.char_end) in spans:
            return "quote_unique", f"two quotes at {q.char_start}:{q.char_end}"
        spans.add((q.char_start, q.char_end))
        if not 0 <= q.char_start < q.char_end <= len(body) or body[q.char_start:q.char_end] != q.quote:
            return "quote_span", f"quote does not match body[{q.char_start}:{q.char_end}]"
        if _blank(q.quote):
            return "quote_not_blank", "a quote is blank"
        if q.speaker_entity_key and q.speaker_entity_key not in keys:
            return "quote_speaker_exists", "a quote's speaker points to no entity of the article"
    return None


# --- the partition-level gate -----------------------------------------------------------------
# Reasons that say "our code could not make sense of a page it read": many of these at once is a
# broken reader or normaliser, not a day of bad pages. (Refusals of whole inputs -- too large,
# unsupported kind, duplicates -- say nothing about the code and are not counted.)
GATED_REASONS = frozenset({"parse_error", "internal_error"})


def is_quarantined(reason: str) -> bool:
    return reason.startswith(INVALID_PREFIX) or reason in GATED_REASONS


@dataclass
class GateVerdict:
    passed: bool
    quarantined: int
    articles: int
    share: float
    max_share: float
    allowance: int

    def summary(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"quarantine gate {verdict}: {self.quarantined} of {self.articles + self.quarantined} articles "
                f"quarantined ({self.share:.1%}; at most {self.max_share:.1%}, or {self.allowance} whatever the share)")

    def as_dict(self) -> dict:
        return {"check": "quarantined share of articles", "passed": self.passed, "quarantined": self.quarantined,
                "articles": self.articles, "share": round(self.share, 6), "max_share": self.max_share,
                "allowance": self.allowance}


def quarantine_gate(reasons: list[str], articles: int, max_share: float | None = None,
                    allowance: int | None = None) -> GateVerdict:
    """Whether the share of articles quarantined by the row checks (among those that got that far:
    articles + quarantined) stays under NEWS_ETL_MAX_QUARANTINED_SHARE. A small day is not judged
    by a share alone: up to NEWS_ETL_QUARANTINE_ALLOWANCE quarantined articles always pass, so one
    hostile page among twenty does not block its day."""
    max_share = config.max_quarantined_share() if max_share is None else max_share
    allowance = config.quarantine_allowance() if allowance is None else allowance
    quarantined = sum(1 for r in reasons if is_quarantined(r))
    total = articles + quarantined
    share = quarantined / total if total else 0.0
    return GateVerdict(quarantined <= allowance or share <= max_share, quarantined, articles, share,
                       max_share, allowance)
