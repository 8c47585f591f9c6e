"""WARC files (plain or gzip-compressed): one SourceDocument per HTML response, streamed."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from etl import config
from etl.ingest.encoding import charset_from_header
from etl.records import Reject, SkippedRecord, SourceDocument

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, make_document: Callable[..., SourceDocument | Reject]
              ) -> Iterator[SourceDocument | Reject | SkippedRecord]:
    """Documents for HTML responses, SkippedRecords for every other record, and a Reject where
    the file stops being readable (truncated or corrupt); records before that are kept."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limit_records = config.max_records_per_file()
    limit_bytes = config.max_input_bytes()
    offset = 0
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        count = 0
        try:
            for record in records:
                offset = records.get_record_offset()
                uri = f"{path}#{offset}"
                count += 1
                if count > limit_records:
                    yield Reject(uri, "too_many_records", f"records after the first {limit_records} are not read")
                    return
                yield _record(record, uri, limit_bytes, make_document)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            yield Reject(f"{path}#{offset}", "truncated", f"WARC unreadable after offset {offset}: {exc}")
        except Exception as exc:  # zlib.error from a damaged gzip member derives from Exception only
            yield Reject(f"{path}#{offset}", "truncated", f"WARC unreadable after offset {offset}: "
                                                          f"{type(exc).__name__}: {exc}")


def _record(record, uri: str, limit_bytes: int, make_document) -> SourceDocument | Reject | SkippedRecord:
    if record.rec_type != "response":
        return SkippedRecord(uri, f"warc_{record.rec_type}")
    http = record.http_headers
    if http is None:
        return SkippedRecord(uri, "not_http")
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return SkippedRecord(uri, f"http_status_{status or 'unknown'}")
    content_type = (http.get_header("Content-Type") or "").lower()
    if content_type and not any(t in content_type for t in _HTML_TYPES):
        return SkippedRecord(uri, "not_html")
    stream = record.content_stream()
    data = stream.read(limit_bytes + 1)
    if len(data) > limit_bytes:
        # Drain the rest so the iterator can find the next record.
        while stream.read(1 << 16):
            pass
        return Reject(uri, "too_large", f"HTTP body larger than {limit_bytes} bytes")
    if not content_type and b"<html" not in data[:2048].lower():
        return SkippedRecord(uri, "not_html")
    target = record.rec_headers.get_header("WARC-Target-URI")
    meta = {"url": target} if target else {}
    doc = make_document(uri, "html", data, meta, declared=charset_from_header(content_type))
    if isinstance(doc, SourceDocument):
        doc.fetched_at = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    return doc


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, UTC, e.g. 2024-05-01T12:00:00Z) as an aware UTC datetime."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
